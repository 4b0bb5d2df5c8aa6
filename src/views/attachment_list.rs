//! The files of a message: `role="list"` "Attachments"; images as lazy thumbnails with
//! their space reserved (a click or tap shows the image large, in an [`ImageDialog`]),
//! every file as a download link named by its filename, with type and human size. A
//! `file_url` that is not `http`, `https` or same-origin relative ([`safe_file_url`])
//! shows as a plain file name: no link, no image.

use crate::core::format::{human_size, safe_file_url};
use crate::views::image_dialog::ImageDialog;
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;
use protocol_api::Attachment;

/// Thumbnail box (CSS pixels); the image is fitted inside, so rows never change height.
pub const THUMB_WIDTH: u32 = 240;
/// Thumbnail box height.
pub const THUMB_HEIGHT: u32 = 160;

/// The list of a message's files, keyed by attachment; nothing without attachments.
#[component]
pub fn AttachmentList(
    /// The files.
    #[prop(into)]
    attachments: Signal<Vec<Attachment>>,
    /// The API base, to resolve server-relative file URLs.
    #[prop(optional, into)]
    api_base: String,
) -> impl IntoView {
    let api_base = StoredValue::new(api_base);
    view! {
        <Show when=move || attachments.with(|files| !files.is_empty())>
            <ul class="pc-attachments" role="list" aria-label="Attachments">
                <For
                    each=move || attachments.get()
                    key=|file| (file.id.clone(), file.file_url.clone())
                    let:file
                >
                    {api_base.with_value(|base| attachment_item(file, base))}
                </For>
            </ul>
        </Show>
    }
}

/// One file: its thumbnail (images with a safe URL), its link (or plain name) and its
/// type and size.
fn attachment_item(file: Attachment, api_base: &str) -> impl IntoView {
    let url = safe_file_url(api_base, &file.file_url);
    let thumb = url.clone().filter(|_| file.is_image()).map(|src| {
        let dialog = NodeRef::<html::Dialog>::new();
        view! {
            <button
                type="button"
                class="pc-attachment__open"
                aria-haspopup="dialog"
                on:click=move |_| {
                    if let Some(dialog) = dialog.get_untracked() {
                        let _ = dialog.show_modal();
                    }
                }
            >
                <img
                    class="pc-attachment__thumb"
                    src=src.clone()
                    alt=file.filename.clone()
                    loading="lazy"
                    decoding="async"
                    width=THUMB_WIDTH
                    height=THUMB_HEIGHT
                />
            </button>
            <ImageDialog src name=file.filename.clone() dialog />
        }
    });
    let name = match url {
        Some(href) => Either::Left(view! {
            <a
                class="pc-attachment__link"
                href=href
                download=file.filename.clone()
                rel="noopener noreferrer"
                target="_blank"
            >
                {file.filename.clone()}
            </a>
        }),
        None => Either::Right(view! {
            <span class="pc-attachment__name">{file.filename.clone()}</span>
        }),
    };
    let meta = format!("{} · {}", file.file_type, human_size(file.file_size));
    view! {
        <li class="pc-attachment">
            {thumb}
            {name}
            <span class="pc-attachment__meta">{meta}</span>
        </li>
    }
}
