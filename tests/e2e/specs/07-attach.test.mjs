// 07 attachments (UI.md "Composer", "Attachment list").
// "Attach files" opens a file chooser; a generated PNG and a text file are chosen and listed
// in the composer before sending; the sent bubble's list "Attachments" has a link per file
// named by its filename (pointing at the server's file_url), the size in human units, and
// for the image an img whose alt is the filename and that really loads. The server's
// message has exactly those 2 attachments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, uniq, composer, articleWithText, waitForStatus, waitUntil, makePng,
} from '../lib/harness.mjs';

const env = useSuite('07-attach');

test('attach a PNG and a text file, send, both shown and stored', env.wrap(async () => {
  const page = await env.openChat();
  const text = uniq('with files');
  const stamp = Date.now().toString(36);
  const pngName = `e2e-dot-${stamp}.png`;
  const txtName = `e2e-notes-${stamp}.txt`;
  const png = await makePng(8, 8, [20, 120, 220]);
  const txt = Buffer.from('hello from the e2e test\n'.repeat(100)); // 2400 bytes

  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser', { timeout: 5000 }),
    page.getByRole('button', { name: 'Attach files', exact: true }).click(),
  ]);
  assert.equal(chooser.isMultiple(), true, 'the file chooser accepts several files');
  await chooser.setFiles([
    { name: pngName, mimeType: 'image/png', buffer: png },
    { name: txtName, mimeType: 'text/plain', buffer: txt },
  ]);
  // Chosen files are listed before sending.
  await page.getByText(pngName).first().waitFor({ state: 'visible', timeout: 5000 });
  await page.getByText(txtName).first().waitFor({ state: 'visible', timeout: 5000 });

  await composer(page).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForStatus(page, text, 'sent', 20000);

  const bubble = articleWithText(page, text);
  const list = bubble.getByRole('list', { name: 'Attachments', exact: true });
  await list.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await list.getByRole('listitem').count(), 2, 'two attachment items');
  const pngLink = list.getByRole('link', { name: pngName, exact: true });
  const txtLink = list.getByRole('link', { name: txtName, exact: true });
  await pngLink.waitFor({ state: 'visible', timeout: 3000 });
  await txtLink.waitFor({ state: 'visible', timeout: 3000 });
  const img = list.getByRole('img', { name: pngName, exact: true });
  await img.waitFor({ state: 'attached', timeout: 3000 });
  assert.equal(await img.getAttribute('alt'), pngName);
  await img.scrollIntoViewIfNeeded();
  await waitUntil(() => img.evaluate((el) => el.complete && el.naturalWidth === 8),
    { timeout: 5000, message: 'the thumbnail to load the uploaded 8×8 PNG' });
  assert.ok(/2\.\d\s?KB|2\s?KB|2\.\d\s?kB/i.test(await list.innerText()), `human size of the 2400-byte file shown: "${await list.innerText()}"`);

  // The server agrees.
  const stored = await env.server.messagesWithText(text);
  assert.equal(stored.length, 1, 'stored exactly once');
  const atts = stored[0].attachments;
  assert.equal(atts.length, 2, 'the server message has 2 attachments');
  const byName = Object.fromEntries(atts.map((a) => [a.filename, a]));
  assert.ok(byName[pngName], `server has ${pngName}: ${JSON.stringify(atts.map((a) => a.filename))}`);
  assert.ok(byName[txtName], `server has ${txtName}`);
  assert.equal(byName[pngName].file_size, png.length);
  assert.equal(byName[txtName].file_size, txt.length);
  assert.equal(byName[pngName].file_type, 'image/png');

  // The links lead to the stored files.
  const href = await txtLink.getAttribute('href');
  assert.ok(href, 'the attachment link has an href');
  const abs = new URL(href, page.url()).href;
  assert.equal(abs, new URL(byName[txtName].file_url, env.server.url).href, 'link points at file_url');
  const res = await fetch(abs);
  assert.equal(res.status, 200);
  assert.equal(Buffer.from(await res.arrayBuffer()).equals(txt), true, 'the link serves the uploaded bytes');
  assert.deepEqual(page.consoleErrors, []);
}));
