// iframe: `<iframe src="https://HOST/PATH/#conversation=…&token=…&parent_origin=…">` (README
// "Embed", "iframe"; issue "iframe"). The app (dist/ as served by protocol-server) runs in
// an iframe of a host page on another loopback origin. With parent_origin set to the host's
// origin it posts ready, resize and the new-message count to the parent, and obeys
// set-theme / clear-unread from it. With parent_origin naming another origin, the parent
// receives nothing and its set-theme is ignored: origin-checked both ways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useSuite, watchConsole, uniq, KEVIN, FRANK, CONVERSATION, feed, articleWithText, waitUntil } from './lib/harness.mjs';
import { template, FIXTURES } from './fixtures/common.mjs';
import { startStatic } from './fixtures/static-server.mjs';

const env = useSuite('iframe');
let host;

before(async () => {
  host = await startStatic({
    routes: {
      '/iframe.html': (req) => {
        const parent = new URL(req.url, 'http://x').searchParams.get('parent');
        const frame = `${env.server.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}` +
          `&parent_origin=${encodeURIComponent(parent)}`;
        return { body: template('iframe-host.html', { FRAME: frame }), type: 'text/html; charset=utf-8' };
      },
      '/iframe-host.js': { body: fs.readFileSync(path.join(FIXTURES, 'iframe-host.js')) },
      '/host.css': { body: fs.readFileSync(path.join(FIXTURES, 'host.css')) },
    },
  });
});
after(async () => {
  await host?.stop();
});

async function open(parentOrigin, label) {
  const page = await env.browsers[0].context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `iframe-${label}`);
  await page.goto(`${host.url}/iframe.html?parent=${encodeURIComponent(parentOrigin)}`);
  const frame = page.frameLocator('#chat');
  await feed(frame).getByRole('article').first().waitFor({ state: 'visible', timeout: 20000 });
  return { page, frame };
}

const received = (page) => page.evaluate(() => window.received);
const frameBackground = (frame) => frame.locator('.pc-app').evaluate((el) => getComputedStyle(el).backgroundColor);

test('parent_origin = the host: ready, resize, unread count; set-theme and clear-unread obeyed', { timeout: 90000 }, env.wrap(async () => {
  const { page, frame } = await open(host.url, 'ok');
  await waitUntil(async () => (await received(page)).some((m) => m?.type === 'protocol-chat:ready'), { timeout: 5000, message: 'ready from the frame' });
  const resize = (await received(page)).find((m) => m?.type === 'protocol-chat:resize');
  assert.ok(resize && Number.isFinite(resize.height) && resize.height > 0, `a resize with a height: ${JSON.stringify(resize)}`);

  // A message from Frank while the chat does not have the focus: the badge says 1.
  const text = uniq('frank via api');
  await env.server.send(FRANK.token, text);
  await articleWithText(frame, text).waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(async () => (await page.locator('#badge').innerText()) === '1', { timeout: 5000, message: 'the unread badge to say 1' });
  const unread = (await received(page)).filter((m) => m?.type === 'protocol-chat:unread');
  assert.deepEqual(unread.map((m) => m.count), [1]);

  await page.evaluate(() => window.clearUnread());
  await waitUntil(async () => (await page.locator('#badge').innerText()) === '0', { timeout: 3000, message: 'clear-unread to reset the count' });

  assert.equal(await frameBackground(frame), 'rgb(255, 255, 255)');
  await page.evaluate(() => window.setTheme('dark'));
  await waitUntil(async () => (await frameBackground(frame)) === 'rgb(21, 23, 28)', { timeout: 3000, message: 'set-theme dark to apply' });
  await page.evaluate(() => window.setTheme(null));
  await waitUntil(async () => (await frameBackground(frame)) === 'rgb(255, 255, 255)', { timeout: 3000, message: 'set-theme null to restore' });
  assert.deepEqual(page.consoleErrors, []);
}));

test('parent_origin = another origin: the parent gets nothing and cannot steer the chat', { timeout: 90000 }, env.wrap(async () => {
  const { page, frame } = await open('http://127.0.0.1:9', 'wrong-origin');
  const text = uniq('frank unseen');
  await env.server.send(FRANK.token, text);
  await articleWithText(frame, text).waitFor({ state: 'visible', timeout: 10000 });
  await page.evaluate(() => window.setTheme('dark'));
  await page.waitForTimeout(1000);
  assert.deepEqual(await received(page), [], 'no message reaches a parent of another origin');
  assert.equal(await page.locator('#badge').innerText(), '0');
  assert.equal(await frameBackground(frame), 'rgb(255, 255, 255)', 'set-theme from another origin is ignored');
}));
