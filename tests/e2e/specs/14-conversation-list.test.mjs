// 14 conversation list (issue 13): the list shows every conversation, loaded page by page
// (100 at a time) as it scrolls, each once, titled as UI.md says; and it recovers by
// itself: with the API failing at start and back a moment later, the alert goes away, the
// links show and the heading has its title, without pressing "Retry".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useSuite, KEVIN, SERVER_BIN, feed, waitUntil } from '../lib/harness.mjs';

const env = useSuite('14-conversation-list');
const EXTRA = 130;

/** Every conversation of `token`, through the API's pages. */
async function allConversations(token) {
  const out = [];
  let after = null;
  for (let i = 0; i < 100; i++) {
    const q = `/conversations?limit=100${after ? `&starting_after=${after}` : ''}`;
    const page = await env.server.apiOk(token, 'GET', q);
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) return out;
    after = page.data[page.data.length - 1].id;
  }
  throw new Error('conversation pages did not end');
}

test('the list recovers by itself when the API comes back', env.wrap(async () => {
  await env.server.setFaults({ fail_rate: 1 });
  const page = await env.openChat({ waitForArticles: false });
  const alert = page.getByRole('alert').filter({ hasText: 'The conversations could not be loaded' });
  await alert.waitFor({ state: 'visible', timeout: 10000 });
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  assert.equal(await nav.getByRole('link').count(), 0);
  await page.waitForTimeout(1000);
  await env.server.setFaults({});
  // Backoff as the feed's: 1 s, 2 s, 4 s... both come back within a few seconds.
  await nav.getByRole('link').first().waitFor({ timeout: 15000 });
  await feed(page).getByRole('article').first().waitFor({ state: 'visible', timeout: 15000 });
  await waitUntil(async () => (await alert.count()) === 0, { timeout: 5000, message: 'the alert to go away' });
  const heading = page.getByRole('heading', { level: 2 }).first();
  await waitUntil(async () => (await heading.innerText()).trim() === 'Frank McCallister', {
    timeout: 5000,
    message: 'the heading to show the conversation title',
  });
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0, 'nothing left to retry');
}));

test('every conversation is listed, page by page as the list scrolls', env.wrap(async () => {
  const db = path.join(env.server.tmp, 'p.db');
  for (let i = 1; i <= EXTRA; i++) {
    const n = String(i).padStart(3, '0');
    execFileSync(SERVER_BIN, ['token', '--db', db, '--username', `penpal${n}`, '--display-name', `Pen pal ${n}`, '--with', KEVIN.username]);
  }
  const expected = await allConversations(KEVIN.token);
  assert.ok(expected.length > EXTRA + 1, `Kevin has ${expected.length} conversations`);

  const page = await env.openChat();
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  const links = nav.getByRole('link');
  await waitUntil(async () => (await links.count()) >= 100, { timeout: 15000, message: 'the first page of the list' });
  assert.equal(await links.count(), 100, 'one page at first');

  // Scrolling the list to its end loads the rest.
  const list = nav.getByRole('list');
  await waitUntil(async () => {
    await list.evaluate((ul) => { ul.scrollTop = ul.scrollHeight; });
    return (await links.count()) === expected.length;
  }, { timeout: 15000, interval: 200, message: `all ${expected.length} conversations to be listed` });

  const hrefs = await links.evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href'))));
  const ids = hrefs.map((h) => /conversation=([^&]+)/.exec(h)?.[1]);
  assert.deepEqual(ids, expected.map((c) => c.id), 'every conversation once, in the API order');
  // Titled by display name, also past the first 100 contacts.
  for (const n of ['001', '065', '130']) {
    assert.equal(await nav.getByRole('link', { name: `Pen pal ${n}`, exact: true }).count(), 1, `"Pen pal ${n}" is listed`);
  }
  assert.equal(await nav.getByRole('link', { name: 'Conversation', exact: true }).count(), 0, 'no conversation is untitled');

  // Opening one far down the list works.
  await nav.getByRole('link', { name: 'Pen pal 001', exact: true }).click();
  await waitUntil(async () => (await page.getByRole('heading', { level: 2 }).first().innerText()).trim() === 'Pen pal 001', {
    timeout: 5000,
    message: 'the conversation to open',
  });
  assert.deepEqual(page.consoleErrors, []);
}));
