// 15 phones (issue "Phones and every engine", UI.md "Added with the phone layout"): Chromium
// emulating phones (375×740 and 320×568, touch, mobile viewport). The conversation list and
// the conversation are two screens with a button "Conversations" and the browser's back
// button between them; nothing scrolls sideways or overlaps; a tap shows one message's
// actions, in a bar over no other message's text, closed by Escape or a tap elsewhere;
// targets are at least 44 × 44 px; the composer stays above the on-screen keyboard with the
// newest message in view, and Enter makes a new line there; an image opens large in a
// dialog. A desktop window keeps the list and the conversation side by side.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  useSuite, KEVIN, FRANK, CONVERSATION, feed, articles, articleWithText, composer,
  waitForStatus, waitUntil, makePng, uniq, watchConsole,
} from '../lib/harness.mjs';
import { sidewaysScrollers } from '../engines/dom.mjs';

const env = useSuite('15-phone');
const PHONE = { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const SMALL = { viewport: { width: 320, height: 568 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const MIN_TARGET = 44;

// Named, not by their order in env.browsers (the suite's own hook adds a desktop browser).
let desktop;
let phone;
let small;
before(async () => {
  desktop = await env.browser();
  phone = await env.browser(PHONE);
  small = await env.browser(SMALL);
});

const list = (page) => page.getByRole('navigation', { name: 'Conversations', exact: true });
const backButton = (page) => page.getByRole('button', { name: 'Conversations', exact: true });
const heading = (page) => page.getByRole('heading', { level: 2 }).first();

/** Which screen shows: the list, the conversation, or both. */
async function screens(page) {
  return {
    list: await list(page).isVisible(),
    conversation: await feed(page).isVisible(),
    back: await backButton(page).isVisible(),
  };
}

async function waitForScreen(page, want, label) {
  let last;
  await waitUntil(async () => {
    last = await screens(page);
    return last.list === (want === 'list') && last.conversation === (want === 'conversation');
  }, { timeout: 5000, message: `the ${want} screen (${label}); last ${JSON.stringify(last)}` });
}

/**
 * Pairs of the page's visible controls and landmarks that overlap (none inside the other),
 * and any that leave the window sideways.
 */
function overlaps(page) {
  return page.evaluate(() => {
    const named = (el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30)}"`;
    const boxes = [...document.querySelectorAll('nav, h2, [role="feed"], button, textarea, a')]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('[role="feed"]'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0);
    const out = [];
    for (const { el, r } of boxes) {
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) out.push(`${named(el)} leaves the window sideways`);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 0.5 && h > 0.5) out.push(`${named(a.el)} overlaps ${named(b.el)}`);
      }
    }
    return out;
  });
}

/**
 * Every visible message action bar (the parent of a visible "Add reaction") that covers
 * the text of another message, by the boxes of that text's lines.
 */
function barsOverOtherText(page) {
  return page.evaluate(() => {
    const out = [];
    const bars = [...document.querySelectorAll('[role="feed"] article button')]
      .filter((b) => b.textContent.trim() === 'Add reaction' && b.getClientRects().length > 0)
      .map((b) => b.parentElement);
    for (const bar of bars) {
      const own = bar.closest('article');
      const r = bar.getBoundingClientRect();
      for (const other of document.querySelectorAll('[role="feed"] article')) {
        if (other === own) continue;
        const walker = document.createTreeWalker(other, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!node.textContent.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const line of range.getClientRects()) {
            const w = Math.min(r.right, line.right) - Math.max(r.left, line.left);
            const h = Math.min(r.bottom, line.bottom) - Math.max(r.top, line.top);
            if (w > 0.5 && h > 0.5) out.push(`the bar of "${own.textContent.slice(0, 30)}" covers "${node.textContent.slice(0, 30)}"`);
          }
        }
      }
    }
    return out;
  });
}

/** The visible buttons named `name` in the feed (one per message showing its actions). */
function visibleActions(page, name = 'Add reaction') {
  return feed(page).getByRole('button', { name, exact: true }).evaluateAll(
    (bs) => bs.filter((b) => b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden'
      && Number(getComputedStyle(b.parentElement).opacity) > 0).length,
  );
}

/** True when the element is wholly inside the window and every scrolling box around it. */
function wholly(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    let top = 0;
    let bottom = window.innerHeight;
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (/(auto|scroll|hidden)/.test(getComputedStyle(a).overflowY)) {
        const ar = a.getBoundingClientRect();
        top = Math.max(top, ar.top);
        bottom = Math.min(bottom, ar.bottom);
      }
    }
    return r.height > 0 && r.top >= top - 1 && r.bottom <= bottom + 1;
  });
}

/** Throws unless every locator is visible and at least 44 × 44 px. */
async function assertTargets(locators, label) {
  for (const loc of locators) {
    await loc.waitFor({ state: 'visible', timeout: 5000 });
    const box = await loc.boundingBox();
    const name = await loc.evaluate((el) => (el.getAttribute('aria-label') || el.textContent).trim());
    assert.ok(box.width >= MIN_TARGET - 0.5 && box.height >= MIN_TARGET - 0.5,
      `${label}: "${name}" is ${box.width.toFixed(1)} × ${box.height.toFixed(1)} px`);
  }
}

test('a phone shows the list first, a conversation from it, and goes back by button and by the browser', env.wrap(async () => {
  const page = await env.openChat({ browser: phone, hash: `#token=${KEVIN.token}&theme=dark`, waitForArticles: false });
  await list(page).getByRole('link').first().waitFor({ state: 'visible', timeout: 20000 });
  await waitForScreen(page, 'list', 'no conversation in the URL');
  // Frank's conversation and another one, by their links.
  const links = await list(page).getByRole('link').evaluateAll((as) => as.map((a) => ({
    title: a.textContent.trim(),
    id: decodeURIComponent(/conversation=([^&]+)/.exec(a.getAttribute('href'))?.[1] || ''),
  })));
  const first = links.find((c) => c.id === CONVERSATION);
  const other = links.find((c) => c.id !== CONVERSATION);
  assert.ok(first && other, `Frank's conversation and another are listed: ${JSON.stringify(links)}`);
  assert.equal((await screens(page)).back, false, 'no "Conversations" button on the list');
  const entries = await page.evaluate(() => history.length);

  // A conversation from the list: a new history entry, the other fragment settings kept.
  await list(page).getByRole('link', { name: first.title, exact: true }).tap();
  await waitForScreen(page, 'conversation', 'a link tapped');
  await articles(page).first().waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await page.evaluate(() => history.length), entries + 1, 'opening one added a history entry');
  let hash = new URL(page.url()).hash;
  assert.match(hash, new RegExp(`conversation=${CONVERSATION}`));
  assert.match(hash, /theme=dark/, 'the fragment keeps its other settings');
  assert.doesNotMatch(hash, /token=/);
  assert.equal((await heading(page).innerText()).trim(), first.title);
  assert.equal((await screens(page)).back, true, 'the conversation has "Conversations"');

  // "Conversations" goes back to the list, as the browser's back button would.
  await backButton(page).tap();
  await waitForScreen(page, 'list', '"Conversations" tapped');
  assert.equal(await page.evaluate(() => history.length), entries + 1, 'the button went back, no new entry');
  // Forward again, then the browser's back button.
  await page.goForward();
  await waitForScreen(page, 'conversation', 'forward');
  await page.goBack();
  await waitForScreen(page, 'list', 'the browser\'s back button');

  // Another conversation from the list, and back.
  await list(page).getByRole('link', { name: other.title, exact: true }).tap();
  await waitForScreen(page, 'conversation', 'another link tapped');
  await waitUntil(async () => (await heading(page).innerText()).trim() === other.title, { message: `the heading "${other.title}"` });
  hash = new URL(page.url()).hash;
  assert.match(hash, new RegExp(`conversation=${other.id}`));
  assert.match(hash, /theme=dark/);
  await page.goBack();
  await waitForScreen(page, 'list', 'back from the other conversation');

  // The list's entry stays the list after a reload.
  await page.reload();
  await list(page).getByRole('link').first().waitFor({ state: 'visible', timeout: 20000 });
  await waitForScreen(page, 'list', 'reloaded on the list');
  assert.deepEqual(page.consoleErrors, []);
}));

test('a conversation in the URL opens first on a phone; "Conversations" shows the list; back returns', env.wrap(async () => {
  const page = await env.openChat({ browser: phone });
  await waitForScreen(page, 'conversation', 'a conversation in the URL');
  await backButton(page).tap();
  await waitForScreen(page, 'list', '"Conversations" tapped');
  await assertTargets([
    ...(await list(page).getByRole('link').all()),
    ...(await list(page).getByRole('button').all()),
  ], 'the list');
  await page.goBack();
  await waitForScreen(page, 'conversation', 'back');
  assert.match(new URL(page.url()).hash, new RegExp(`conversation=${CONVERSATION}`));
  assert.deepEqual(page.consoleErrors, []);
}));

test('nothing scrolls sideways or overlaps on phones (320 and 375 px), nor in a window from 320 to 1920 px', env.wrap(async () => {
  for (const [browser, label] of [[small, '320×568'], [phone, '375×740']]) {
    const page = await env.openChat({ browser });
    await waitForScreen(page, 'conversation', label);
    assert.deepEqual(await page.evaluate(sidewaysScrollers), [], `${label}: nothing scrolls sideways`);
    assert.deepEqual(await overlaps(page), [], `${label}: nothing overlaps`);
    await backButton(page).tap();
    await waitForScreen(page, 'list', label);
    assert.deepEqual(await page.evaluate(sidewaysScrollers), [], `${label}, list: nothing scrolls sideways`);
    assert.deepEqual(await overlaps(page), [], `${label}, list: nothing overlaps`);
  }
  const page = await env.openChat({ browser: desktop });
  for (const width of [320, 400, 480, 640, 641, 800, 1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 700 });
    await page.waitForTimeout(100);
    const now = await screens(page);
    assert.equal(now.conversation, true, `${width} px: the conversation shows`);
    assert.equal(now.list, width > 640, `${width} px: the list shows beside it only when wide`);
    assert.equal(now.back, width <= 640, `${width} px: "Conversations" only when narrow`);
    assert.deepEqual(await page.evaluate(sidewaysScrollers), [], `${width} px: nothing scrolls sideways`);
    assert.deepEqual(await overlaps(page), [], `${width} px: nothing overlaps`);
  }
}));

test('a tap shows one message\'s actions, over no other text; Escape and a tap elsewhere close them; targets are 44 px', env.wrap(async () => {
  const older = uniq('phone older');
  const mine = uniq('phone mine');
  const newest = uniq('phone newest');
  await env.server.send(FRANK.token, older);
  await env.server.send(KEVIN.token, mine);
  await env.server.send(FRANK.token, newest);
  const page = await env.openChat({ browser: phone });
  await articleWithText(page, newest).waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await visibleActions(page), 0, 'no actions show before a tap');

  // A tap on my message: its actions, and only its.
  await page.getByText(mine, { exact: true }).tap();
  const bar = articleWithText(page, mine);
  await bar.getByRole('button', { name: 'Edit', exact: true }).waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await visibleActions(page), 1, 'one message shows its actions');
  assert.equal(await visibleActions(page, 'Edit'), 1);
  assert.deepEqual(await barsOverOtherText(page), [], 'the bar covers no other message');
  await assertTargets(['Add reaction', 'Edit', 'Delete'].map((name) => bar.getByRole('button', { name, exact: true })), 'the actions');

  // A tap on the newest: its actions instead, still in view and over no other text.
  await page.getByText(newest, { exact: true }).tap();
  const last = articleWithText(page, newest);
  const add = last.getByRole('button', { name: 'Add reaction', exact: true });
  await add.waitFor({ state: 'visible', timeout: 3000 });
  assert.equal(await visibleActions(page), 1, 'still one message shows its actions');
  assert.equal(await visibleActions(page, 'Edit'), 0, 'my message closed its actions');
  await waitUntil(() => wholly(add), { timeout: 3000, message: 'the newest message\'s actions in view' });
  assert.deepEqual(await barsOverOtherText(page), [], 'the bar covers no other message');

  // Escape closes them; a tap shows them again; a tap elsewhere closes them.
  await page.keyboard.press('Escape');
  await waitUntil(async () => (await visibleActions(page)) === 0, { timeout: 3000, message: 'Escape to close the actions' });
  await page.getByText(newest, { exact: true }).tap();
  await waitUntil(async () => (await visibleActions(page)) === 1, { timeout: 3000, message: 'a tap to show them again' });
  await heading(page).tap();
  await waitUntil(async () => (await visibleActions(page)) === 0, { timeout: 3000, message: 'a tap elsewhere to close them' });

  // The picker and the reactions are touch-sized too.
  await page.getByText(newest, { exact: true }).tap();
  await add.tap();
  const picker = page.getByRole('dialog', { name: 'Pick a reaction', exact: true });
  await picker.waitFor({ state: 'visible', timeout: 3000 });
  await assertTargets(await picker.getByRole('button').all(), 'the picker');
  assert.deepEqual(await page.evaluate(sidewaysScrollers), [], 'the picker scrolls nothing sideways');
  await picker.getByRole('button', { name: 'thumbs_up', exact: true }).tap();
  const reaction = last.getByRole('group', { name: 'Reactions', exact: true }).getByRole('button', { name: 'thumbs_up 1', exact: true });
  await assertTargets([reaction], 'the reactions');
  await assertTargets([
    backButton(page),
    page.getByRole('button', { name: 'Attach files', exact: true }),
    page.getByRole('button', { name: 'Send', exact: true }),
  ], 'the header and the composer');
  assert.deepEqual(page.consoleErrors, []);
}));

test('the composer stays above the on-screen keyboard, the newest message in view', env.wrap(async () => {
  const newest = uniq('phone before the keyboard');
  await env.server.send(FRANK.token, newest);
  const page = await env.openChat({ browser: phone });
  const last = articleWithText(page, newest);
  await last.waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(() => wholly(last), { timeout: 3000, message: 'the newest message in view' });
  // The feed has settled (nothing else moves it to the bottom any more).
  await page.waitForTimeout(1000);
  await composer(page).tap();
  // The keyboard takes the lower part of the screen: the layout viewport shrinks
  // (interactive-widget=resizes-content).
  await page.setViewportSize({ width: 375, height: 400 });
  await page.waitForTimeout(300);
  const box = await composer(page).boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 400, `the composer inside the 400 px left: ${JSON.stringify(box)}`);
  assert.equal(await wholly(composer(page)), true, 'the composer wholly in view');
  assert.equal(await wholly(last), true, 'the newest message still wholly in view');
  // A message arriving meanwhile shows at the bottom too.
  const arriving = uniq('phone with the keyboard');
  await env.server.send(FRANK.token, arriving);
  const next = articleWithText(page, arriving);
  await next.waitFor({ state: 'visible', timeout: 10000 });
  await waitUntil(() => wholly(next), { timeout: 3000, message: 'the message that arrived in view' });
  await page.setViewportSize(PHONE.viewport);
  await page.waitForTimeout(300);
  assert.equal(await wholly(next), true, 'still in view with the keyboard gone');
  assert.deepEqual(page.consoleErrors, []);
}));

test('on touch Enter makes a new line and "Send" sends; the textbox grows up to a limit', env.wrap(async () => {
  const page = await env.openChat({ browser: phone });
  const box = composer(page);
  await box.tap();
  const one = (await box.boundingBox()).height;
  const text = uniq('phone two lines');
  await page.keyboard.type(`${text} first`);
  await page.keyboard.press('Enter');
  await page.keyboard.type('second');
  assert.equal(await box.inputValue(), `${text} first\nsecond`, 'Enter made a new line');
  await page.waitForTimeout(300);
  assert.equal(await articleWithText(page, text).count(), 0, 'Enter sent nothing');
  const two = (await box.boundingBox()).height;
  assert.ok(two > one + 5, `the textbox grew with its second line (${one} -> ${two} px)`);
  await page.getByRole('button', { name: 'Send', exact: true }).tap();
  await waitForStatus(page, text, 'sent', 10000);
  assert.equal(await box.inputValue(), '', 'sent and emptied');
  const stored = await env.server.messagesWithText(`${text} first\nsecond`);
  assert.equal(stored.length, 1, 'the server has the two lines once');

  await box.tap();
  await box.fill(Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n'));
  const tall = (await box.boundingBox()).height;
  assert.ok(tall < 200, `the textbox stops growing (${tall} px)`);
  const composerBox = await box.boundingBox();
  assert.ok(composerBox.y + composerBox.height <= PHONE.viewport.height, 'the tall textbox stays on screen');
  await box.fill('');
  assert.deepEqual(page.consoleErrors, []);
}));

test('an image opens large in a dialog named by its file name; Close and Escape put the focus back', env.wrap(async () => {
  const name = `phone-photo-${Date.now().toString(36)}.png`;
  const form = new FormData();
  form.append('file', new Blob([await makePng(800, 600, [30, 160, 90])], { type: 'image/png' }), name);
  form.append('conversation_id', CONVERSATION);
  const upload = await env.server.apiOk(FRANK.token, 'POST', '/attachments', form);
  const text = uniq('phone photo');
  await env.server.apiOk(FRANK.token, 'POST', '/messages', { conversation_id: CONVERSATION, message: text, attachments: [upload.id] });

  const page = await env.openChat({ browser: phone });
  const url = page.url();
  const files = articleWithText(page, text).getByRole('list', { name: 'Attachments', exact: true });
  const thumb = files.getByRole('button', { name, exact: true });
  await thumb.waitFor({ state: 'visible', timeout: 10000 });
  const dialog = page.getByRole('dialog', { name, exact: true });

  // The message only partly on screen (its thumbnail's top 60 px at the feed's bottom): a
  // tap on the thumbnail still opens it, though the message comes into view as it is
  // focused.
  await feed(page).evaluate((f, alt) => {
    const img = [...f.querySelectorAll('button img')].find((i) => i.alt === alt);
    f.scrollTop += img.getBoundingClientRect().top + 60 - f.getBoundingClientRect().bottom;
  }, name);
  await page.waitForTimeout(300);
  await thumb.tap({ position: { x: 40, y: 20 } });
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  const large = dialog.getByRole('img', { name, exact: true });
  await waitUntil(() => large.evaluate((img) => img.complete && img.naturalWidth === 800), { timeout: 5000, message: 'the image to load' });
  const box = await large.boundingBox();
  assert.ok(box.width > 240, `the image shows large (${box.width} px wide)`);
  assert.equal(await dialog.evaluate((d) => d.matches(':modal')), true, 'the dialog is modal');
  const close = dialog.getByRole('button', { name: 'Close', exact: true });
  await assertTargets([close], 'the dialog');
  await close.tap();
  await dialog.waitFor({ state: 'hidden', timeout: 3000 });
  assert.equal(await thumb.evaluate((el) => el === document.activeElement), true, 'Close puts the focus back on the thumbnail');

  await thumb.click();
  await dialog.waitFor({ state: 'visible', timeout: 3000 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 3000 });
  assert.equal(await thumb.evaluate((el) => el === document.activeElement), true, 'Escape puts the focus back on the thumbnail');
  assert.equal(page.url(), url, 'the page never left');
  assert.deepEqual(page.consoleErrors, []);
}));

test('the widget fills its element on a phone, every control reachable below 480 px', env.wrap(async () => {
  const host = `${env.server.url}/phone-host.html`;
  const page = await small.context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, '15-phone-widget');
  await page.route(host, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Host</title><style>body { margin: 0 } #chat { display: block; width: 100vw; height: 100dvh }</style></head>
      <body><main><div id="chat"></div></main>
      <script type="module">
        await import('/embed.js');
        await window.ProtocolChat.mount('#chat', { apiBase: ${JSON.stringify(env.server.url)}, token: ${JSON.stringify(KEVIN.token)}, conversationId: ${JSON.stringify(CONVERSATION)} }).ready;
      </script></body></html>`,
  }));
  await page.goto(host);
  const chat = page.locator('#chat');
  await articles(chat).first().waitFor({ state: 'visible', timeout: 20000 });
  const region = chat.getByRole('region', { name: 'Chat', exact: true });
  const [outer, inner] = [await chat.boundingBox(), await region.boundingBox()];
  assert.ok(Math.abs(outer.width - inner.width) <= 1 && Math.abs(outer.height - inner.height) <= 1,
    `the widget fills its element (${JSON.stringify(outer)} vs ${JSON.stringify(inner)})`);
  assert.deepEqual(await page.evaluate(sidewaysScrollers), []);
  const controls = [
    composer(chat),
    chat.getByRole('button', { name: 'Attach files', exact: true }),
    chat.getByRole('button', { name: 'Send', exact: true }),
  ];
  for (const control of controls) {
    const box = await control.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 320 && box.y >= 0 && box.y + box.height <= 568,
      `${await control.evaluate((el) => el.getAttribute('aria-label') || el.textContent)} is on screen: ${JSON.stringify(box)}`);
  }
  await assertTargets(controls.slice(1), 'the widget');
  // Smaller still: the element 280 × 360 keeps everything inside it.
  await chat.evaluate((el) => { el.style.width = '280px'; el.style.height = '360px'; });
  await page.waitForTimeout(200);
  for (const control of controls) {
    const box = await control.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 280.5 && box.y >= 0 && box.y + box.height <= 360.5,
      `inside 280 × 360: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(page.consoleErrors, []);
}));

test('a desktop window keeps the list and the conversation side by side, without "Conversations"', env.wrap(async () => {
  const page = await env.openChat({ browser: desktop });
  await page.setViewportSize({ width: 1280, height: 800 });
  await list(page).getByRole('link').first().waitFor({ state: 'visible', timeout: 10000 });
  const nav = await list(page).boundingBox();
  const messages = await feed(page).boundingBox();
  assert.ok(nav.x + nav.width <= messages.x + 0.5, `the list (${nav.x}+${nav.width}) is beside the feed (${messages.x})`);
  assert.ok(nav.y < messages.y + messages.height && messages.y < nav.y + nav.height, 'side by side, not stacked');
  assert.equal(await backButton(page).count(), 0, 'no "Conversations" button');
  // A message's actions still show on hover, floating (the row keeps its height).
  const row = articles(page).last();
  const before = (await row.boundingBox()).height;
  await row.hover();
  await row.getByRole('button', { name: 'Add reaction', exact: true }).waitFor({ state: 'visible', timeout: 3000 });
  assert.equal((await row.boundingBox()).height, before, 'the actions take no room in the feed');
  // A fragment typed in the address bar opens its conversation.
  const other = await list(page).getByRole('link').evaluateAll((as, open) => as
    .map((a) => ({ title: a.textContent.trim(), id: decodeURIComponent(/conversation=([^&]+)/.exec(a.getAttribute('href'))?.[1] || '') }))
    .find((c) => c.id && c.id !== open), CONVERSATION);
  await page.evaluate((id) => { location.hash = `#conversation=${encodeURIComponent(id)}`; }, other.id);
  await waitUntil(async () => (await heading(page).innerText()).trim() === other.title, { message: `the heading "${other.title}"` });
  await page.goBack();
  await waitUntil(async () => (await heading(page).innerText()).trim() === 'Frank McCallister', { message: 'back to Frank' });
  // Enter still sends on a desktop.
  const text = uniq('desktop enter');
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await waitForStatus(page, text, 'sent', 10000);
  assert.deepEqual(page.consoleErrors, []);
}));
