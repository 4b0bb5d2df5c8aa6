// Deploy: one release dist/ on plain static hosts (README "Deploy"; issue "Static hosting").
// dist/ is copied under a sub-path (/support/chat/) of `python3 -m http.server` and at the
// root of a tiny Node static server, both on their own loopback port with the recommended
// Content-Security-Policy as a header, the API (the real protocol-server) on another port.
// No rewrite rules, no rebuild: config.json, the fragment or the sign-in form configure it.
// Nothing may be blocked by the CSP, nothing may load outside the sub-path, and the main
// flows work: open the conversation, send, switch conversations, reload, sign in, images.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useSuite, watchConsole, uniq, KEVIN, CONVERSATION, DIST, feed, articles, articleWithText,
  sendFromComposer, waitForStatus, waitUntil, makePng,
} from './lib/harness.mjs';
import { deployCsp, copyDist, startPythonStatic, recordingContext, cspViolations } from './fixtures/common.mjs';
import { startStatic } from './fixtures/static-server.mjs';

const env = useSuite('deploy');

const browserContext = () => recordingContext(env);
const cleanups = [];

after(async () => {
  for (const f of cleanups.reverse()) await f().catch(() => {});
});

async function newPage(label) {
  const page = await (await browserContext()).newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `deploy-${label}`);
  return page;
}

const conversationsNav = (page) => page.getByRole('navigation', { name: 'Conversations', exact: true });

test('dist/ has no inline script, no inline style but the loading shell\'s, and only relative asset URLs', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 1, 'index.html loads a script');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc=/, `every script has a src: <script${attrs}>`);
    assert.equal(body.trim(), '', 'no inline script body');
  }
  // One inline <style>: the loading shell's few rules, so the shell paints before main.css
  // arrives (the CSP of "Deploy" allows inline styles); every other rule is in main.css.
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]);
  assert.ok(styles.length <= 1, `at most one inline <style>, found ${styles.length}`);
  for (const css of styles) {
    assert.ok(css.length < 600, `the inline style is only the shell's rules (${css.length} characters)`);
    assert.match(css, /\.pc-shell\b/, 'the inline style is the loading shell\'s');
  }
  // Minified HTML may leave attribute values unquoted.
  const urls = [...html.matchAll(/\s(?:src|href)=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
  assert.ok(urls.length >= 4, `index.html names its assets (${urls.length} URLs)`);
  for (const url of urls) {
    assert.ok(!/^(\/|[a-z]+:)/i.test(url), `asset URL is relative: ${url}`);
  }
  for (const f of ['boot.js', 'embed.js', 'protocol-chat.js', 'protocol-chat_bg.wasm', 'main.css', 'config.json', 'embed-demo.html']) {
    assert.ok(fs.existsSync(path.join(DIST, f)), `dist/${f} exists (stable name)`);
  }
});

test('python3 http.server, sub-path /support/chat/, CSP header: config.json + fragment, main flows', { timeout: 120000 }, env.wrap(async () => {
  const api = env.server.url;
  // A message with an image, so the CSP's img-src for the API is exercised.
  const form = new FormData();
  const pngName = `deploy-${Date.now().toString(36)}.png`;
  form.append('file', new Blob([await makePng(6, 6, [10, 160, 90])], { type: 'image/png' }), pngName);
  form.append('conversation_id', CONVERSATION);
  const upload = await env.server.apiOk(KEVIN.token, 'POST', '/attachments', form);
  await env.server.apiOk(KEVIN.token, 'POST', '/messages', {
    conversation_id: CONVERSATION, message: uniq('deploy image'), attachments: [upload.id],
  });

  const site = copyDist('support/chat');
  cleanups.push(async () => site.remove());
  fs.writeFileSync(path.join(site.dir, 'config.json'), JSON.stringify({ api_base: api }));
  const py = await startPythonStatic(site.root, deployCsp(api));
  cleanups.push(() => py.stop());

  const page = await newPage('subpath');
  const base = `${py.url}/support/chat/`;
  const res = await page.goto(`${base}#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  assert.match(res.headers()['content-security-policy'] || '', /script-src 'self' 'wasm-unsafe-eval'/);
  await articles(page).first().waitFor({ state: 'visible', timeout: 20000 });

  // The token left the URL; the open conversation is in the fragment.
  await waitUntil(() => !page.url().includes(KEVIN.token), { timeout: 3000, message: 'token to leave the URL' });
  assert.ok(page.url().startsWith(base), page.url());
  assert.match(new URL(page.url()).hash, new RegExp(`conversation=${CONVERSATION}`));

  // The image from the API origin loads (img-src).
  const img = feed(page).getByRole('img', { name: pngName, exact: true });
  await img.scrollIntoViewIfNeeded();
  await waitUntil(() => img.evaluate((el) => el.complete && el.naturalWidth === 6), { timeout: 8000, message: 'the API image to load under the CSP' });

  // Switch conversation: the URL follows; a reload (the static host serves it) reopens it.
  const nav = conversationsNav(page);
  await nav.waitFor({ state: 'visible' });
  const links = nav.getByRole('link');
  await waitUntil(async () => (await links.count()) >= 2, { timeout: 10000, message: 'two or more conversations' });
  let other = null;
  for (let i = 0; i < (await links.count()); i++) {
    if ((await links.nth(i).getAttribute('aria-current')) !== 'page') { other = links.nth(i); break; }
  }
  assert.ok(other, 'another conversation to open');
  const otherName = (await other.innerText()).trim();
  await other.click();
  await waitUntil(() => !page.url().includes(`conversation=${CONVERSATION}`), { timeout: 5000, message: 'the URL to change conversation' });
  const url = page.url();
  const reload = await page.reload({ waitUntil: 'load' });
  assert.equal(reload.status(), 200, 'the static host serves the URL of the open conversation');
  await nav.getByRole('link', { name: otherName, exact: true }).and(page.locator('[aria-current="page"]'))
    .waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(page.url(), url);

  // Nothing blocked, nothing fetched outside the sub-path, no 404.
  assert.deepEqual(await cspViolations(page), [], 'no CSP violation');
  assert.deepEqual(page.consoleErrors, [], 'no console errors');
  const lines = py.log.split('\n').filter((l) => /"GET /.test(l));
  assert.ok(lines.some((l) => l.includes('/support/chat/protocol-chat_bg.wasm')), 'the wasm came from the sub-path');
  for (const l of lines) {
    const [, p, status] = /"GET (\S+) [^"]*" (\d+)/.exec(l) || [];
    assert.ok(p.startsWith('/support/chat/'), `request outside the sub-path: ${l}`);
    assert.notEqual(status, '404', `404 on the static host: ${l}`);
  }

  // Send (in the conversation now open), through the API on its own origin.
  const text = uniq('deploy send');
  await sendFromComposer(page, text);
  await waitForStatus(page, text, 'sent', 15000);
  assert.equal((await env.server.messagesWithText(text, (new URLSearchParams(new URL(page.url()).hash.slice(1))).get('conversation'))).length, 1, 'stored once');
  assert.deepEqual(await cspViolations(page), [], 'no CSP violation while sending');
  assert.deepEqual(page.consoleErrors, [], 'no console errors while sending');
}));

test('root of a static host with the CSP: config.json with api_base, token and conversation', env.wrap(async () => {
  const api = env.server.url;
  const site = copyDist('');
  cleanups.push(async () => site.remove());
  fs.writeFileSync(path.join(site.dir, 'config.json'),
    JSON.stringify({ api_base: api, token: KEVIN.token, conversation_id: CONVERSATION }));
  const host = await startStatic({ mounts: { '/': site.dir }, headers: { 'Content-Security-Policy': deployCsp(api) } });
  cleanups.push(() => host.stop());

  const page = await newPage('root-config');
  await page.goto(`${host.url}/`);
  await articles(page).first().waitFor({ state: 'visible', timeout: 20000 });
  await waitUntil(() => page.url().includes(`conversation=${CONVERSATION}`), { timeout: 5000, message: 'the conversation in the URL' });
  const text = uniq('config.json send');
  await sendFromComposer(page, text);
  await waitForStatus(page, text, 'sent', 15000);
  await articleWithText(page, text).waitFor();
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
  assert.ok(host.requests.every((r) => r.status === 200), JSON.stringify(host.requests.filter((r) => r.status !== 200)));
}));

test('static host with the CSP, no token anywhere: the sign-in form signs in', env.wrap(async () => {
  const api = env.server.url;
  const site = copyDist('chat');
  cleanups.push(async () => site.remove());
  fs.writeFileSync(path.join(site.dir, 'config.json'), JSON.stringify({ api_base: api }));
  const host = await startStatic({ mounts: { '/chat/': site.dir }, headers: { 'Content-Security-Policy': deployCsp(api) } });
  cleanups.push(() => host.stop());

  const page = await newPage('signin');
  await page.goto(`${host.url}/chat/`);
  const box = page.getByRole('textbox', { name: 'API token', exact: true });
  await box.waitFor({ state: 'visible', timeout: 20000 });
  await box.fill(KEVIN.token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await articles(page).first().waitFor({ state: 'visible', timeout: 20000 });
  assert.ok(!page.url().includes(KEVIN.token), 'no token in the URL');
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(page.consoleErrors, []);
}));
