// 14 text and sign out (issue 13): message text, names and times are isolated in their
// own direction (an English message reads right in a right-to-left page, a Hebrew one in
// a left-to-right page); a long message is folded behind "Show more" without moving the
// reader; "Sign out" forgets the token, shows the sign-in form, leaves nothing of the
// person on screen and keeps their draft for their next sign-in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, KEVIN, FRANK, feed, composer, articleById, articleWithText, waitUntil, isInView, uniq } from '../lib/harness.mjs';

const env = useSuite('14-text-and-sign-out');

/** The message text's paragraph of an article: the element with `dir="auto"` holding it. */
const textOf = (article) => article.locator('p[dir="auto"]');

/**
 * Whether the first and last characters of `el`'s text are laid out in reading order for
 * `direction`: left to right, the last one right of the first.
 */
async function readsLeftToRight(locator) {
  return locator.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const node = walker.nextNode();
    const text = node.textContent.trimEnd();
    const rect = (i) => {
      const r = document.createRange();
      r.setStart(node, i);
      r.setEnd(node, i + 1);
      return r.getBoundingClientRect();
    };
    return rect(text.length - 1).left > rect(0).left;
  });
}

test('text, names and times keep their own direction in either page direction', env.wrap(async () => {
  const english = `Hello, world ${uniq('ltr')}!`;
  const hebrew = `שלום עולם, מה שלומך ${uniq('rtl')}?`;
  const sentEnglish = await env.server.send(FRANK.token, english);
  const sentHebrew = await env.server.send(FRANK.token, hebrew);
  const page = await env.openChat();
  const en = articleById(page, sentEnglish.id);
  const he = articleById(page, sentHebrew.id);
  await he.waitFor({ state: 'visible', timeout: 10000 });
  await en.waitFor({ state: 'visible', timeout: 10000 });

  const direction = (loc) => loc.evaluate((el) => getComputedStyle(el).direction);
  const isolation = (loc) => loc.evaluate((el) => getComputedStyle(el).unicodeBidi);
  for (const pageDir of ['ltr', 'rtl']) {
    await page.evaluate((d) => { document.documentElement.dir = d; }, pageDir);
    assert.equal(await direction(textOf(en)), 'ltr', `English text reads left to right in a ${pageDir} page`);
    assert.equal(await direction(textOf(he)), 'rtl', `Hebrew text reads right to left in a ${pageDir} page`);
    assert.ok(await readsLeftToRight(textOf(en)), `"${english}" keeps its "!" at its end in a ${pageDir} page`);
    const time = en.locator('time');
    assert.equal(await direction(time), 'ltr', `the time reads left to right in a ${pageDir} page`);
    assert.ok(await readsLeftToRight(time), `the time "${await time.innerText()}" is not reordered in a ${pageDir} page`);
    const name = en.getByText(FRANK.username, { exact: true }).first();
    assert.equal(await isolation(name), 'isolate', 'the sender name is isolated');
  }
  assert.deepEqual(page.consoleErrors, []);
}));

test('a long message is folded behind "Show more", and unfolding keeps the reader in place', env.wrap(async () => {
  const lines = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long story`);
  const last = `the end ${uniq('long')}`;
  const long = await env.server.send(FRANK.token, `${lines.join('\n')}\n${last}`);
  const huge = await env.server.send(FRANK.token, `${'x'.repeat(9990)} ${uniq('h')}`.slice(0, 10000));
  const short = await env.server.send(FRANK.token, `short ${uniq('s')}`);
  const page = await env.openChat();
  const article = articleById(page, long.id);
  await article.waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await articleById(page, short.id).getByRole('button', { name: 'Show more' }).count(), 0, 'a short message is not folded');

  // The 10,000-character message takes less than a screen.
  const hugeBox = await articleById(page, huge.id).boundingBox();
  const viewport = page.viewportSize();
  assert.ok(hugeBox.height < viewport.height, `a 10,000-character message is folded (${hugeBox.height} px high)`);

  const more = article.getByRole('button', { name: 'Show more', exact: true });
  await more.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  const paragraph = textOf(article);
  const folded = await paragraph.evaluate((p) => ({ shown: p.clientHeight, full: p.scrollHeight }));
  assert.ok(folded.full > folded.shown + 100, `folded: ${folded.shown} of ${folded.full} px shown`);

  await article.scrollIntoViewIfNeeded();
  const before = await article.boundingBox();
  await more.click();
  const less = article.getByRole('button', { name: 'Show less', exact: true });
  await less.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await less.getAttribute('aria-expanded'), 'true');
  // Two frames for the feed to settle.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = await article.boundingBox();
  assert.ok(Math.abs(after.y - before.y) <= 1, `the message stays where it was (moved ${after.y - before.y} px)`);
  const open = await paragraph.evaluate((p) => ({ shown: p.clientHeight, full: p.scrollHeight }));
  assert.ok(open.shown >= open.full - 1, 'unfolded, the whole text shows');
  assert.ok((await paragraph.innerText()).includes(last));

  await less.click();
  await article.getByRole('button', { name: 'Show more', exact: true }).waitFor({ state: 'visible', timeout: 5000 });
  assert.ok(await isInView(article), 'folded again, the message is in view');
  assert.deepEqual(page.consoleErrors, []);
}));

test('"Sign out" shows the sign-in form, leaves nothing on screen, and keeps the draft for the next sign-in', env.wrap(async () => {
  const secret = `my draft ${uniq('draft')}`;
  const page = await env.openChat();
  const newest = (await env.server.apiOk(KEVIN.token, 'GET', '/messages?conversation_id=xgQQXg3hrtjh7AvZ&limit=1')).data[0];
  await composer(page).fill(secret);
  // The draft is kept as it is typed.
  await page.waitForTimeout(600);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  const tokenBox = page.getByRole('textbox', { name: 'API token' });
  await tokenBox.waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await feed(page).count(), 0, 'no feed');
  assert.equal(await page.getByRole('navigation', { name: 'Conversations' }).count(), 0, 'no conversation list');
  const shown = await page.locator('body').innerText();
  assert.ok(!shown.includes(secret), 'the draft is not on screen');
  assert.ok(!shown.includes(newest.message.trim().split('\n')[0]), 'no message is on screen');
  assert.ok(!page.url().includes('token='), 'no token in the URL');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('pc.session')), null, 'the token is forgotten');

  // A reload stays signed out.
  await page.reload();
  await tokenBox.waitFor({ state: 'visible', timeout: 10000 });

  // Signing in again as the same person brings their draft back.
  await tokenBox.fill(KEVIN.token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await feed(page).getByRole('article').first().waitFor({ state: 'visible', timeout: 15000 });
  await waitUntil(async () => (await composer(page).inputValue()) === secret, { timeout: 5000, message: 'the draft to be back' });
  assert.equal(await articleWithText(page, secret).count(), 0, 'the draft was not sent');
  assert.deepEqual(page.consoleErrors, []);
}));
