// 08 live updates (UI.md "New messages", API.md "Live updates").
// Two browsers with separate profiles: Kevin and Frank on conversation xgQQXg3hrtjh7AvZ.
// Kevin's new message appears on Frank's page within 2 s of the server confirming it, and
// the reverse; the polite live region on Kevin's page announces Frank's message (and not
// Kevin's own). An edit, a reaction and a delete Frank makes through the API show live on
// Kevin's page. Scrolled up, a new message from Frank does not move Kevin's list, and a
// "Jump to latest" button with the count of new messages brings it into view. Changes made
// between the first page load and the stream connecting (stream delayed 1.5 s by routing)
// must not be lost.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, KEVIN, FRANK, CONVERSATION, sendFromComposer, articleWithText, articleById,
  waitForStatus, waitUntil, feed, isInView, waitForLiveStream, watchConsole, articles,
} from '../lib/harness.mjs';
import { startProxy } from '../lib/proxy.mjs';

const env = useSuite('08-live');
const proxies = [];
after(async () => { for (const p of proxies) await p.stop(); });
const LIVE_MS = 2000;

async function openBoth() {
  const frankBrowser = env.browsers[1] || (await env.browser());
  const kevin = await env.openChat({ token: KEVIN.token });
  const frank = await env.openChat({ token: FRANK.token, browser: frankBrowser });
  await waitForLiveStream(kevin);
  await waitForLiveStream(frank);
  return { kevin, frank };
}

/** Text of live regions (aria-live polite or role=status/log) that are not the feed. */
function liveRegionText(page) {
  return page.evaluate(() => [...document.querySelectorAll('[aria-live="polite"], [role="status"], [role="log"]')]
    .filter((el) => el.getAttribute('role') !== 'feed')
    .map((el) => el.textContent).join('\n'));
}

test('Kevin → Frank and Frank → Kevin within 2 s', { timeout: 120000 }, env.wrap(async () => {
  const { kevin, frank } = await openBoth();

  const k2f = uniq('kevin to frank');
  await sendFromComposer(kevin, k2f);
  await waitForStatus(kevin, k2f, 'sent', 10000);
  let t0 = Date.now();
  await articleWithText(frank, k2f).waitFor({ state: 'visible', timeout: LIVE_MS });
  const k2fMs = Date.now() - t0;

  const f2k = uniq('frank to kevin');
  await sendFromComposer(frank, f2k);
  await waitForStatus(frank, f2k, 'sent', 10000);
  t0 = Date.now();
  await articleWithText(kevin, f2k).waitFor({ state: 'visible', timeout: LIVE_MS });
  const f2kMs = Date.now() - t0;

  // Each side sees each message exactly once (no duplicate from send echo + live event).
  assert.equal(await articleWithText(kevin, k2f).count(), 1, 'Kevin sees his message once');
  assert.equal(await articleWithText(frank, f2k).count(), 1, 'Frank sees his message once');
  assert.equal(await articleWithText(frank, k2f).count(), 1);
  assert.equal(await articleWithText(kevin, f2k).count(), 1);
  const stored = await env.server.messagesWithText(f2k);
  assert.equal(stored.length, 1);
  assert.equal(await articleWithText(kevin, f2k).getAttribute('data-message-id'), stored[0].id);

  // The polite live region on Kevin's page announced Frank's message, not Kevin's own.
  await waitUntil(async () => (await liveRegionText(kevin)).includes(f2k),
    { timeout: 3000, message: 'a polite live region on Kevin\'s page to announce Frank\'s message' });
  assert.ok(!(await liveRegionText(kevin)).includes(k2f), 'Kevin\'s own send is not announced to Kevin');

  console.log(`live latency: kevin→frank ${k2fMs} ms, frank→kevin ${f2kMs} ms`);
  assert.deepEqual(kevin.consoleErrors, []);
  assert.deepEqual(frank.consoleErrors, []);
}));

test('Frank edits and deletes through the API: Kevin\'s page follows live', { timeout: 120000 }, env.wrap(async () => {
  const original = uniq('frank original');
  const msg = await env.server.send(FRANK.token, original);
  const kevin = await env.openChat({ token: KEVIN.token });
  const bubble = articleById(kevin, msg.id);
  await bubble.waitFor({ state: 'visible' });
  await waitForLiveStream(kevin);

  const edited = uniq('frank edited it');
  await env.server.apiOk(FRANK.token, 'PUT', `/messages/${msg.id}`, { message: edited });
  await waitUntil(async () => (await bubble.innerText()).includes(edited),
    { timeout: LIVE_MS + 500, message: 'Frank\'s edit to show on Kevin\'s page' });
  await bubble.getByText(/\bedited\b/i).first().waitFor({ state: 'visible', timeout: 1000 });
  assert.ok(!(await bubble.innerText()).includes(original));

  // A reaction Frank adds shows too.
  await env.server.apiOk(FRANK.token, 'PUT', `/messages/${msg.id}`, { reactions: { joy: [FRANK.username] } });
  await bubble.getByRole('group', { name: 'Reactions', exact: true })
    .getByRole('button', { name: /joy/ }).waitFor({ state: 'visible', timeout: LIVE_MS + 500 });

  await env.server.apiOk(FRANK.token, 'DELETE', `/messages/${msg.id}`);
  await bubble.waitFor({ state: 'detached', timeout: LIVE_MS + 500 });
}));

test('scrolled up: a new message from Frank does not move the list; "Jump to latest" shows it', { timeout: 120000 }, env.wrap(async () => {
  const kevin = await env.openChat({ token: KEVIN.token });
  await waitForLiveStream(kevin);
  // Scroll the feed up by about two screens (not to the very top).
  const scrolled = await feed(kevin).evaluate((feedEl) => {
    let sc = null;
    for (let a = feedEl.querySelector('article'); a; a = a.parentElement) {
      const oy = getComputedStyle(a).overflowY;
      if ((oy === 'auto' || oy === 'scroll') && a.scrollHeight > a.clientHeight) { sc = a; break; }
    }
    if (!sc) return false;
    sc.scrollTop = Math.max(300, sc.scrollTop - 2 * sc.clientHeight);
    return true;
  });
  assert.ok(scrolled, 'the feed scrolls');
  // Let the scroll settle (the windowed feed renders the rows of the new position, the app
  // may load an older page); then the reader's article is one in view.
  await waitUntil(async () => (await feed(kevin).getAttribute('aria-busy')) !== 'true', { timeout: 10000, message: 'feed idle' });
  await kevin.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const before = await feed(kevin).evaluate((feedEl) => {
    const box = feedEl.getBoundingClientRect();
    const anchor = [...feedEl.querySelectorAll('article')].find((x) => {
      const r = x.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    });
    return anchor ? { id: anchor.getAttribute('data-message-id') } : null;
  });
  assert.ok(before && before.id, 'an article in view after the scroll');
  const anchorTop = await articleById(kevin, before.id).evaluate((el) => el.getBoundingClientRect().top);

  const text = uniq('while you were up there');
  const msg = await env.server.send(FRANK.token, text);
  // The feed is windowed: a new row far below the viewport need not be in the DOM at all.
  const jump = kevin.getByRole('button', { name: /Jump to latest/ });
  await jump.waitFor({ state: 'visible', timeout: LIVE_MS });
  const after = await articleById(kevin, before.id).evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(Math.abs(after - anchorTop) <= 1, `the list did not move (${anchorTop} → ${after})`);
  const rendered = (await articleById(kevin, msg.id).count()) > 0;
  assert.equal(rendered && (await isInView(articleById(kevin, msg.id))), false, 'the new message is below, out of view');
  const countText = await jump.evaluate((el) => [el.textContent, ...(el.getAttribute('aria-describedby') || '')
    .split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent || '')].join(' '));
  assert.match(countText, /\b1\b/, `"Jump to latest" shows the count of new messages: "${countText}"`);

  await jump.click();
  await waitUntil(() => isInView(articleById(kevin, msg.id)), { timeout: 3000, message: 'the new message to be in view after "Jump to latest"' });
  await jump.waitFor({ state: 'hidden', timeout: 3000 });
}));

test('a message and an edit made while the live stream is still connecting are not lost', { timeout: 120000 }, env.wrap(async () => {
  const original = uniq('before connect');
  const msg = await env.server.send(FRANK.token, original);
  const kevinBrowser = env.browsers[0];
  const page = await kevinBrowser.context.newPage();
  env.pages.push(page);
  // A slow network for the stream only: the events request reaches the server 1.5 s late.
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/v1/events**', async (route) => { await gate; await route.continue(); });
  page.liveStream = new Promise((resolve) => page.on('response', (r) => { if (r.url().includes('/v1/events') && r.status() === 200) resolve(true); }));
  await page.goto(`${env.server.url}/#token=${KEVIN.token}&conversation=${msg.conversation_id}`);
  await articleById(page, msg.id).waitFor({ state: 'visible', timeout: 20000 });

  // Changes after the first page was fetched, before the subscription exists.
  const edited = uniq('edited before connect');
  await env.server.apiOk(FRANK.token, 'PUT', `/messages/${msg.id}`, { message: edited });
  const fresh = await env.server.send(FRANK.token, uniq('sent before connect'));
  release();
  await waitForLiveStream(page);
  // The stream works once connected (so the routing itself breaks nothing)...
  const later = await env.server.send(FRANK.token, uniq('sent after connect'));
  await articleById(page, later.id).waitFor({ state: 'attached', timeout: LIVE_MS + 500 });
  // ...and what happened before it connected must be there too.

  await articleById(page, fresh.id).waitFor({ state: 'attached', timeout: 5000 })
    .catch(() => { throw new Error(`Frank's message ${fresh.id}, sent while Kevin's stream was connecting, never appeared`); });
  await waitUntil(async () => (await articleById(page, msg.id).innerText()).includes(edited),
    { timeout: 5000, message: 'the edit made while the stream was connecting to show' });
}));

test('no /v1/events on the server (404): polling shows new messages, edits, reactions and deletes', { timeout: 120000 }, env.wrap(async () => {
  const proxy = await startProxy(env.server.url);
  proxies.push(proxy);
  proxy.inject({
    method: 'GET',
    path: /^\/v1\/events/,
    times: 1000,
    answer: () => ({
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { type: 'not_found_error', message: 'No such endpoint.' } }),
    }),
  });
  const edit = await env.server.send(FRANK.token, uniq('polled, to be edited'));
  const gone = await env.server.send(FRANK.token, uniq('polled, to be deleted'));
  const kevin = await env.browsers[0].context.newPage();
  env.pages.push(kevin);
  kevin.consoleErrors = watchConsole(kevin, '08-live-polling');
  await kevin.goto(`${proxy.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  await articleById(kevin, gone.id).waitFor({ state: 'visible', timeout: 20_000 });
  const POLLED_MS = 2000 + 2500; // one polling interval, plus the request and a frame

  const fresh = uniq('polled new');
  const created = await env.server.send(FRANK.token, fresh);
  await articleById(kevin, created.id).waitFor({ state: 'visible', timeout: POLLED_MS });

  const edited = uniq('polled edit');
  await env.server.apiOk(FRANK.token, 'PUT', `/messages/${edit.id}`, { message: edited, reactions: { joy: [FRANK.username] } });
  await waitUntil(async () => (await articleById(kevin, edit.id).innerText()).includes(edited),
    { timeout: POLLED_MS, message: 'the edit to show through polling' });
  await articleById(kevin, edit.id).getByRole('group', { name: 'Reactions', exact: true })
    .getByRole('button', { name: /joy/ }).waitFor({ state: 'visible', timeout: POLLED_MS });

  await env.server.apiOk(FRANK.token, 'DELETE', `/messages/${gone.id}`);
  await articleById(kevin, gone.id).waitFor({ state: 'detached', timeout: POLLED_MS });

  assert.ok(proxy.log.some((r) => r.injected && r.path.startsWith('/v1/events')), 'the app asked for /v1/events and got the 404');
  assert.ok(proxy.log.filter((r) => r.path.startsWith('/v1/messages')).length >= 3, 'it polled /v1/messages');
  assert.deepEqual(kevin.consoleErrors.filter((e) => !/404/.test(e)), [], 'no console errors besides the 404');
}));

test('messages from Frank that arrive together (the catch-up when the stream connects) are each announced once', { timeout: 120000 }, env.wrap(async () => {
  const page = await env.browsers[0].context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, '08-live-announce');
  // The stream reaches the server late: what Frank sends meanwhile comes in one catch-up.
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/v1/events**', async (route) => { await gate; await route.continue(); });
  page.liveStream = new Promise((resolve) => page.on('response', (r) => { if (r.url().includes('/v1/events') && r.status() === 200) resolve(true); }));
  await page.goto(`${env.server.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  await articles(page).first().waitFor({ state: 'visible', timeout: 20000 });
  // Every paragraph ever added to the polite live region, in order.
  await page.evaluate(() => {
    const region = [...document.querySelectorAll('[aria-live="polite"]')].find((el) => el.getAttribute('role') !== 'feed');
    window.__announced = [];
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.textContent) window.__announced.push(n.textContent);
    }).observe(region, { childList: true, subtree: true });
  });
  const texts = [uniq('together one'), uniq('together two'), uniq('together three')];
  for (const t of texts) await env.server.send(FRANK.token, t);
  release();
  await waitForLiveStream(page);
  await waitUntil(async () => {
    const announced = await page.evaluate(() => window.__announced);
    return texts.every((t) => announced.some((a) => a.includes(t)));
  }, { timeout: 5000, message: 'each of Frank\'s three messages to be announced' });
  await page.waitForTimeout(1000);
  const announced = await page.evaluate(() => window.__announced);
  for (const t of texts) {
    assert.equal(announced.filter((a) => a.includes(t)).length, 1, `"${t}" is announced exactly once (${JSON.stringify(announced)})`);
  }
  assert.deepEqual(page.consoleErrors, []);
}));
