//! A `role="alert"` with a human sentence and, where it helps, a way on.
//!
//! Its content is built with [`crate::dom`] and its buttons share one click listener,
//! which keeps the wasm small.

use crate::dom::{self, B};
use leptos::prelude::*;

/// A button of the banner: its action name, class and label, and what it calls.
type Button = (
    &'static str,
    &'static str,
    &'static str,
    Option<Callback<()>>,
);

/// An error sentence with optional "Retry", "Sign in again" and "Dismiss" buttons.
#[component]
pub fn ErrorBanner(
    /// The human sentence.
    #[prop(into)]
    message: String,
    /// Shows a "Retry" button that calls this.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
    /// Shows a "Sign in again" button that calls this.
    #[prop(optional, into)]
    on_sign_in: Option<Callback<()>>,
    /// Shows a "Dismiss" button that calls this.
    #[prop(optional, into)]
    on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    let buttons: [Button; 3] = [
        ("alert-retry", "pc-button", "Retry", on_retry),
        ("alert-sign-in", "pc-button", "Sign in again", on_sign_in),
        (
            "alert-dismiss",
            "pc-button pc-button--quiet",
            "Dismiss",
            on_dismiss,
        ),
    ];
    dom::host("div", dom::filler(move |el| content(el, &message, buttons)))
}

/// Fills the banner (the sentence, then the buttons that have a callback) and runs the
/// callback of the button clicked.
fn content(el: web_sys::Element, message: &str, buttons: [Button; 3]) {
    let Some(doc) = dom::document() else { return };
    let text = B::new(&doc, "span", "pc-alert__text").map(|s| s.text(message));
    let shown = buttons.into_iter().filter(|b| b.3.is_some());
    let banner = B(el).attr("class", "pc-alert").attr("role", "alert");
    let banner = shown.fold(banner.child(text), |banner, (act, class, label, _)| {
        banner.child(B::button(&doc, class, act, label))
    });
    dom::listen(&banner.0, &["click"], move |ev| {
        let Some((act, _)) = dom::action_of(&ev) else {
            return;
        };
        for (name, _, _, f) in buttons {
            if act == name {
                if let Some(f) = f {
                    f.run(());
                }
            }
        }
    });
}
