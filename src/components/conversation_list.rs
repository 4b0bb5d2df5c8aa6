//! The conversation list (standalone app only): a `nav` of links named by title.

use crate::config::{fragment_with, percent_encode};
use leptos::prelude::*;

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

/// `nav` "Conversations" with one link per conversation; the open one is
/// `aria-current="page"`.
#[component]
pub fn ConversationList(
    /// The conversations, in the API's order.
    #[prop(into)]
    items: Signal<Vec<ConversationItem>>,
    /// The open conversation.
    #[prop(into)]
    current: Signal<Option<String>>,
) -> impl IntoView {
    let links = move || {
        let open = current.get();
        items.with(|items| {
            items
                .iter()
                .map(|item| {
                    let is_open = open.as_deref() == Some(item.id.as_str());
                    view! {
                        <li>
                            <a
                                class="pc-convlist__link"
                                href=conversation_href(&item.id)
                                aria-current=is_open.then_some("page")
                            >
                                {item.title.clone()}
                            </a>
                        </li>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <nav class="pc-convlist" aria-label="Conversations">
            <ul class="pc-convlist__items">{links}</ul>
        </nav>
    }
}
