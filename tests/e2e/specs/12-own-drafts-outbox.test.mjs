// 12 drafts and unsent messages belong to their author (issue 11, point 14).
// Kevin types a draft and sends a message while the API fails, then leaves; Frank uses the
// same browser (same localStorage) on the same conversation: he sees neither Kevin's draft
// nor Kevin's unsent bubble, and nothing goes out under his name. When Kevin comes back his
// message goes out, as Kevin, exactly once, and his draft is back. The same for two widgets
// on one host page (the widget's storage is the host page's).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, KEVIN, FRANK, CONVERSATION, DIST, feed, composer, articles, articleWithText,
  sendFromComposer, waitForStatus, waitUntil, watchConsole,
} from '../lib/harness.mjs';
import { startStatic } from '../fixtures/static-server.mjs';

const env = useSuite('12-own-drafts-outbox');

/** Waits until the page's web storage holds every one of `texts` (under any key). */
function stored(page, texts) {
  return waitUntil(() => page.evaluate((wanted) => {
    const all = [localStorage, sessionStorage].flatMap((st) => Object.keys(st).map((k) => st.getItem(k) || ''));
    return wanted.every((t) => all.some((v) => v.includes(t)));
  }, texts), { timeout: 5000, message: `${JSON.stringify(texts)} to be kept in web storage` });
}

/** Kevin leaves `text` unsent and `draft` in the composer of `within`, then the page closes. */
async function leaveUnsent(page, within, text, draft) {
  await env.server.setFaults({ fail_rate: 1 });
  await sendFromComposer(within, text);
  await articleWithText(within, text).waitFor({ state: 'visible', timeout: 2000 });
  await composer(within).fill(draft);
  await stored(page, [text, draft]);
  await page.close();
  await env.server.setFaults({});
}

test('another person on the same browser neither sees nor sends what Kevin left', { timeout: 90000 }, env.wrap(async () => {
  const text = uniq('kevin unsent');
  const draft = uniq('kevin draft');
  const kevin = await env.openChat();
  await leaveUnsent(kevin, kevin, text, draft);

  const frank = await env.openChat({ token: FRANK.token });
  await frank.waitForTimeout(3000);
  const problems = [];
  if (await articleWithText(frank, text).count()) problems.push('Frank sees Kevin\'s unsent message');
  const box = await composer(frank).inputValue();
  if (box !== '') problems.push(`Frank's composer holds "${box}"`);
  const copies = await env.server.messagesWithText(text);
  if (copies.length) problems.push(`Kevin's message went out as ${copies.map((m) => m.contact.username).join(', ')}`);
  assert.deepEqual(problems, [], 'nothing of Kevin\'s reaches Frank');
  await frank.close();

  const back = await env.openChat();
  await waitForStatus(back, text, 'sent', 15000);
  const sent = await env.server.messagesWithText(text);
  assert.deepEqual(sent.map((m) => m.contact.username), [KEVIN.username], 'sent once, as Kevin');
  await waitUntil(async () => (await composer(back).inputValue()) === draft,
    { timeout: 5000, message: 'Kevin\'s draft to be back in his composer' });
}));

/** A host page with two widgets on one conversation: Kevin's (#chat-a) and Frank's (#chat-b). */
function twoPeoplePage(widgetBase) {
  // The API's address is only known once the harness has started the server.
  const script = () => `
    const base = ${JSON.stringify(widgetBase)};
    const api = ${JSON.stringify(env.server.url)};
    await import(base + 'embed.js');
    const a = window.ProtocolChat.mount('#chat-a', { apiBase: api, token: ${JSON.stringify(KEVIN.token)}, conversationId: ${JSON.stringify(CONVERSATION)} });
    const b = window.ProtocolChat.mount('#chat-b', { apiBase: api, token: ${JSON.stringify(FRANK.token)}, conversationId: ${JSON.stringify(CONVERSATION)} });
    await Promise.all([a.ready, b.ready]);
    document.body.dataset.ready = 'yes';`;
  return {
    '/two.html': {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
        <title>Two people</title><style>#chat-a, #chat-b { display: block; width: 420px; height: 480px; }</style>
        <script type="module" src="/two.js"></script></head>
        <body><h1>Two people</h1><div id="chat-a"></div><div id="chat-b"></div></body></html>`,
      type: 'text/html; charset=utf-8',
    },
    '/two.js': () => ({ body: script(), type: 'text/javascript; charset=utf-8' }),
  };
}

let host;
before(async () => {
  host = await startStatic({ mounts: { '/widget/': DIST }, routes: twoPeoplePage('/widget/') });
});
after(async () => { await host?.stop(); });

async function openWidgets(label) {
  const page = await env.browsers[0].context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, `12-${label}`);
  await page.goto(`${host.url}/two.html`);
  await page.locator('body[data-ready="yes"]').waitFor({ timeout: 20000 });
  const a = page.locator('#chat-a');
  const b = page.locator('#chat-b');
  await articles(a).first().waitFor({ state: 'visible', timeout: 20000 });
  await articles(b).first().waitFor({ state: 'visible', timeout: 20000 });
  return { page, a, b };
}

test('two widgets of two people on one host page keep their drafts and unsent messages apart', { timeout: 90000 }, env.wrap(async () => {
  const text = uniq('widget unsent');
  const draft = uniq('widget draft');
  const first = await openWidgets('first');
  await leaveUnsent(first.page, first.a, text, draft);

  const { page, a, b } = await openWidgets('again');
  await waitForStatus(a, text, 'sent', 15000);
  await page.waitForTimeout(1000);
  const problems = [];
  if (await feed(b).locator('article[data-status="sending"], article[data-status="failed"]').filter({ hasText: text }).count()) {
    problems.push('Frank\'s widget shows Kevin\'s message as his own unsent one');
  }
  const box = await composer(b).inputValue();
  if (box !== '') problems.push(`Frank's composer holds "${box}"`);
  const sent = await env.server.messagesWithText(text);
  if (sent.length !== 1 || sent[0].contact.username !== KEVIN.username) {
    problems.push(`the server has ${JSON.stringify(sent.map((m) => m.contact.username))}, want exactly one from Kevin`);
  }
  assert.deepEqual(problems, [], 'Kevin\'s things stay Kevin\'s');
  await waitUntil(async () => (await composer(a).inputValue()) === draft,
    { timeout: 5000, message: 'Kevin\'s draft to be back in his widget' });
}));
