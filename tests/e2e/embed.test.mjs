// Embed: the widget on someone else's page (README "Embed"; issue "Embedded widget").
// Three loopback origins: the host page, the widget's files (dist/ under /widget/ of a
// plain static server) and the API. The host page adds the two lines (a div and the
// embed.js script tag), loads Bootstrap from npm plus hostile global CSS, and sends its own
// strict CSP. The widget renders in an open shadow root, works (feed, older pages, send),
// hides the conversation list, looks the same with and without the hostile CSS (pixel diff
// under 1%), and leaves the host's own elements exactly as styled. A second page mounts two
// widgets from its own script with ProtocolChat.mount: themes, host-set custom properties,
// prefers-color-scheme, unmount and mounting again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useSuite, watchConsole, uniq, KEVIN, CONVERSATION, DIST, E2E_DIR, ARTIFACTS, feed, articles,
  articleWithText, sendFromComposer, waitForStatus, waitUntil, loadOlderPage,
} from './lib/harness.mjs';
import { recordingContext, cspViolations, pixelDiff, template, FIXTURES } from './fixtures/common.mjs';
import { startStatic } from './fixtures/static-server.mjs';

const env = useSuite('embed');

const browserContext = () => recordingContext(env);
let widget;
let host;

const BOOTSTRAP = path.join(E2E_DIR, 'node_modules', 'bootstrap', 'dist', 'css', 'bootstrap.min.css');

/** The strict CSP the host page sends (README "Embed": what a host must allow). */
function hostCsp(widgetOrigin, apiOrigin) {
  return [
    "default-src 'self'",
    `script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'`,
    `style-src 'self' ${widgetOrigin} 'unsafe-inline'`,
    `img-src 'self' data: ${apiOrigin}`,
    `connect-src ${widgetOrigin} ${apiOrigin}`,
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
}

function hostPage({ hostile, script = true }) {
  const styles = hostile
    ? '<link rel="stylesheet" href="/bootstrap.min.css">\n  <link rel="stylesheet" href="/hostile.css">'
    : '';
  const tag = script
    ? `<script type="module" src="${widget.url}/widget/embed.js" data-target="#support-chat"
          data-api-base="${env.server.url}" data-token="${KEVIN.token}" data-conversation-id="${CONVERSATION}"></script>`
    : '';
  return { body: template('embed-host.html', { STYLES: styles, WIDGET_SCRIPT: tag }), type: 'text/html; charset=utf-8' };
}

before(async () => {
  // The widget's files: a plain static host that allows cross-origin module loads (CORS).
  widget = await startStatic({ mounts: { '/widget/': DIST }, headers: { 'Access-Control-Allow-Origin': '*' } });
  host = await startStatic({
    routes: {
      '/plain.html': () => hostPage({ hostile: false }),
      '/hostile.html': () => hostPage({ hostile: true }),
      '/hostile-no-widget.html': () => hostPage({ hostile: true, script: false }),
      '/mount.html': () => ({ body: template('mount-host.html', { WIDGET: `${widget.url}/widget/`, API: env.server.url }), type: 'text/html; charset=utf-8' }),
      '/mount-host.js': { body: fs.readFileSync(path.join(FIXTURES, 'mount-host.js')) },
      '/host.css': { body: fs.readFileSync(path.join(FIXTURES, 'host.css')) },
      '/hostile.css': { body: fs.readFileSync(path.join(FIXTURES, 'hostile.css')) },
      '/bootstrap.min.css': { body: fs.readFileSync(BOOTSTRAP) },
    },
    headers: () => ({ 'Content-Security-Policy': hostCsp(widget.url, env.server.url) }),
  });
});
after(async () => {
  await host?.stop();
  await widget?.stop();
});

async function open(pathname, label) {
  const page = await (await browserContext()).newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `embed-${label}`);
  await page.goto(`${host.url}${pathname}`);
  return page;
}

/** Waits until the widget shows the newest messages and nothing is loading. */
async function settled(page, within = page) {
  await articles(within).first().waitFor({ state: 'visible', timeout: 20000 });
  await waitUntil(async () => (await feed(within).getAttribute('aria-busy')) === 'false', { timeout: 10000, message: 'feed not busy' });
  await page.mouse.move(1, 1);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(500);
}

/** Computed styles of the host's own elements (they must not depend on the widget). */
function hostStyles(page) {
  return page.evaluate(() => {
    const props = ['color', 'background-color', 'font-size', 'font-family', 'display', 'padding-top', 'margin-top', 'border-top-style', 'line-height', 'box-sizing', 'border-radius'];
    const out = {};
    for (const sel of ['body', '.host-nav', '.host-title', '.host-text', '.host-button', '.host-decoy']) {
      const cs = getComputedStyle(document.querySelector(sel));
      out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }
    return out;
  });
}

test('script tag on a hostile host page of another origin: the widget works in a shadow root', { timeout: 120000 }, env.wrap(async () => {
  const page = await open('/hostile.html', 'hostile');
  const chat = page.locator('#support-chat');
  await settled(page, chat);

  assert.equal(await chat.evaluate((el) => el.shadowRoot?.mode), 'open', 'an open shadow root');
  assert.equal(await chat.evaluate((el) => !!el.shadowRoot.querySelector('[role="feed"]')), true, 'the feed is inside it');
  assert.equal(await page.getByRole('navigation', { name: 'Conversations' }).count(), 0, 'no conversation list in the widget');
  assert.ok(await chat.getByRole('heading').first().isVisible(), 'the conversation title shows');
  // Named as in the standalone app, though the widget has no conversation list.
  await waitUntil(async () => (await chat.getByRole('heading').first().innerText()).trim() === 'Frank McCallister', {
    timeout: 10000,
    message: 'the widget\'s heading to show the conversation title',
  });

  // Sized by its container (host.css: 420×560) despite `div { display: inline }`.
  const box = await chat.boundingBox();
  assert.deepEqual([Math.round(box.width), Math.round(box.height)], [420, 560]);

  // Older messages load when the reader reaches the top.
  await loadOlderPage(feed(chat), env.server);

  // The widget's files came from the widget's origin, never the host's.
  for (const f of ['/widget/embed.js', '/widget/protocol-chat.js', '/widget/protocol-chat_bg.wasm', '/widget/main.css']) {
    assert.ok(widget.requests.some((r) => r.path === f && r.status === 200), `${f} from the widget origin`);
  }
  assert.ok(!host.requests.some((r) => /protocol-chat|main\.css|embed\.js|config\.json/.test(r.path)), JSON.stringify(host.requests));

  assert.deepEqual(await cspViolations(page), [], 'the host page\'s strict CSP blocks nothing');
  assert.deepEqual(page.consoleErrors, []);

  // The host's own elements keep their styles: the same with and without the widget.
  const without = await open('/hostile-no-widget.html', 'hostile-no-widget');
  await without.locator('.host-button').waitFor();
  assert.deepEqual(await hostStyles(page), await hostStyles(without), 'host styles do not depend on the widget');
  assert.equal(await page.locator('.host-button').evaluate((el) => getComputedStyle(el).borderTopStyle), 'dashed', 'hostile CSS still applies to the host');

  // Send, through the API on its own origin.
  const text = uniq('embed send');
  await sendFromComposer(chat, text);
  await waitForStatus(chat, text, 'sent', 15000);
  assert.equal((await env.server.messagesWithText(text)).length, 1, 'stored once');
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
}));

test('a widget opened while the API fails names its conversation once the API answers', { timeout: 90000 }, env.wrap(async () => {
  await env.server.setFaults({ fail_rate: 1 });
  const page = await open('/plain.html', 'title-retry');
  const chat = page.locator('#support-chat');
  await chat.getByRole('alert').first().waitFor({ state: 'visible', timeout: 20000 });
  await page.waitForTimeout(1500);
  assert.notEqual((await chat.getByRole('heading').first().innerText()).trim(), 'Frank McCallister', 'no title while every request fails');
  await env.server.setFaults({});
  // The title is tried again with the feed's backoff (1 s, 2 s, 4 s, …), as the feed is.
  await waitUntil(async () => (await chat.getByRole('heading').first().innerText()).trim() === 'Frank McCallister', {
    timeout: 20000,
    message: 'the widget\'s heading to show the conversation title once the API answers',
  });
  await articles(chat).first().waitFor({ state: 'visible', timeout: 20000 });
}));

test('the widget looks the same with and without hostile CSS (pixel diff under 1%)', { timeout: 90000 }, env.wrap(async () => {
  const plain = await open('/plain.html', 'plain');
  const hostile = await open('/hostile.html', 'hostile2');
  await settled(plain, plain.locator('#support-chat'));
  await settled(hostile, hostile.locator('#support-chat'));
  const a = await plain.locator('#support-chat').screenshot({ animations: 'disabled' });
  const b = await hostile.locator('#support-chat').screenshot({ animations: 'disabled' });
  fs.writeFileSync(path.join(ARTIFACTS, 'embed-widget-plain.png'), a);
  fs.writeFileSync(path.join(ARTIFACTS, 'embed-widget-hostile.png'), b);
  const ratio = pixelDiff(a, b, path.join(ARTIFACTS, 'embed-widget-diff.png'));
  assert.ok(ratio < 0.01, `differing pixels: ${(ratio * 100).toFixed(2)}% (see ${ARTIFACTS}/embed-widget-*.png)`);
  // And the hostile page really is hostile.
  assert.equal(await hostile.locator('.host-title').evaluate((el) => getComputedStyle(el).fontSize), '30px');
  assert.notEqual(await plain.locator('.host-title').evaluate((el) => getComputedStyle(el).fontSize), '30px');
}));

/** A custom property or style of the `.pc-app` inside `selector`'s shadow root. */
function appStyle(page, selector, prop) {
  return page.locator(selector).evaluate((el, p) => {
    const app = el.shadowRoot?.querySelector('.pc-app');
    return app ? getComputedStyle(app).getPropertyValue(p).trim() : null;
  }, prop);
}

test('ProtocolChat.mount twice on one page: themes, host custom properties, unmount, mount again', { timeout: 120000 }, env.wrap(async () => {
  const page = await open('/mount.html', 'mount');
  await page.locator('body[data-ready="yes"]').waitFor({ timeout: 20000 });
  const a = page.locator('#chat-a');
  const b = page.locator('#chat-b');
  await settled(page, a);
  await settled(page, b);

  // Themes: A follows the system (light here), B was mounted with theme: 'dark'; the host's
  // --pc-accent on #chat-a reaches inside A's shadow root.
  assert.equal(await appStyle(page, '#chat-a', 'background-color'), 'rgb(255, 255, 255)');
  assert.equal(await appStyle(page, '#chat-b', 'background-color'), 'rgb(21, 23, 28)');
  assert.equal(await appStyle(page, '#chat-a', '--pc-accent'), 'rgb(10, 125, 90)');
  const sendA = a.getByRole('button', { name: 'Send', exact: true });
  assert.equal(await sendA.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(10, 125, 90)');

  // prefers-color-scheme: dark turns A dark; data-theme="light" on the element overrides it.
  await page.emulateMedia({ colorScheme: 'dark' });
  await waitUntil(async () => (await appStyle(page, '#chat-a', 'background-color')) === 'rgb(21, 23, 28)', { timeout: 3000, message: 'A to follow the dark system theme' });
  await a.evaluate((el) => el.setAttribute('data-theme', 'light'));
  await waitUntil(async () => (await appStyle(page, '#chat-a', 'background-color')) === 'rgb(255, 255, 255)', { timeout: 3000, message: 'data-theme="light" to win' });
  await page.emulateMedia({ colorScheme: 'light' });

  // Unmount B: its content goes, its theme attribute is restored, A keeps working.
  await page.evaluate(() => window.hostChats.b.unmount());
  await waitUntil(() => b.evaluate((el) => !el.shadowRoot.querySelector('.pc-app')), { timeout: 3000, message: 'B to be empty' });
  assert.equal(await b.getAttribute('data-theme'), null);
  assert.ok(await articles(a).first().isVisible(), 'A is still there');

  // Mount again on the same element (as Frank, following the system theme).
  await page.evaluate(() => window.remountB());
  await articles(b).first().waitFor({ state: 'visible', timeout: 20000 });
  assert.equal(await b.evaluate((el) => el.shadowRoot.querySelectorAll('.pc-app').length), 1, 'one app in B');
  assert.equal(await appStyle(page, '#chat-b', 'background-color'), 'rgb(255, 255, 255)');
  assert.equal(await page.locator('body > .pc-app').count(), 0, 'the standalone app never mounted into the host page');

  // Both work at once: Kevin (A) sends, Frank (B) sees it live, and the reverse.
  const text = uniq('two widgets');
  await sendFromComposer(a, text);
  await waitForStatus(a, text, 'sent', 15000);
  await articleWithText(b, text).waitFor({ state: 'visible', timeout: 10000 });
  const reply = uniq('frank answers');
  await sendFromComposer(b, reply);
  await waitForStatus(b, reply, 'sent', 15000);
  await articleWithText(a, reply).waitFor({ state: 'visible', timeout: 10000 });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
}));
