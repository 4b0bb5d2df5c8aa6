// 03 sending (UI.md "Composer", "Sending").
// Typing into textbox "Message" and pressing Enter shows the bubble at once
// (data-status "sending" or already "sent"), clears the composer, ends "sent" with the
// server's id, and the server stores the text exactly once. With 1500 ms of server latency
// the bubble is visibly "sending" first. Shift+Enter makes a new line instead of sending,
// and button "Send" sends too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, composer, articleWithText, statusOf, waitForStatus, waitUntil,
} from '../lib/harness.mjs';

const env = useSuite('03-send');

test('Enter sends: bubble at once, composer cleared, then sent, stored exactly once', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('send');

  await composer(page).fill(text);
  const t0 = Date.now();
  await composer(page).press('Enter');
  await articleWithText(page, text).waitFor({ state: 'visible', timeout: 1000 });
  const shownAfter = Date.now() - t0;
  const first = await statusOf(page, text);
  assert.ok(first === 'sending' || first === 'sent', `new bubble status is sending|sent, got ${first}`);
  assert.equal(await composer(page).inputValue(), '', 'composer is cleared after sending');

  await waitForStatus(page, text, 'sent', 10000);
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'the server stored the message exactly once');
  assert.equal(stored[0].contact.username, 'KevinMcCallister');
  const bubbleId = await articleWithText(page, text).getAttribute('data-message-id');
  assert.equal(bubbleId, stored[0].id, 'the sent bubble takes the server id');
  assert.ok(shownAfter < 1000, `bubble shown within 1 s (took ${shownAfter} ms)`);
  assert.deepEqual(page.consoleErrors, []);
}));

test('under 1500 ms latency the bubble is "sending" first, then "sent"', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('slow');
  await env.server.setFaults({ latency_ms: 1500 });
  try {
    await composer(page).fill(text);
    await composer(page).press('Enter');
    await articleWithText(page, text).waitFor({ state: 'visible', timeout: 1000 });
    assert.equal(await statusOf(page, text), 'sending', 'bubble shows data-status="sending" while the server is slow');
    assert.equal(await composer(page).inputValue(), '', 'composer cleared while still sending');
    await waitForStatus(page, text, 'sent', 15000);
  } finally {
    await env.server.setFaults({});
  }
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'stored exactly once');
  assert.equal(await articleWithText(page, text).getAttribute('data-message-id'), stored[0].id);
}));

test('Shift+Enter inserts a new line; button "Send" sends the multi-line text', env.wrap(async () => {
  const page = await env.openChat();
  const line1 = uniq('line one');
  const line2 = 'line two';
  const box = composer(page);
  await box.click();
  await box.pressSequentially(line1);
  await box.press('Shift+Enter');
  await box.pressSequentially(line2);
  assert.equal(await box.inputValue(), `${line1}\n${line2}`, 'Shift+Enter made a new line, nothing sent');
  assert.equal(await articleWithText(page, line1).count(), 0, 'nothing was sent by Shift+Enter');

  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForStatus(page, line1, 'sent', 10000);
  const stored = await waitUntil(async () => {
    const all = await env.server.allMessages();
    const m = all.filter((x) => x.message === `${line1}\n${line2}`);
    return m.length ? m : null;
  }, { timeout: 5000, message: 'the multi-line message on the server' });
  assert.equal(stored.length, 1);
  assert.equal(await box.inputValue(), '');
}));
