// 10 errors and sign-in (UI.md "Configuration", "Errors").
// With an unknown token (`#token=bogus`) the app shows a role="alert" with a human
// sentence and the sign-in path (textbox "API token", button "Sign in", shown at once or
// behind one "Sign in…" button in the alert); signing in with
// demo-kevin opens the conversation, and the token is not left in the URL. Without any
// token the sign-in form shows. A server that fails every request gives a role="alert",
// never a blank page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite, KEVIN, CONVERSATION, feed, articles, waitUntil } from '../lib/harness.mjs';

const env = useSuite('10-errors');

const tokenBox = (page) => page.getByRole('textbox', { name: 'API token', exact: true });
const signIn = (page) => page.getByRole('button', { name: 'Sign in', exact: true });

test('bogus token: alert and sign-in form; signing in as demo-kevin works', env.wrap(async () => {
  const page = await env.openChat({ hash: `#token=bogus&conversation=${CONVERSATION}`, waitForArticles: false });
  const alert = page.getByRole('alert');
  await alert.first().waitFor({ state: 'visible', timeout: 10000 });
  const sentence = (await alert.first().innerText()).trim();
  assert.ok(sentence.length >= 10 && /[a-z]/i.test(sentence), `the alert says something human: "${sentence}"`);
  assert.ok(!/authentication_error|\{|stack|panicked/i.test(sentence), `no raw error in the alert: "${sentence}"`);
  // The sign-in path: the form itself, or one button in the alert that leads to it
  // (e.g. "Sign in again").
  const shown = await tokenBox(page).waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
  if (!shown) {
    await alert.getByRole('button', { name: /^Sign in/ }).first().click({ timeout: 2000 });
    await tokenBox(page).waitFor({ state: 'visible', timeout: 5000 });
  }
  await signIn(page).waitFor({ state: 'visible', timeout: 5000 });

  await tokenBox(page).fill(KEVIN.token);
  await signIn(page).click();
  await articles(page).first().waitFor({ state: 'visible', timeout: 15000 });
  assert.ok((await articles(page).count()) > 0);
  await tokenBox(page).waitFor({ state: 'detached', timeout: 3000 });
  await waitUntil(async () => (await page.getByRole('alert').filter({ hasText: /\S/ }).count()) === 0,
    { timeout: 3000, message: 'the alert to go away after signing in' });
  assert.ok(!page.url().includes('bogus') && !page.url().includes(KEVIN.token), `no token in the URL after sign-in: ${page.url()}`);

  // Signed in for the session: a reload keeps Kevin signed in (sessionStorage).
  await page.reload({ waitUntil: 'load' });
  await articles(page).first().waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await tokenBox(page).count(), 0, 'still signed in after a reload');
}));

test('no token at all: the sign-in form shows', env.wrap(async () => {
  const page = await env.openChat({ hash: '', waitForArticles: false });
  await tokenBox(page).waitFor({ state: 'visible', timeout: 10000 });
  await signIn(page).waitFor({ state: 'visible' });
  assert.equal(await feed(page).getByRole('article').count(), 0, 'no messages without a token');
  assert.deepEqual(page.consoleErrors, [], 'no console errors for the plain sign-in page');
}));

test('a failing server gives an alert, never a blank page', env.wrap(async () => {
  await env.server.setFaults({ fail_rate: 1 });
  try {
    const page = await env.openChat({ waitForArticles: false });
    await page.getByRole('alert').first().waitFor({ state: 'visible', timeout: 15000 });
    const body = (await page.locator('body').innerText()).trim();
    assert.ok(body.length > 0, 'the page is not blank');
  } finally {
    await env.server.setFaults({});
  }
}));
