//! An image shown large: a modal `<dialog>` named by the file name, with the image and a
//! button "Close". Escape closes it too (the browser's own dialog behaviour), and so does a
//! click beside the image.

use leptos::html;
use leptos::prelude::*;

/// The dialog, open from the moment it is mounted; the opener unmounts it on `on_close`
/// (and takes the focus back).
#[component]
pub fn ImageDialog(
    /// The image's URL.
    #[prop(into)]
    src: String,
    /// The file name: the dialog's name and the image's text alternative.
    #[prop(into)]
    name: String,
    /// Called once the dialog has closed.
    on_close: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    dialog.on_load(|dialog| {
        let _ = dialog.show_modal();
    });
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let label = name.clone();
    view! {
        <dialog
            class="pc-lightbox"
            aria-label=label
            node_ref=dialog
            on:close=move |_| on_close.run(())
            // Its keys are its own: the message and the feed behind it have their own
            // Escape and Page Up/Down.
            on:keydown=|ev| ev.stop_propagation()
            // A click on the backdrop lands on the dialog itself.
            on:click=move |ev| {
                if ev.target() == ev.current_target() {
                    close();
                }
            }
        >
            <img class="pc-lightbox__image" src=src alt=name />
            <button type="button" class="pc-button pc-lightbox__close" on:click=move |_| close()>
                "Close"
            </button>
        </dialog>
    }
}
