// Functions that run inside the page (sent with WebDriver "Execute Script"), so they must be
// self-contained. They find elements the way UI.md names them: by role (explicit `role=` or
// the element's implicit role) and accessible name (aria-labelledby, aria-label, <label>,
// text content less its aria-hidden parts for roles named by their content, then
// title/placeholder), only among rendered elements. A scope may be an element, or a shadow host to search its shadow root.

/** All rendered elements of `role` whose accessible name matches, in document order. */
export function queryByRole(scope, inShadow, role, name) {
  const IMPLICIT = {
    article: 'article',
    button: 'button, input[type=button], input[type=submit]',
    dialog: 'dialog',
    group: 'fieldset, details',
    heading: 'h1, h2, h3, h4, h5, h6',
    link: 'a[href]',
    list: 'ul, ol',
    listitem: 'li',
    navigation: 'nav',
    status: 'output',
    textbox: 'textarea, input:not([type]), input[type=text], input[type=search], input[type=email], input[type=url]',
  };
  const NAMED_BY_CONTENT = new Set(['button', 'link', 'heading', 'listitem', 'status', 'alert']);
  const root = !scope ? document : inShadow ? scope.shadowRoot : scope;
  if (!root) return [];
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const roleOf = (el) => {
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    return Object.keys(IMPLICIT).find((r) => el.matches(IMPLICIT[r])) || '';
  };
  const nameOf = (el) => {
    const ids = el.getAttribute('aria-labelledby');
    if (ids) {
      const home = el.getRootNode();
      return norm(ids.split(/\s+/).map((id) => home.getElementById(id)?.textContent || '').join(' '));
    }
    const label = norm(el.getAttribute('aria-label'));
    if (label) return label;
    if (el.labels && el.labels.length) return norm([...el.labels].map((l) => l.textContent).join(' '));
    if (NAMED_BY_CONTENT.has(roleOf(el))) {
      // The text of its content, without what is hidden from assistive technology.
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let content = '';
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement.closest('[aria-hidden="true"]')) content += node.textContent;
      }
      const text = norm(content);
      if (text) return text;
    }
    return norm(el.getAttribute('title') || el.getAttribute('placeholder'));
  };
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('[aria-hidden="true"]');
  const matches = (n) => {
    if (name == null) return true;
    if (typeof name === 'string') return n === norm(name);
    if (name.regex) return new RegExp(name.regex, name.flags).test(n);
    return n.includes(norm(name.includes));
  };
  const selector = [`[role~="${role}"]`, IMPLICIT[role]].filter(Boolean).join(', ');
  return [...root.querySelectorAll(selector)]
    .filter((el) => roleOf(el) === role && rendered(el) && matches(nameOf(el)));
}

/** The scroll container of the feed: the nearest ancestor (or itself) that scrolls. */
export function feedScroller(feed) {
  for (let el = feed.querySelector('article') || feed; el; el = el.parentElement) {
    const oy = getComputedStyle(el).overflowY;
    if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight) return el;
  }
  return null;
}

/**
 * Records console.error calls, uncaught errors and unhandled rejections from now on in
 * window.__engineErrors (read by the suite after each test).
 */
export function recordErrors() {
  if (window.__engineErrors) return;
  const errors = [];
  window.__engineErrors = errors;
  const original = console.error.bind(console);
  console.error = (...args) => {
    errors.push(`console.error: ${args.map(String).join(' ')}`);
    original(...args);
  };
  window.addEventListener('error', (e) => errors.push(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => errors.push(`unhandledrejection: ${e.reason}`));
}

/** What scrolls sideways: the page, or any visible box that scrolls (specs/15-phone too). */
export function sidewaysScrollers() {
  const out = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowX) || el.getClientRects().length === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}
