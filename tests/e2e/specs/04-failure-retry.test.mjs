// 04 failed sends (UI.md "Sending").
// With the server failing every request (`fail_rate: 1` via /_test/faults) a sent message
// ends data-status="failed", says "Not sent" and offers "Retry" and "Discard". With the
// faults off, "Retry" delivers it: "sent", stored exactly once. When the server commits but
// the answer is lost (`fail_after_commit_rate: 1`), "Retry" must reuse the Idempotency-Key:
// still exactly one copy on the server. "Discard" removes a failed bubble and nothing is
// stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, sendFromComposer, articleWithText, statusOf, waitForStatus, waitUntil,
} from '../lib/harness.mjs';

const env = useSuite('04-failure-retry');

/** Clicks "Retry" on the failed bubble; tolerates only an automatic delivery racing it. */
async function clickRetry(page, text) {
  const retry = articleWithText(page, text).getByRole('button', { name: 'Retry', exact: true }).first();
  try {
    await retry.click({ timeout: 5000 });
  } catch (e) {
    const s = await statusOf(page, text);
    if (s !== 'sent' && s !== 'sending') throw e;
  }
}

async function expectFailedBubble(page, text) {
  await articleWithText(page, text).waitFor({ state: 'visible', timeout: 2000 });
  await waitForStatus(page, text, 'failed', 20000);
  const bubble = articleWithText(page, text);
  await bubble.getByText('Not sent').waitFor({ state: 'visible', timeout: 2000 });
  await bubble.getByRole('button', { name: 'Retry', exact: true }).waitFor({ state: 'visible', timeout: 2000 });
  await bubble.getByRole('button', { name: 'Discard', exact: true }).waitFor({ state: 'visible', timeout: 2000 });
}

test('a failed send shows "Not sent", Retry delivers it exactly once', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('retry');
  await env.server.setFaults({ fail_rate: 1 });
  await sendFromComposer(page, text);
  await expectFailedBubble(page, text);

  await env.server.setFaults({});
  await clickRetry(page, text);
  await waitForStatus(page, text, 'sent', 10000);
  const bubble = articleWithText(page, text);
  assert.equal(await bubble.getByText('Not sent').count(), 0, '"Not sent" is gone once sent');
  assert.equal(await bubble.getByRole('button', { name: 'Retry', exact: true }).count(), 0);
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'stored exactly once');
  assert.equal(await bubble.getAttribute('data-message-id'), stored[0].id);
}));

test('answer lost after commit: Retry reuses the idempotency key, one copy on the server', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('lost answer');
  await env.server.setFaults({ fail_after_commit_rate: 1 });
  await sendFromComposer(page, text);
  // The live stream may already show the committed copy; the pending one must fail.
  const failed = articleWithText(page, text).and(page.locator('[data-status="failed"]'));
  await failed.waitFor({ state: 'visible', timeout: 20000 });
  await failed.getByText('Not sent').waitFor({ state: 'visible', timeout: 2000 });
  await env.server.setFaults({});
  // The server did commit it (that is what the fault means), once, however many tries.
  assert.equal((await env.server.messagesWithText(text)).length, 1, 'the server committed exactly one copy');

  await clickRetry(page, text);
  await waitForStatus(page, text, 'sent', 10000);
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'still exactly one copy after Retry');
  assert.equal(await articleWithText(page, text).count(), 1, 'one bubble in the feed');
  assert.equal(await articleWithText(page, text).getAttribute('data-message-id'), stored[0].id);
}));

test('Discard removes a failed bubble and nothing is stored', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('discard');
  await env.server.setFaults({ fail_rate: 1 });
  await sendFromComposer(page, text);
  await expectFailedBubble(page, text);
  await articleWithText(page, text).getByRole('button', { name: 'Discard', exact: true }).click();
  await articleWithText(page, text).waitFor({ state: 'detached', timeout: 2000 });
  await env.server.setFaults({});

  // A discarded message must not go out later either (e.g. from a persisted outbox):
  // reload with the server healthy, let the app settle, and look again.
  await page.reload();
  await page.getByRole('feed', { name: 'Messages', exact: true }).getByRole('article').first()
    .waitFor({ state: 'visible', timeout: 20000 });
  await waitUntil(async () => (await page.getByRole('feed', { name: 'Messages', exact: true }).getAttribute('aria-busy')) !== 'true',
    { timeout: 10000, message: 'feed to finish loading' });
  assert.equal(await articleWithText(page, text).count(), 0, 'the discarded bubble does not come back after a reload');
  assert.equal((await env.server.messagesWithText(text)).length, 0, 'nothing stored');
}));
