// Fault injection: nothing lost, nothing doubled.
//
// Every test drives the real app in Chromium against the real protocol-server with its
// fault injection (GET/PUT /_test/faults: the same settings as the CLI flags
// `--latency-ms`, `--fail-rate`, `--fail-after-commit-rate`, switched on after the page
// has loaded so the test measures sending, not the first load), the browser's offline
// mode, or a proxy (lib/proxy.mjs) that cuts the live stream or answers with garbage. Each
// ends with an exact comparison of what the user typed against what the server stored.
//
// Run: cd tests/e2e && node --test --test-concurrency=1 faults.test.mjs

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, composer, feed, articles, articleWithText, articleById, statusOf, waitUntil,
  messageAction, watchConsole, walkFeed, FRANK, KEVIN, CONVERSATION,
} from './lib/harness.mjs';
import { startProxy } from './lib/proxy.mjs';

const env = useSuite('faults');
const proxies = [];
after(async () => { for (const p of proxies) await p.stop(); });

/** Types each text into the composer and presses Enter, as fast as a person pasting. */
async function typeAll(page, texts) {
  const box = composer(page);
  await box.click();
  for (const t of texts) {
    await box.fill(t);
    await box.press('Enter');
  }
}

/**
 * Every bubble whose text contains `prefix` ({ key, id, status, pos, text }), in screen order. The
 * feed is windowed, so this scrolls up through it (see walkFeed) until it is above the
 * first such bubble, then back to the bottom.
 */
async function bubbles(page, prefix) {
  const byKey = new Map();
  await walkFeed(feed(page), (rows) => {
    for (const row of rows) if (row.text.includes(prefix)) byKey.set(row.key, row);
    // Above the burst: the topmost row in the DOM is an older, unrelated message.
    return byKey.size > 0 && rows.length > 0 && !rows[0].text.includes(prefix);
  });
  return [...byKey.values()].sort((a, b) => a.pos - b.pos);
}

/** Waits until exactly `texts.length` bubbles carry `prefix` and all are "sent". */
async function waitAllSent(page, prefix, texts, timeout) {
  let last = [];
  try {
    await waitUntil(async () => {
      last = await bubbles(page, prefix);
      return last.length === texts.length && last.every((b) => b.status === 'sent');
    }, { timeout, interval: 1000, message: `all ${texts.length} bubbles "${prefix}…" to be sent` });
  } catch (e) {
    const counts = {};
    for (const b of last) counts[b.status] = (counts[b.status] || 0) + 1;
    throw new Error(`${e.message}; on screen: ${last.length} bubbles ${JSON.stringify(counts)}`);
  }
  return last;
}

/** The server's messages whose text starts with `prefix`, oldest first (creation order). */
async function stored(prefix, conversation = CONVERSATION) {
  const all = await env.server.allMessages(conversation);
  return all.filter((m) => m.message.startsWith(prefix)).reverse();
}

function assertExactlyOnceInOrder(server, typed, label) {
  const texts = server.map((m) => m.message);
  const counts = new Map();
  for (const t of texts) counts.set(t, (counts.get(t) || 0) + 1);
  const doubled = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
  const lost = typed.filter((t) => !counts.has(t));
  assert.deepEqual({ doubled, lost }, { doubled: [], lost: [] }, `${label}: nothing lost, nothing doubled`);
  assert.equal(texts.length, typed.length, `${label}: the server stores exactly ${typed.length}`);
  return texts;
}

/** Index pairs (i, j) with i < j typed but stored the other way round. */
function inversions(typed, storedTexts) {
  const pos = new Map(storedTexts.map((t, i) => [t, i]));
  let n = 0;
  for (let i = 1; i < typed.length; i++) if (pos.get(typed[i - 1]) > pos.get(typed[i])) n++;
  return n;
}

const noPanic = (errors) => errors.filter((e) => /panicked|RuntimeError|unreachable|pageerror/i.test(e));

test('200 quick sends with fail rate 0.3 and latency 0..800 ms: stored once each, in typing order, all "sent"', env.wrap(async () => {
  const page = await env.openChat();
  const prefix = uniq('burst');
  const typed = Array.from({ length: 200 }, (_, i) => `${prefix} #${String(i).padStart(3, '0')}`);
  await env.server.setFaults({ fail_rate: 0.3, latency_ms: '0..800' });
  const t0 = Date.now();
  await typeAll(page, typed);
  // Typing order means one POST on the wire at a time: about 200 × 1.4 attempts × 0.4 s of
  // injected latency, plus retries after 0.25, 0.5, 1 s … (a failing first message holds
  // back the ones behind it). Typically 130–160 s.
  const screen = await waitAllSent(page, prefix, typed, 230_000);
  const seconds = (Date.now() - t0) / 1000;
  await env.server.setFaults({});
  const server = await stored(prefix);
  const texts = assertExactlyOnceInOrder(server, typed, '200 sends');
  // Screen: one bubble each, carrying the server's id.
  const ids = new Set(server.map((m) => m.id));
  assert.equal(screen.filter((b) => ids.has(b.id)).length, 200, 'every bubble took its server id');
  const inv = inversions(typed, texts);
  assert.equal(inv, 0, `the server stores them in typing order (${inv} neighbours swapped; first stored: ${texts.slice(0, 5).map((t) => t.slice(-4)).join(', ')}; all sent after ${seconds.toFixed(1)} s)`);
  assert.deepEqual(noPanic(page.consoleErrors), []);
}));

test('answers lost after commit (fail-after-commit 0.5): every message stored exactly once', env.wrap(async () => {
  const page = await env.openChat();
  const prefix = uniq('lost');
  const typed = Array.from({ length: 30 }, (_, i) => `${prefix} #${String(i).padStart(2, '0')}`);
  await env.server.setFaults({ fail_after_commit_rate: 0.5 });
  await typeAll(page, typed);
  await waitAllSent(page, prefix, typed, 90_000);
  await env.server.setFaults({});
  const server = await stored(prefix);
  assertExactlyOnceInOrder(server, typed, 'lost answers');
  // And the screen shows each once (no second bubble from the live echo).
  for (const t of typed.slice(0, 5)) assert.equal(await articleWithText(page, t).count(), 1, `one bubble for ${t}`);
}));

test('offline 30 s while sending 10, reload while offline, back online: exactly 10', env.wrap(async () => {
  const b = env.browsers[0];
  const page = await env.openChat();
  const prefix = uniq('offline');
  const typed = Array.from({ length: 10 }, (_, i) => `${prefix} #${i}`);
  // Phase 1: the browser's real offline mode (navigator.onLine false, every request fails).
  await b.context.setOffline(true);
  const t0 = Date.now();
  for (const t of typed) {
    await typeAll(page, [t]);
    await page.waitForTimeout(1500);
  }
  await waitUntil(async () => (await bubbles(page, prefix)).length === 10, { timeout: 5000, message: '10 bubbles shown while offline' });
  const wait = 30_000 - (Date.now() - t0);
  if (wait > 0) await page.waitForTimeout(wait);
  assert.equal((await stored(prefix)).length, 0, 'nothing reached the server while offline');
  // Phase 2: reload "while offline". A full offline mode would also fail to load the app's
  // own files (nothing caches them), so for the reload only the API is unreachable: every
  // /v1 request is aborted as a network failure (what the app sees offline), while the
  // static files still load.
  const blockApi = (route) => route.abort('internetdisconnected');
  await page.route('**/v1/**', blockApi);
  await b.context.setOffline(false);
  await page.reload();
  // The unsent messages should come back from storage at once, even with the API down.
  const problems = [];
  const shown = await waitUntil(async () => (await bubbles(page, prefix)).length === 10, { timeout: 10_000, message: 'x' })
    .then(() => true, () => false);
  if (!shown) {
    const alertText = await page.getByRole('alert').allInnerTexts().catch(() => []);
    problems.push(`after the reload with the API unreachable, the 10 unsent messages are not shown (${(await bubbles(page, prefix)).length} bubbles; alert: ${JSON.stringify(alertText)})`);
  } else {
    const restored = await bubbles(page, prefix);
    assert.ok(restored.every((x) => x.status !== 'sent'), `none is "sent" yet: ${restored.map((x) => x.status)}`);
  }
  assert.equal((await stored(prefix)).length, 0, 'still nothing on the server');
  // Phase 3: back online (offline -> online fires the 'online' event, as a real network does).
  await b.context.setOffline(true);
  await page.unroute('**/v1/**', blockApi);
  await b.context.setOffline(false);
  const auto = await waitAllSent(page, prefix, typed, 30_000).then(() => true, () => false);
  if (!auto) {
    const retry = page.getByRole('alert').getByRole('button', { name: 'Retry', exact: true });
    const alerts = await page.getByRole('alert').allInnerTexts();
    let clicks = 0;
    for (let i = 0; i < 4 && (await retry.count()) > 0; i++) {
      await retry.first().click().catch(() => {});
      clicks += 1;
      await page.waitForTimeout(1000);
    }
    problems.push(`back online (the 'online' event fired), nothing went out by itself within 30 s; alerts shown: ${JSON.stringify(alerts)}; delivered only after ${clicks} click(s) on "Retry"`);
    await waitAllSent(page, prefix, typed, 60_000);
  }
  const server = await stored(prefix);
  assertExactlyOnceInOrder(server, typed, 'offline');
  const inv = inversions(typed, server.map((m) => m.message));
  if (inv) problems.push(`not in typing order: ${inv} neighbours swapped (stored: ${server.map((m) => m.message.slice(-2)).join(',')})`);
  assert.deepEqual(problems, [], 'offline, reload, online: exactly 10, each once, but');
}));

test('edits and deletes under faults: the final screen equals the server state', env.wrap(async () => {
  const prefix = uniq('mut');
  // Setup through the API: 10 of Kevin's own messages.
  const made = [];
  for (let i = 0; i < 10; i++) made.push(await env.server.send(KEVIN.token, `${prefix} #${i}`));
  const page = await env.openChat();
  await articleById(page, made[9].id).waitFor({ state: 'visible', timeout: 10_000 });
  await env.server.setFaults({ fail_rate: 0.3, fail_after_commit_rate: 0.2, latency_ms: '0..300' });
  const actions = [];
  for (let i = 0; i < 10; i++) {
    const id = made[i].id;
    const art = articleById(page, id);
    if ((await art.count()) === 0) continue;
    if (i % 3 === 2) {
      await (await messageAction(art, 'Delete')).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      actions.push(`delete ${i}`);
    } else {
      await (await messageAction(art, 'Edit')).click();
      const box = art.getByRole('textbox', { name: 'Edit message', exact: true });
      await box.fill(`${prefix} #${i} edited`);
      await box.press('Enter');
      actions.push(`edit ${i}`);
    }
    await page.waitForTimeout(150);
  }
  // Let everything settle: faults off, answers (and their live events) in.
  await page.waitForTimeout(1500);
  await env.server.setFaults({});
  let serverState;
  let screenState;
  await waitUntil(async () => {
    const all = await env.server.allMessages();
    serverState = Object.fromEntries(made.map((m) => [m.id, all.find((x) => x.id === m.id)?.message ?? null]));
    screenState = await page.evaluate(({ ids, prefix: pre }) => Object.fromEntries(ids.map((id) => {
      const a = document.querySelector(`[role="feed"] article[data-message-id="${id}"]`);
      if (!a) return [id, null];
      // The message text is the part of the bubble that starts with the prefix.
      const walker = document.createTreeWalker(a, NodeFilter.SHOW_ELEMENT);
      let best = null;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.textContent.startsWith(pre)) best = n;
      }
      return [id, best ? best.textContent : a.textContent];
    })), { ids: made.map((m) => m.id), prefix });
    return JSON.stringify(serverState) === JSON.stringify(screenState);
  }, { timeout: 20_000, interval: 500, message: 'the screen to equal the server' }).catch((e) => {
    throw new Error(`${e.message}\nactions: ${actions.join(', ')}\nserver: ${JSON.stringify(serverState, null, 1)}\nscreen: ${JSON.stringify(screenState, null, 1)}`);
  });
  // The same after a reload (what the server has is what any client shows).
  await page.reload();
  await feed(page).getByRole('article').first().waitFor({ timeout: 20_000 });
  for (const m of made) {
    const n = await articleById(page, m.id).count();
    assert.equal(n, serverState[m.id] === null ? 0 : 1, `after reload, ${m.id} shown iff stored`);
  }
}));

test('live stream cut every 2 s: no missed and no doubled message from the other side', env.wrap(async () => {
  const proxy = await startProxy(env.server.url);
  proxies.push(proxy);
  const b = env.browsers[0];
  const page = await b.context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, 'faults-live');
  await page.goto(`${proxy.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  await feed(page).getByRole('article').first().waitFor({ timeout: 20_000 });
  await waitUntil(() => proxy.openStreams > 0, { timeout: 10_000, message: 'the live stream to open' });
  const prefix = uniq('live');
  const sent = [];
  let cuts = 0;
  const cutter = setInterval(() => { cuts += proxy.cutStreams() > 0 ? 1 : 0; }, 2000);
  try {
    // Frank sends 40 messages over about 16 s, straight to the server.
    for (let i = 0; i < 40; i++) {
      const text = `${prefix} #${String(i).padStart(2, '0')}`;
      await env.server.send(FRANK.token, text);
      sent.push(text);
      await new Promise((r) => setTimeout(r, 400));
    }
  } finally {
    clearInterval(cutter);
  }
  assert.ok(cuts >= 4, `the stream was cut at least 4 times (${cuts})`);
  let last;
  await waitUntil(async () => {
    last = await bubbles(page, prefix);
    return last.length >= sent.length;
  }, { timeout: 30_000, interval: 250, message: 'all 40 live messages on screen' }).catch((e) => {
    throw new Error(`${e.message}; on screen ${last?.length}`);
  });
  await page.waitForTimeout(1000);
  const pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} #\\d\\d`);
  const screenTexts = (await bubbles(page, prefix)).map((b) => b.text.match(pattern)?.[0]).filter(Boolean);
  assert.deepEqual(screenTexts, sent, 'every message once, in order');
  assert.deepEqual(noPanic(page.consoleErrors), []);
}));

test('malformed answers (HTML 502, truncated JSON, wrong types, 401): an alert, no panic, working again after', env.wrap(async () => {
  const proxy = await startProxy(env.server.url);
  proxies.push(proxy);
  const b = env.browsers[0];
  for (const answer of ['html502', 'truncated', 'wrongTypes', '401']) {
    const page = await b.context.newPage();
    env.pages.push(page);
    page.consoleErrors = watchConsole(page, `faults-malformed-${answer}`);
    proxy.clear();
    // The first load of the conversation's messages gets the broken answer.
    const rule = proxy.inject({ method: 'GET', path: '/v1/messages', times: 1, answer });
    await page.goto(`${proxy.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
    const alert = page.getByRole('alert').first();
    await alert.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
      throw new Error(`${answer}: no role="alert" shown (rule used ${rule.used} times)`);
    });
    assert.equal(rule.used, 1, `${answer}: the broken answer was served`);
    const sentence = (await alert.innerText()).trim();
    assert.ok(sentence.length >= 10, `${answer}: the alert says something (${JSON.stringify(sentence)})`);
    assert.doesNotMatch(sentence, /<|nginx|html|\{|"type"|undefined|panicked|Error\(/i, `${answer}: a human sentence, not the raw answer: ${JSON.stringify(sentence)}`);
    assert.equal(await page.evaluate(() => window.__proxy502Ran === true), false, 'the HTML page was never run');
    // The server recovers: the app works again (Retry, or signing in again after the 401).
    if (answer === '401') {
      const signIn = page.getByRole('button', { name: 'Sign in again', exact: true });
      if (await signIn.isVisible()) await signIn.click();
      const tokenBox = page.getByRole('textbox', { name: 'API token', exact: true });
      await tokenBox.waitFor({ state: 'visible', timeout: 10_000 });
      await tokenBox.fill(KEVIN.token);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    } else {
      await page.getByRole('alert').getByRole('button', { name: 'Retry', exact: true }).first().click();
    }
    await feed(page).getByRole('article').first().waitFor({ state: 'visible', timeout: 15_000 });
    const text = uniq(`after ${answer}`);
    await typeAll(page, [text]);
    await waitUntil(async () => (await statusOf(page, text)) === 'sent', { timeout: 15_000, message: `${answer}: a send after recovery` });
    assert.equal((await env.server.messagesWithText(text)).length, 1);
    assert.deepEqual(noPanic(page.consoleErrors), [], `${answer}: no panic in the console`);
    await page.close();
  }
  // A broken answer to a send: the message is not lost and not doubled.
  const page = await b.context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, 'faults-malformed-send');
  proxy.clear();
  await page.goto(`${proxy.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  await feed(page).getByRole('article').first().waitFor({ state: 'visible', timeout: 15_000 });
  proxy.inject({ method: 'POST', path: '/v1/messages', times: 1, answer: 'html502' });
  const text = uniq('send through 502');
  await typeAll(page, [text]);
  await waitUntil(async () => {
    const s = await statusOf(page, text);
    if (s === 'failed') {
      await articleWithText(page, text).getByRole('button', { name: 'Retry', exact: true }).click().catch(() => {});
    }
    return s === 'sent';
  }, { timeout: 20_000, interval: 200, message: 'the send through a 502 to be delivered' });
  assert.equal((await env.server.messagesWithText(text)).length, 1, 'stored exactly once');
  assert.deepEqual(noPanic(page.consoleErrors), []);
}));
