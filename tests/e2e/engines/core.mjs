// The end-to-end core, written once for any W3C WebDriver engine (specs/ checks the same
// behaviours, and more, in Chromium through Playwright). Every element is found by its role
// and accessible name from shared/UI.md, or by the data-* attributes UI.md defines; the
// server's state is checked through the API. A spec file calls coreTests(engine, options).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniq, inView, KEVIN, FRANK, CONVERSATION } from '../lib/harness.mjs';
import { engineSuite } from './suite.mjs';
import { Key } from './browser.mjs';
import { feedScroller } from './dom.mjs';

const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

/** In the page: the articles of `feed` whose text contains `text`. */
function articlesWithText(feed, text) {
  return [...feed.querySelectorAll('article')].filter((a) => a.textContent.includes(text));
}

/** In the page: scrolls `scroller` to its top, waits two frames, returns the first visible article. */
async function scrollToTopAndAnchor(scroller) {
  scroller.scrollTop = 0;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const top = scroller.getBoundingClientRect().top;
  const a = [...scroller.querySelectorAll('article')].find((x) => x.getBoundingClientRect().bottom > top + 1);
  return a && {
    id: a.getAttribute('data-message-id'),
    pos: Number(a.getAttribute('aria-posinset')),
    top: a.getBoundingClientRect().top,
  };
}

/** In the page: the top of the article `id` in `feed`, every frame for `ms` ms (NaN while absent). */
function sampleTop(feed, id, ms) {
  return new Promise((resolve) => {
    const tops = [];
    const start = performance.now();
    const step = () => {
      const el = feed.querySelector(`article[data-message-id="${id}"]`);
      tops.push(el ? el.getBoundingClientRect().top : NaN);
      if (performance.now() - start >= ms) resolve(tops); else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

export function coreTests(engine, options = {}) {
  const env = engineSuite(engine, options);
  const tag = options.label ?? engine;
  const page = () => env.page;

  /** Waits for the one article holding `text` to have data-status `status`; returns it. */
  async function sentArticle(feed, text, status = 'sent') {
    return page().until(async () => {
      const found = await page().run(articlesWithText, feed, text);
      if (found.length > 1) throw new Error(`"${text}" shows ${found.length} times`);
      return found.length === 1 && (await found[0].getAttribute('data-status')) === status && found[0];
    }, `the article "${text}" with data-status="${status}"`);
  }

  /** Shows a bubble's actions (hover, then focus if need be) and returns the named button. */
  async function action(bubble, name) {
    await page().hover(bubble);
    if (!(await page().find('button', name, bubble))) await page().run((a) => a.focus(), bubble);
    return page().byRole('button', name, bubble, 5000);
  }

  async function noErrors() {
    assert.deepEqual(await page().errors(), [], 'no console errors, uncaught errors or rejections');
  }

  test(`${tag}: opens at the newest message`, env.wrap(async () => {
    const feed = await env.openChat();
    const newest = (await env.server.apiOk(KEVIN.token, 'GET', `/messages?conversation_id=${CONVERSATION}&limit=1`)).data[0];
    // Found anew each time: the feed may move its rows as the first frames settle, and
    // WebKitWebDriver forgets an element that was moved.
    const bubble = await page().until(async () => {
      const found = await page().article(feed, newest.id);
      return found && (await page().run(inView, found)) && found;
    }, `the newest message ${newest.id} in view`);
    assert.ok(norm(await bubble.getText()).includes(norm(newest.message)), 'the newest bubble shows its text');
    assert.equal(await bubble.getAttribute('data-status'), 'sent');
    const scroller = await page().run(feedScroller, feed);
    assert.ok(scroller, 'the feed scrolls');
    const gap = await page().run((s) => s.scrollHeight - s.clientHeight - s.scrollTop, scroller);
    assert.ok(gap <= 2, `the feed is scrolled to its bottom (${gap} px from it)`);
    // The engine's own accessibility tree agrees with the names the tests search by.
    assert.equal(await feed.getAriaRole(), 'feed');
    assert.equal(await feed.getAccessibleName(), 'Messages');
    assert.equal(await (await page().byRole('textbox', 'Message')).getAccessibleName(), 'Message');
    await noErrors();
  }));

  test(`${tag}: Enter sends; the bubble ends "sent" and the server holds it once`, env.wrap(async () => {
    const feed = await env.openChat();
    const text = uniq(`${engine} send`);
    const composer = await page().byRole('textbox', 'Message');
    await page().typeAndEnter(composer, text);
    const bubble = await sentArticle(feed, text);
    assert.equal(await page().run((e) => e.value, composer), '', 'the composer is cleared');
    const stored = await env.server.messagesWithText(text);
    assert.equal(stored.length, 1, 'the server stored the message exactly once');
    assert.equal(await bubble.getAttribute('data-message-id'), stored[0].id, 'the bubble takes the server id');
    await noErrors();
  }));

  test(`${tag}: scrolling to the top loads older pages and the top article stays put`, env.wrap(async (t) => {
    const feed = await env.openChat();
    const scroller = await page().run(feedScroller, feed);
    for (let load = 1; load <= 2; load++) {
      // The server answers late, so the anchor is measured before the page arrives.
      await env.server.setFaults({ latency_ms: 500 });
      try {
        const before = await page().run(scrollToTopAndAnchor, scroller);
        assert.ok(before?.id, `an article in view at the top (load ${load})`);
        const pos = await page().until(async () => {
          const now = Number(await (await page().article(feed, before.id))?.getAttribute('aria-posinset'));
          return now > before.pos && now;
        }, `older messages above ${before.id} (load ${load})`, 15000);
        const tops = await page().run(sampleTop, feed, before.id, 500);
        const worst = Math.max(...tops.map((y) => Math.abs(y - before.top)));
        t.diagnostic(`load ${load}: ${pos - before.pos} older messages above ${before.id}, which moved at most ${worst.toFixed(2)} px in ${tops.length} frames`);
        assert.ok(worst <= 1, `load ${load}: the top article moved ${worst.toFixed(2)} px (before ${before.top}, after ${tops.join(', ')})`);
      } finally {
        await env.server.setFaults({});
      }
    }
    await noErrors();
  }));

  test(`${tag}: react, edit and delete`, env.wrap(async () => {
    const fromFrank = await env.server.send(FRANK.token, uniq(`${engine} react to me`));
    const mine = await env.server.send(KEVIN.token, uniq(`${engine} edit me`));
    const doomed = await env.server.send(KEVIN.token, uniq(`${engine} delete me`));
    const feed = await env.openChat();
    const byId = (id) => page().until(() => page().article(feed, id), `the article ${id}`);

    // React: "Add reaction" → dialog "Pick a reaction" → "thumbs_up"; pressed, and on the server.
    let bubble = await byId(fromFrank.id);
    await (await action(bubble, 'Add reaction')).click();
    const picker = await page().byRole('dialog', 'Pick a reaction');
    await (await page().byRole('button', 'thumbs_up', picker)).click();
    if (await page().find('dialog', 'Pick a reaction')) await page().driver.actions().sendKeys(Key.ESCAPE).perform();
    await page().gone('dialog', 'Pick a reaction', null, 3000);
    const group = await page().byRole('group', 'Reactions', bubble);
    const thumbs = await page().byRole('button', /(^|\s)thumbs_up(\s|$)/, group);
    assert.match(await thumbs.getAccessibleName(), /thumbs_up\D*1\b/, 'the reaction button is named by reaction and count');
    assert.equal(await thumbs.getAttribute('aria-pressed'), 'true');
    await page().until(async () => {
      const m = await env.server.apiOk(KEVIN.token, 'GET', `/messages/${fromFrank.id}`);
      return JSON.stringify(Object.assign({}, ...m.reactions).thumbs_up) === JSON.stringify([KEVIN.username]);
    }, 'the server to hold Kevin\'s thumbs_up');

    // Edit: "Edit" → textbox "Edit message" → new text + Enter; "edited", and on the server.
    bubble = await byId(mine.id);
    await (await action(bubble, 'Edit')).click();
    const box = await page().byRole('textbox', 'Edit message');
    const changed = uniq(`${engine} edited`);
    // Select all and delete in a key sequence of its own: in one sendKeys with the text after
    // it, Firefox still holds Control while typing the text.
    await box.sendKeys(Key.chord(Key.CONTROL, 'a'), Key.BACK_SPACE);
    await page().until(async () => (await page().run((e) => e.value, box)) === '', 'the edit box to be empty', 3000);
    await page().typeAndEnter(box, changed);
    await page().gone('textbox', 'Edit message', null, 5000);
    await page().until(async () => norm(await bubble.getText()).includes(changed), 'the bubble to show the new text');
    assert.match(await bubble.getText(), /\bedited\b/i);
    await page().until(async () => {
      const m = await env.server.apiOk(KEVIN.token, 'GET', `/messages/${mine.id}`);
      return m.message === changed && m.edited_at !== null;
    }, 'the server to hold the new text, edited');

    // Delete: "Delete" → the dialog's "Delete"; the bubble goes, and the server answers 404.
    bubble = await byId(doomed.id);
    await (await action(bubble, 'Delete')).click();
    const dialog = await page().byRole('dialog', 'Delete message');
    await (await page().byRole('button', 'Delete', dialog)).click();
    await page().until(async () => !(await page().article(feed, doomed.id)), 'the deleted bubble to disappear', 3000);
    await page().until(async () => (await env.server.api(KEVIN.token, 'GET', `/messages/${doomed.id}`)).status === 404,
      'the server to answer 404 for the deleted message');
    await noErrors();
  }));

  test(`${tag}: the widget on embed-demo.html shows messages and sends`, env.wrap(async () => {
    // Nothing new for Kevin: with unread messages that do not fit under the "New messages"
    // line the view opens at the line (UI.md), which would depend on whether the tests
    // before this one marked them read.
    await env.server.readAll();
    await page().open(`${env.server.url}/embed-demo.html`);
    const host = await page().until(() => page().run(() => document.querySelector('#support-chat')?.shadowRoot
      && document.querySelector('#support-chat')), 'the widget\'s shadow root');
    const inWidget = { shadow: host };
    const feed = await page().byRole('feed', 'Messages', inWidget, 30000);
    await page().byRole('article', null, feed, 20000);
    // The widget opens at its newest message too (its root is a size container, which once
    // left WebKit's standalone feed short of the bottom).
    const newest = (await env.server.apiOk(KEVIN.token, 'GET', `/messages?conversation_id=${CONVERSATION}&limit=1`)).data[0];
    await page().until(async () => {
      const found = await page().article(feed, newest.id);
      return found && (await page().run(inView, found, false)) && found;
    }, `the newest message ${newest.id} in the widget's view`);
    assert.equal((await page().all('navigation', 'Conversations', inWidget)).length, 0, 'no conversation list in the widget');
    const text = uniq(`${engine} widget`);
    await page().typeAndEnter(await page().byRole('textbox', 'Message', inWidget), text);
    const bubble = await sentArticle(feed, text);
    const stored = await env.server.messagesWithText(text);
    assert.equal(stored.length, 1, 'the server stored the widget\'s message exactly once');
    assert.equal(await bubble.getAttribute('data-message-id'), stored[0].id);
    await noErrors();
  }));

  return env;
}
