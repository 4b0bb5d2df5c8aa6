// The phone layout in an engine other than Chromium (specs/15-phone checks it, and more, in
// Chromium's phone emulation): a window below the 640 px breakpoint shows the conversation
// list and the conversation as two screens, with the button "Conversations" and the
// browser's back button between them, nothing scrolls sideways, and a message goes out with
// the button "Send". The window is 500 px wide: headless Firefox and WebKit's MiniBrowser
// cannot be made narrower here (500 and 447 px), which is still a phone's layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniq, KEVIN } from '../lib/harness.mjs';
import { engineSuite } from './suite.mjs';
import { sidewaysScrollers } from './dom.mjs';

/** A phone-sized window (see the header for why 500 px). */
const PHONE = { width: 500, height: 700 };
/** The demo conversation's title for Kevin. */
const TITLE = 'Frank McCallister';

export function phoneTests(engine) {
  const label = `${engine}-phone`;
  const env = engineSuite(engine, { viewport: PHONE, label });
  const page = () => env.page;

  /** Waits for the list screen: the list shows, the conversation does not. */
  async function listScreen(why) {
    const nav = await page().byRole('navigation', 'Conversations', null, 20000);
    await page().gone('feed', 'Messages');
    assert.equal(await page().find('button', 'Conversations'), null, `no "Conversations" button on the list (${why})`);
    return nav;
  }

  /** Waits for the conversation screen: the feed with its messages, no list beside it. */
  async function conversationScreen(why) {
    const feed = await page().byRole('feed', 'Messages', null, 20000);
    await page().byRole('article', null, feed, 20000);
    await page().gone('navigation', 'Conversations');
    assert.deepEqual(await page().run(sidewaysScrollers), [], `nothing scrolls sideways (${why})`);
    return feed;
  }

  test(`${label}: the list and the conversation are two screens, with "Conversations" and back between them`, env.wrap(async () => {
    await page().open(`${env.server.url}/#token=${KEVIN.token}`);
    let nav = await listScreen('no conversation in the URL');
    assert.deepEqual(await page().run(sidewaysScrollers), [], 'nothing scrolls sideways on the list');

    await (await page().byRole('link', TITLE, nav)).click();
    await conversationScreen('opened from the list');
    assert.equal(await (await page().byRole('heading', TITLE)).getText(), TITLE, 'the header names the conversation');

    await (await page().byRole('button', 'Conversations')).click();
    nav = await listScreen('after the button "Conversations"');

    await (await page().byRole('link', TITLE, nav)).click();
    await conversationScreen('opened again');
    await page().driver.navigate().back();
    await listScreen('after the browser\'s back button');
    assert.deepEqual(await page().errors(), [], 'no console errors, uncaught errors or rejections');
  }));

  test(`${label}: a message typed on the phone layout goes out with "Send", once`, env.wrap(async () => {
    const feed = await env.openChat();
    await conversationScreen('opened from the URL');
    const text = uniq(`${engine} phone send`);
    const composer = await page().byRole('textbox', 'Message');
    await page().pointerClick(composer);
    await composer.sendKeys(text);
    await page().pointerClick(await page().byRole('button', 'Send'));
    await page().until(async () => {
      const status = await page().run((f, t) => [...f.querySelectorAll('article')]
        .filter((a) => a.textContent.includes(t)).map((a) => a.getAttribute('data-status')), feed, text);
      return status.length === 1 && status[0] === 'sent';
    }, `"${text}" shown once and sent`);
    assert.equal((await env.server.messagesWithText(text)).length, 1, 'the server stored it exactly once');
    assert.deepEqual(await page().errors(), [], 'no console errors, uncaught errors or rejections');
  }));
}
