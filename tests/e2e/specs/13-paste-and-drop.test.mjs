// 13 paste and drop (issue 13): a file pasted into the composer, or dropped onto the
// conversation, joins the files to send exactly as "Attach files" does (listed with its
// progress, sent with the message, stored by the server); a drop target shows while files
// are dragged; pasted or dropped text is left to the browser (still inserted as text).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, uniq, composer, feed, waitForStatus } from '../lib/harness.mjs';

const env = useSuite('13-paste-and-drop');

/** Dispatches `type` on the element of `locator` with a DataTransfer holding `files`
 * ({ name, type, text }) and `text`; returns whether the app let the browser's own action
 * go ahead (the event was not cancelled). */
async function dispatchTransfer(locator, type, { files = [], text = null } = {}) {
  return locator.evaluate((el, { type, files, text }) => {
    const data = new DataTransfer();
    for (const f of files) data.items.add(new File([f.text], f.name, { type: f.type }));
    if (text !== null) data.setData('text/plain', text);
    const init = { bubbles: true, cancelable: true };
    const ev = type === 'paste'
      ? new ClipboardEvent('paste', { ...init, clipboardData: data })
      : new DragEvent(type, { ...init, dataTransfer: data });
    return el.dispatchEvent(ev);
  }, { type, files, text });
}

const filesToSend = (page) => page.getByRole('list', { name: 'Files to send', exact: true });

async function sendAndCheck(page, name) {
  const list = filesToSend(page);
  await list.getByText(name).waitFor({ state: 'visible', timeout: 5000 });
  await list.getByText('Ready').first().waitFor({ state: 'visible', timeout: 10000 });
  const text = uniq('with a file');
  await composer(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForStatus(page, text, 'sent', 20000);
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'stored once');
  assert.deepEqual(stored[0].attachments.map((a) => a.filename), [name], 'with the file');
}

test('a file pasted into the composer is attached; pasted text stays text', env.wrap(async () => {
  const page = await env.openChat();
  const box = composer(page);
  assert.equal(await dispatchTransfer(box, 'paste', { text: 'just words' }), true, 'a text paste is left to the browser');
  assert.equal(await filesToSend(page).isVisible(), false, 'no file from a text paste');
  const name = `pasted-${Date.now().toString(36)}.png`;
  assert.equal(await dispatchTransfer(box, 'paste', { files: [{ name, type: 'image/png', text: 'not really a png' }] }), false,
    'a file paste is taken by the app');
  await sendAndCheck(page, name);
  assert.deepEqual(page.consoleErrors, []);
}));

test('files dropped on the conversation are attached, with a drop target while dragging', env.wrap(async () => {
  const page = await env.openChat();
  const target = page.getByText('Drop files to attach', { exact: true });
  const name = `dropped-${Date.now().toString(36)}.txt`;
  const file = { name, type: 'text/plain', text: 'dropped notes\n'.repeat(20) };
  const onFeed = feed(page);
  await dispatchTransfer(onFeed, 'dragenter', { files: [file] });
  await target.waitFor({ state: 'visible', timeout: 3000 });
  // Over a child and back: still shown; leaving for good hides it.
  await dispatchTransfer(composer(page), 'dragenter', { files: [file] });
  await dispatchTransfer(onFeed, 'dragleave', { files: [file] });
  assert.ok(await target.isVisible(), 'moving over a child keeps the target');
  await dispatchTransfer(composer(page), 'dragleave', { files: [file] });
  await target.waitFor({ state: 'hidden', timeout: 3000 });

  await dispatchTransfer(onFeed, 'dragenter', { files: [file] });
  assert.equal(await dispatchTransfer(onFeed, 'dragover', { files: [file] }), false, 'the feed accepts dropped files');
  assert.equal(await dispatchTransfer(onFeed, 'drop', { files: [file] }), false, 'the drop is taken by the app');
  await target.waitFor({ state: 'hidden', timeout: 3000 });
  await sendAndCheck(page, name);

  // Dragged text is the browser's business: no target, nothing cancelled.
  assert.equal(await dispatchTransfer(composer(page), 'dragenter', { text: 'words' }), true);
  assert.equal(await dispatchTransfer(composer(page), 'drop', { text: 'words' }), true, 'a text drop is left to the browser');
  assert.equal(await target.count(), 0);
  assert.deepEqual(page.consoleErrors, []);
}));
