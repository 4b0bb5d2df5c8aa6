// 11 a token only ever goes to the API it was configured with (issue 11, point 12).
// A "hostile" API on another loopback origin records every request it gets. A link's
// fragment `api=` must never receive the token a tab is signed in with (same tab, full
// load), nor a token typed into the sign-in form of a fresh tab, unless config.json lists
// that origin in `api_origins`; a link's `token=` never replaces the tab's sign-in.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  useSuite, uniq, KEVIN, FRANK, CONVERSATION, DIST, feed, articles, sendFromComposer, waitForStatus, watchConsole,
} from '../lib/harness.mjs';
import { startProxy } from '../lib/proxy.mjs';
import { startStatic } from '../fixtures/static-server.mjs';

const env = useSuite('11-token-origin');

/** An API on another origin that records what it is sent and answers every call with 401. */
async function startRecorder() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization || null });
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': '*, authorization, content-type, idempotency-key, if-match',
      'access-control-allow-methods': 'GET, POST, PUT, DELETE',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      return res.end();
    }
    res.writeHead(401, { ...cors, 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'authentication_error', message: 'Who are you?' }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

let evil;
before(async () => { evil = await startRecorder(); });
after(async () => { await evil?.stop(); });

/** The requests the hostile API got that carried a token, as "METHOD path (token)". */
const leaked = () => evil.requests.filter((r) => r.authorization || /access_token=/.test(r.path))
  .map((r) => `${r.method} ${r.path} (${r.authorization || 'token in URL'})`);

async function newPage(label) {
  const page = await env.browsers[0].context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `11-${label}`);
  return page;
}

/** The bearer tokens of the page's API requests from now on, by origin. */
function recordTokens(page) {
  const seen = [];
  page.on('request', (r) => {
    const auth = r.headers().authorization;
    if (auth) seen.push({ origin: new URL(r.url()).origin, token: auth.replace(/^Bearer /, '') });
  });
  return seen;
}

test('a link with api= opened in a signed-in tab never sends the stored token there', env.wrap(async () => {
  evil.requests.length = 0;
  const page = await env.openChat();
  await page.goto('about:blank');
  await page.goto(`${env.server.url}/#api=${encodeURIComponent(evil.url)}&conversation=${CONVERSATION}`);
  const opened = await articles(page).first().waitFor({ state: 'visible', timeout: 15000 }).then(() => true, () => false);
  await page.waitForTimeout(500);
  assert.deepEqual(leaked(), [], 'the signed-in token never reaches the link\'s API');
  assert.ok(opened, 'the conversation still opens from the API the tab signed in at');
  const text = uniq('after a hostile link');
  await sendFromComposer(page, text);
  await waitForStatus(page, text, 'sent');
  assert.equal((await env.server.messagesWithText(text)).length, 1);
}));

/** Checks that Frank's token (`what`) left the address bar and that the tab still sends as
 *  Kevin, with Kevin's token only (`tokens` from recordTokens). */
async function stillKevin(page, tokens, what) {
  assert.ok(!page.url().includes(FRANK.token), `${what} leaves the address bar: ${page.url()}`);
  const text = uniq('still kevin');
  await sendFromComposer(page, text);
  await waitForStatus(page, text, 'sent');
  const [stored] = await env.server.messagesWithText(text);
  assert.equal(stored?.contact.username, KEVIN.username, `sent as the person who signed in, not with ${what}`);
  assert.deepEqual([...new Set(tokens.map((t) => t.token))], [KEVIN.token], 'only the signed-in token is used');
}

test('a link with token= never replaces the token the tab is signed in with', env.wrap(async () => {
  const page = await env.openChat();
  await page.goto('about:blank');
  const tokens = recordTokens(page);
  await page.goto(`${env.server.url}/#token=${FRANK.token}&conversation=${CONVERSATION}`);
  await articles(page).first().waitFor({ state: 'visible', timeout: 15000 });
  await stillKevin(page, tokens, 'the link\'s token');
}));

test('a token typed into the address bar of an open page leaves it, and never replaces the sign-in', env.wrap(async () => {
  const page = await env.openChat();
  const tokens = recordTokens(page);
  await page.evaluate(([token, conversation]) => {
    location.hash = `#token=${token}&conversation=${conversation}`;
  }, [FRANK.token, CONVERSATION]);
  await page.waitForURL((url) => !url.hash.includes('token='), { timeout: 10000 });
  await articles(page).first().waitFor({ state: 'visible', timeout: 15000 });
  await stillKevin(page, tokens, 'the typed token');
}));

test('fresh tab: a token typed after following an api= link goes to the deployment\'s API only', env.wrap(async () => {
  evil.requests.length = 0;
  const page = await newPage('fresh');
  await page.goto(`${env.server.url}/#api=${encodeURIComponent(evil.url)}&conversation=${CONVERSATION}`);
  const tokenBox = page.getByRole('textbox', { name: 'API token', exact: true });
  await tokenBox.waitFor({ state: 'visible', timeout: 10000 });
  await tokenBox.fill(KEVIN.token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const opened = await articles(page).first().waitFor({ state: 'visible', timeout: 15000 }).then(() => true, () => false);
  await page.waitForTimeout(500);
  assert.deepEqual(leaked(), [], 'the typed token never reaches an API origin the deployment did not allow');
  assert.deepEqual(evil.requests.map((r) => `${r.method} ${r.path}`), [], 'nothing at all is asked of it');
  assert.ok(opened, 'the conversation opens from the page\'s own API');
}));

test('config.json api_origins: a listed origin may be chosen by the fragment, any other is ignored', { timeout: 60000 }, env.wrap(async () => {
  evil.requests.length = 0;
  const proxy = await startProxy(env.server.url);
  const site = await startStatic({
    mounts: { '/': DIST },
    routes: {
      '/config.json': {
        body: JSON.stringify({ api_base: env.server.url, api_origins: [proxy.url] }),
        type: 'application/json',
      },
    },
  });
  try {
    const allowed = await newPage('allowed');
    const toAllowed = recordTokens(allowed);
    await allowed.goto(`${site.url}/#api=${encodeURIComponent(proxy.url)}&token=${KEVIN.token}&conversation=${CONVERSATION}`);
    await articles(allowed).first().waitFor({ state: 'visible', timeout: 20000 });
    assert.ok(toAllowed.length > 0 && toAllowed.every((t) => t.origin === proxy.url),
      `every API call goes to the listed origin: ${JSON.stringify([...new Set(toAllowed.map((t) => t.origin))])}`);

    const other = await newPage('not-listed');
    const toOther = recordTokens(other);
    await other.goto(`${site.url}/#api=${encodeURIComponent(evil.url)}&token=${KEVIN.token}&conversation=${CONVERSATION}`);
    const opened = await feed(other).getByRole('article').first().waitFor({ state: 'visible', timeout: 20000 }).then(() => true, () => false);
    assert.deepEqual(leaked(), [], 'an origin config.json does not list gets nothing');
    assert.ok(opened, 'the conversation opens from config.json\'s api_base instead');
    assert.ok(toOther.every((t) => t.origin === env.server.url), 'every API call goes to api_base');
  } finally {
    await site.stop();
    await proxy.stop();
  }
}));
