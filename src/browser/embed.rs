//! The embedded widget: the `mount_widget` export that `public/embed.js` calls after it
//! has made a shadow root (README "Embed"). The widget is the app without the
//! conversation list and without URL state; the loader applies the theme on the host
//! element (`data-theme`), so host-set `--pc-*` properties keep working.

use crate::core::config::Layer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The global flag `embed.js` sets before it loads the wasm: the standalone `start()`
/// must not mount the full app into the host page's `<body>`.
const EMBED_FLAG: &str = "__PROTOCOL_CHAT_EMBED__";

/// True when the wasm was loaded by the widget loader rather than by `boot.js`.
pub fn loaded_by_embed() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(EMBED_FLAG))
        .map(|v| v.is_truthy())
        .unwrap_or(false)
}

/// One mounted widget. `unmount()` removes it and stops its work (requests, live
/// updates, timers); calling it again does nothing.
#[wasm_bindgen]
pub struct WidgetHandle {
    inner: Option<Box<dyn std::any::Any>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Unmounts the widget.
    pub fn unmount(&mut self) {
        self.inner.take();
    }
}

/// A non-blank string option of the JS options object.
fn option(options: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(options, &JsValue::from_str(key))
        .ok()?
        .as_string()
        .filter(|s| !s.trim().is_empty())
}

/// The widget's settings from `{ apiBase, token, conversationId }` (the first
/// configuration layer, UI.md); missing ones fall back to the token kept at sign-in.
pub fn layer_from_options(options: &JsValue) -> Layer {
    Layer {
        api_base: option(options, "apiBase"),
        token: option(options, "token"),
        conversation_id: option(options, "conversationId"),
        // The loader sets `data-theme` on the host element instead (see the module doc).
        theme: None,
    }
}

/// Mounts a widget into `element` (inside the shadow root `embed.js` made); the options'
/// `onUnread` function hears the count of unread messages.
#[wasm_bindgen]
pub fn mount_widget(element: web_sys::HtmlElement, options: JsValue) -> WidgetHandle {
    let on_unread = js_sys::Reflect::get(&options, &JsValue::from_str("onUnread"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    WidgetHandle {
        inner: Some(crate::mount_app(
            element,
            layer_from_options(&options),
            false,
            on_unread,
        )),
    }
}
