//! Protocol Chat: a Leptos client-side-rendered chat message view for the Protocol API.
//!
//! Pure state and rules (no Leptos): [`timeline`], [`outbox`], [`format`], [`emoji`],
//! [`config`], [`json`], [`window`]. The outside world: [`api`] (all HTTP), [`live`]
//! (events), [`storage`]. Views: [`components`], wired to the state through
//! [`actions::ChatActions`]; most of their markup is built by [`dom`] to keep the wasm small.

pub mod actions;
pub mod api;
pub mod components;
pub mod config;
pub mod dom;
pub mod embed;
pub mod emoji;
pub mod format;
pub mod json;
pub mod live;
pub mod outbox;
pub mod storage;
pub mod time;
pub mod timeline;
pub mod window;

use config::Layer;

/// Mounts the app into `element` with the embedder's options (the highest-priority
/// configuration layer). `standalone` shows the conversation list and keeps the open
/// conversation in the URL; a widget (`false`) does neither. Dropping the handle unmounts
/// the app and stops its work.
pub fn mount_app(
    element: web_sys::HtmlElement,
    options: Layer,
    standalone: bool,
) -> Box<dyn std::any::Any> {
    console_error_panic_hook::set_once();
    Box::new(leptos::mount::mount_to(element, move || {
        components::app::app(options, standalone)
    }))
}

/// The standalone page: mounts into the document body (not when `embed.js` loaded the
/// wasm: the widget mounts itself through [`embed::mount_widget`]).
pub fn start() {
    console_error_panic_hook::set_once();
    if embed::loaded_by_embed() {
        return;
    }
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        std::mem::forget(mount_app(body, Layer::default(), true));
    }
}
