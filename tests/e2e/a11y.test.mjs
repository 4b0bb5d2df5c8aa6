// Accessibility: axe-core on every state of the app, a keyboard-only walk through every
// action of shared/UI.md, and the live region's announcements.
//
//  1. axe-core (WCAG 2.0/2.1 A and AA rules) reports zero violations on: the sign-in form,
//     the conversation list with the open conversation, edit mode, the reaction picker,
//     the delete dialog, a failed message, an error alert, the embedded widget (when the
//     build has /embed-demo.html), and the dark theme.
//  2. Keyboard only (no mouse event at all): send, edit (Up-arrow and the "Edit" button),
//     react through the picker, close the picker with Escape, delete through the dialog,
//     retry a failed message, switch conversation. Every focus stop is visible (an outline
//     or a shadow) and on screen; focus goes somewhere sensible after delete and dialogs.
//  3. The polite live region announces a message from someone else exactly once and
//     nothing for one's own sends or for older pages.
//  4. Landmarks and headings (axe best-practice rules): one h1 and one main on the
//     standalone page, signed out and in; the widget is a labelled region inside its host's
//     main, never a second main or h1.
//
// Run: cd tests/e2e && node --test --test-concurrency=1 a11y.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import {
  useSuite, uniq, composer, feed, articles, articleWithText, articleById, statusOf, waitUntil,
  messageAction, sendFromComposer, waitForStatus, watchConsole, loadOlderPage, isInView, inView, FRANK, KEVIN, CONVERSATION,
} from './lib/harness.mjs';

const env = useSuite('a11y');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function axe(page, state) {
  // Judge the settled look: a fade still running (the action bar appearing on focus) has
  // colours half-way, which is not what the reader reads.
  await page.evaluate(() => Promise.race([
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))),
    new Promise((r) => setTimeout(r, 2000)),
  ]));
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations.map((v) => ({
    state,
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.length,
    first: `${v.nodes[0]?.target?.join(' ')} — ${(v.nodes[0]?.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)}`,
  }));
}

function report(violations) {
  return violations.map((v) => `[${v.state}] ${v.rule} (${v.impact}, ${v.nodes} nodes): ${v.first}`).join('\n');
}

test('axe-core: zero WCAG 2.1 AA violations in every state', env.wrap(async () => {
  const all = [];
  const states = [];
  const b = env.browsers[0];

  // Sign-in form (no token).
  {
    const page = await b.context.newPage();
    env.pages.push(page);
    await page.goto(`${env.server.url}/`);
    await page.getByRole('textbox', { name: 'API token', exact: true }).waitFor({ timeout: 20_000 });
    all.push(...(await axe(page, 'sign-in')));
    states.push('sign-in');
    await page.close();
  }

  const page = await env.openChat();
  await page.waitForTimeout(500);
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor({ timeout: 5000 });
  all.push(...(await axe(page, 'list + open conversation')));
  states.push('list + open conversation');

  // Edit mode on my own newest message.
  const mine = uniq('a11y edit');
  await sendFromComposer(page, mine);
  await waitForStatus(page, mine, 'sent');
  const own = articleWithText(page, mine);
  await (await messageAction(own, 'Edit')).click();
  await own.getByRole('textbox', { name: 'Edit message', exact: true }).waitFor();
  all.push(...(await axe(page, 'edit mode')));
  states.push('edit mode');
  await own.getByRole('button', { name: 'Cancel', exact: true }).click();

  // Reaction picker open.
  await (await messageAction(own, 'Add reaction')).click();
  await page.getByRole('dialog', { name: 'Pick a reaction' }).waitFor();
  all.push(...(await axe(page, 'picker open')));
  states.push('picker open');
  await page.keyboard.press('Escape');

  // Delete dialog open.
  await (await messageAction(own, 'Delete')).click();
  await page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Delete', exact: true }) }).first().waitFor();
  all.push(...(await axe(page, 'delete dialog')));
  states.push('delete dialog');
  await page.keyboard.press('Escape');

  // A failed message.
  await env.server.setFaults({ fail_rate: 1 });
  const failed = uniq('a11y failed');
  await sendFromComposer(page, failed);
  await waitForStatus(page, failed, 'failed', 20_000);
  all.push(...(await axe(page, 'failed message')));
  states.push('failed message');

  // An error alert: a delete that fails puts the bubble back and says so.
  await (await messageAction(own, 'Delete')).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).last().click();
  const alert = page.getByRole('alert').first();
  await alert.waitFor({ state: 'visible', timeout: 20_000 });
  all.push(...(await axe(page, 'error alert')));
  states.push('error alert');
  await env.server.setFaults({});
  await articleWithText(page, failed).getByRole('button', { name: 'Discard', exact: true }).click().catch(() => {});

  // Dark theme: the fragment's theme and the system preference both dark.
  {
    const dark = await b.context.newPage();
    env.pages.push(dark);
    await dark.emulateMedia({ colorScheme: 'dark' });
    await dark.goto(`${env.server.url}/#token=${KEVIN.token}&conversation=${CONVERSATION}&theme=dark`);
    await feed(dark).getByRole('article').first().waitFor({ timeout: 20_000 });
    await dark.waitForTimeout(500);
    all.push(...(await axe(dark, 'dark theme')));
    states.push('dark theme');
    await env.server.setFaults({ fail_rate: 1 });
    const t = uniq('a11y dark failed');
    await sendFromComposer(dark, t);
    await waitForStatus(dark, t, 'failed', 20_000);
    all.push(...(await axe(dark, 'dark theme, failed message')));
    states.push('dark theme, failed message');
    await env.server.setFaults({});
    await dark.close();
  }

  // The embedded widget, when this build has its demo page.
  const demo = await fetch(`${env.server.url}/embed-demo.html`);
  if (demo.status === 200) {
    const w = await b.context.newPage();
    env.pages.push(w);
    w.consoleErrors = watchConsole(w, 'a11y-widget');
    await w.goto(`${env.server.url}/embed-demo.html#token=${KEVIN.token}&conversation=${CONVERSATION}`);
    await w.getByRole('feed', { name: 'Messages', exact: true }).getByRole('article').first().waitFor({ timeout: 20_000 });
    all.push(...(await axe(w, 'widget')));
    states.push('widget');
    await w.close();
  } else {
    test.diagnostic?.(`widget not in this build (/embed-demo.html answered ${demo.status}): not audited`);
    console.log(`# widget not in this build (/embed-demo.html answered ${demo.status}): not audited`);
  }
  console.log(`# audited states: ${states.join(', ')}`);
  assert.deepEqual(all, [], `axe-core violations:\n${report(all)}`);
}));

// ---------------------------------------------------------------------------------------
// Landmarks and headings (axe best-practice rules)

/** The landmark and heading rules of axe's best practices. */
const LANDMARK_RULES = [
  'page-has-heading-one', 'heading-order', 'empty-heading', 'region',
  'landmark-one-main', 'landmark-no-duplicate-main', 'landmark-main-is-top-level',
  'landmark-unique', 'landmark-complementary-is-top-level', 'landmark-banner-is-top-level',
  'landmark-contentinfo-is-top-level', 'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo',
];

async function axeLandmarks(page, state) {
  const result = await new AxeBuilder({ page }).withRules(LANDMARK_RULES).analyze();
  return result.violations.map((v) => ({
    state,
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.length,
    first: `${v.nodes[0]?.target?.join(' ')} — ${(v.nodes[0]?.failureSummary || '').replace(/\s+/g, ' ').slice(0, 240)}`,
  }));
}

/** The page's headings and landmarks, open shadow roots included. */
function outline() {
  const found = { h1: [], main: 0, regions: [] };
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'H1') found.h1.push(el.textContent.trim());
      if (el.tagName === 'MAIN' || el.getAttribute('role') === 'main') found.main += 1;
      if (el.tagName === 'SECTION' && el.hasAttribute('aria-label')) found.regions.push(el.getAttribute('aria-label'));
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found;
}

test('landmarks: one h1 and one main on the standalone page; the widget is a labelled region, not a second main', env.wrap(async () => {
  const all = [];
  const b = env.browsers[0] || (await env.browser());

  // Signed out: the sign-in form is in the page's main, its title the page's h1.
  {
    const page = await b.context.newPage();
    env.pages.push(page);
    await page.goto(`${env.server.url}/`);
    await page.getByRole('textbox', { name: 'API token', exact: true }).waitFor({ timeout: 20_000 });
    const o = await page.evaluate(outline);
    assert.equal(o.h1.length, 1, `one h1 on the sign-in page: ${JSON.stringify(o)}`);
    assert.equal(o.main, 1, `one main on the sign-in page: ${JSON.stringify(o)}`);
    all.push(...(await axeLandmarks(page, 'sign-in')));
    await page.close();
  }

  // Signed in: still exactly one h1 and one main.
  {
    const page = await env.openChat();
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link').first().waitFor({ timeout: 10_000 });
    const o = await page.evaluate(outline);
    assert.equal(o.h1.length, 1, `one h1 when signed in: ${JSON.stringify(o)}`);
    assert.equal(o.main, 1, `one main when signed in: ${JSON.stringify(o)}`);
    assert.equal(await page.getByRole('main').count(), 1);
    all.push(...(await axeLandmarks(page, 'signed in')));
  }

  // The widget on its demo host page: the host's h1 and main stay the only ones; the
  // widget is a region with a name.
  const demo = await fetch(`${env.server.url}/embed-demo.html`);
  if (demo.status === 200) {
    const w = await b.context.newPage();
    env.pages.push(w);
    await w.goto(`${env.server.url}/embed-demo.html#token=${KEVIN.token}&conversation=${CONVERSATION}`);
    await w.getByRole('feed', { name: 'Messages', exact: true }).getByRole('article').first().waitFor({ timeout: 20_000 });
    const o = await w.evaluate(outline);
    assert.equal(o.h1.length, 1, `only the host's h1 on the widget's page: ${JSON.stringify(o)}`);
    assert.equal(o.main, 1, `only the host's main on the widget's page: ${JSON.stringify(o)}`);
    assert.deepEqual(o.regions, ['Chat'], `the widget is a region named "Chat": ${JSON.stringify(o)}`);
    assert.equal(await w.getByRole('region', { name: 'Chat', exact: true }).count(), 1);
    all.push(...(await axeLandmarks(w, 'widget')));
    await w.close();
  } else {
    console.log(`# widget not in this build (/embed-demo.html answered ${demo.status}): landmarks not audited`);
  }
  assert.deepEqual(all, [], `axe-core landmark and heading violations:\n${report(all)}`);
}));

// ---------------------------------------------------------------------------------------
// Keyboard only

/** In the page: what has focus, and whether it shows a focus indicator. */
function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: 'BODY', name: '' };
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return {
    tag: el.tagName,
    role: el.getAttribute('role'),
    name: el.getAttribute('aria-label') || (el.textContent || '').trim().slice(0, 40),
    messageId: el.closest('article')?.getAttribute('data-message-id') || null,
    inFeed: !!el.closest('[role="feed"]'),
    inDialog: el.closest('[role="dialog"]')?.getAttribute('aria-label') || null,
    indicator: outline || shadow,
  };
}

/** What has focus, and whether it visibly shows it: an indicator, on screen (the
 *  harness's `inView`: inside the window and every scrolling ancestor). */
async function focusState(page) {
  const info = await page.evaluate(focusInfo);
  if (info.tag === 'BODY') return { ...info, visible: false };
  const focused = await page.evaluateHandle(() => document.activeElement);
  const onScreen = await focused.evaluate(inView);
  await focused.dispose();
  return { ...info, onScreen, visible: info.indicator && onScreen };
}

test('keyboard only: every action of UI.md, focus always visible, sensible focus after delete and dialogs', env.wrap(async () => {
  const page = await env.openChat();
  const stops = [];
  const invisible = [];
  const problems = [];
  const focus = async () => {
    const f = await focusState(page);
    stops.push(f);
    if (f.tag !== 'BODY' && !f.visible) invisible.push(`${f.tag}${f.role ? `[role=${f.role}]` : ''} "${f.name}" (indicator ${f.indicator}, on screen ${f.onScreen})`);
    return f;
  };
  /** Presses Tab (or Shift+Tab) until `want(focus)` holds; checks every stop on the way. */
  const tabTo = async (want, label, { back = false, max = 80 } = {}) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
      const f = await focus();
      if (want(f)) return f;
    }
    throw new Error(`keyboard: could not reach ${label} with ${back ? 'Shift+' : ''}Tab in ${max} presses (last: ${JSON.stringify(stops.at(-1))})`);
  };
  const isComposer = (f) => f.tag === 'TEXTAREA' && f.name === 'Message';

  // From the end of the document backwards (the composer is near the end; forwards, every
  // message and its actions come first).
  await page.evaluate(() => { document.activeElement?.blur(); });
  await tabTo(isComposer, 'the composer "Message"', { back: true, max: 20 });

  // Send.
  const text = uniq('kbd send');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await waitForStatus(page, text, 'sent');
  const ownId = await articleWithText(page, text).getAttribute('data-message-id');

  // Edit with Up-arrow in the empty composer.
  assert.ok(isComposer(await focus()), 'focus stays in the composer after sending');
  await page.keyboard.press('ArrowUp');
  let f = await focus();
  assert.equal(f.name, 'Edit message', `Up-arrow opens "Edit message" on my last message (focus: ${JSON.stringify(f)})`);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(`${text} edited`);
  await page.keyboard.press('Enter');
  await waitUntil(async () => (await articleById(page, ownId).textContent()).includes(`${text} edited`), { timeout: 10_000, message: 'edit saved' });
  f = await focus();
  assert.ok(f.tag !== 'BODY', `focus after saving an edit is not lost (${JSON.stringify(f)})`);

  // React through the picker, then close it with Escape.
  await articleById(page, ownId).focus();
  await focus();
  await tabTo((x) => x.name === 'Add reaction' && x.messageId === ownId, '"Add reaction" of my message');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Pick a reaction' }).waitFor({ timeout: 5000 });
  f = await focus();
  assert.equal(f.inDialog, 'Pick a reaction', `the picker takes focus (${JSON.stringify(f)})`);
  const reaction = f.name;
  await page.keyboard.press('Enter');
  const bar = articleById(page, ownId).getByRole('group', { name: 'Reactions' });
  await waitUntil(async () => (await bar.getByRole('button').count()) > 0, { timeout: 5000, message: 'a reaction added by keyboard' });
  assert.equal(await bar.getByRole('button').first().getAttribute('aria-pressed'), 'true', `my reaction "${reaction}" is pressed`);
  f = await focus();
  assert.ok(f.tag !== 'BODY' && f.messageId === ownId, `after picking, focus stays on the message (${JSON.stringify(f)})`);
  await articleById(page, ownId).focus();
  await tabTo((x) => x.name === 'Add reaction' && x.messageId === ownId, '"Add reaction" again');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Pick a reaction' }).waitFor({ timeout: 5000 });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Pick a reaction' }).waitFor({ state: 'detached', timeout: 5000 });
  f = await focus();
  assert.ok(f.messageId === ownId, `Escape returns focus to the message or its "Add reaction" (${JSON.stringify(f)})`);

  // Edit with the "Edit" button, cancel with Escape.
  await articleById(page, ownId).focus();
  await tabTo((x) => x.name === 'Edit' && x.messageId === ownId, '"Edit"');
  await page.keyboard.press('Enter');
  f = await focus();
  assert.equal(f.name, 'Edit message');
  await page.keyboard.press('Escape');
  f = await focus();
  assert.ok(f.messageId === ownId, `Escape from editing returns focus to the message (${JSON.stringify(f)})`);

  // Delete through the dialog. An aria-modal dialog keeps Tab inside it (APG dialog pattern).
  await tabTo((x) => x.name === 'Delete' && x.messageId === ownId, '"Delete"');
  await page.keyboard.press('Enter');
  f = await focus();
  assert.ok(f.inDialog, `the delete dialog takes focus (${JSON.stringify(f)})`);
  const trap = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    trap.push(await focus());
  }
  const escaped = trap.filter((x) => !x.inDialog);
  if (escaped.length) problems.push(`Tab leaves the modal delete dialog (aria-modal="true"): focus went to ${escaped.map((x) => `${x.tag} "${x.name}"`).join(', ')}`);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).focus();
  await tabTo((x) => x.inDialog && x.name === 'Delete', 'the dialog\'s "Delete"', { back: true, max: 4 });
  await page.keyboard.press('Enter');
  await articleById(page, ownId).waitFor({ state: 'detached', timeout: 5000 });
  f = await focus();
  if (!(f.tag !== 'BODY' && (f.inFeed || f.name === 'Message'))) {
    problems.push(`after confirming a delete, focus is lost (on ${f.tag}); it should go to a neighbouring message or the composer`);
  }

  // Retry a failed message.
  await composer(page).focus();
  await env.server.setFaults({ fail_rate: 1 });
  const failedText = uniq('kbd retry');
  await page.keyboard.type(failedText);
  await page.keyboard.press('Enter');
  await waitForStatus(page, failedText, 'failed', 20_000);
  await env.server.setFaults({});
  await tabTo((x) => x.name === 'Retry' && x.inFeed, '"Retry" of the failed message', { back: true, max: 30 });
  await page.keyboard.press('Enter');
  await waitForStatus(page, failedText, 'sent', 20_000);

  // Another conversation through the list.
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  const other = nav.getByRole('link').filter({ hasNot: page.locator('[aria-current="page"]') });
  const otherName = (await nav.getByRole('link').evaluateAll((ls) => ls.filter((l) => l.getAttribute('aria-current') !== 'page').map((l) => l.getAttribute('aria-label') || l.textContent.trim())))[0];
  assert.ok(otherName, 'another conversation is listed');
  await page.evaluate(() => { document.activeElement?.blur(); });
  await tabTo((x) => x.tag === 'A' && x.name.includes(otherName.slice(0, 10)), `the link "${otherName}"`, { max: 200 });
  await page.keyboard.press('Enter');
  await waitUntil(async () => (await nav.locator('[aria-current="page"]').textContent()).includes(otherName.slice(0, 10)), { timeout: 10_000, message: 'the other conversation opens' });
  assert.ok(await other.count() >= 1);

  assert.deepEqual(problems, [], `keyboard problems:\n${problems.join('\n')}`);
  assert.deepEqual(invisible, [], `focus stops without a visible focus indicator or off screen:\n${invisible.join('\n')}`);
}));

test('Page Up / Page Down move the focus through the (windowed) feed one article at a time', env.wrap(async () => {
  const page = await env.openChat();
  // The focused article's id and the ids of the articles right above and below it.
  const focused = () => page.evaluate(() => {
    const a = document.activeElement?.closest('article');
    if (!a) return null;
    const near = (step) => {
      let el = a[step];
      while (el && el.tagName !== 'ARTICLE') el = el[step];
      return el ? el.getAttribute('data-message-id') : null;
    };
    return { id: a.getAttribute('data-message-id'), above: near('previousElementSibling'), below: near('nextElementSibling') };
  });
  await articles(page).last().focus();
  let now = await focused();
  assert.ok(now?.id, 'the newest article is focused');
  // 40 up: past the rows rendered at first and past the first page (an older page loads
  // on the way): the window follows the focus.
  for (let i = 1; i <= 40; i++) {
    const before = now;
    // On the first loaded article there is nothing above yet: Page Up scrolls to the top,
    // which loads the older page, and the next Page Up moves on.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('PageUp');
      const moved = await waitUntil(async () => { now = await focused(); return now && now.id !== before.id; }, { timeout: 1500 })
        .then(() => true, () => false);
      if (moved) break;
      assert.equal(before.above, null, `Page Up ${i}: the focus stays although an article is above (${JSON.stringify({ before, now })})`);
      assert.ok(attempt < 6, `Page Up ${i}: no older article arrived above the first one`);
    }
    assert.equal(now.below, before.id, `Page Up ${i}: the focus moved to the article right above`);
  }
  assert.ok(await isInView(page.locator('article:focus')), 'the focused article is scrolled into view');
  for (let i = 1; i <= 3; i++) {
    const before = now;
    await page.keyboard.press('PageDown');
    await waitUntil(async () => { now = await focused(); return now && now.id !== before.id; }, { timeout: 5000, message: `Page Down ${i} moves the focus` });
    assert.equal(now.above, before.id, `Page Down ${i}: the focus moved to the article right below`);
  }
  assert.deepEqual(page.consoleErrors, []);
}));

// ---------------------------------------------------------------------------------------
// The live region

test('the live region announces a message from someone else exactly once, nothing for my own', env.wrap(async () => {
  const page = await env.openChat();
  await page.waitForTimeout(1000);
  const regions = await page.locator('[aria-live="polite"], [aria-live="assertive"], [role="log"], [role="status"]').count();
  assert.ok(regions >= 1, 'a live region exists');
  await page.evaluate(() => {
    window.__announced = [];
    const seen = new WeakSet();
    const watch = (el) => {
      if (seen.has(el)) return;
      seen.add(el);
      let last = el.textContent;
      new MutationObserver(() => {
        const now = el.textContent;
        if (now !== last && now.trim()) window.__announced.push(now.trim());
        last = now;
      }).observe(el, { childList: true, subtree: true, characterData: true });
    };
    const scan = () => document.querySelectorAll('[aria-live="polite"], [aria-live="assertive"]').forEach(watch);
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  });
  // Someone else.
  const theirs = uniq('live from frank');
  await env.server.send(FRANK.token, theirs);
  await articleWithText(page, theirs).waitFor({ timeout: 10_000 });
  await page.waitForTimeout(2500);
  // My own.
  const mine = uniq('live mine');
  await sendFromComposer(page, mine);
  await waitForStatus(page, mine, 'sent');
  await page.waitForTimeout(2500);
  // A second message from someone else with the same text is a new message: announced again.
  await env.server.send(FRANK.token, theirs);
  await waitUntil(async () => (await articleWithText(page, theirs).count()) === 2, { timeout: 10_000, message: 'the second copy shown' });
  await page.waitForTimeout(2500);
  // Older pages: nothing.
  const before = await page.evaluate(() => window.__announced.length);
  await loadOlderPage(feed(page), env.server);
  await page.waitForTimeout(1000);
  const announced = await page.evaluate(() => window.__announced);
  const aboutTheirs = announced.filter((a) => a.includes(theirs));
  const aboutMine = announced.filter((a) => a.includes(mine));
  assert.equal(aboutTheirs.length, 2, `each of the two messages from Frank announced exactly once: ${JSON.stringify(announced)}`);
  assert.ok(aboutTheirs[0].includes(FRANK.username), `the announcement names the sender: ${aboutTheirs[0]}`);
  assert.deepEqual(aboutMine, [], 'nothing announced for my own message');
  assert.deepEqual(announced.slice(before), [], 'nothing announced for an older page');
  await feed(page).evaluate((f) => { f.scrollTop = f.scrollHeight; });
  await waitForStatus(page, mine, 'sent');
}));
