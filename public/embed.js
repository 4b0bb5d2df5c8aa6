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
      if (!gone) widget = bindings.mount_widget(container, settings);
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
