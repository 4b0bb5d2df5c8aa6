//! The conversation list (standalone app only): a `nav` of links named by title, loaded
//! page by page as it scrolls, with the account's buttons at its foot.

use crate::core::config::{fragment_with, percent_encode};
pub use crate::core::conversations::ConversationItem;
use leptos::html;
use leptos::prelude::*;
use leptos_use_intersection_observer::{
    use_intersection_observer_with_options, UseIntersectionObserverOptions,
};

/// How close to the end of the list the next page is asked for (an intersection
/// observer's root margin).
const END_DISTANCE: &str = "0px 0px 200px 0px";

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
/// one is `aria-current="page"`. Scrolling near the end of the list calls `on_end` (the
/// next page); while it loads, a status line says so.
#[component]
pub fn ConversationList(
    /// The conversations loaded so far.
    #[prop(into)]
    conversations: Signal<Vec<ConversationItem>>,
    /// The open conversation's id.
    #[prop(into)]
    current: Signal<Option<String>>,
    /// Asks for the next page: the list was scrolled near its end.
    #[prop(optional, into)]
    on_end: Option<Callback<()>>,
    /// A next page is loading.
    #[prop(optional, into)]
    loading_more: Signal<bool>,
    /// Opens the conversation of a link clicked without modifier keys (instead of the
    /// browser following it); a new tab or window still follows the link.
    #[prop(optional, into)]
    on_open: Option<Callback<String>>,
    /// What the list's foot holds (the account's buttons).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    // The infinite-scroll signal of the list: an empty item after the links, watched
    // within the list (the one observer leptos-use gives the feed too).
    let items = NodeRef::<html::Ul>::new();
    let end = NodeRef::<html::Li>::new();
    if let Some(on_end) = on_end {
        use_intersection_observer_with_options(
            end,
            move |entries, _| {
                if entries.iter().any(|e| e.is_intersecting()) {
                    on_end.run(());
                }
            },
            UseIntersectionObserverOptions::default()
                .root(Some(items))
                .root_margin(END_DISTANCE.to_owned()),
        );
    }
    view! {
        <nav class="pc-convlist" aria-label="Conversations">
            <ul class="pc-convlist__items" node_ref=items>
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
                            aria-current={
                                let id = id.clone();
                                move || {
                                    current
                                        .with(|c| c.as_deref() == Some(id.as_str()))
                                        .then_some("page")
                                }
                            }
                            on:click=move |ev| {
                                let plain = ev.button() == 0
                                    && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
                                if let Some(on_open) = on_open.filter(|_| plain) {
                                    ev.prevent_default();
                                    on_open.run(id.clone());
                                }
                            }
                        >
                            <bdi>{title}</bdi>
                        </a>
                    </li>
                </For>
                <li class="pc-convlist__end" aria-hidden="true" node_ref=end></li>
                <Show when=move || loading_more.get()>
                    <li class="pc-convlist__status" role="status">"Loading more conversations…"</li>
                </Show>
            </ul>
            {children.map(|children| view! { <div class="pc-convlist__foot">{children()}</div> })}
        </nav>
    }
}
