//! An image shown large: a modal `<dialog>` named by the file name, with the image and a
//! button "Close". Escape closes it too; both are the browser's own dialog behaviour (the
//! form's `method="dialog"`), which also puts the focus back where it was.

use leptos::html;
use leptos::prelude::*;

/// The dialog, closed until its opener (the thumbnail) calls `show_modal()` on `dialog`.
#[component]
pub fn ImageDialog(
    /// The image's URL.
    #[prop(into)]
    src: String,
    /// The file name: the dialog's name and the image's text alternative.
    #[prop(into)]
    name: String,
    /// The dialog element, for the opener to show.
    dialog: NodeRef<html::Dialog>,
) -> impl IntoView {
    let label = name.clone();
    view! {
        <dialog class="pc-lightbox" aria-label=label node_ref=dialog>
            <img class="pc-lightbox__image" src=src alt=name loading="lazy" />
            <form method="dialog">
                <button class="pc-button">"Close"</button>
            </form>
        </dialog>
    }
}
