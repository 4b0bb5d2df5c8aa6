// Protocol Chat, standalone page: starts the app. index.html loads this file instead of an
// inline script, so a Content-Security-Policy without 'unsafe-inline' scripts works
// (README "Deploy"). Every URL is relative to this file: dist/ works at any path.
//
// Inside an iframe it also talks to the parent page with postMessage (README "Embed",
// "iframe"), only with the origin given as `parent_origin` in the URL fragment or in
// config.json, never with '*':
//   to the parent:   { type: 'protocol-chat:ready' }
//                    { type: 'protocol-chat:unread', count }   new messages from others
//                                                              since the chat last had focus
//                    { type: 'protocol-chat:resize', height }  content height in CSS px
//   from the parent: { type: 'protocol-chat:set-theme', theme: 'light' | 'dark' | null }
//                    { type: 'protocol-chat:clear-unread' }
// Messages from any other origin or window are ignored.

import init from './protocol-chat.js';

const PREFIX = 'protocol-chat:';

/** `parent_origin` from the fragment (read before the app rewrites it). */
function fragmentParentOrigin() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return params.get('parent_origin');
}

/** `parent_origin` from config.json beside index.html, if any. */
async function configParentOrigin() {
  try {
    const res = await fetch(new URL('./config.json', import.meta.url), { cache: 'no-cache' });
    if (!res.ok) return null;
    const json = await res.json();
    return typeof json.parent_origin === 'string' ? json.parent_origin : null;
  } catch {
    return null;
  }
}

/** A serialized origin (`https://host:port`), or null for anything else. */
function asOrigin(value) {
  if (!value || value === '*' || value === 'null') return null;
  try {
    const url = new URL(value);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

function startIframeBridge(parentOrigin) {
  const post = (message) => window.parent.postMessage(message, parentOrigin);

  // Unread: the app announces each new message from someone else exactly once in its
  // polite live region (UI.md); count those while the chat does not have the focus.
  let unread = 0;
  const setUnread = (n) => {
    if (n === unread) return;
    unread = n;
    post({ type: `${PREFIX}unread`, count: unread });
  };
  const lastText = new WeakMap();
  const seeing = () => document.visibilityState === 'visible' && document.hasFocus();
  const scanLiveRegions = () => {
    for (const region of document.querySelectorAll('[aria-live="polite"]:not([role="feed"])')) {
      const text = region.textContent.trim();
      if (text && text !== lastText.get(region) && !seeing()) setUnread(unread + 1);
      lastText.set(region, text);
    }
  };
  new MutationObserver(scanLiveRegions).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  window.addEventListener('focus', () => setUnread(0));

  // Resize: the height the content needs (at least the frame's own height: the app fills it).
  let lastHeight = -1;
  const reportHeight = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === lastHeight) return;
    lastHeight = height;
    post({ type: `${PREFIX}resize`, height });
  };
  const sizes = new ResizeObserver(reportHeight);
  sizes.observe(document.documentElement);
  new MutationObserver(() => {
    const app = document.querySelector('.pc-app');
    if (app) sizes.observe(app);
  }).observe(document.body, { childList: true });

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    if (data.type === `${PREFIX}set-theme`) {
      const theme = data.theme === 'light' || data.theme === 'dark' ? data.theme : null;
      for (const el of [document.documentElement, ...document.querySelectorAll('.pc-app')]) {
        if (theme) el.setAttribute('data-theme', theme);
        else el.removeAttribute('data-theme');
      }
    } else if (data.type === `${PREFIX}clear-unread`) {
      setUnread(0);
    }
  });

  post({ type: `${PREFIX}ready` });
  reportHeight();
}

const framed = window.parent !== window;
const fromFragment = framed ? fragmentParentOrigin() : null;

try {
  await init({ module_or_path: new URL('./protocol-chat_bg.wasm', import.meta.url) });
} catch (error) {
  // Never a blank page: say what happened (a CSP without 'wasm-unsafe-eval', a missing file).
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = `Protocol Chat could not start: ${error?.message || error}`;
  document.body.append(p);
  throw error;
}

if (framed) {
  const parentOrigin = asOrigin(fromFragment) || asOrigin(await configParentOrigin());
  if (parentOrigin) startIframeBridge(parentOrigin);
}
