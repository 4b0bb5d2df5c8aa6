//! The sign-in form shown when no token is configured. Its markup is built with
//! [`crate::views::dom`], which keeps the wasm small.

use crate::views::dom::{self, B};
use leptos::prelude::AnyView;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Textbox "API token" and button "Sign in": signing in calls `signed_in` with the token
/// (the caller keeps it for this tab, with the API it is for).
pub fn sign_in(signed_in: Rc<dyn Fn(String)>) -> AnyView {
    dom::host(
        "form",
        dom::filler(move |form| fields(form, signed_in.clone())),
    )
}

/// The title, the "API token" field and the "Sign in" button; submitting a non-blank
/// token signs in with it, trimmed.
fn fields(form: web_sys::Element, signed_in: Rc<dyn Fn(String)>) {
    let Some(doc) = dom::document() else { return };
    let input = B::new(&doc, "input", "pc-input").map(|i| {
        i.attr("type", "password")
            .attr("autocomplete", "off")
            .attr("required", "")
    });
    let Some(field) = input
        .as_ref()
        .and_then(|i| i.0.clone().dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let label = B::new(&doc, "label", "pc-field").map(|l| {
        l.child(B::new(&doc, "span", "").map(|s| s.text("API token")))
            .child(input)
    });
    let button = B::new(&doc, "button", "pc-button pc-button--primary")
        .map(|b| b.attr("type", "submit").text("Sign in"));
    let form = B(form)
        .attr("class", "pc-signin")
        .child(B::new(&doc, "h1", "pc-signin__title").map(|h| h.text("Protocol Chat")))
        .child(label)
        .child(button);
    dom::listen(&form.0, &["submit"], move |ev| {
        ev.prevent_default();
        let value = field.value().trim().to_owned();
        if !value.is_empty() {
            signed_in(value);
        }
    });
}
