// 13 unread and notifications (issue 13): while the tab is hidden, the standalone app's
// title counts the new messages from others ("(2) Frank McCallister") and clears when the
// tab is seen; with the reader's permission (asked only from the button "Turn on
// notifications", never on load) each such message is a browser notification naming the
// sender, and clicking it focuses the message; the widget tells its host the count
// through the mount handle's `onunread` and the element's `protocol-chat:unread` event.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, FRANK, KEVIN, CONVERSATION, watchConsole, waitForLiveStream, uniq, waitUntil } from '../lib/harness.mjs';

const env = useSuite('13-unread-and-notifications');

/** Makes the page look hidden (or shown again) to the app, as switching tabs does. */
async function setHidden(page, hidden) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  }, hidden);
}

/** Records every Notification made and every permission request, before the app runs. */
function recordNotifications() {
  const Real = window.Notification;
  window.__notes = [];
  window.__asked = 0;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options?.body, note: this });
    }
    static get permission() { return Real.permission; }
    static requestPermission(...args) {
      window.__asked += 1;
      return Real.requestPermission(...args);
    }
  }
  window.Notification = Recorded;
}

test('the title counts what arrives while the tab is hidden, and clears when it is seen', env.wrap(async () => {
  const page = await env.openChat();
  await waitForLiveStream(page);
  await waitUntil(async () => (await page.title()) === 'Frank McCallister', { timeout: 10000, message: 'the title to name the conversation' });
  await setHidden(page, true);
  await env.server.send(FRANK.token, `one ${uniq('t')}`);
  await waitUntil(async () => (await page.title()) === '(1) Frank McCallister', { timeout: 10000, message: 'the title to count 1' });
  await env.server.send(FRANK.token, `two ${uniq('t')}`);
  await waitUntil(async () => (await page.title()) === '(2) Frank McCallister', { timeout: 10000, message: 'the title to count 2' });
  // My own messages do not count.
  await env.server.send(KEVIN.token, `mine ${uniq('t')}`);
  await page.waitForTimeout(1500);
  assert.equal(await page.title(), '(2) Frank McCallister');
  await setHidden(page, false);
  await waitUntil(async () => (await page.title()) === 'Frank McCallister', { timeout: 5000, message: 'the count to clear' });
  // Seen: a new message while shown does not count.
  await env.server.send(FRANK.token, `three ${uniq('t')}`);
  await page.waitForTimeout(1500);
  assert.equal(await page.title(), 'Frank McCallister');
  assert.deepEqual(page.consoleErrors, []);
}));

test('"Turn on notifications" asks only when pressed', env.wrap(async () => {
  const b = await env.browser();
  await b.context.addInitScript(recordNotifications);
  const page = await env.openChat({ browser: b });
  const button = page.getByRole('button', { name: 'Turn on notifications', exact: true });
  await button.waitFor({ state: 'visible', timeout: 10000 });
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__asked), 0, 'nothing is asked on load');
  await button.click();
  await waitUntil(() => page.evaluate(() => window.__asked === 1), { timeout: 5000, message: 'the permission to be asked' });
  assert.deepEqual(page.consoleErrors, []);
}));

test('with permission, each message from someone else while hidden is a notification; its click focuses it', env.wrap(async () => {
  const b = await env.browser();
  await b.context.grantPermissions(['notifications'], { origin: env.server.url });
  await b.context.addInitScript(recordNotifications);
  const page = await env.openChat({ browser: b });
  await waitForLiveStream(page);
  assert.equal(await page.getByRole('button', { name: 'Turn on notifications' }).count(), 0, 'already allowed: no button');

  await env.server.send(FRANK.token, `while shown ${uniq('n')}`);
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => window.__notes.length), 0, 'nothing while the reader is looking');

  await setHidden(page, true);
  const text = `see you at 8 ${uniq('n')}`;
  const sent = await env.server.send(FRANK.token, text);
  await env.server.send(KEVIN.token, `mine ${uniq('n')}`);
  await waitUntil(() => page.evaluate(() => window.__notes.length === 1), { timeout: 10000, message: 'one notification' });
  await page.waitForTimeout(1000);
  const notes = await page.evaluate(() => window.__notes.map(({ title, body }) => ({ title, body })));
  assert.deepEqual(notes, [{ title: FRANK.username, body: text }], 'one notification, naming the sender, for Frank only');

  await setHidden(page, false);
  await page.evaluate(() => window.__notes[0].note.onclick());
  await waitUntil(() => page.evaluate((id) => document.activeElement?.getAttribute('data-message-id') === id, sent.id),
    { timeout: 5000, message: 'the message to have the focus' });
  assert.deepEqual(page.consoleErrors, []);
}));

test('the widget tells its host the unread count', env.wrap(async () => {
  const b = env.browsers[0];
  const page = await b.context.newPage();
  env.pages.push(page);
  page.consoleErrors = watchConsole(page, '13-unread-widget');
  let streams = 0;
  page.on('response', (r) => { if (r.url().includes('/v1/events') && r.status() === 200) streams += 1; });
  await page.goto(`${env.server.url}/embed-demo.html`);
  await page.evaluate(async ({ token, conversationId }) => {
    const { mount } = await import('./embed.js');
    const el = document.createElement('div');
    el.id = 'second-chat';
    el.style.height = '420px';
    document.body.append(el);
    window.__counts = [];
    window.__events = [];
    el.addEventListener('protocol-chat:unread', (e) => window.__events.push(e.detail.count));
    const chat = mount(el, { token, conversationId });
    chat.onunread = (count) => window.__counts.push(count);
    await chat.ready;
  }, { token: KEVIN.token, conversationId: CONVERSATION });
  const second = page.locator('#second-chat');
  await second.getByRole('feed', { name: 'Messages' }).getByRole('article').first().waitFor({ timeout: 20000 });
  await waitUntil(() => streams >= 2, { timeout: 15000, message: 'both widgets to open their live streams' });

  // The focus is on the host page: a message from Frank counts.
  await page.locator('h1, body').first().click({ position: { x: 2, y: 2 } });
  await env.server.send(FRANK.token, `to the widget ${uniq('w')}`);
  await waitUntil(() => page.evaluate(() => window.__counts.includes(1)), { timeout: 10000, message: 'onunread(1)' });
  assert.ok(await page.evaluate(() => window.__events.includes(1)), 'the element hears protocol-chat:unread too');
  // Into the widget: the count clears.
  await second.getByRole('textbox', { name: 'Message', exact: true }).click();
  await waitUntil(() => page.evaluate(() => window.__counts.at(-1) === 0), { timeout: 5000, message: 'onunread(0)' });
  assert.deepEqual(page.consoleErrors, []);
}));
