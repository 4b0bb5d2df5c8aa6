#!/usr/bin/env node
// Protocol Chat browser benchmark: one command, a performance report, budgets checked.
//
//   node bench/run.mjs            full run (7 runs a figure, 10,000-message scroll, full server bench)
//   node bench/run.mjs --quick    CI run (fewer runs, 2,000-message scroll, `protocol-bench --quick`)
//
// Everything is measured in real headless Chromium (Debian's, never downloaded) through
// playwright-core and the Chrome DevTools Protocol, against the real `protocol-server` on
// 127.0.0.1 (release build), started here with a fresh database and the demo seed. Each
// figure is the median of several runs, printed with min and max as a table and written to
// `bench-results/browser.json`. The exit status is 1 when a budget is broken (2 when a
// measurement could not be taken at all).
//
// Artefacts (never built here):
//   PROTOCOL_SERVER_BIN  default <repo>/target/release/protocol-server
//   PROTOCOL_BENCH_BIN   default <repo>/target/release/protocol-bench   (server figures)
//   PROTOCOL_DIST        default <repo>/dist   (copied to a private temp dir first, so a
//                        rebuild during the run cannot change what is measured)
//   PROTOCOL_CHROMIUM    default /usr/bin/chromium
//
// How each figure is taken (the definitions the budgets refer to):
//   transfer      Resource Timing entries (navigation + resources) whose responseEnd is
//                 before the first message is painted; each body fetched again and
//                 compressed here: gzip level 9 and brotli quality 11 (what a static host
//                 pre-compresses). The reference server itself does not compress. The
//                 budget counts the app (HTML, JS, wasm, CSS, config.json, favicon); the
//                 first API answers (/v1/…) are data and reported in a row of their own.
//   first message performance.now() in the requestAnimationFrame callback of the first frame
//                 in which an <article> exists in the feed "Messages" (that frame paints it),
//                 measured from navigation start (performance.timeOrigin); cold profile.
//   optimistic    Enter in the composer (keydown event.timeStamp) -> the rAF callback of the
//                 first frame in which the new bubble exists with data-status="sending",
//                 while the server answers each request only after 1,000 ms.
//   older page    feed.scrollTop = 0 (reaching the top) -> the rAF callback of the first frame
//                 holding the older page; the shift is how far the article under the
//                 reader's eye (the one at the feed's vertical centre when the top was
//                 reached) moved on screen once the page is in (3 frames later). The largest
//                 move seen in any sampled frame meanwhile is reported too (info).
//   scroll        a conversation of N messages opened at the bottom and scrolled to its first
//                 message by feed.scrollTop -= 150 px in every animation frame, the app loading
//                 older pages as it goes. Frame intervals are the differences of consecutive
//                 rAF timestamps; frames spent idle at the top waiting for a page are left
//                 out only when they were on time (a janky one always counts). Long tasks
//                 from a PerformanceObserver('longtask'). At the end (after a forced GC):
//                 DOM elements, CDP Memory.getDOMCounters nodes, JS heap (CDP
//                 Runtime.getHeapUsage usedSize) + the wasm linear memory
//                 (the app's WebAssembly.Memory, caught as WebAssembly.instantiate* returns it).

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
const SERVER_BIN = process.env.PROTOCOL_SERVER_BIN || path.join(REPO, 'target', 'release', 'protocol-server');
const BENCH_BIN = process.env.PROTOCOL_BENCH_BIN || path.join(REPO, 'target', 'release', 'protocol-bench');
const DIST = process.env.PROTOCOL_DIST || path.join(REPO, 'dist');
const CHROMIUM = process.env.PROTOCOL_CHROMIUM || '/usr/bin/chromium';
const OUT_DIR = path.join(REPO, 'bench-results');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: node bench/run.mjs [--quick] [--no-server-bench]');
  process.exit(0);
}
const QUICK = argv.includes('--quick');
const SKIP_SERVER_BENCH = argv.includes('--no-server-bench');
const CFG = QUICK
  ? { mode: 'quick', loadRuns: 9, optimisticRuns: 5, olderRuns: 3, scrollRuns: 1, scrollMessages: 2000, scrollTimeoutMs: 120_000 }
  : { mode: 'full', loadRuns: 9, optimisticRuns: 15, olderRuns: 7, scrollRuns: 3, scrollMessages: 10_000, scrollTimeoutMs: 240_000 };

const KEVIN = 'demo-kevin';
const KATE = 'demo-kate';
const DEMO_CONVERSATION = 'xgQQXg3hrtjh7AvZ';
const SCROLL_CONVERSATION = 'KeVkAtEcOnVeRs01'; // Kevin + Kate, 1:1, a few demo messages
const SERVER_LATENCY_MS = 1000;
const SCROLL_STEP_PX = 150;
// How long a new browser is left to finish starting before a load is measured.
const BROWSER_SETTLE_MS = 1500;

const KiB = 1024;
const MB = 1_000_000;
const BUDGETS = {
  // Not met yet by the Leptos views (README "Size"): shown as NOT MET, and the run fails
  // only over the regression ceiling, so the figure cannot grow while it is brought down.
  transfer_gzip: { max: 230 * KiB, ceiling: 259 * KiB, text: '≤ 230 KiB' },
  first_message_ms: { max: 300, text: '≤ 300 ms' },
  optimistic_paint_ms: { max: 33, text: '≤ 33 ms' },
  older_scroll_shift_px: { max: 1, text: '≤ 1 px' },
  scroll_frames_within_17_7ms_pct: { min: 95, text: '≥ 95 %' },
  // "Bounded": the DOM must not grow with the messages loaded. A windowed list of this
  // app's rows (about 20 elements a message) stays far below 5,000 elements; rendering
  // every one of 2,000 or 10,000 messages is far above it.
  scroll_dom_elements_end: { max: 5000, text: '≤ 5,000 (bounded)' },
  scroll_memory_end_mb: { max: 100, text: '≤ 100 MB' },
};

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// ---------------------------------------------------------------------------------------
// Cleanup: everything started here is stopped on exit, also on errors and Ctrl-C.

const cleanups = [];
async function cleanupAll() {
  while (cleanups.length) {
    const f = cleanups.pop();
    try { await f(); } catch { /* best effort */ }
  }
}
process.on('SIGINT', async () => { await cleanupAll(); process.exit(130); });
process.on('SIGTERM', async () => { await cleanupAll(); process.exit(143); });

// ---------------------------------------------------------------------------------------
// Statistics and formatting

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function log(...a) { console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a); }

// ---------------------------------------------------------------------------------------
// The server

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(dist) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-srv-'));
  fs.mkdirSync(path.join(tmp, 'files'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(SERVER_BIN, [
    '--addr', `127.0.0.1:${port}`, '--db', path.join(tmp, 'p.db'), '--seed', 'demo',
    '--static', dist, '--files', path.join(tmp, 'files'), '--test-control',
    '--rate-limit-per-minute', '0',
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let output = '';
  const keep = (d) => { if (output.length < 20000) output += d; };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((r) => child.on('exit', () => { exited = true; r(); }));
  const kill = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
  process.on('exit', kill);
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(kill, 5000);
      await exit;
      clearTimeout(t);
    }
    process.off('exit', kill);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  cleanups.push(stop);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`protocol-server exited at start:\n${output}`);
    try {
      const r = await fetch(`${url}/v1/contacts/me`, { headers: { Authorization: `Bearer ${KEVIN}` }, signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`protocol-server did not start:\n${output}`);
    await sleep(100);
  }
  const api = async (token, method, p, body) => {
    const res = await fetch(`${url}/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${p} -> ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  const setFaults = async (f) => {
    const res = await fetch(`${url}/_test/faults`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latency_ms: 0, fail_rate: 0, fail_after_commit_rate: 0, ...f }),
    });
    if (res.status !== 200) throw new Error(`PUT /_test/faults -> ${res.status}`);
  };
  return { url, api, setFaults, stop };
}

// ---------------------------------------------------------------------------------------
// The browser

// Installed before any page script: first-article paint time, long tasks, the wasm memory.
const INIT_SCRIPT = () => {
  const pc = (window.__pcBench = { firstArticle: null, longtasks: [], memories: [] });
  pc.memories = [];
  // The app's wasm linear memory: whoever starts the app (trunk's inline script, or a
  // boot.js), the instance comes from one of these two calls.
  const keep = (result) => {
    const instance = result && (result.instance || result);
    const exports = instance && instance.exports;
    if (exports) for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) pc.memories.push(v);
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[name];
    if (orig) WebAssembly[name] = function (...args) { return orig.apply(this, args).then(keep); };
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) pc.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* unsupported */ }
  const mo = new MutationObserver(() => {
    if (pc.firstArticle !== null || pc.armed) return;
    if (document.querySelector('[role="feed"] article')) {
      pc.armed = true;
      mo.disconnect();
      // The first task after the frame that paints the first message (a task queued in
      // that frame's animation callbacks runs after its style, layout and paint).
      requestAnimationFrame(() => setTimeout(() => {
        pc.firstArticle = performance.now();
        console.debug('__pcBench:first-article');
      }, 0));
    }
  });
  mo.observe(document, { childList: true, subtree: true });
};

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 768 }, locale: 'en-US', timezoneId: 'UTC',
  });
  context.setDefaultTimeout(30_000);
  await context.addInitScript(INIT_SCRIPT);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try { await context.close(); } catch { /* gone */ }
    fs.rmSync(profile, { recursive: true, force: true });
  };
  cleanups.push(close);
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/config\.json/.test(m.location()?.url || '')) errors.push(`console.error: ${m.text()}`); });
  return { context, page, errors, close };
}

const chatUrl = (server, conversation) => `${server.url}/#token=${KEVIN}&conversation=${conversation}`;

/** Waits for the first message to be painted; returns its time since navigation (ms).
 *  With `quiet`, it only listens for the init script's console note and runs nothing in the
 *  page until then: a poll injects a script every few ms and would compete for the main
 *  thread during the very load it measures. */
async function waitFirstArticle(page, { quiet = false, timeout = 30_000 } = {}) {
  if (quiet) {
    await page.waitForEvent('console', { predicate: (m) => m.text() === '__pcBench:first-article', timeout });
  } else {
    await page.waitForFunction(() => window.__pcBench && window.__pcBench.firstArticle !== null, null, { timeout, polling: 20 });
  }
  return page.evaluate(() => window.__pcBench.firstArticle);
}

// ---------------------------------------------------------------------------------------
// 1. Load: transfer size and navigation -> first message painted (cold profile every run)

async function compressedSizes(server, urlStr) {
  const u = new URL(urlStr);
  const headers = u.pathname.startsWith('/v1/') ? { Authorization: `Bearer ${KEVIN}` } : {};
  const res = await fetch(urlStr, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    raw: body.length,
    gzip: zlib.gzipSync(body, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

async function benchLoad(server) {
  const firsts = [];
  const firstsAtLaunch = [];
  let transfer = null;
  for (let i = 0; i < CFG.loadRuns; i++) {
    firstsAtLaunch.push(await firstMessageAtLaunch(server));
    const b = await launch();
    try {
      // A fresh profile (nothing cached), in a browser that has finished starting: the
      // user's click, not the browser's own start-up, which competes for both cores for
      // about a second (measured beside it, as information).
      await b.page.goto('about:blank');
      await b.page.waitForTimeout(BROWSER_SETTLE_MS);
      const t = await openFirstMessage(b.page, server);
      firsts.push(t);
      if (!transfer) {
        const entries = await b.page.evaluate((limit) => {
          const nav = performance.getEntriesByType('navigation').map((e) => ({ name: e.name, responseEnd: e.responseEnd, transfer: e.transferSize, decoded: e.decodedBodySize }));
          const res = performance.getEntriesByType('resource').map((e) => ({ name: e.name, responseEnd: e.responseEnd, transfer: e.transferSize, decoded: e.decodedBodySize }));
          return [...nav, ...res].filter((e) => e.responseEnd > 0 && e.responseEnd <= limit);
        }, t);
        const files = [];
        const seen = new Set();
        for (const e of entries) {
          if (seen.has(e.name)) continue;
          seen.add(e.name);
          const sizes = await compressedSizes(server, e.name);
          const u = new URL(e.name);
          files.push({ path: u.pathname + (u.search ? '?…' : ''), ...sizes });
        }
        // The budget is the app (HTML, JS, wasm, CSS, config, icon); the API's answers are
        // the user's data, reported beside it.
        const isData = (f) => f.path.startsWith('/v1/');
        const sum = (k, keep) => files.filter(keep).reduce((a, f) => a + f[k], 0);
        const app = (f) => !isData(f);
        const all = () => true;
        transfer = {
          files,
          raw: sum('raw', app), gzip: sum('gzip', app), brotli: sum('brotli', app),
          gzipWithData: sum('gzip', all),
        };
      }
      log(`load run ${i + 1}/${CFG.loadRuns}: first message painted at ${t.toFixed(1)} ms`);
    } finally {
      await b.close();
    }
  }
  return { firsts, firstsAtLaunch, transfer };
}

/** Opens the demo conversation in `page`: navigation → first message painted (ms). */
async function openFirstMessage(page, server) {
  const painted = waitFirstArticle(page, { quiet: true });
  painted.catch(() => {}); // awaited below; a failed goto must not leave it unhandled
  await page.goto(chatUrl(server, DEMO_CONVERSATION), { waitUntil: 'commit' });
  return painted;
}

/** The same, navigating the moment the browser has started. */
async function firstMessageAtLaunch(server) {
  const b = await launch();
  try {
    return await openFirstMessage(b.page, server);
  } finally {
    await b.close();
  }
}

// ---------------------------------------------------------------------------------------
// 2. Optimistic paint: Enter -> own bubble painted, the server answering after 1 s

async function benchOptimistic(server) {
  const b = await launch();
  try {
    const { page } = b;
    await page.goto(chatUrl(server, DEMO_CONVERSATION));
    await waitFirstArticle(page);
    await sleep(500);
    await server.setFaults({ latency_ms: SERVER_LATENCY_MS });
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    const out = [];
    let notSent = 0;
    for (let i = 0; i < CFG.optimisticRuns; i++) {
      const text = `bench optimistic ${i} ${Date.now().toString(36)}`;
      await box.fill(text);
      await page.evaluate((text) => {
        window.__opt = new Promise((resolve, reject) => {
          const onKey = (e) => {
            if (e.key !== 'Enter' || e.shiftKey) return;
            window.removeEventListener('keydown', onKey, true);
            const t0 = e.timeStamp;
            let frames = 0;
            const tick = () => {
              frames += 1;
              const hit = [...document.querySelectorAll('[role="feed"] article[data-status="sending"]')]
                .some((a) => a.textContent.includes(text));
              if (hit) resolve({ ms: performance.now() - t0, frames });
              else if (frames > 300) reject(new Error('bubble never appeared as "sending"'));
              else requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
          };
          window.addEventListener('keydown', onKey, true);
        });
      }, text);
      await box.press('Enter');
      const r = await page.evaluate(() => window.__opt);
      out.push(r.ms);
      // Let it become "sent" (the server answers after 1 s) before the next one.
      const sent = await page.waitForFunction((text) => [...document.querySelectorAll('[role="feed"] article[data-status="sent"]')]
        .some((a) => a.textContent.includes(text)), text, { timeout: 6_000 }).then(() => true, () => false);
      if (!sent) notSent += 1;
    }
    log(`optimistic paint: ${out.map((x) => x.toFixed(1)).join(', ')} ms`);
    return { optimistic: out, notSent, errors: b.errors };
  } finally {
    await server.setFaults({}).catch(() => {});
    await b.close();
  }
}

// ---------------------------------------------------------------------------------------
// 3. Older page: time to paint and scroll shift of the message under the reader's eye

async function benchOlder(server) {
  const b = await launch();
  try {
    const { page } = b;
    await page.goto(chatUrl(server, DEMO_CONVERSATION));
    await waitFirstArticle(page);
    await sleep(1000);
    const times = [];
    const shifts = [];
    const transients = [];
    for (let i = 0; i < CFG.olderRuns; i++) {
      // Scroll to just short of the point where the older page starts loading (400 px from
      // the top) and let the windowed feed render the rows there, as a reader scrolling up
      // would see them; then the last step reaches the top.
      await page.evaluate(async () => {
        const feed = document.querySelector('[role="feed"]');
        const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        // Rows come in as they are reached and the reader's row is held in place, so the
        // scroll position moves under the steps: step until it stays short of 420 px.
        for (let i = 0; i < 200 && feed.scrollTop > 420; i++) {
          feed.scrollTop = Math.max(420, feed.scrollTop - 300);
          await frame();
        }
      });
      const r = await page.evaluate(() => new Promise((resolve) => {
        const feed = document.querySelector('[role="feed"]');
        feed.scrollTop = 0; // reaching the top
        const fr = feed.getBoundingClientRect();
        // The article at (or nearest to) the feed's centre: the centre may fall on a date
        // separator or the gap between two bubbles.
        let anchor = null;
        for (let dy = 0; !anchor && dy < fr.height / 2; dy += 8) {
          for (const y of [fr.top + fr.height / 2 + dy, fr.top + fr.height / 2 - dy]) {
            const hit = document.elementFromPoint(fr.left + fr.width / 2, y);
            anchor = anchor || (hit && hit.closest('[role="feed"] article'));
          }
        }
        if (!anchor) { resolve({ error: 'no article under the eye' }); return; }
        // Rows prepended above the anchor raise its aria-posinset (the feed is windowed: the
        // number of articles in the DOM does not grow).
        const count = () => Number(anchor.getAttribute('aria-posinset'));
        const before = count();
        const top0 = anchor.getBoundingClientRect().top;
        const t0 = performance.now();
        let painted = null;
        let after = 0;
        let maxMove = 0;
        const tick = () => {
          const move = Math.abs(anchor.getBoundingClientRect().top - top0);
          if (painted !== null) maxMove = Math.max(maxMove, move);
          if (painted === null && count() > before) painted = performance.now() - t0;
          if (painted !== null) after += 1;
          const end = feed.textContent.includes('This is the beginning of the conversation') && count() === before;
          if (after >= 4) {
            resolve({ ms: painted, shift: Math.abs(anchor.getBoundingClientRect().top - top0), maxMove, connected: anchor.isConnected, added: count() - before });
          } else if (end) {
            resolve({ end: true });
          } else if (performance.now() - t0 > 10_000) {
            resolve({ error: 'no older page within 10 s' });
          } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }));
      if (r.end) { log('older page: reached the beginning'); break; }
      if (r.error) throw new Error(`older page: ${r.error}`);
      if (!r.connected) throw new Error('older page: the article under the eye was removed from the DOM');
      times.push(r.ms);
      shifts.push(r.shift);
      transients.push(r.maxMove);
      log(`older page ${i + 1}: +${r.added} articles, painted after ${r.ms.toFixed(1)} ms, shift ${r.shift.toFixed(2)} px (max in any frame ${r.maxMove.toFixed(2)} px)`);
      await sleep(300);
    }
    if (!times.length) throw new Error('older page: no page was loaded');
    return { times, shifts, transients, errors: b.errors };
  } finally {
    await b.close();
  }
}

// ---------------------------------------------------------------------------------------
// 4. Scrolling a conversation of N messages from bottom to top

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
function sampleText(i) {
  const n = 2 + ((i * 7919) % 40); // 2..41 words: one to several lines
  const w = [];
  for (let k = 0; k < n; k++) w.push(WORDS[(i + k * 31) % WORDS.length]);
  return `#${i} ${w.join(' ')}${i % 17 === 0 ? '\nsecond line' : ''}`;
}

async function seedConversation(server, n) {
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      // Runs of a few messages per sender, so grouping and both sides show.
      const token = Math.floor(i / 3) % 2 ? KATE : KEVIN;
      await server.api(token, 'POST', '/messages', { conversation_id: SCROLL_CONVERSATION, message: sampleText(i) });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const s = (Date.now() - t0) / 1000;
  log(`seeded ${n} messages into ${SCROLL_CONVERSATION} in ${s.toFixed(1)} s (${(n / s).toFixed(0)}/s)`);
}

async function benchScroll(server) {
  await seedConversation(server, CFG.scrollMessages);
  const runs = [];
  for (let i = 0; i < CFG.scrollRuns; i++) {
    const b = await launch();
    try {
      const { page, context } = b;
      const cdp = await context.newCDPSession(page);
      await page.goto(chatUrl(server, SCROLL_CONVERSATION));
      await waitFirstArticle(page);
      await sleep(1000);
      const start = await page.evaluate(() => ({
        elements: document.getElementsByTagName('*').length,
        articles: document.querySelectorAll('[role="feed"] article').length,
      }));
      const r = await page.evaluate(({ step, timeout }) => new Promise((resolve) => {
        const feed = document.querySelector('[role="feed"]');
        const pc = window.__pcBench;
        const t0 = performance.now();
        pc.longtasks.length = 0;
        const intervals = [];
        let idleSkipped = 0;
        let last = null;
        let wasAtTop = false;
        let maxArticles = 0;
        let frames = 0;
        const done = () => feed.scrollTop === 0 && feed.getAttribute('aria-busy') !== 'true'
          && feed.textContent.includes('This is the beginning of the conversation');
        const tick = (ts) => {
          frames += 1;
          if (last !== null) {
            const dt = ts - last;
            // A frame spent waiting at the top for a page is left out when it was on time.
            if (wasAtTop && dt <= 17.7) idleSkipped += 1;
            else intervals.push(dt);
          }
          last = ts;
          if (frames % 30 === 0) maxArticles = Math.max(maxArticles, feed.querySelectorAll('article').length);
          if (feed.scrollTop > 0) {
            feed.scrollTop = Math.max(0, feed.scrollTop - step);
            wasAtTop = false;
          } else wasAtTop = true;
          const elapsed = performance.now() - t0;
          if ((wasAtTop && done()) || elapsed > timeout) {
            maxArticles = Math.max(maxArticles, feed.querySelectorAll('article').length);
            resolve({
              reachedTop: done(), elapsed, intervals, idleSkipped, maxArticles,
              longtasks: pc.longtasks.filter((l) => l.start >= t0).map((l) => l.duration),
            });
          } else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }), { step: SCROLL_STEP_PX, timeout: CFG.scrollTimeoutMs });
      await sleep(500);
      await cdp.send('HeapProfiler.collectGarbage');
      await sleep(200);
      const heap = await cdp.send('Runtime.getHeapUsage');
      const counters = await cdp.send('Memory.getDOMCounters');
      const end = await page.evaluate(() => {
        const mems = window.__pcBench.memories;
        const mem = mems.length ? mems.reduce((a, m) => a + m.buffer.byteLength, 0) : null;
        return {
          elements: document.getElementsByTagName('*').length,
          articles: document.querySelectorAll('[role="feed"] article').length,
          wasmBytes: mem,
          jsHeapUsed: performance.memory ? performance.memory.usedJSHeapSize : null,
          // The conversation's first bench message (#0) is on screen at the top.
          firstShown: [...document.querySelectorAll('[role="feed"] article')].some((a) => /#0 /.test(a.textContent)),
        };
      });
      await cdp.detach().catch(() => {});
      const within = r.intervals.filter((d) => d <= 17.7).length;
      const run = {
        reachedTop: r.reachedTop,
        seconds: r.elapsed / 1000,
        frames: r.intervals.length,
        idleFramesSkipped: r.idleSkipped,
        framesOver16_7: r.intervals.filter((d) => d > 16.7).length,
        framesWithin17_7Pct: r.intervals.length ? (100 * within) / r.intervals.length : 0,
        worstFrameMs: Math.max(0, ...r.intervals),
        longTasks: r.longtasks.length,
        longTaskTotalMs: r.longtasks.reduce((a, d) => a + d, 0),
        startElements: start.elements,
        startArticles: start.articles,
        endElements: end.elements,
        endArticles: end.articles,
        maxArticlesInDom: r.maxArticles,
        domNodes: counters.nodes,
        jsHeapUsedBytes: heap.usedSize,
        wasmMemoryBytes: end.wasmBytes,
        memoryBytes: heap.usedSize + (end.wasmBytes || 0),
        firstArticleIsFirstMessage: end.firstShown,
        errors: b.errors.slice(0, 5),
      };
      runs.push(run);
      log(`scroll run ${i + 1}/${CFG.scrollRuns}: ${JSON.stringify({ ...run, errors: undefined })}`);
      if (!r.reachedTop) log(`scroll run ${i + 1}: did NOT reach the first message within ${CFG.scrollTimeoutMs / 1000} s`);
    } finally {
      await b.close();
    }
  }
  return runs;
}

// ---------------------------------------------------------------------------------------
// 5. Server side: protocol-bench (list page p50/p99 at depth 0 and deep, sends per second)

async function benchServer() {
  if (SKIP_SERVER_BENCH) return { skipped: 'skipped (--no-server-bench)' };
  if (!fs.existsSync(BENCH_BIN)) {
    return { skipped: `${BENCH_BIN} not found: build it with \`cargo build --release -p protocol-server --bins\`` };
  }
  log(`running ${BENCH_BIN}${QUICK ? ' --quick' : ''} …`);
  // It writes bench-results/server.json under its working directory: run it in a temp dir
  // and copy the result, so a failed run never leaves a stale file behind.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-server-'));
  try {
    const child = spawn(BENCH_BIN, QUICK ? ['--quick'] : [], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    cleanups.push(async () => { try { child.kill('SIGKILL'); } catch { /* gone */ } });
    const code = await new Promise((r) => child.on('exit', r));
    const file = path.join(tmp, 'bench-results', 'server.json');
    if (code !== 0 || !fs.existsSync(file)) return { error: `protocol-bench exited ${code}: ${out.slice(-2000)}` };
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(OUT_DIR, 'server.json'));
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Report

function fmt(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (unit === 'B') return v >= 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(2)} MiB` : `${(v / 1024).toFixed(1)} KiB`;
  if (unit === 'MB') return `${v.toFixed(1)} MB`;
  if (unit === 'ms') return `${v.toFixed(1)} ms`;
  if (unit === 'px') return `${v.toFixed(2)} px`;
  if (unit === '%') return `${v.toFixed(1)} %`;
  if (unit === '/s') return `${Math.round(v).toLocaleString('en-US')}/s`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(1);
}

function figure(id, label, unit, values, budgetKey) {
  const s = summary(values);
  const budget = budgetKey ? BUDGETS[budgetKey] : null;
  let ok = null;
  if (budget) {
    // The median is held to the budget; for the shift and the DOM and memory, which must
    // hold every time, the worst run is.
    const strict = ['older_scroll_shift_px', 'scroll_dom_elements_end', 'scroll_memory_end_mb'].includes(budgetKey);
    const v = strict ? (budget.max !== undefined ? s.max : s.min) : s.median;
    ok = budget.max !== undefined ? v <= budget.max : v >= budget.min;
    if (!ok && budget.ceiling !== undefined && v <= budget.ceiling) ok = 'not met';
  }
  return { id, label, unit, ...s, budget: budget ? budget.text : null, ok };
}

function printTable(rows) {
  const head = ['figure', 'median', 'min', 'max', 'budget', 'ok'];
  const body = rows.map((r) => [
    r.label, fmt(r.median, r.unit), fmt(r.min, r.unit), fmt(r.max, r.unit), r.budget || '',
    r.ok === null ? '' : r.ok === 'not met' ? 'NOT MET (under its ceiling)' : r.ok ? 'ok' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of body) console.log(line(r));
}

// ---------------------------------------------------------------------------------------

async function main() {
  const problems = [];
  if (!fs.existsSync(SERVER_BIN)) problems.push(`protocol-server not found at ${SERVER_BIN} (cargo build --release -p protocol-server, or set PROTOCOL_SERVER_BIN)`);
  if (!fs.existsSync(path.join(DIST, 'index.html'))) problems.push(`no app build at ${DIST} (trunk build --release, or set PROTOCOL_DIST)`);
  if (!fs.existsSync(CHROMIUM)) problems.push(`no Chromium at ${CHROMIUM} (set PROTOCOL_CHROMIUM)`);
  if (problems.length) {
    console.error(`bench: cannot run:\n  - ${problems.join('\n  - ')}`);
    return 2;
  }
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-bench-dist-'));
  fs.cpSync(DIST, dist, { recursive: true });
  cleanups.push(async () => fs.rmSync(dist, { recursive: true, force: true }));
  let chromiumVersion = 'unknown';
  try { chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* keep */ }
  const machine = {
    cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 1024 ** 3),
    chromium: chromiumVersion, node: process.version, platform: `${os.type()} ${os.release()}`,
  };
  log(`mode ${CFG.mode}; ${machine.cpus} cores, ${machine.memory_gib} GiB, ${machine.chromium}`);

  const started = Date.now();
  const server = await startServer(dist);
  const rows = [];
  const notes = [];
  const load = await benchLoad(server);
  const tr = load.transfer;
  rows.push(figure('transfer_raw', 'app loaded before first message, raw', 'B', [tr.raw]));
  rows.push(figure('transfer_gzip', 'app loaded before first message, gzip', 'B', [tr.gzip], 'transfer_gzip'));
  rows.push(figure('transfer_brotli', 'app loaded before first message, brotli', 'B', [tr.brotli]));
  rows.push(figure('transfer_gzip_with_data', 'the same with the first API answers, gzip', 'B', [tr.gzipWithData]));
  rows.push(figure('first_message_ms', 'navigation → first message painted', 'ms', load.firsts, 'first_message_ms'));
  rows.push(figure('first_message_at_launch_ms', 'the same, as the browser starts (info)', 'ms', load.firstsAtLaunch));

  const opt = await benchOptimistic(server);
  rows.push(figure('optimistic_paint_ms', `Enter → own bubble painted (server answers after ${SERVER_LATENCY_MS} ms)`, 'ms', opt.optimistic, 'optimistic_paint_ms'));
  if (opt.notSent) notes.push(`${opt.notSent} of ${CFG.optimisticRuns} optimistic bubbles never turned "sent" within 6 s of Enter although the server answered after ${SERVER_LATENCY_MS} ms`);

  const older = await benchOlder(server);
  rows.push(figure('older_page_ms', 'top reached → older page painted', 'ms', older.times));
  rows.push(figure('older_scroll_shift_px', 'scroll shift of the message under the eye', 'px', older.shifts, 'older_scroll_shift_px'));
  rows.push(figure('older_scroll_shift_any_frame_px', 'largest shift in any sampled frame (info)', 'px', older.transients));

  const scroll = await benchScroll(server);
  const n = CFG.scrollMessages;
  const col = (k) => scroll.map((r) => r[k]);
  rows.push(figure('scroll_frames_within_17_7ms_pct', `scroll ${n.toLocaleString('en-US')} msgs: frames within 17.7 ms`, '%', col('framesWithin17_7Pct'), 'scroll_frames_within_17_7ms_pct'));
  rows.push(figure('scroll_frames_over_16_7ms', `scroll ${n.toLocaleString('en-US')} msgs: frames over 16.7 ms`, 'n', col('framesOver16_7')));
  rows.push(figure('scroll_frames', `scroll ${n.toLocaleString('en-US')} msgs: frames measured`, 'n', col('frames')));
  rows.push(figure('scroll_worst_frame_ms', `scroll ${n.toLocaleString('en-US')} msgs: worst frame`, 'ms', col('worstFrameMs')));
  rows.push(figure('scroll_long_tasks', `scroll ${n.toLocaleString('en-US')} msgs: long tasks`, 'n', col('longTasks')));
  rows.push(figure('scroll_long_task_ms', `scroll ${n.toLocaleString('en-US')} msgs: long tasks, total`, 'ms', col('longTaskTotalMs')));
  rows.push(figure('scroll_dom_elements_start', 'DOM elements after the first page', 'n', col('startElements')));
  rows.push(figure('scroll_dom_elements_end', `DOM elements at the end (${n.toLocaleString('en-US')} msgs)`, 'n', col('endElements'), 'scroll_dom_elements_end'));
  rows.push(figure('scroll_articles_end', 'articles in the DOM at the end', 'n', col('endArticles')));
  rows.push(figure('scroll_dom_nodes_end', 'DOM nodes at the end (CDP, incl. text)', 'n', col('domNodes')));
  rows.push(figure('scroll_js_heap_mb', 'JS heap used at the end', 'MB', col('jsHeapUsedBytes').map((b) => b / MB)));
  rows.push(figure('scroll_wasm_memory_mb', 'wasm memory at the end', 'MB', col('wasmMemoryBytes').map((b) => (b || 0) / MB)));
  rows.push(figure('scroll_memory_end_mb', 'JS heap + wasm memory at the end', 'MB', col('memoryBytes').map((b) => b / MB), 'scroll_memory_end_mb'));
  rows.push(figure('scroll_seconds', 'time to scroll to the first message', 's', col('seconds')));
  const reached = scroll.every((r) => r.reachedTop && r.firstArticleIsFirstMessage);
  if (!reached) {
    notes.push(`the scroll did not reach the first message of the conversation in every run (articles loaded at the end: ${col('endArticles').join(', ')} of ${n}); the DOM and memory figures are for that many, not for ${n}`);
    // Memory "at N messages" was not measured: not judged (the run fails anyway).
    const mem = rows.find((r) => r.id === 'scroll_memory_end_mb');
    if (mem && mem.ok) { mem.ok = null; mem.budget = `${mem.budget} (not reached)`; }
  }
  await server.stop();

  const srv = await benchServer();
  if (srv.messages) {
    rows.push(figure('server_list_depth0_p50_ms', 'server: list page p50, depth 0', 'ms', [srv.first_page_ms.p50]));
    rows.push(figure('server_list_depth0_p99_ms', 'server: list page p99, depth 0', 'ms', [srv.first_page_ms.p99]));
    const d = srv.deep_page_ms.depth.toLocaleString('en-US');
    rows.push(figure('server_list_deep_p50_ms', `server: list page p50, depth ${d}`, 'ms', [srv.deep_page_ms.p50]));
    rows.push(figure('server_list_deep_p99_ms', `server: list page p99, depth ${d}`, 'ms', [srv.deep_page_ms.p99]));
    rows.push(figure('server_sends_per_second', 'server: sends per second', '/s', [srv.send_requests_per_second]));
  } else {
    notes.push(`server benchmark: ${srv.skipped || srv.error}`);
  }

  console.log(`\nProtocol Chat performance (${CFG.mode}; ${machine.cpus} cores, ${machine.memory_gib} GiB, headless ${machine.chromium})\n`);
  printTable(rows);
  console.log('\ntransfer before the first message (per file):');
  for (const f of tr.files) console.log(`  ${f.path.padEnd(48)} raw ${fmt(f.raw, 'B').padStart(10)}  gzip ${fmt(f.gzip, 'B').padStart(10)}  brotli ${fmt(f.brotli, 'B').padStart(10)}`);
  const pageErrors = [...opt.errors, ...older.errors, ...scroll.flatMap((r) => r.errors)];
  if (pageErrors.length) notes.push(`page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
  const broken = rows.filter((r) => r.ok === false);
  for (const note of notes) console.log(`note: ${note}`);

  const result = {
    mode: CFG.mode, date: new Date().toISOString(), machine, config: { ...CFG, scrollStepPx: SCROLL_STEP_PX, serverLatencyMs: SERVER_LATENCY_MS },
    figures: rows, transfer_files: tr.files, scroll_runs: scroll, server: srv, notes,
    ok: broken.length === 0 && reached, seconds: (Date.now() - started) / 1000,
  };
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'browser.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(OUT_DIR, 'browser.json')) || 'bench-results/browser.json'} (${result.seconds.toFixed(0)} s)`);
  if (broken.length || !reached) {
    console.log(`\nBUDGET BROKEN: ${broken.map((r) => `${r.label} = ${fmt(r.ok === false && ['older_scroll_shift_px', 'scroll_dom_elements_end', 'scroll_memory_end_mb'].includes(r.id) ? r.max : r.median, r.unit)} (budget ${r.budget})`).join('; ')}${reached ? '' : '; scroll did not reach the first message'}`);
    return 1;
  }
  const unmet = rows.filter((r) => r.ok === 'not met');
  if (unmet.length) {
    console.log(`\nbudgets NOT MET, under their regression ceilings: ${unmet.map((r) => `${r.label} = ${fmt(r.median, r.unit)} (budget ${r.budget})`).join('; ')}`);
    return 0;
  }
  console.log('\nall budgets met');
  return 0;
}

let code = 2;
try {
  code = await main();
} catch (e) {
  console.error(`bench: ${e.stack || e}`);
  code = 2;
} finally {
  await cleanupAll();
}
process.exit(code);
