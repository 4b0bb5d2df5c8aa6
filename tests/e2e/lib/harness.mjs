// End-to-end harness for Protocol Chat.
//
// What it does
//   * Starts the real `protocol-server` (never a mock) on 127.0.0.1 with a free ephemeral
//     port, a fresh temp dir for the SQLite db and the uploaded files, the demo seed, the
//     trunk-built app as static files, and `--test-control` (GET/PUT /_test/faults).
//   * Launches Debian's Chromium through `playwright-core` with a fresh profile directory
//     every time (no browser is ever downloaded).
//   * Gives small helpers for the API (used only to set up state and to verify what the
//     server stored), for fault injection, and for bounded polling.
//
// Artefacts are located by environment variables; the tests never build anything:
//   PROTOCOL_SERVER_BIN  default <repo>/target/release/protocol-server
//   PROTOCOL_DIST        default <repo>/dist            (must contain index.html)
//   PROTOCOL_CHROMIUM    default /usr/bin/chromium
//   E2E_ARTIFACTS        default tests/e2e/test-results (server logs, console logs,
//                        screenshots of failing tests)
//
// Run (Node >= 20, Debian chromium at /usr/bin/chromium, server and app already built):
//   cd tests/e2e && npm ci && npm test
//   PROTOCOL_SERVER_BIN=/path/protocol-server PROTOCOL_DIST=/path/dist npm test
//   node --test --test-concurrency=1 specs/03-send.test.mjs      # one file
// `npm test` runs specs/*.test.mjs serially; each file has its own server and browser, so
// any file runs alone. A failing test leaves a screenshot and the page HTML, and every file
// leaves its server log and browser console log, in test-results/.
//
// Usage in a spec file:
//   const env = useSuite('send');          // registers before/after hooks for the file
//   test('...', env.wrap(async () => { const page = await env.openChat(); ... }));

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after, beforeEach } from 'node:test';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO = path.resolve(E2E_DIR, '..', '..');
export const SERVER_BIN =
  process.env.PROTOCOL_SERVER_BIN || path.join(REPO, 'target', 'release', 'protocol-server');
export const DIST = process.env.PROTOCOL_DIST || path.join(REPO, 'dist');
export const CHROMIUM = process.env.PROTOCOL_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = process.env.E2E_ARTIFACTS || path.join(E2E_DIR, 'test-results');

// Demo seed (shared/API.md "Demo data").
export const KEVIN = { username: 'KevinMcCallister', id: 'WAz8eIbvDR60rouK', token: 'demo-kevin' };
export const FRANK = { username: 'FrankMcCallister', id: 'FRnk8eIbvDR60rou', token: 'demo-frank' };
export const KATE = { username: 'KateMcCallister', id: 'KaTe8eIbvDR60rou', token: 'demo-kate' };
export const CONVERSATION = 'xgQQXg3hrtjh7AvZ';
export const NECK_INJURY_ID = 'SIuAFUNKdSYHZF2w';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------------------
// Small utilities

/** A short random suffix so every test's texts are unique on the server. */
export function uniq(label) {
  return `e2e ${label} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) or `timeout` ms pass.
 * On timeout throws with `message` and the last value / error seen, so failures say why.
 */
export async function waitUntil(fn, { timeout = 5000, interval = 50, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastErr;
  for (;;) {
    try {
      last = await fn();
      lastErr = undefined;
      if (last) return last;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() >= deadline) {
      const detail = lastErr ? `last error: ${lastErr.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`Timed out after ${timeout} ms waiting for ${message} (${detail})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function checkArtefacts() {
  const problems = [];
  if (!fs.existsSync(SERVER_BIN)) {
    problems.push(
      `protocol-server binary not found at ${SERVER_BIN}. Build it with ` +
        '`cargo build --release -p protocol-server` or set PROTOCOL_SERVER_BIN.',
    );
  } else {
    try {
      fs.accessSync(SERVER_BIN, fs.constants.X_OK);
    } catch {
      problems.push(`${SERVER_BIN} is not executable.`);
    }
  }
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    problems.push(
      `The app build is missing: ${path.join(DIST, 'index.html')} does not exist. Build it with ` +
        'trunk (see scripts/) or set PROTOCOL_DIST.',
    );
  }
  if (!fs.existsSync(CHROMIUM)) {
    problems.push(`Chromium not found at ${CHROMIUM} (set PROTOCOL_CHROMIUM).`);
  }
  if (problems.length) throw new Error(`E2E artefacts missing:\n  - ${problems.join('\n  - ')}`);
}

// ---------------------------------------------------------------------------------------
// The server

/**
 * Starts protocol-server with the demo seed and test control on a free port.
 * Resolves once `GET /v1/contacts/me` answers 200 for demo-kevin.
 */
export async function startServer({ name = 'server', extraArgs = [] } = {}) {
  checkArtefacts();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-srv-'));
    const files = path.join(tmp, 'files');
    fs.mkdirSync(files);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logPath = path.join(ARTIFACTS, `${name}-server.log`);
    const log = fs.createWriteStream(logPath, { flags: attempt === 0 ? 'w' : 'a' });
    let output = '';
    const args = [
      '--addr', `127.0.0.1:${port}`,
      '--db', path.join(tmp, 'p.db'),
      '--seed', 'demo',
      '--static', DIST,
      '--files', files,
      '--test-control',
      ...extraArgs,
    ];
    const child = spawn(SERVER_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'info' },
    });
    const onData = (d) => {
      log.write(d);
      if (output.length < 20000) output += d.toString();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let exited = null;
    const exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        resolve(exited);
      });
      child.on('error', (err) => {
        exited = { code: -1, signal: null, err };
        resolve(exited);
      });
    });
    const server = makeServerHandle({ url, port, tmp, child, exitPromise, log, logPath, getOutput: () => output, getExited: () => exited });
    try {
      await waitUntil(
        async () => {
          if (exited) throw new Error(`server exited early: ${JSON.stringify(exited)}\n${output}`);
          const res = await fetch(`${url}/v1/contacts/me`, {
            headers: { Authorization: `Bearer ${KEVIN.token}` },
            signal: AbortSignal.timeout(2000),
          });
          return res.status === 200;
        },
        { timeout: 60000, interval: 100, message: `protocol-server at ${url} to answer /v1/contacts/me` },
      );
      return server;
    } catch (e) {
      lastError = e;
      await server.stop();
      if (/address.*in use|AddrInUse|os error 98/i.test(output)) continue; // port clash: retry
      throw new Error(`${e.message}\n--- server output ---\n${output.slice(-4000)}`);
    }
  }
  throw lastError;
}

function makeServerHandle({ url, port, tmp, child, exitPromise, log, logPath, getOutput, getExited }) {
  let stopped = false;
  const killOnExit = () => {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  };
  process.on('exit', killOnExit);
  return {
    url,
    port,
    tmp,
    logPath,
    get output() { return getOutput(); },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', killOnExit);
      if (!getExited()) {
        child.kill('SIGTERM');
        const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 5000);
        await exitPromise;
        clearTimeout(t);
      }
      log.end();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
    /** Calls the API as `token`. Returns { status, body, headers }. */
    async api(token, method, pathAndQuery, body) {
      const headers = { Authorization: `Bearer ${token}` };
      let payload;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      const res = await fetch(`${url}/v1${pathAndQuery}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(15000),
      });
      const text = await res.text();
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
      return { status: res.status, body: json, headers: res.headers };
    },
    /** Like api() but throws unless the status is 2xx; returns the body. */
    async apiOk(token, method, pathAndQuery, body) {
      const r = await this.api(token, method, pathAndQuery, body);
      if (r.status < 200 || r.status > 299) {
        throw new Error(`${method} ${pathAndQuery} -> ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.body;
    },
    /** Every message of a conversation, newest first, by walking all pages. */
    async allMessages(conversationId = CONVERSATION, token = KEVIN.token) {
      const out = [];
      let after = null;
      for (let i = 0; i < 1000; i++) {
        const q = `/messages?conversation_id=${conversationId}&limit=100${after ? `&starting_after=${after}` : ''}`;
        const page = await this.apiOk(token, 'GET', q);
        out.push(...page.data);
        if (!page.has_more || page.data.length === 0) return out;
        after = page.data[page.data.length - 1].id;
      }
      throw new Error('pagination did not end after 1000 pages');
    },
    /** Marks every message from others of a conversation read, as `reader` (test setup). */
    async readAll(conversationId = CONVERSATION, reader = KEVIN) {
      const all = await this.allMessages(conversationId, reader.token);
      for (const m of all.filter((x) => x.contact.id !== reader.id && !x.read_at)) {
        await this.apiOk(reader.token, 'PUT', `/messages/${m.id}`, { read_at: Math.floor(Date.now() / 1000) });
      }
    },
    /** The messages of a conversation whose text equals `text` exactly. */
    async messagesWithText(text, conversationId = CONVERSATION) {
      return (await this.allMessages(conversationId)).filter((m) => m.message === text);
    },
    /** Sends a message through the API (test setup). */
    async send(token, text, conversationId = CONVERSATION) {
      return this.apiOk(token, 'POST', '/messages', { conversation_id: conversationId, message: text });
    },
    async getFaults() {
      const res = await fetch(`${url}/_test/faults`, { signal: AbortSignal.timeout(5000) });
      if (res.status !== 200) throw new Error(`GET /_test/faults -> ${res.status}`);
      return res.json();
    },
    /** Sets fault injection; fields not given are reset to 0. */
    async setFaults({ latency_ms = 0, fail_rate = 0, fail_after_commit_rate = 0 } = {}) {
      const want = { latency_ms, fail_rate, fail_after_commit_rate };
      const res = await fetch(`${url}/_test/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(want),
        signal: AbortSignal.timeout(5000),
      });
      if (res.status !== 200) {
        throw new Error(`PUT /_test/faults ${JSON.stringify(want)} -> ${res.status} ${await res.text()}`);
      }
      return want;
    },
  };
}

// ---------------------------------------------------------------------------------------
// The browser

/**
 * Launches Chromium with a fresh profile. Returns { context, close() }. `contextOptions`
 * override the context's defaults, e.g. a phone: `{ viewport: { width: 375, height: 740 },
 * hasTouch: true, isMobile: true }`.
 */
export async function launchBrowser({ name = 'browser', contextOptions = {} } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 768 },
    locale: 'en-US',
    timezoneId: 'UTC',
    ...contextOptions,
  });
  context.setDefaultTimeout(10000);
  let closed = false;
  return {
    name,
    context,
    async close() {
      if (closed) return;
      closed = true;
      try { await context.close(); } catch { /* already gone */ }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records console errors and page errors of a page (and writes every console line to the
 * artefacts log). `errors` is the live list.
 */
export function watchConsole(page, logName) {
  const errors = [];
  const logPath = path.join(ARTIFACTS, `${logName}-console.log`);
  const write = (line) => {
    try { fs.appendFileSync(logPath, `${new Date().toISOString()} ${line}\n`); } catch { /* ignore */ }
  };
  page.on('console', (msg) => {
    const where = msg.location()?.url ? ` (${msg.location().url})` : '';
    write(`[${msg.type()}] ${msg.text()}${where}`);
    // config.json is optional (UI.md "Configuration", source 3): Chromium logs its 404 as a
    // network error the app cannot silence. Logged, not counted. Anything else counts.
    const optionalConfig404 = /\/config\.json$/.test(msg.location()?.url || '') && /404/.test(msg.text());
    if (msg.type() === 'error' && !optionalConfig404) errors.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => {
    write(`[pageerror] ${err.message}`);
    errors.push(`pageerror: ${err.message}`);
  });
  page.on('crash', () => errors.push('page crashed'));
  page.on('response', (res) => {
    if (res.status() >= 400) write(`[http ${res.status()}] ${res.request().method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => write(`[requestfailed] ${req.method()} ${req.url()} ${req.failure()?.errorText}`));
  return errors;
}

// ---------------------------------------------------------------------------------------
// The suite: one server and one browser per spec file

/**
 * Registers before/after hooks that start a server and a browser for this file and tear
 * both down afterwards (also when tests fail). Returns the environment object.
 */
export function useSuite(name) {
  const env = {
    name,
    server: null,
    browsers: [],
    pages: [],
    /** Another browser of this suite; `contextOptions` as launchBrowser's (a phone). */
    async browser(contextOptions = {}) {
      const b = await launchBrowser({ name: `${name}-${env.browsers.length}`, contextOptions });
      env.browsers.push(b);
      return b;
    },
    /**
     * Opens the app at `/#token=…&conversation=…` in a new page of `browser` (default: the
     * suite's first browser) and waits until the feed "Messages" shows articles.
     */
    async openChat({ token = KEVIN.token, conversation = CONVERSATION, browser, waitForArticles = true, hash } = {}) {
      const b = browser || env.browsers[0] || (await env.browser());
      const page = await b.context.newPage();
      env.pages.push(page);
      page.consoleErrors = watchConsole(page, `${name}`);
      // Resolves when the app's live stream (GET /v1/events, SSE) has answered 200, so live
      // tests act only once the subscription exists (see waitForLiveStream).
      page.liveStream = new Promise((resolve) => {
        const onResponse = (res) => {
          if (res.url().includes('/v1/events') && res.status() === 200) {
            page.off('response', onResponse);
            resolve(true);
          }
        };
        page.on('response', onResponse);
      });
      const frag = hash ?? `#token=${encodeURIComponent(token)}&conversation=${encodeURIComponent(conversation)}`;
      await page.goto(`${env.server.url}/${frag}`);
      if (waitForArticles) {
        await feed(page).getByRole('article').first().waitFor({ state: 'visible', timeout: 20000 });
      }
      return page;
    },
    /** Wraps a test body: on failure saves a screenshot of every open page. */
    wrap(fn) {
      return async (t) => {
        try {
          await fn(t);
        } catch (e) {
          await env.snapshot(t?.name || 'failure');
          throw e;
        }
      };
    },
    async snapshot(label) {
      const safe = `${name}-${label}`.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120);
      let i = 0;
      for (const p of env.pages) {
        if (p.isClosed()) continue;
        try {
          await p.screenshot({ path: path.join(ARTIFACTS, `${safe}-${i}.png`), timeout: 5000 });
          fs.writeFileSync(path.join(ARTIFACTS, `${safe}-${i}.html`), await p.content());
        } catch { /* best effort */ }
        i++;
      }
    },
    /** Closes every page opened so far (the browser stays). */
    async closePages() {
      for (const p of env.pages.splice(0)) {
        try { await p.close(); } catch { /* gone */ }
      }
    },
  };
  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of fs.readdirSync(ARTIFACTS)) {
      if (f.startsWith(`${name}-`)) fs.rmSync(path.join(ARTIFACTS, f), { force: true });
    }
    env.server = await startServer({ name });
    await env.browser();
  });
  beforeEach(async () => {
    await env.closePages();
    if (env.server) await env.server.setFaults({});
  });
  after(async () => {
    for (const b of env.browsers) await b.close();
    if (env.server) await env.server.stop();
  });
  return env;
}

// ---------------------------------------------------------------------------------------
// Page helpers: every element by role + name (shared/UI.md), or the attributes UI.md defines

/** Waits until the page's live stream (SSE /v1/events) is connected. */
export async function waitForLiveStream(page, timeout = 10000) {
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the app did not open its live stream (GET /v1/events) within ${timeout} ms`)), timeout);
  });
  try {
    await Promise.race([page.liveStream, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export const feed = (page) => page.getByRole('feed', { name: 'Messages', exact: true });
export const composer = (page) => page.getByRole('textbox', { name: 'Message', exact: true });
export const articles = (page) => feed(page).getByRole('article');
export const articleById = (page, id) => feed(page).locator(`article[data-message-id="${id}"]`);
export const articleWithText = (page, text) => articles(page).filter({ hasText: text });

/** Types `text` into the composer and presses Enter. */
export async function sendFromComposer(page, text) {
  const box = composer(page);
  await box.click();
  await box.fill(text);
  await box.press('Enter');
}

/**
 * Walks the windowed feed (only rows near the viewport are in the DOM) from the bottom up, a
 * screen at a time, like a reader would, calling `visit(rows)` with the articles in the DOM
 * at each step ({ key, id, status, pos, text }, top to bottom) until it returns true or the top is
 * reached; then scrolls back to the bottom. Returns whether `visit` asked to stop.
 */
export async function walkFeed(feedLocator, visit, { maxSteps = 400 } = {}) {
  const toBottom = () => feedLocator.evaluate(async (f) => {
    f.scrollTop = f.scrollHeight;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
  await toBottom();
  let stopped = false;
  for (let step = 0; step < maxSteps && !stopped; step++) {
    const rows = await feedLocator.evaluate((f) => [...f.querySelectorAll('article')].map((a) => ({
      key: a.getAttribute('data-key'), id: a.getAttribute('data-message-id'), status: a.getAttribute('data-status'),
      pos: Number(a.getAttribute('aria-posinset')), text: a.textContent,
    })));
    stopped = Boolean(await visit(rows));
    if (stopped) break;
    const moved = await feedLocator.evaluate(async (f) => {
      const before = f.scrollTop;
      f.scrollTop = Math.max(0, before - Math.floor(f.clientHeight * 0.8));
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await frame();
      await frame();
      return f.scrollTop < before;
    });
    if (!moved) break;
  }
  await toBottom();
  return stopped;
}

/**
 * Scrolls `feedLocator` to its top and waits until an older page is in. The feed is
 * windowed (the number of articles in the DOM does not grow), so it watches the first visible
 * article's aria-posinset, which grows by the rows prepended above it. The server answers
 * late meanwhile, so that article is read before the page arrives.
 */
export async function loadOlderPage(feedLocator, server, { latencyMs = 400, timeout = 15000 } = {}) {
  await server.setFaults({ latency_ms: latencyMs });
  try {
    const before = await feedLocator.evaluate(async (f) => {
      f.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const top = f.getBoundingClientRect().top;
      const a = [...f.querySelectorAll('article')].find((x) => x.getBoundingClientRect().bottom > top);
      return a && { id: a.getAttribute('data-message-id'), pos: Number(a.getAttribute('aria-posinset')) };
    });
    if (!before) throw new Error('no article in view at the top of the feed');
    await waitUntil(() => feedLocator.evaluate((f, id) => Number(f.querySelector(`article[data-message-id="${id}"]`)
      ?.getAttribute('aria-posinset')), before.id).then((pos) => pos > before.pos), { timeout, message: 'an older page to load' });
  } finally {
    await server.setFaults({});
  }
}

/** The value of `data-status` of the (single) article holding `text`, or null. */
export async function statusOf(page, text) {
  const loc = articleWithText(page, text);
  const n = await loc.count();
  if (n === 0) return null;
  if (n > 1) return `DUPLICATE(${n})`;
  return loc.getAttribute('data-status');
}

/** Waits until the article with `text` has data-status = `status`. */
export async function waitForStatus(page, text, status, timeout = 10000) {
  return waitUntil(async () => (await statusOf(page, text)) === status, {
    timeout,
    interval: 50,
    message: `article "${text}" to have data-status="${status}"`,
  }).catch(async (e) => {
    const now = await statusOf(page, text).catch(() => '?');
    throw new Error(`${e.message}; status at timeout: ${now}`);
  });
}

/** Opens an article's actions (hover + focus) and returns the named action button. */
export async function messageAction(article, name) {
  await article.scrollIntoViewIfNeeded();
  await article.hover();
  const button = article.getByRole('button', { name, exact: true });
  if (!(await button.isVisible())) {
    await article.focus();
  }
  await button.waitFor({ state: 'visible', timeout: 5000 });
  return button;
}

// ---------------------------------------------------------------------------------------
// Generated files for upload tests

/** A valid RGB PNG of w×h pixels of one colour. */
export async function makePng(w = 4, h = 4, [r, g, b] = [200, 30, 30]) {
  const zlib = await import('node:zlib');
  const crc32 = zlib.crc32 || ((buf) => {
    let c;
    let crc = 0xffffffff;
    for (const byte of buf) {
      c = (crc ^ byte) & 0xff;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crc = (crc >>> 8) ^ c;
    }
    return (crc ^ 0xffffffff) >>> 0;
  });
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * True when the element is at least partly visible: inside the window and inside every
 * scrolling ancestor's visible box.
 */
export function isInView(locator) {
  return locator.evaluate(inView);
}

/** In the page: whether `el` is at least partly inside the window and every scrolling
 *  ancestor's visible box (engines/ call it through WebDriver). With `inWindow` false, the
 *  window is left aside: a widget may sit below its host page's fold. */
export function inView(el, inWindow = true) {
  const r = el.getBoundingClientRect();
  if (r.height === 0 && r.width === 0) return false;
  let top = inWindow ? 0 : -Infinity;
  let bottom = inWindow ? window.innerHeight : Infinity;
  for (let a = el.parentElement; a; a = a.parentElement) {
    const oy = getComputedStyle(a).overflowY;
    if (oy === 'auto' || oy === 'scroll' || oy === 'hidden') {
      const ar = a.getBoundingClientRect();
      top = Math.max(top, ar.top);
      bottom = Math.min(bottom, ar.bottom);
    }
  }
  return r.bottom > top && r.top < bottom;
}

/** The accessible name of the element, as Playwright's aria snapshot computes it. */
export async function accessibleName(locator) {
  const snap = await locator.ariaSnapshot({ timeout: 3000 });
  const m = /^- \w+ "((?:[^"\\]|\\.)*)"/.exec(snap.trim());
  if (m) return m[1].replace(/\\(.)/g, '$1');
  const m2 = /^- \w+ (\/.*\/)/.exec(snap.trim());
  return m2 ? m2[1] : '';
}
