// 02 infinite scroll upwards (UI.md "Older messages").
// Scrolls the feed to the top again and again until "This is the beginning of the
// conversation" shows, then reads the whole feed from top to bottom and checks that it holds
// exactly the server's messages (same count, same ids, same order, no duplicates). The feed is
// windowed (only rows near the viewport are in the DOM), so the reading scrolls and collects
// each article by its aria-posinset, and the DOM must stay bounded throughout. On every page
// load it checks "no jump": the first visible article's top (getBoundingClientRect) right
// after scrolling to the top, before the page arrives, equals its top after the older page is
// inserted (within 1 px), and stays there for half a second (late layout such as images must
// not move it either).
// The first load runs with 700 ms server latency to see the loading state:
// role="status" "Loading older messages…" and feed aria-busy="true".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, feed, articles, waitUntil, KEVIN, KATE } from '../lib/harness.mjs';

const env = useSuite('02-scroll');

const BEGINNING = 'This is the beginning of the conversation';

/**
 * In the page: scroll the feed's scroller to the top, let two frames pass (the windowed feed
 * renders the rows now in view; the older page is still on its way, the server being slow),
 * and return the first visible article.
 */
async function scrollTopAndAnchor(feedEl) {
  const first = feedEl.querySelector('article');
  let sc = null;
  for (let a = first ? first.parentElement : feedEl; a; a = a.parentElement) {
    const oy = getComputedStyle(a).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && a.scrollHeight > a.clientHeight) { sc = a; break; }
  }
  const viewTop = sc ? sc.getBoundingClientRect().top : 0;
  if (sc) sc.scrollTop = 0; else window.scrollTo(0, 0);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const all = [...feedEl.querySelectorAll('article')];
  const top = sc ? Math.max(0, sc.getBoundingClientRect().top) : 0;
  const anchor = all.find((a) => a.getBoundingClientRect().bottom > top + 1);
  return {
    scroller: sc ? (sc === document.scrollingElement ? 'document' : sc.tagName) : 'window',
    viewTop,
    count: all.length,
    id: anchor ? anchor.getAttribute('data-message-id') : null,
    posinset: anchor ? Number(anchor.getAttribute('aria-posinset')) : null,
    top: anchor ? anchor.getBoundingClientRect().top : null,
  };
}

/**
 * In the page: scrolls the feed from its top to its bottom a screen at a time and collects
 * every article as [aria-posinset, data-message-id], plus the most articles in the DOM at once.
 */
async function readWholeFeed(feedEl) {
  let sc = feedEl;
  while (sc && !(['auto', 'scroll'].includes(getComputedStyle(sc).overflowY))) sc = sc.parentElement;
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const seen = [];
  let mostInDom = 0;
  sc.scrollTop = 0;
  await frame();
  for (let guard = 0; guard < 2000; guard++) {
    const all = [...feedEl.querySelectorAll('article')];
    mostInDom = Math.max(mostInDom, all.length);
    for (const a of all) seen.push([Number(a.getAttribute('aria-posinset')), a.getAttribute('data-message-id')]);
    if (sc.scrollTop + sc.clientHeight >= sc.scrollHeight - 1) break;
    sc.scrollTop += Math.floor(sc.clientHeight * 0.8);
    await frame();
    await frame();
  }
  return { seen, mostInDom };
}

/** In the page: the top of the article with that id, sampled over `ms` ms (every frame). */
function sampleTop([id, ms]) {
  return new Promise((resolve) => {
    const el = document.querySelector(`article[data-message-id="${id}"]`);
    if (!el) { resolve(null); return; }
    const tops = [];
    const start = performance.now();
    const step = () => {
      tops.push(el.isConnected ? el.getBoundingClientRect().top : NaN);
      if (performance.now() - start >= ms) resolve(tops); else requestAnimationFrame(step);
    };
    requestAnimationFrame(() => requestAnimationFrame(step));
  });
}

test('scrolling up loads every older page without duplicates and without a jump', { timeout: 240000 }, env.wrap(async () => {
  const server = env.server;
  const page = await env.openChat();
  const beginning = page.getByText(BEGINNING);
  const loadingStatus = page.getByRole('status').filter({ hasText: 'Loading older messages' });

  const serverMessages = await server.allMessages();
  assert.ok(serverMessages.length >= 500, `demo seed has 500+ messages, got ${serverMessages.length}`);

  const jumps = [];
  let loads = 0;
  let worstShift = 0;
  for (let i = 0; i < 200; i++) {
    if (await beginning.isVisible()) break;
    // Every page answers late, so the anchor is read before the page arrives; the first
    // one is slower still, to see the loading state.
    const slow = i === 0;
    await server.setFaults({ latency_ms: slow ? 700 : 300 });
    const before = await feed(page).evaluate(scrollTopAndAnchor);
    assert.ok(before.id, `a visible article to anchor on (iteration ${i}: ${JSON.stringify(before)})`);

    if (slow) {
      // The loading state is visible while the older page is on its way.
      await loadingStatus.waitFor({ state: 'visible', timeout: 5000 });
      assert.equal(await feed(page).getAttribute('aria-busy'), 'true', 'feed aria-busy while a page loads');
    }

    // The anchor's position in the set grows by the rows prepended above it.
    await waitUntil(async () => {
      const busy = await feed(page).getAttribute('aria-busy');
      const pos = await page.evaluate((id) => Number(document.querySelector(`article[data-message-id="${id}"]`)
        ?.getAttribute('aria-posinset')), before.id);
      return busy !== 'true' && pos > before.posinset;
    }, { timeout: 15000, message: `an older page to be inserted after scrolling to the top (iteration ${i}, anchor at ${before.posinset})` });
    loads++;

    const tops = await page.evaluate(sampleTop, [before.id, 500]);
    assert.ok(tops, `anchor article ${before.id} is still in the feed after the load`);
    const worst = tops.reduce((m, t) => Math.max(m, Math.abs(t - before.top)), 0);
    worstShift = Math.max(worstShift, worst);
    if (!(worst <= 1)) jumps.push({ iteration: i, id: before.id, before: before.top, after: tops[0], worst });
  }
  await server.setFaults({});
  await beginning.waitFor({ state: 'visible', timeout: 15000 });
  assert.ok(loads >= 1, 'at least one older page was loaded');
  assert.equal(await loadingStatus.isVisible(), false, 'no loading status at the beginning');

  const setsize = Number(await articles(page).first().getAttribute('aria-setsize'));
  assert.equal(setsize, serverMessages.length, 'aria-setsize is the whole conversation once its beginning is loaded');
  const { seen, mostInDom } = await feed(page).evaluate(readWholeFeed);
  const byPos = new Map();
  for (const [pos, id] of seen) {
    assert.ok(!byPos.has(pos) || byPos.get(pos) === id, `position ${pos} holds one message (${byPos.get(pos)} and ${id})`);
    byPos.set(pos, id);
  }
  const positions = [...byPos.keys()].sort((a, b) => a - b);
  assert.deepEqual(positions, Array.from({ length: positions.length }, (_, k) => k + 1), 'positions 1..n without a gap');
  const ids = positions.map((pos) => byPos.get(pos));
  const dupes = ids.filter((id, k) => ids.indexOf(id) !== k);
  assert.deepEqual(dupes, [], 'no duplicate data-message-id in the feed');
  assert.ok(mostInDom < 150, `the feed is windowed: at most ${mostInDom} articles in the DOM at once for ${ids.length} messages`);
  assert.equal(ids.length, serverMessages.length, 'the feed holds as many articles as the server has messages');
  const missing = serverMessages.map((m) => m.id).filter((id) => !ids.includes(id));
  assert.deepEqual(missing, [], 'every server message is in the feed');
  // Oldest at the top, newest at the bottom.
  assert.deepEqual(ids, serverMessages.map((m) => m.id).reverse(), 'feed order is oldest first');

  console.log(`scroll: ${loads} older pages loaded, ${ids.length} articles (at most ${mostInDom} in the DOM), worst anchor shift ${worstShift.toFixed(2)} px`);
  assert.deepEqual(jumps, [], `the anchor article must not move when older pages are inserted (${loads} loads)`);
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
}));

// A fling straight to the top in the first frame after the conversation opened at the
// bottom, older pages answering at once (no latency), in a conversation of 10,000 messages
// of one to several lines, then again from where each page left the reader: the older page
// comes within 10 s, and the reader's top article (the first article in view in the first
// frame after the fling) stays within 1 px in every frame until the page is in and for
// half a second after; on the first older page as on the later ones.

const FLING_CONVERSATION = 'KeVkAtEcOnVeRs01'; // Kevin + Kate, 1:1
const FLING_MESSAGES = 10_000;
const FLING_PAGES = 4;
const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

/** Message `i` of the seeded conversation: 2 to 41 words, every 17th with a second line. */
function sampleText(i) {
  const n = 2 + ((i * 7919) % 40);
  const w = [];
  for (let k = 0; k < n; k++) w.push(WORDS[(i + k * 31) % WORDS.length]);
  return `#${i} ${w.join(' ')}${i % 17 === 0 ? '\nsecond line' : ''}`;
}

/**
 * In the page: sets the feed's scrollTop to 0 in one step (with `opening`, in the first
 * frame after the conversation opened at the bottom) and samples, in every frame after its
 * layout and before its paint (a ResizeObserver callback, which runs after the frame's
 * animation callbacks and layout), the top of the first article in view in the first
 * frame painted after the fling. `newest` lists the conversation's ids newest first: an
 * article's aria-posinset plus its rank there is the number of messages loaded.
 */
function flingAndWatch([newest, ms, opening]) {
  return new Promise((resolve) => {
    const rank = new Map(newest.map((id, i) => [id, i]));
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    (async () => {
      let feedEl = null;
      const t0 = performance.now();
      for (;;) {
        feedEl = document.querySelector('[role="feed"]');
        if (feedEl && feedEl.querySelector('article') && (!opening || feedEl.scrollTop > 0)) break;
        if (performance.now() - t0 > 20000) { resolve({ error: 'the conversation did not open' }); return; }
        await frame();
      }
      const loaded = () => {
        const a = feedEl.querySelector('article');
        return a ? Number(a.getAttribute('aria-posinset')) + rank.get(a.getAttribute('data-message-id')) : 0;
      };
      const before = loaded();
      const flung = performance.now();
      let anchor = null;
      let top0 = 0;
      let pageAt = null;
      let done = false;
      const tops = [];
      const probe = document.createElement('div');
      probe.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
      document.body.append(probe);
      let initial = true;
      const finish = (result) => { done = true; observer.disconnect(); probe.remove(); resolve(result); };
      const sample = () => {
        if (initial) { initial = false; return; }
        const now = performance.now();
        if (!anchor) {
          const viewTop = feedEl.getBoundingClientRect().top;
          anchor = [...feedEl.querySelectorAll('article')].find((a) => a.getBoundingClientRect().bottom > viewTop + 1);
          if (!anchor) { finish({ error: 'no article in view after the fling' }); return; }
          top0 = anchor.getBoundingClientRect().top;
        }
        tops.push(anchor.isConnected ? anchor.getBoundingClientRect().top : NaN);
        if (pageAt === null && loaded() > before) pageAt = now;
        if (pageAt !== null && now - pageAt >= ms) {
          const worst = tops.reduce((m, t) => Math.max(m, Number.isNaN(t) ? Infinity : Math.abs(t - top0)), 0);
          finish({ id: anchor.getAttribute('data-message-id'), before, after: loaded(), top0, worst, tops: tops.map((t) => Math.round(t * 10) / 10) });
        } else if (now - flung > 10000) {
          finish({ error: `no older page within 10 s of the fling (${before} loaded, scrollTop ${feedEl.scrollTop})` });
        }
      };
      const observer = new ResizeObserver(() => { if (!done) sample(); });
      observer.observe(probe);
      let wide = false;
      const tick = () => {
        if (done) return;
        wide = !wide;
        probe.style.width = wide ? '2px' : '1px';
        requestAnimationFrame(tick);
      };
      feedEl.scrollTop = 0;
      requestAnimationFrame(tick);
    })();
  });
}

test('a fling to the top right after opening keeps the top article within 1 px on every older page, the first included', { timeout: 240000 }, env.wrap(async () => {
  const server = env.server;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < FLING_MESSAGES; i = next++) {
      const token = Math.floor(i / 3) % 2 ? KATE.token : KEVIN.token;
      await server.apiOk(token, 'POST', '/messages', { conversation_id: FLING_CONVERSATION, message: sampleText(i) });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const newest = (await server.allMessages(FLING_CONVERSATION)).map((m) => m.id);
  assert.ok(newest.length >= FLING_MESSAGES, `${FLING_MESSAGES}+ messages seeded, got ${newest.length}`);

  await server.setFaults({});
  const page = await env.openChat({ conversation: FLING_CONVERSATION, waitForArticles: false });
  const results = [];
  for (let i = 0; i < FLING_PAGES; i++) {
    const r = await page.evaluate(flingAndWatch, [newest, 500, i === 0]);
    assert.ok(!r.error, `older page ${i + 1}: ${r.error}`);
    results.push(r);
  }
  console.log(`fling tops, page 1: ${JSON.stringify(results[0].tops.slice(0, 12))} (${results[0].id})`);
  console.log(`fling: ${results.map((r, i) => `page ${i + 1} ${r.before}→${r.after} loaded, worst shift ${r.worst.toFixed(2)} px`).join('; ')}`);
  const jumps = results.map((r, i) => ({ page: i + 1, ...r })).filter((r) => !(r.worst <= 1));
  assert.deepEqual(jumps, [], 'the reader\'s top article must not move when an older page comes in after a fling, the first page included');
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
}));
