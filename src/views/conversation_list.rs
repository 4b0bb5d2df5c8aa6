//! The conversation list (standalone app only): a `nav` of links named by title.

use crate::core::config::{fragment_with, percent_encode};
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

/// `nav` "Conversations" with one link per conversation (in the API's order); the `current`
/// one is `aria-current="page"`. The links wait for their conversations in a `Transition`,
/// so loading them again keeps the old links until the new ones are there.
#[component]
pub fn ConversationList(
    /// The conversations, read from the resource that loads them.
    #[prop(into)]
    conversations: Signal<Vec<ConversationItem>>,
    /// The open conversation's id.
    #[prop(into)]
    current: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <nav class="pc-convlist" aria-label="Conversations">
            <ul class="pc-convlist__items">
                <Transition>
                    <For
                        each=move || conversations.get()
                        key=|item| item.id.clone()
                        let(ConversationItem { id, title })
                    >
                        <li>
                            <ConversationLink id title current />
                        </li>
                    </For>
                </Transition>
            </ul>
        </nav>
    }
}

/// The link that opens conversation `id`: its target follows the other fragment settings,
/// and it is `aria-current="page"` while `id` is open.
#[component]
fn ConversationLink(
    /// The conversation's id.
    id: String,
    /// Its title, the link's name.
    title: String,
    /// The open conversation's id.
    current: Signal<Option<String>>,
) -> impl IntoView {
    let open = {
        let id = id.clone();
        Memo::new(move |_| current.with(|c| c.as_deref() == Some(id.as_str())))
    };
    // The fragment changes with the open conversation; the target keeps its other settings.
    let href = move || {
        current.track();
        conversation_href(&id)
    };
    view! {
        <a class="pc-convlist__link" href=href aria-current=move || open.get().then_some("page")>
            {title}
        </a>
    }
}
