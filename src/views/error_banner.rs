//! A `role="alert"` with a human sentence and, where it helps, a way on.
//!
//! Its content is built with [`crate::views::dom`], which keeps the wasm small.

use crate::views::dom::{self, B};
use leptos::prelude::AnyView;
use std::rc::Rc;

/// The banner's button: its action name, class and label.
pub type Button = (&'static str, &'static str, &'static str);

/// "Retry".
pub const RETRY: Button = ("alert-retry", "pc-button", "Retry");
/// "Sign in again".
pub const SIGN_IN: Button = ("alert-sign-in", "pc-button", "Sign in again");
/// "Dismiss".
pub const DISMISS: Button = ("alert-dismiss", "pc-button pc-button--quiet", "Dismiss");

/// An error sentence with `button`, which calls `on`.
pub fn error_banner(message: String, button: Button, on: Rc<dyn Fn()>) -> AnyView {
    dom::host(
        "div",
        dom::filler(move |el| content(el, &message, button, on.clone())),
    )
}

/// Fills the banner (the sentence, then the button) and calls `on` when it is clicked.
fn content(el: web_sys::Element, message: &str, button: Button, on: Rc<dyn Fn()>) {
    let Some(doc) = dom::document() else { return };
    let (act, class, label) = button;
    let banner = B(el)
        .attr("class", "pc-alert")
        .attr("role", "alert")
        .child(B::new(&doc, "span", "pc-alert__text").map(|s| s.text(message)))
        .child(B::button(&doc, class, act, label));
    dom::listen(&banner.0, &["click"], move |ev| {
        if dom::action_of(&ev).is_some_and(|(a, _)| a == act) {
            on();
        }
    });
}
