//! The sign-in form shown when no token is configured. Its markup is built with
//! [`crate::dom`], which keeps the wasm small.

use crate::dom::{self, B};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Textbox "API token" and button "Sign in".
#[component]
pub fn SignIn(
    /// Called with the entered token.
    on_sign_in: Callback<String>,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|form| form.query_selector("input").ok().flatten())
            .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value().trim().to_owned())
            .unwrap_or_default();
        if !value.is_empty() {
            on_sign_in.run(value);
        }
    };
    view! { <form class="pc-signin" on:submit=submit use:fields></form> }
}

/// The title, the "API token" field and the "Sign in" button.
fn fields(form: web_sys::Element) {
    let Some(doc) = dom::document() else { return };
    let input = B::new(&doc, "input", "pc-input").map(|i| {
        i.attr("type", "password")
            .attr("autocomplete", "off")
            .attr("required", "")
    });
    let label = B::new(&doc, "label", "pc-field").map(|l| {
        l.child(B::new(&doc, "span", "").map(|s| s.text("API token")))
            .child(input)
    });
    let button = B::new(&doc, "button", "pc-button pc-button--primary")
        .map(|b| b.attr("type", "submit").text("Sign in"));
    B(form)
        .child(B::new(&doc, "h1", "pc-signin__title").map(|h| h.text("Protocol Chat")))
        .child(label)
        .child(button);
}
