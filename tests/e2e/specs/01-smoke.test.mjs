// 01 smoke (issue 2): the app opens the demo conversation from the URL fragment
// `#token=demo-kevin&conversation=xgQQXg3hrtjh7AvZ`, the feed "Messages" shows articles,
// the newest message the API returns is visible, and nothing is logged as an error. The
// open conversation never waits for the conversation list (its titles load on their own).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, KEVIN, CONVERSATION, feed, articles, articleById, isInView, waitUntil, watchConsole } from '../lib/harness.mjs';

const env = useSuite('01-smoke');

test('opens the conversation from the fragment and shows the newest message', env.wrap(async () => {
  const page = await env.openChat();

  const newest = (await env.server.apiOk(KEVIN.token, 'GET', `/messages?conversation_id=${CONVERSATION}&limit=1`)).data[0];
  assert.ok(newest, 'the API has a newest message');

  // Opened scrolled to the newest: its bubble is in the feed and visible in the viewport.
  const bubble = articleById(page, newest.id);
  await bubble.waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(() => isInView(bubble), { timeout: 5000, message: 'the newest message to be scrolled into view' });
  if (newest.message.trim()) {
    const shown = (await bubble.innerText()).replace(/\s+/g, ' ');
    const want = newest.message.replace(/\s+/g, ' ').trim();
    assert.ok(shown.includes(want), `newest bubble shows "${want}", got "${shown}"`);
  }
  assert.equal(await bubble.getAttribute('data-status'), 'sent');

  // Articles come from the server: several, each with a data-message-id and data-status.
  const n = await articles(page).count();
  assert.ok(n >= 2, `feed shows several articles, got ${n}`);
  const attrs = await articles(page).evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-message-id'), e.getAttribute('data-status')]));
  for (const [id, status] of attrs) {
    assert.match(id ?? '', /^[A-Za-z0-9]{16}$/, 'every loaded article carries its server id');
    assert.equal(status, 'sent');
  }

  // Feed semantics from UI.md.
  assert.equal(await feed(page).count(), 1);
  assert.notEqual(await feed(page).getAttribute('aria-busy'), 'true', 'feed is not busy once loaded');

  assert.deepEqual(page.consoleErrors, [], 'no console errors or page errors');
}));

test('the open conversation shows while the conversation list is still loading', env.wrap(async () => {
  const b = env.browsers[0] || (await env.browser());
  const page = await b.context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, '01-smoke-slow-list');
  // Only the list is slow: 4 s for GET /v1/conversations.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/v1\/conversations\?/, async (route) => {
    await Promise.race([held, new Promise((r) => setTimeout(r, 4000))]);
    await route.continue();
  });
  await page.goto(`${env.server.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}`);
  await articles(page).first().waitFor({ state: 'visible', timeout: 3000 });
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  assert.equal(await nav.getByRole('link').count(), 0, 'the list has not answered yet');
  assert.ok(await page.getByRole('textbox', { name: 'Message', exact: true }).isVisible(), 'the composer shows too');
  release();
  await nav.getByRole('link').first().waitFor({ timeout: 10000 });
  assert.equal(await nav.locator('[aria-current="page"]').count(), 1, 'the open conversation is marked once the list is there');
  assert.deepEqual(page.consoleErrors, []);
}));
