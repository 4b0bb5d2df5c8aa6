// 16 loading shell (issue "Phones and every engine", slow networks): on a phone-like
// connection (300 ms latency, 1.6 Mbit/s down, emulated through the DevTools protocol) the
// page shows its frame and a `role="status"` "Loading messages…" within 500 ms of
// navigation, long before the wasm has arrived; the app takes the shell's place without
// moving its line, and once the first messages show no shell is left. The same for the
// widget in its shadow root (embed-demo.html).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, watchConsole, KEVIN, CONVERSATION, articles, waitUntil } from '../lib/harness.mjs';

const env = useSuite('16-loading-shell');

const PHONE_NETWORK = {
  offline: false,
  latency: 300,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};
const LOADING = 'Loading messages…';

/**
 * Records, in every animation frame until the first article shows, where each "Loading
 * messages…" status line is and whether the loading shell is still in the page. Runs in
 * the page before any of its scripts (and sees into open shadow roots).
 */
function recordLoadingLines() {
  const samples = [];
  window.__loadingSamples = samples;
  const statusLines = (root, out) => {
    for (const el of root.querySelectorAll('[role="status"]')) {
      if (el.textContent.trim() === 'Loading messages…') out.push(el);
    }
    for (const host of root.querySelectorAll('*')) {
      if (host.shadowRoot) statusLines(host.shadowRoot, out);
    }
    return out;
  };
  const hasArticle = (root) =>
    !!root.querySelector('article') ||
    [...root.querySelectorAll('*')].some((h) => h.shadowRoot && hasArticle(h.shadowRoot));
  const sample = () => {
    if (!document.documentElement) return requestAnimationFrame(sample);
    const lines = statusLines(document, []);
    for (const el of lines) {
      const r = el.getBoundingClientRect();
      samples.push({ t: performance.now(), shell: !!el.closest('.pc-shell'), left: r.left, top: r.top });
    }
    if (!hasArticle(document)) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}

/** Opens `url` in a new page of the suite's browser over the emulated phone network. */
async function openSlowly(url, label) {
  const page = await env.browsers[0].context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `16-loading-shell-${label}`);
  await page.addInitScript(recordLoadingLines);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', PHONE_NETWORK);
  await page.goto(url, { waitUntil: 'commit' });
  return page;
}

/** When (ms after navigation) the first paint with content happened, and the wasm arrived. */
async function paintAndWasm(page) {
  return waitUntil(() => page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
    return paint && wasm && wasm.responseEnd > 0 ? { paint: paint.startTime, wasm: wasm.responseEnd } : null;
  }), { timeout: 30000, message: 'the first paint and the wasm' });
}

/** Checks what the samples saw: the shell's line first, and the line never moved. */
function checkSamples(samples, what) {
  assert.ok(samples.length > 0, `${what}: a "${LOADING}" line was seen`);
  assert.ok(samples[0].shell, `${what}: the first "${LOADING}" line seen was the shell's`);
  const first = samples[0];
  for (const s of samples) {
    assert.ok(Math.abs(s.left - first.left) <= 0.5 && Math.abs(s.top - first.top) <= 0.5,
      `${what}: the "${LOADING}" line stayed in place (${first.left},${first.top} then ${s.left},${s.top}, shell: ${s.shell})`);
  }
}

test('the standalone page shows its loading shell within 500 ms on a phone network, and the app takes over', env.wrap(async (t) => {
  const page = await openSlowly(
    `${env.server.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`, 'page');
  const status = page.getByRole('status').filter({ hasText: LOADING });
  await status.first().waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await page.getByRole('main').count(), 1, 'the shell is the page\'s one main landmark');

  const { paint, wasm } = await paintAndWasm(page);
  assert.ok(paint <= 500, `something painted within 500 ms of navigation (first contentful paint ${paint.toFixed(0)} ms)`);
  assert.ok(wasm > paint + 500, `the shell painted well before the wasm arrived (paint ${paint.toFixed(0)} ms, wasm ${wasm.toFixed(0)} ms)`);
  t.diagnostic(`first contentful paint ${paint.toFixed(0)} ms, wasm arrived ${wasm.toFixed(0)} ms after navigation`);

  await articles(page).first().waitFor({ state: 'visible', timeout: 30000 });
  assert.equal(await page.locator('.pc-shell').count(), 0, 'no shell is left once the messages show');
  assert.equal(await status.count(), 0, `no "${LOADING}" status once the messages show`);
  assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
  checkSamples(await page.evaluate(() => window.__loadingSamples), 'page');
  assert.deepEqual(page.consoleErrors, []);
}));

test('the widget shows its loading shell in its shadow root before the wasm arrives', env.wrap(async () => {
  const page = await openSlowly(`${env.server.url}/embed-demo.html`, 'widget');
  const status = page.getByRole('region', { name: 'Chat' }).getByRole('status').filter({ hasText: LOADING });
  await status.first().waitFor({ state: 'visible', timeout: 10000 });
  const seenAt = await page.evaluate(() => performance.now());
  const { wasm } = await paintAndWasm(page);
  assert.ok(wasm > seenAt, `the widget's shell showed before the wasm arrived (seen ${seenAt.toFixed(0)} ms, wasm ${wasm.toFixed(0)} ms)`);

  await articles(page).first().waitFor({ state: 'visible', timeout: 30000 });
  assert.equal(await status.count(), 0, `no "${LOADING}" status once the messages show`);
  assert.equal(await page.getByRole('region', { name: 'Chat' }).count(), 1, 'one region "Chat"');
  checkSamples(await page.evaluate(() => window.__loadingSamples), 'widget');
  assert.deepEqual(page.consoleErrors, []);
}));
