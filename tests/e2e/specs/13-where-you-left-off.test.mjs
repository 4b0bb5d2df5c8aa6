// 13 where you left off (issue 13): a conversation opened with messages from others that
// the reader has not read shows a line "New messages" above the first of them, and opens
// there when they do not all fit on screen (at the newest message when they do). The line
// stays while they are read, and is gone once the conversation is opened again with
// nothing new.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, KEVIN, FRANK, CONVERSATION, feed, articleById, isInView, uniq, waitUntil } from '../lib/harness.mjs';

const env = useSuite('13-where-you-left-off');

/** The "New messages" line in the feed. */
const newLine = (page) => feed(page).getByText('New messages', { exact: true });

/** The data-message-id of the article right below the "New messages" line. */
const idBelowLine = (page) => newLine(page).evaluate((label) => {
  let el = label.closest('.pc-unread, div');
  while (el && el.tagName !== 'ARTICLE') el = el.nextElementSibling;
  return el?.getAttribute('data-message-id');
});

test('many new messages: the view opens at the "New messages" line, which stays while they are read', env.wrap(async () => {
  await env.server.send(KEVIN.token, `I was here ${uniq('k')}`);
  const sent = [];
  for (let i = 0; i < 30; i++) {
    sent.push(await env.server.send(FRANK.token, `new message ${i + 1} ${uniq('n')}\nwith a second line`));
  }
  const page = await env.openChat();
  const line = newLine(page);
  await line.waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(() => isInView(line), { timeout: 5000, message: 'the line to be in view' });
  assert.equal(await idBelowLine(page), sent[0].id, 'the line is above the first new message');
  assert.ok(await isInView(articleById(page, sent[0].id)), 'the first new message is in view');
  assert.equal(await articleById(page, sent[29].id).isVisible() && await isInView(articleById(page, sent[29].id)), false,
    'the newest message is not in view: the view opened at the line');
  const box = await line.boundingBox();
  const feedBox = await feed(page).boundingBox();
  assert.ok(box.y - feedBox.y < feedBox.height / 3, `the line is near the top (${Math.round(box.y - feedBox.y)} px)`);

  // Reading marks them read on the server; the line does not move.
  await waitUntil(async () => Boolean((await env.server.apiOk(KEVIN.token, 'GET', `/messages/${sent[0].id}`)).read_at), {
    timeout: 10000,
    message: 'the first new message to be marked read',
  });
  assert.equal(await idBelowLine(page), sent[0].id, 'the line stays where it was');
  assert.deepEqual(page.consoleErrors, []);
}));

test('a few new messages: the view opens at the newest, the line above them; none once all is read', env.wrap(async () => {
  await env.server.readAll();
  const first = await env.server.send(FRANK.token, `just one ${uniq('a')}`);
  const second = await env.server.send(FRANK.token, `and another ${uniq('b')}`);
  const page = await env.openChat();
  await newLine(page).waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(() => isInView(articleById(page, second.id)), { timeout: 5000, message: 'the newest message in view' });
  assert.equal(await idBelowLine(page), first.id);

  await env.server.readAll();
  await page.close();
  const again = await env.openChat();
  await waitUntil(() => isInView(articleById(again, second.id)), { timeout: 5000, message: 'the newest message in view' });
  await again.waitForTimeout(500);
  assert.equal(await newLine(again).count(), 0, 'nothing new, no line');
  assert.deepEqual(again.consoleErrors, []);
}));
