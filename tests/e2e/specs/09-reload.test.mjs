// 09 unsent messages survive a reload (UI.md "Sending": "Unsent messages survive a reload
// and go out when the network returns, each exactly once").
// With the API failing (`fail_rate: 1`) a message is sent (ends sending/failed), the page
// is reloaded while the faults are still on, and the unsent bubble is still there. Then the
// faults are turned off and the browser's `online` event is fired (the network "returns");
// within ~20 s the bubble is "sent" and the server has exactly one copy. A second reload
// shows it once, as a normal sent message. A draft in the composer survives a reload too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, composer, sendFromComposer, articleWithText, statusOf, waitForStatus, waitUntil,
} from '../lib/harness.mjs';

const env = useSuite('09-reload');

test('an unsent message survives a reload and is delivered exactly once', { timeout: 120000 }, env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('survive reload');
  await env.server.setFaults({ fail_rate: 1 });
  await sendFromComposer(page, text);
  await articleWithText(page, text).waitFor({ state: 'visible', timeout: 2000 });
  const s1 = await statusOf(page, text);
  assert.ok(s1 === 'sending' || s1 === 'failed', `unsent bubble is sending|failed, got ${s1}`);

  await page.reload({ waitUntil: 'load' });
  // The app must come up (the API still fails) and show the unsent bubble from storage.
  // Problems up to delivery are collected so one run tells about both halves.
  const problems = [];
  const visible = await articleWithText(page, text).waitFor({ state: 'visible', timeout: 15000 })
    .then(() => true, () => false);
  if (!visible) {
    problems.push('after a reload with the API failing, the unsent bubble is not shown');
  } else {
    const s2 = await statusOf(page, text);
    if (s2 !== 'sending' && s2 !== 'failed') problems.push(`after reload the bubble is ${s2}, not sending|failed`);
  }

  await env.server.setFaults({});
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  try {
    await waitForStatus(page, text, 'sent', 20000);
  } catch (e) {
    problems.push(`not delivered within 20 s of the server recovering: ${e.message}`);
  }
  const stored = await env.server.messagesWithText(text);
  if (stored.length !== 1) problems.push(`server has ${stored.length} copies, want exactly 1`);
  assert.deepEqual(problems, [], 'unsent message survives the reload and is delivered once');
  assert.equal(await articleWithText(page, text).count(), 1, 'one bubble');
  assert.equal(await articleWithText(page, text).getAttribute('data-message-id'), stored[0].id);

  // After another reload it is a normal server message, shown once, and nothing resends it.
  await page.reload({ waitUntil: 'load' });
  await articleWithText(page, text).waitFor({ state: 'visible', timeout: 15000 });
  await waitUntil(async () => (await statusOf(page, text)) === 'sent', { timeout: 5000, message: 'sent after reload' });
  assert.equal(await articleWithText(page, text).count(), 1);
  assert.equal(await articleWithText(page, text).getAttribute('data-message-id'), stored[0].id);
  assert.equal((await env.server.messagesWithText(text)).length, 1, 'still exactly one copy');
}));

test('a draft in the composer survives a reload', env.wrap(async () => {
  const page = await env.openChat();
  const draft = uniq('draft');
  await composer(page).fill(draft);
  // Give the app the chance to store it (any storage, any key): a person pauses too.
  await waitUntil(() => page.evaluate((d) => [localStorage, sessionStorage]
    .some((st) => Object.keys(st).some((k) => (st.getItem(k) || '').includes(d))), draft),
  { timeout: 2000, message: 'the draft to be kept in web storage' }).catch(() => { /* maybe IndexedDB: the reload decides */ });
  await page.reload({ waitUntil: 'load' });
  await waitUntil(async () => (await composer(page).inputValue()) === draft,
    { timeout: 10000, message: 'the draft to be back in the composer after reload' });
}));
