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
                            <a
                                class="pc-convlist__link"
                                // The target keeps the other fragment settings, which change
                                // with the open conversation.
                                href={
                                    let id = id.clone();
                                    move || {
                                        current.track();
                                        conversation_href(&id)
                                    }
                                }
                                aria-current=move || {
                                    current
                                        .with(|c| c.as_deref() == Some(id.as_str()))
                                        .then_some("page")
                                }
                            >
                                <bdi>{title}</bdi>
                            </a>
                        </li>
                    </For>
                </Transition>
            </ul>
        </nav>
    }
}
