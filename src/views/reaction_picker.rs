//! The reaction picker: `role="dialog"` "Pick a reaction", one button per reaction named
//! by its name. It takes the focus when it opens; Escape closes it.

use crate::core::emoji::TABLE;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The picker dialog.
#[component]
pub fn ReactionPicker(
    /// Called with the picked reaction's name.
    on_pick: Callback<String>,
    /// Called on Escape.
    on_close: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    dialog.on_load(|dialog| {
        if let Some(first) = dialog
            .first_element_child()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    });
    let options = TABLE
        .iter()
        .map(|&(name, glyph)| {
            view! {
                <button
                    type="button"
                    class="pc-picker__option"
                    aria-label=name
                    title=name
                    on:click=move |_| on_pick.run(name.to_owned())
                >
                    {glyph}
                </button>
            }
        })
        .collect_view();
    view! {
        <div
            class="pc-picker"
            role="dialog"
            aria-label="Pick a reaction"
            node_ref=dialog
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_close.run(());
                }
            }
        >
            {options}
        </div>
    }
}
