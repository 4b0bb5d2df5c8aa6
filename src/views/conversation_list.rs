//! The conversation list (standalone app only): a `nav` of links named by title.

use crate::core::config::{fragment_with, percent_encode};
use crate::views::dom::{self, B};
use leptos::prelude::*;
use web_sys::Element;

/// A conversation with its title for the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationItem {
    /// The conversation's id.
    pub id: String,
    /// Group name, else the other contact's display name, else their username.
    pub title: String,
}

/// The link target that opens `id`, keeping the other fragment settings.
pub fn conversation_href(id: &str) -> String {
    let current = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let fragment = fragment_with(&current, "conversation", Some(id));
    if fragment.is_empty() {
        format!("#conversation={}", percent_encode(id))
    } else {
        format!("#{fragment}")
    }
}

/// `nav` "Conversations" with one link per conversation of `items` (in the API's order);
/// the `current` one is `aria-current="page"`.
pub fn conversation_list(
    items: RwSignal<Vec<ConversationItem>>,
    current: RwSignal<Option<String>>,
) -> AnyView {
    dom::host("nav", dom::filler(move |nav| links(nav, items, current)))
}

/// The list of links inside `nav`: redrawn when the conversations change, their targets and
/// `aria-current` brought up to date when the open one changes.
fn links(
    nav: web_sys::Element,
    items: RwSignal<Vec<ConversationItem>>,
    current: RwSignal<Option<String>>,
) {
    let Some(doc) = dom::document() else { return };
    let Some(ul) = B::new(&doc, "ul", "pc-convlist__items") else {
        return;
    };
    let _ = nav.set_attribute("class", "pc-convlist");
    let _ = nav.set_attribute("aria-label", "Conversations");
    let _ = nav.append_with_node_1(&ul.0);
    let ul = ul.0;
    // What the list shows, and its links.
    let mut list = Vec::<ConversationItem>::new();
    let mut anchors = Vec::<Element>::new();
    let effect = RenderEffect::new(move |_| {
        let open = current.get();
        let now = items.get();
        if now != list {
            ul.set_inner_html("");
            anchors = now
                .iter()
                .filter_map(|item| {
                    let a = B::new(&doc, "a", "pc-convlist__link")?.text(&item.title);
                    let li = B::new(&doc, "li", "")?.child(Some(B(a.0.clone())));
                    let _ = ul.append_with_node_1(&li.0);
                    Some(a.0)
                })
                .collect();
            list = now;
        }
        for (item, a) in list.iter().zip(&anchors) {
            let _ = a.set_attribute("href", &conversation_href(&item.id));
            let _ = if open.as_deref() == Some(item.id.as_str()) {
                a.set_attribute("aria-current", "page")
            } else {
                a.remove_attribute("aria-current")
            };
        }
    });
    StoredValue::new_local(effect);
}
