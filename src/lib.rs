//! Protocol Chat: a Leptos client-side-rendered chat message view for the Protocol API.
//!
//! Three layers, one folder each: [`core`] is the pure state and rules (no Leptos, no
//! web-sys), [`browser`] the I/O (HTTP, live updates, storage), [`views`] the Leptos
//! components. [`actions::ChatActions`] joins them: the commands of one open conversation,
//! applied to its timeline signal and sent through the API client;
//! [`directory::ConversationDirectory`] loads the conversation list page by page.

pub mod actions;
pub mod browser;
pub mod core;
pub mod directory;
pub mod views;

use crate::core::config::Layer;
use leptos::prelude::*;

/// Mounts the app into `element` with the embedder's options (the highest-priority
/// configuration layer). `standalone` shows the conversation list and keeps the open
/// conversation in the URL; a widget (`false`) does neither, and tells its host the count
/// of unread messages through `on_unread`. Dropping the handle unmounts the app and stops
/// its work.
pub fn mount_app(
    element: web_sys::HtmlElement,
    options: Layer,
    standalone: bool,
    on_unread: Option<js_sys::Function>,
) -> Box<dyn std::any::Any> {
    console_error_panic_hook::set_once();
    Box::new(leptos::mount::mount_to(element, move || {
        view! { <views::app::App options standalone on_unread /> }
    }))
}

/// The id of the loading shell in `index.html`, painted before the wasm arrives.
const SHELL_ID: &str = "pc-shell";

/// The standalone page: mounts into the document body (not when `embed.js` loaded the
/// wasm: the widget mounts itself through [`browser::embed::mount_widget`]).
pub fn start() {
    console_error_panic_hook::set_once();
    if browser::embed::loaded_by_embed() {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // The loading shell of index.html gives way to the app's first view, the same frame
    // and line, in the same frame of the browser.
    if let Some(shell) = document.get_element_by_id(SHELL_ID) {
        shell.remove();
    }
    if let Some(body) = document.body() {
        std::mem::forget(mount_app(body, Layer::default(), true, None));
    }
}
