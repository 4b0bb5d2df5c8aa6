//! The delete confirmation: a modal dialog "Delete message" whose confirm button is
//! "Delete". It takes the focus ("Cancel") when it opens, keeps Tab and Shift+Tab inside
//! (the APG dialog pattern) and cancels on Escape.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, Node};

/// The confirmation dialog.
#[component]
pub fn DeleteDialog(
    /// Called when the person confirms.
    on_confirm: Callback<()>,
    /// Called on "Cancel" or Escape.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let confirm = NodeRef::<html::Button>::new();
    let cancel = NodeRef::<html::Button>::new();
    cancel.on_load(|button| {
        let _ = button.focus();
    });
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Tab" => {
            ev.prevent_default();
            let buttons: Vec<HtmlElement> = [confirm, cancel]
                .into_iter()
                .filter_map(|b| b.get_untracked())
                .map(HtmlElement::from)
                .collect();
            if let Some(next) = next_in_cycle(&buttons, &ev) {
                let _ = next.focus();
            }
        }
        "Escape" => {
            ev.prevent_default();
            on_cancel.run(());
        }
        _ => {}
    };
    view! {
        <div
            class="pc-dialog"
            role="dialog"
            aria-modal="true"
            aria-label="Delete message"
            on:keydown=on_keydown
        >
            <p>"Delete this message for everyone? This cannot be undone."</p>
            <div class="pc-dialog__buttons">
                <button
                    type="button"
                    class="pc-button pc-button--danger"
                    node_ref=confirm
                    on:click=move |_| on_confirm.run(())
                >
                    "Delete"
                </button>
                <button
                    type="button"
                    class="pc-button"
                    node_ref=cancel
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// The control Tab (or Shift+Tab) moves to from the event's target, cycling through
/// `items`; from outside them, the first (or the last).
fn next_in_cycle<'a>(items: &'a [HtmlElement], ev: &KeyboardEvent) -> Option<&'a HtmlElement> {
    let n = items.len();
    if n == 0 {
        return None;
    }
    let target = ev.target().and_then(|t| t.dyn_into::<Node>().ok());
    let at = items.iter().position(|i| i.is_same_node(target.as_ref()));
    let next = match (at, ev.shift_key()) {
        (Some(i), false) => (i + 1) % n,
        (Some(i), true) => (i + n - 1) % n,
        (None, false) => 0,
        (None, true) => n - 1,
    };
    items.get(next)
}

/// Before a confirmed delete removes `article`: focus the next article, else the previous
/// one, else the conversation's composer "Message", so the keyboard user keeps a place.
pub fn focus_after_delete(article: &HtmlElement) {
    let sibling = |next: bool| {
        let mut at: Option<web_sys::Element> = Some(article.clone().into());
        loop {
            at = at.and_then(|e| {
                if next {
                    e.next_element_sibling()
                } else {
                    e.previous_element_sibling()
                }
            });
            match &at {
                Some(e) if e.tag_name().eq_ignore_ascii_case("article") => return at,
                Some(_) => {}
                None => return None,
            }
        }
    };
    let composer = || {
        let selector = "textarea[aria-label=\"Message\"]";
        match article.closest(".pc-conv").ok().flatten() {
            Some(conv) => conv.query_selector(selector).ok().flatten(),
            None => article
                .owner_document()
                .and_then(|d| d.query_selector(selector).ok().flatten()),
        }
    };
    if let Some(target) = sibling(true)
        .or_else(|| sibling(false))
        .or_else(composer)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = target.focus();
    }
}
