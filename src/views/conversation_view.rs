//! One open conversation: heading, message list, composer, and the wiring of its
//! commands, live updates and unsent messages.

use crate::actions::{ChatActions, LiveSink};
use crate::browser::live::{self, Live};
use crate::core::timeline::Timeline;
use crate::views::composer::composer_form;
use crate::views::conversation_list::ConversationItem;
use crate::views::dom;
use crate::views::error_banner::{error_banner, DISMISS, RETRY};
use crate::views::message_list::MessageList;
use leptos::prelude::*;
use std::rc::Rc;

/// The title of conversation `id`: its name in the list, else "Conversation".
fn title(items: RwSignal<Vec<ConversationItem>>, id: &str) -> String {
    items
        .with(|i| i.iter().find(|c| c.id == id).map(|c| c.title.clone()))
        .unwrap_or_else(|| "Conversation".to_owned())
}

/// The view of the conversation of `actions`: heading with its title (from `items`), the
/// feed, the composer.
pub fn conversation_view(actions: ChatActions, items: RwSignal<Vec<ConversationItem>>) -> AnyView {
    // The bubbles read the commands from the context.
    provide_context(actions);
    let live: StoredValue<Option<Live>, LocalStorage> = StoredValue::new_local(None);
    let start_live = move || {
        let started = live.try_with_value(Option::is_some).unwrap_or(true);
        if !started {
            let handle = live::start(
                actions.client(),
                actions.conversation_id.get_value(),
                Rc::new(LiveSink(actions)),
            );
            live.try_set_value(Some(handle));
        }
    };
    let loaded = Memo::new(move |_| actions.timeline.with(Timeline::is_loaded));
    if loaded.get_untracked() {
        actions.catch_up();
        actions.retry_all();
    } else {
        // Unsent messages show at once; the first page loads (with retries) meanwhile.
        actions.open();
    }
    // Live updates once the first page is there (the stream resyncs when it opens).
    StoredValue::new_local(RenderEffect::new(move |_| {
        if loaded.get() {
            start_live();
        }
    }));
    if let Some(window) = web_sys::window() {
        dom::listen(&window, &["online"], move |_| {
            actions.load();
            actions.retry_all();
        });
    }
    let alert = dom::dynamic(move || match actions.alert.get() {
        Some(message) => {
            let dismiss = Rc::new(move || actions.alert.set(None));
            error_banner(message, DISMISS, dismiss)
        }
        None => dom::nothing(),
    });
    let load_failed =
        dom::dynamic(
            move || match actions.load_error.get().filter(|e| !e.is_auth()) {
                Some(err) if !loaded.get() => {
                    let message = format!("The messages could not be loaded. {err}");
                    error_banner(message, RETRY, Rc::new(move || actions.load()))
                }
                _ => dom::nothing(),
            },
        );
    let heading = dom::host(
        "h2",
        dom::filler(move |h| {
            h.set_class_name("pc-conv__title");
            let id = actions.conversation_id.get_value();
            let effect = RenderEffect::new(move |_| h.set_text_content(Some(&title(items, &id))));
            StoredValue::new_local(effect);
        }),
    );
    dom::parent(
        "section",
        dom::filler(|el| el.set_class_name("pc-conv")),
        vec![
            heading,
            alert,
            load_failed,
            view! { <MessageList actions=actions /> }.into_any(),
            composer_form(actions),
        ],
    )
}
