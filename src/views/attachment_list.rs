//! The files of a message: `role="list"` "Attachments"; images as lazy thumbnails with
//! their space reserved, every file as a download link with type and human size.

use crate::core::format::human_size;
use crate::views::dom::{self, B};
use crate::views::reaction_bar::adopt;
use leptos::prelude::*;
use protocol_api::Attachment;
use web_sys::Document;

/// Thumbnail box (CSS pixels); the image is fitted inside, so rows never change height.
pub const THUMB_WIDTH: u32 = 240;
/// Thumbnail box height.
pub const THUMB_HEIGHT: u32 = 160;

/// Makes a server-relative `file_url` absolute against the API's origin.
pub fn resolve_url(api_base: &str, url: &str) -> String {
    if !url.starts_with('/') || url.starts_with("//") {
        return url.to_owned();
    }
    match api_base.find("://") {
        Some(scheme_end) => {
            let rest = &api_base[scheme_end + 3..];
            let host_end = rest
                .find('/')
                .map_or(api_base.len(), |i| scheme_end + 3 + i);
            format!("{}{url}", &api_base[..host_end])
        }
        None => url.to_owned(),
    }
}

/// The list: images as lazy thumbnails with reserved space, every file as a download
/// link named by its filename, with type and human size; `None` without attachments.
pub fn build(doc: &Document, attachments: &[Attachment], api_base: &str) -> Option<B> {
    if attachments.is_empty() {
        return None;
    }
    let mut list = B::new(doc, "ul", "pc-attachments")?
        .attr("role", "list")
        .attr("aria-label", "Attachments");
    for file in attachments {
        let url = resolve_url(api_base, &file.file_url);
        let thumb = if file.is_image() {
            B::new(doc, "img", "pc-attachment__thumb").map(|i| {
                i.attr("src", &url)
                    .attr("alt", &file.filename)
                    .attr("loading", "lazy")
                    .attr("decoding", "async")
                    .attr("width", &THUMB_WIDTH.to_string())
                    .attr("height", &THUMB_HEIGHT.to_string())
            })
        } else {
            None
        };
        let link = B::new(doc, "a", "pc-attachment__link").map(|a| {
            a.attr("href", &url)
                .attr("download", &file.filename)
                .attr("rel", "noopener noreferrer")
                .attr("target", "_blank")
                .text(&file.filename)
        });
        let meta = B::new(doc, "span", "pc-attachment__meta").map(|m| {
            m.text(&format!(
                "{} · {}",
                file.file_type,
                human_size(file.file_size)
            ))
        });
        let item = B::new(doc, "li", "pc-attachment")?
            .child(thumb)
            .child(link)
            .child(meta);
        list = list.child(Some(item));
    }
    Some(list)
}

/// The attachment list on its own (the bubble builds the same markup in place).
#[component]
pub fn AttachmentList(
    /// The files.
    attachments: Vec<Attachment>,
    /// The API base, to resolve server-relative file URLs.
    #[prop(optional, into)]
    api_base: String,
) -> impl IntoView {
    let built = dom::document()
        .and_then(|d| build(&d, &attachments, &api_base))
        .map(|b| b.0);
    view! { <div class="pc-slot" use:adopt=built></div> }
}

#[cfg(test)]
mod tests {
    use super::resolve_url;

    #[test]
    fn relative_urls_resolve_against_the_api_origin() {
        assert_eq!(
            resolve_url("http://a:8080/v1", "/files/x.png"),
            "http://a:8080/files/x.png"
        );
        assert_eq!(resolve_url("http://a", "/f"), "http://a/f");
        assert_eq!(resolve_url("/v1", "/f"), "/f");
        assert_eq!(resolve_url("http://a/v1", "https://cdn/x"), "https://cdn/x");
        assert_eq!(resolve_url("http://a/v1", "//cdn/x"), "//cdn/x");
    }
}
