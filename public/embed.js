// Protocol Chat widget loader (README "Embed"). A plain ES module, no build step.
//
// Two lines on a host page:
//   <div id="support-chat"></div>
//   <script type="module" src="https://HOST/PATH/embed.js" data-target="#support-chat"
//           data-api-base="https://api.example" data-token="…" data-conversation-id="…"
//           data-theme="dark"></script>
// or from the host's own script:
//   const chat = ProtocolChat.mount(element, { apiBase, token, conversationId, theme });
//   await chat.ready; … chat.unmount();
// (`import { mount } from 'https://HOST/PATH/embed.js'` works too.)
//
// The widget renders inside an open shadow root of the element, so host CSS cannot reach
// it and its CSS cannot leak out. Its wasm, JS and CSS load from where this file came from,
// whatever the host page's URL.

const BASE = new URL('./', import.meta.url);
const THEMES = ['light', 'dark'];

/**
 * The loading shell's rules, until main.css has arrived: the widget's frame in the theme's
 * colours (those of main.css; a host's `--pc-*` properties apply). A constructed sheet, so a
 * host page's CSP without 'unsafe-inline' styles allows it.
 */
const SHELL_CSS = `
:host { display: block; height: 560px; }
.pc-shell { height: 100%; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--pc-fg, #1b1d22); background: var(--pc-bg, #fff); }
.pc-shell .pc-muted { padding: 8px; color: var(--pc-muted, #5c6270); }
@media (prefers-color-scheme: dark) {
  :host(:not([data-theme="light"])) .pc-shell { color: var(--pc-fg, #e8eaef); background: var(--pc-bg, #15171c); }
  :host(:not([data-theme="light"])) .pc-shell .pc-muted { color: var(--pc-muted, #a3a9b6); }
}
:host([data-theme="dark"]) .pc-shell { color: var(--pc-fg, #e8eaef); background: var(--pc-bg, #15171c); }
:host([data-theme="dark"]) .pc-shell .pc-muted { color: var(--pc-muted, #a3a9b6); }
`;
let shellSheet;

/** Gives `root` the shell's rules (once a page), where constructed sheets exist. */
function adoptShellSheet(root) {
  if (!('adoptedStyleSheets' in root)) return;
  if (!shellSheet) {
    shellSheet = new CSSStyleSheet();
    shellSheet.replaceSync(SHELL_CSS);
  }
  if (!root.adoptedStyleSheets.includes(shellSheet)) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, shellSheet];
  }
}

/** Takes the shell's rules away again once the app (and main.css) are there. */
function dropShellSheet(root) {
  if (shellSheet && 'adoptedStyleSheets' in root) {
    root.adoptedStyleSheets = root.adoptedStyleSheets.filter((sheet) => sheet !== shellSheet);
  }
}

/** The loading shell: the widget's frame, a region named "Chat", and its status line. */
function loadingShell() {
  const app = document.createElement('div');
  app.className = 'pc-app pc-shell';
  const layout = app.appendChild(document.createElement('div'));
  layout.className = 'pc-layout pc-layout--widget';
  const frame = layout.appendChild(document.createElement('section'));
  frame.className = 'pc-main';
  frame.setAttribute('aria-label', 'Chat');
  const line = frame.appendChild(document.createElement('p'));
  line.className = 'pc-muted';
  line.setAttribute('role', 'status');
  line.textContent = 'Loading messages…';
  return app;
}

/** The live mount of each element, so mounting again replaces it. */
const mounts = new WeakMap();
let app;

/** Loads and starts the wasm once per page; resolves to its exports. */
function loadApp() {
  if (!app) {
    // Tells the app's start-up code not to mount the standalone page into the host's body.
    globalThis.__PROTOCOL_CHAT_EMBED__ = true;
    app = import(new URL('protocol-chat.js', BASE).href).then(async (bindings) => {
      await bindings.default({ module_or_path: new URL('protocol-chat_bg.wasm', BASE) });
      return bindings;
    });
    app.catch(() => {
      app = undefined; // a later mount tries again
    });
  }
  return app;
}

/** Adds the widget's stylesheet to the shadow root once; resolves when it applies. */
function stylesheet(root) {
  let link = root.querySelector('link[data-protocol-chat]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('main.css', BASE).href;
    link.setAttribute('data-protocol-chat', '');
    root.prepend(link);
  } else if (link.sheet) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', () => reject(new Error(`Protocol Chat: cannot load ${link.href}`)), { once: true });
  });
}

function nonBlank(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Mounts a widget into `target` (an element or a CSS selector).
 * options: { apiBase, token, conversationId, theme: 'light' | 'dark', onUnread(count) };
 * apiBase defaults to the origin this file was loaded from. Returns { ready: Promise,
 * unmount(), onunread }: set `onunread` (or pass `onUnread`) to hear the unread count, or
 * listen for the element's `protocol-chat:unread` event (`event.detail.count`).
 */
export function mount(target, options = {}) {
  const element = typeof target === 'string' ? document.querySelector(target) : target;
  if (!(element instanceof HTMLElement)) {
    throw new TypeError(`ProtocolChat.mount: no element for ${String(target)}`);
  }
  mounts.get(element)?.unmount();

  const root = element.shadowRoot || element.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  container.className = 'pc-embed';
  // Shown at once, before the wasm and the stylesheet arrive; the app takes its place.
  adoptShellSheet(root);
  container.append(loadingShell());
  root.append(container);

  const theme = nonBlank(options.theme);
  const themeBefore = element.getAttribute('data-theme');
  if (THEMES.includes(theme)) element.setAttribute('data-theme', theme);

  let widget = null;
  let gone = false;
  // The count of new messages from others while the reader looks away (the page hidden,
  // or the focus outside the widget); 0 when they look again.
  const onUnread = (count) => {
    if (gone) return;
    element.dispatchEvent(new CustomEvent('protocol-chat:unread', { detail: { count } }));
    if (typeof handle.onunread === 'function') {
      try {
        handle.onunread(count);
      } catch (error) {
        console.error(error);
      }
    }
  };
  const settings = {
    apiBase: nonBlank(options.apiBase) || BASE.origin,
    token: nonBlank(options.token),
    conversationId: nonBlank(options.conversationId),
    onUnread,
  };
  const handle = {
    onunread: typeof options.onUnread === 'function' ? options.onUnread : null,
    ready: Promise.all([loadApp(), stylesheet(root)]).then(([bindings]) => {
      if (!gone) {
        container.replaceChildren();
        dropShellSheet(root);
        widget = bindings.mount_widget(container, settings);
      }
      return handle;
    }),
    unmount() {
      if (gone) return;
      gone = true;
      if (widget) {
        widget.unmount();
        widget.free();
        widget = null;
      }
      container.remove();
      if (THEMES.includes(theme)) {
        if (themeBefore === null) element.removeAttribute('data-theme');
        else element.setAttribute('data-theme', themeBefore);
      }
      if (mounts.get(element) === handle) mounts.delete(element);
    },
  };
  handle.ready.catch((error) => console.error(error));
  mounts.set(element, handle);
  return handle;
}

/** The `<script type="module" src=".../embed.js" data-target=…>` tags of the page. */
function mountScriptTags() {
  for (const script of document.querySelectorAll('script[type="module"][data-target]')) {
    if (script.src !== import.meta.url || mountScriptTags.done.has(script)) continue;
    mountScriptTags.done.add(script);
    const d = script.dataset;
    const element = document.querySelector(d.target);
    if (!element) {
      console.error(`Protocol Chat: data-target ${d.target} matches no element`);
      continue;
    }
    mount(element, {
      apiBase: d.apiBase,
      token: d.token,
      conversationId: d.conversationId,
      theme: d.theme,
    });
  }
}
mountScriptTags.done = new WeakSet();

export const ProtocolChat = globalThis.ProtocolChat || { mount };
globalThis.ProtocolChat = ProtocolChat;

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', mountScriptTags, { once: true });
} else {
  mountScriptTags();
}
