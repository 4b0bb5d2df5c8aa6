// 05 editing and deleting own messages (UI.md "Message actions").
// Actions show on hover/focus. "Edit" turns the text into textbox "Edit message"; Enter or
// "Save" saves (bubble shows the new text and "edited"; the server has the new text and
// edited_at), Escape or "Cancel" restores the old text and writes nothing. Up-arrow in the
// empty composer edits the caller's last message. "Delete" asks in a dialog; its "Delete"
// button removes the bubble at once and the server answers 404 for that id afterwards.
// Others' messages offer no "Edit"/"Delete".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, KEVIN, FRANK, composer, articleById, messageAction, waitUntil,
} from '../lib/harness.mjs';

const env = useSuite('05-edit-delete');

const editBox = (page) => page.getByRole('textbox', { name: 'Edit message', exact: true });
const norm = (s) => s.replace(/\s+/g, ' ').trim();

async function bubbleText(article) {
  return norm(await article.innerText());
}

test('Edit + Enter saves: new text and "edited" shown, server updated', env.wrap(async () => {
  const original = uniq('to edit');
  const msg = await env.server.send(KEVIN.token, original);
  const page = await env.openChat();
  const bubble = articleById(page, msg.id);
  await bubble.waitFor({ state: 'visible' });
  assert.equal(await bubble.getByText(/\bedited\b/i).count(), 0, 'not "edited" before the edit');

  await (await messageAction(bubble, 'Edit')).click();
  await editBox(page).waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await editBox(page).inputValue(), original, 'the edit box starts with the current text');
  const changed = uniq('changed text');
  await editBox(page).fill(changed);
  await editBox(page).press('Enter');

  await editBox(page).waitFor({ state: 'detached', timeout: 3000 });
  await waitUntil(async () => (await bubbleText(bubble)).includes(changed), { timeout: 3000, message: 'the bubble to show the new text' });
  assert.ok(!(await bubbleText(bubble)).includes(original), 'the old text is gone');
  await bubble.getByText(/\bedited\b/i).first().waitFor({ state: 'visible', timeout: 5000 });

  const stored = await waitUntil(async () => {
    const m = await env.server.apiOk(KEVIN.token, 'GET', `/messages/${msg.id}`);
    return m.message === changed ? m : null;
  }, { timeout: 5000, message: 'the server to have the new text' });
  assert.notEqual(stored.edited_at, null, 'edited_at set on the server');
  assert.equal(await bubble.getAttribute('data-status'), 'sent');
  assert.deepEqual(page.consoleErrors, []);
}));

test('Escape and "Cancel" restore the text; "Save" saves', env.wrap(async () => {
  const original = uniq('keep me');
  const msg = await env.server.send(KEVIN.token, original);
  const page = await env.openChat();
  const bubble = articleById(page, msg.id);
  await bubble.waitFor({ state: 'visible' });

  // Escape
  await (await messageAction(bubble, 'Edit')).click();
  await editBox(page).fill('this must not be saved (escape)');
  await editBox(page).press('Escape');
  await editBox(page).waitFor({ state: 'detached', timeout: 3000 });
  assert.ok((await bubbleText(bubble)).includes(original), 'Escape restores the original text');
  assert.ok(!(await bubbleText(bubble)).includes('must not be saved'));

  // Cancel
  await (await messageAction(bubble, 'Edit')).click();
  await editBox(page).fill('this must not be saved (cancel)');
  await bubble.getByRole('button', { name: 'Cancel', exact: true }).or(page.getByRole('button', { name: 'Cancel', exact: true })).first().click();
  await editBox(page).waitFor({ state: 'detached', timeout: 3000 });
  assert.ok((await bubbleText(bubble)).includes(original), 'Cancel restores the original text');
  assert.equal(await bubble.getByText(/\bedited\b/i).count(), 0, 'not marked edited after cancelling');

  const server1 = await env.server.apiOk(KEVIN.token, 'GET', `/messages/${msg.id}`);
  assert.equal(server1.message, original, 'server text unchanged after Escape/Cancel');
  assert.equal(server1.edited_at, null, 'server edited_at still null');

  // Save button
  const saved = uniq('saved by button');
  await (await messageAction(bubble, 'Edit')).click();
  await editBox(page).fill(saved);
  await bubble.getByRole('button', { name: 'Save', exact: true }).or(page.getByRole('button', { name: 'Save', exact: true })).first().click();
  await editBox(page).waitFor({ state: 'detached', timeout: 3000 });
  await waitUntil(async () => (await bubbleText(bubble)).includes(saved), { timeout: 3000, message: 'the bubble to show the saved text' });
  await waitUntil(async () => (await env.server.apiOk(KEVIN.token, 'GET', `/messages/${msg.id}`)).message === saved,
    { timeout: 5000, message: 'the server to have the text saved with "Save"' });
}));

test('Up-arrow in the empty composer edits my last message', env.wrap(async () => {
  const mine = uniq('my last');
  await env.server.send(KEVIN.token, mine);
  await env.server.send(FRANK.token, uniq('frank after'));
  const page = await env.openChat();
  await composer(page).click();
  assert.equal(await composer(page).inputValue(), '');
  await composer(page).press('ArrowUp');
  await editBox(page).waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await editBox(page).inputValue(), mine, 'edits my last message, not Frank\'s newer one');
  await editBox(page).press('Escape');
  await editBox(page).waitFor({ state: 'detached', timeout: 3000 });
}));

test('Frank\'s message offers "Add reaction" but no "Edit"/"Delete"', env.wrap(async () => {
  const msg = await env.server.send(FRANK.token, uniq('from frank'));
  const page = await env.openChat();
  const bubble = articleById(page, msg.id);
  await bubble.waitFor({ state: 'visible' });
  await messageAction(bubble, 'Add reaction');
  assert.equal(await bubble.getByRole('button', { name: 'Edit', exact: true }).count(), 0);
  assert.equal(await bubble.getByRole('button', { name: 'Delete', exact: true }).count(), 0);
}));

test('Delete asks in a dialog, removes the bubble at once, server answers 404', env.wrap(async () => {
  const text = uniq('to delete');
  const msg = await env.server.send(KEVIN.token, text);
  const page = await env.openChat();
  const bubble = articleById(page, msg.id);
  await bubble.waitFor({ state: 'visible' });

  await (await messageAction(bubble, 'Delete')).click();
  const dialog = page.getByRole('dialog').or(page.getByRole('alertdialog'));
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  assert.ok(await bubble.isVisible(), 'nothing deleted before confirming');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await bubble.waitFor({ state: 'detached', timeout: 2000 });
  await dialog.waitFor({ state: 'hidden', timeout: 2000 });

  await waitUntil(async () => (await env.server.api(KEVIN.token, 'GET', `/messages/${msg.id}`)).status === 404,
    { timeout: 5000, message: `GET /v1/messages/${msg.id} to answer 404` });
  assert.equal((await env.server.messagesWithText(text)).length, 0);
  assert.deepEqual(page.consoleErrors, []);
}));
