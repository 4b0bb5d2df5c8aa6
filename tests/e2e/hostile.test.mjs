// Hostile content: every string of fixtures/hostile-strings.json (script tags, event
// handler attributes, javascript: links, RTL overrides, zalgo, emoji ZWJ sequences,
// 10,000 characters …) is sent from the composer (own bubbles, the optimistic path then
// the server's copy) and by the other participant through the API (arriving live).
// For every bubble: the visible text equals the sent text exactly, nothing in it is markup
// except links with a safe scheme, no script runs, and nothing escapes the bubble.
// A hostile API's attachment URLs (issue 11, point 13): only http, https or same-origin
// relative file_url values become links or image sources; any other is a plain file name.
//
// Run: cd tests/e2e && node --test --test-concurrency=1 hostile.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useSuite, uniq, composer, feed, articleById, waitUntil, walkFeed, E2E_DIR, FRANK, KEVIN, CONVERSATION,
} from './lib/harness.mjs';

const env = useSuite('hostile');
const CORPUS = JSON.parse(fs.readFileSync(path.join(E2E_DIR, 'fixtures', 'hostile-strings.json'), 'utf8')).strings;

/** Everything the page can say about one bubble holding `text`. */
function inspectBubble(article, text) {
  const feed = article.closest('[role="feed"]');
  // The element showing the message: the deepest one whose text is exactly the sent text.
  let el = null;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent === text) el = n;
  const out = { found: !!el };
  if (!el) {
    out.articleText = article.textContent.slice(0, 300);
    return out;
  }
  out.innerText = el.innerText.replace(/\r\n/g, '\n');
  const tags = new Set();
  const badLinks = [];
  const handlers = [];
  for (const d of el.querySelectorAll('*')) {
    tags.add(d.tagName);
    for (const a of d.attributes) if (/^on/i.test(a.name)) handlers.push(`${d.tagName}[${a.name}]`);
    if (d.tagName === 'A') {
      let scheme = '';
      try { scheme = new URL(d.getAttribute('href'), location.href).protocol; } catch { scheme = 'invalid'; }
      const rel = (d.getAttribute('rel') || '').split(/\s+/);
      if (!['http:', 'https:', 'mailto:'].includes(scheme) || !rel.includes('noopener') || !rel.includes('noreferrer')) {
        badLinks.push(`${d.getAttribute('href')} rel=${d.getAttribute('rel')}`);
      }
    }
  }
  out.tags = [...tags].sort();
  out.handlers = handlers;
  out.badLinks = badLinks;
  const r = el.getBoundingClientRect();
  const a = article.getBoundingClientRect();
  const f = feed.getBoundingClientRect();
  out.textInArticle = r.left >= a.left - 1 && r.right <= a.right + 1 && r.top >= a.top - 1 && r.bottom <= a.bottom + 1;
  out.articleInFeed = a.left >= f.left - 1 && a.right <= f.right + 1;
  out.textOverflowsX = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
  const cs = getComputedStyle(el);
  out.bidi = { unicodeBidi: cs.unicodeBidi, dir: el.getAttribute('dir'), tag: el.tagName };
  out.rects = { text: [r.left, r.right, r.top, r.bottom].map(Math.round), article: [a.left, a.right, a.top, a.bottom].map(Math.round) };
  return out;
}

test('every hostile string renders as its exact text, runs nothing, stays in its bubble', env.wrap(async () => {
  const page = await env.openChat();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const requestsOut = [];
  page.on('request', (r) => { if (!r.url().startsWith(env.server.url)) requestsOut.push(r.url()); });

  // Own messages, typed into the composer.
  const box = composer(page);
  await box.click();
  for (const { text } of CORPUS) {
    await box.fill(text);
    await box.press('Enter');
  }
  // The other side's messages, through the API (they arrive live).
  const theirs = [];
  for (const { name, text } of CORPUS) theirs.push({ name, text, id: (await env.server.send(FRANK.token, text)).id });

  // Map own texts to the server's ids once stored.
  let mine = [];
  await waitUntil(async () => {
    const all = await env.server.allMessages();
    const kevins = all.filter((m) => m.contact.username === KEVIN.username);
    mine = CORPUS.map(({ name, text }) => ({ name, text, id: kevins.find((m) => m.message === text)?.id }));
    return mine.every((m) => m.id);
  }, { timeout: 30_000, interval: 500, message: 'all own hostile strings stored' }).catch((e) => {
    throw new Error(`${e.message}: missing ${mine.filter((m) => !m.id).map((m) => m.name).join(', ')}`);
  });
  // Stored exactly as typed (the server is the reference for "what was sent").
  for (const m of mine) assert.ok(m.id, `stored: ${m.name}`);

  const problems = [];
  // One bounded wait for all bubbles (own ones "sent" with their server id, the other
  // side's arrived live), then every bubble is inspected.
  const everyone = [...mine.map((m) => ({ ...m, who: 'own' })), ...theirs.map((m) => ({ ...m, who: 'other' }))];
  // The feed is windowed: walk it (see walkFeed) and inspect each bubble while it is in the
  // DOM, until every one was seen "sent".
  const wanted = new Map(everyone.map((m) => [m.id, m]));
  const lastSeen = {};
  const inspected = new Map();
  await waitUntil(() => walkFeed(feed(page), async (rows) => {
    for (const row of rows) {
      const m = wanted.get(row.id);
      if (!m) continue;
      lastSeen[row.id] = row.status;
      if (row.status === 'sent' && !inspected.has(row.id)) {
        inspected.set(row.id, await articleById(page, row.id).evaluate(inspectBubble, m.text));
      }
    }
    return inspected.size === wanted.size;
  }), { timeout: 60_000, interval: 500, message: 'every hostile bubble shown and "sent"' }).catch(() => {});
  for (const m of everyone) {
    const who = m.who;
    const info = inspected.get(m.id);
    if (!info) {
      problems.push(`${who} "${m.name}": ${lastSeen[m.id] === undefined ? `no bubble with data-message-id=${m.id}` : `status "${lastSeen[m.id]}", never "sent"`}`);
      continue;
    }
    const label = `${who} "${m.name}"`;
    if (!info.found) { problems.push(`${label}: no element shows exactly the sent text (bubble says ${JSON.stringify(info.articleText)})`); continue; }
    if (info.innerText !== m.text) problems.push(`${label}: visible text differs: ${JSON.stringify(info.innerText.slice(0, 80))} vs sent ${JSON.stringify(m.text.slice(0, 80))}`);
    const extra = info.tags.filter((t) => !['A', 'BR', 'SPAN', 'WBR'].includes(t));
    if (extra.length) problems.push(`${label}: markup inside the text: ${extra.join(', ')}`);
    if (info.handlers.length) problems.push(`${label}: event handler attributes: ${info.handlers.join(', ')}`);
    if (info.badLinks.length) problems.push(`${label}: unsafe links: ${info.badLinks.join(' | ')}`);
    if (!info.textInArticle) problems.push(`${label}: the text box leaves its bubble ${JSON.stringify(info.rects)}`);
    if (!info.articleInFeed) problems.push(`${label}: the bubble leaves the feed ${JSON.stringify(info.rects)}`);
    if (info.textOverflowsX) problems.push(`${label}: the text overflows sideways`);
    if (/[\u202A-\u202E\u2066-\u2069]/.test(m.text)) {
      const isolated = ['isolate', 'isolate-override', 'plaintext'].includes(info.bidi.unicodeBidi) || info.bidi.tag === 'BDI' || info.bidi.dir !== null;
      if (!isolated) problems.push(`${label}: bidi controls are not isolated from the rest of the bubble (unicode-bidi: ${info.bidi.unicodeBidi}, no dir): an RTL override can reorder the name and time`);
    }
  }
  const page2 = await page.evaluate(() => ({
    xss: window.__xss ?? null,
    pageOverflowX: document.documentElement.scrollWidth > window.innerWidth + 1,
    feedOverflowX: (() => { const f = document.querySelector('[role="feed"]'); return f.scrollWidth > f.clientWidth + 1; })(),
    scripts: [...document.querySelectorAll('script')].filter((s) => s.closest('[role="feed"]')).length,
  }));
  if (page2.xss !== null) problems.push(`a script ran: window.__xss = ${page2.xss}`);
  if (dialogs.length) problems.push(`dialogs opened: ${dialogs.join(' | ')}`);
  if (page2.scripts) problems.push(`${page2.scripts} <script> elements inside the feed`);
  if (page2.pageOverflowX) problems.push('the page scrolls sideways');
  if (page2.feedOverflowX) problems.push('the feed scrolls sideways');
  const outside = requestsOut.filter((u) => !u.startsWith('data:'));
  if (outside.length) problems.push(`requests left the app's origin: ${outside.slice(0, 5).join(', ')}`);
  const panics = page.consoleErrors.filter((e) => /panicked|RuntimeError|unreachable|pageerror/i.test(e));
  if (panics.length) problems.push(`console: ${panics.slice(0, 3).join(' | ')}`);
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
}));

test('attachment URLs: only http, https or same-origin relative ones become links or images', env.wrap(async () => {
  const text = uniq('hostile file urls');
  // The caller's own message: no read mark brings the server's real copy back live.
  const msg = await env.server.send(KEVIN.token, text);
  const hostile = [
    ['evil-js.png', 'image/png', 'javascript:window.__xss="js"'],
    ['evil-js-upper.txt', 'text/plain', 'JavaScript:window.__xss="upper"'],
    ['evil-js-space.png', 'image/png', ' javascript:window.__xss="space"'],
    ['evil-js-tab.txt', 'text/plain', 'java\tscript:window.__xss="tab"'],
    ['evil-data.html', 'text/html', 'data:text/html,<script>window.__xss="data"</script>'],
    ['evil-vbscript.txt', 'text/plain', 'vbscript:msgbox(1)'],
    ['evil-host.png', 'image/png', '//evil.example/x.png'],
    ['evil-backslash.png', 'image/png', '/\\evil.example/x.png'],
  ];
  const safe = [
    ['fine-relative.txt', 'text/plain', '/files/fine/fine-relative.txt'],
    ['fine-https.txt', 'text/plain', 'https://files.example/fine-https.txt'],
  ];
  const files = [...hostile, ...safe].map(([filename, fileType, fileUrl], i) => ({
    id: `hostileFile${String(i).padStart(5, '0')}`,
    conversation_id: CONVERSATION,
    message_id: msg.id,
    filename,
    file_url: fileUrl,
    file_type: fileType,
    file_size: 1234,
    created_at: msg.created_at,
  }));
  // The API turns hostile: every answer that holds `msg` (pages and single messages)
  // carries these attachments.
  const { context } = env.browsers[0];
  const rewrite = async (route) => {
    const response = await route.fetch();
    const json = await response.json().catch(() => null);
    if (!json) return route.fulfill({ response });
    for (const m of [json, ...(json.data || [])]) if (m.id === msg.id) m.attachments = files;
    return route.fulfill({ response, json });
  };
  const isMessagesList = (url) => url.pathname.startsWith('/v1/messages');
  await context.route(isMessagesList, rewrite);
  try {
    const page = await env.openChat();
    const bubble = articleById(page, msg.id);
    await bubble.waitFor({ state: 'visible', timeout: 10_000 });
    const list = bubble.getByRole('list', { name: 'Attachments', exact: true });
    await list.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await list.getByRole('listitem').count(), files.length, 'every file is listed');
    const problems = [];
    for (const [name, , url] of hostile) {
      if (await list.getByRole('link', { name, exact: true }).count()) problems.push(`${name}: a link for ${JSON.stringify(url)}`);
      if (await list.getByRole('img', { name, exact: true }).count()) problems.push(`${name}: an image for ${JSON.stringify(url)}`);
      if (!(await list.getByText(name, { exact: true }).isVisible())) problems.push(`${name}: its name is not shown`);
    }
    const relative = await list.getByRole('link', { name: 'fine-relative.txt', exact: true }).getAttribute('href');
    assert.equal(new URL(relative, page.url()).href, new URL('/files/fine/fine-relative.txt', env.server.url).href, 'a same-origin relative URL stays a link');
    assert.equal(await list.getByRole('link', { name: 'fine-https.txt', exact: true }).getAttribute('href'), 'https://files.example/fine-https.txt', 'an https URL stays a link');
    const schemes = await bubble.evaluate((article) => [...article.querySelectorAll('[href], [src]')].map((el) => {
      const value = el.getAttribute('href') ?? el.getAttribute('src');
      try { return new URL(value, location.href).protocol; } catch { return `invalid ${value}`; }
    }));
    const unsafe = schemes.filter((p) => !['http:', 'https:'].includes(p));
    if (unsafe.length) problems.push(`links or images with other schemes: ${unsafe.join(', ')}`);
    for (const name of ['evil-js.png', 'evil-data.html']) {
      await list.getByText(name, { exact: true }).click({ timeout: 2000 }).catch(() => {});
    }
    const xss = await page.evaluate(() => window.__xss ?? null);
    if (xss !== null) problems.push(`a script ran: window.__xss = ${xss}`);
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  } finally {
    await context.unroute(isMessagesList, rewrite);
  }
}));
