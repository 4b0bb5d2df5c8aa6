//! The edit box of a message: textbox "Edit message" with "Save" and "Cancel". It takes the
//! focus (cursor at the end) when it opens; Enter saves (Shift+Enter is a new line),
//! Escape cancels.

use leptos::html;
use leptos::prelude::*;

/// The text field and its two buttons.
#[component]
pub fn EditBox(
    /// The text to start from.
    #[prop(into)]
    text: String,
    /// Saves the new text (Enter or "Save").
    on_save: Callback<String>,
    /// Restores the old text (Escape or "Cancel").
    on_cancel: Callback<()>,
) -> impl IntoView {
    let input = NodeRef::<html::Textarea>::new();
    input.on_load(|area| {
        let _ = area.focus();
        let end = area.text_length();
        let _ = area.set_selection_range(end, end);
    });
    let value = move || input.get_untracked().map(|a| a.value()).unwrap_or_default();
    view! {
        <div class="pc-edit">
            <textarea
                class="pc-input pc-edit__input"
                aria-label="Edit message"
                dir="auto"
                rows="2"
                node_ref=input
                on:keydown=move |ev| {
                    let key = ev.key();
                    if key == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        on_save.run(value());
                    } else if key == "Escape" {
                        ev.prevent_default();
                        on_cancel.run(());
                    }
                }
            >
                {text}
            </textarea>
            <div class="pc-edit__buttons">
                <button
                    type="button"
                    class="pc-button pc-button--primary pc-button--small"
                    on:click=move |_| on_save.run(value())
                >
                    "Save"
                </button>
                <button
                    type="button"
                    class="pc-button pc-button--small"
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
