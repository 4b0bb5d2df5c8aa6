//! One open conversation: heading, message list, composer, and the wiring of its
//! commands, live updates and unsent messages.

use crate::actions::{ChatActions, LiveSink};
use crate::api::Client;
use crate::components::app::ActionsCache;
use crate::components::composer::Composer;
use crate::components::conversation_list::ConversationItem;
use crate::components::error_banner::ErrorBanner;
use crate::components::message_list::MessageList;
use crate::dom;
use crate::live::{self, Live};
use crate::timeline::Timeline;
use leptos::prelude::*;
use std::rc::Rc;

/// The title of conversation `id`: its name in the list, else "Conversation".
fn title(items: RwSignal<Vec<ConversationItem>>, id: &str) -> String {
    items
        .with(|i| i.iter().find(|c| c.id == id).map(|c| c.title.clone()))
        .unwrap_or_else(|| "Conversation".to_owned())
}

/// The conversation view: heading with the title, the feed, the composer.
#[component]
pub fn ConversationView(
    /// The API client.
    client: Client,
    /// The conversation to show.
    conversation_id: String,
    /// The conversations, for its title.
    items: RwSignal<Vec<ConversationItem>>,
    /// Set when the server refuses the token.
    auth_failed: RwSignal<bool>,
) -> impl IntoView {
    let actions = match use_context::<ActionsCache>() {
        Some(cache) => cache.get(&client, &conversation_id, auth_failed),
        None => ChatActions::new(
            client.clone(),
            conversation_id.clone(),
            Timeline::default(),
            String::new(),
            auth_failed,
        ),
    };
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
    let online = window_event_listener(leptos::ev::online, move |_| {
        actions.load();
        actions.retry_all();
    });
    on_cleanup(move || online.remove());

    let alert = move || {
        actions.alert.get().map(|message| {
            view! {
                <ErrorBanner message on_dismiss=move |()| actions.alert.set(None)/>
            }
        })
    };
    let load_failed = move || {
        let err = actions.load_error.get().filter(|e| !e.is_auth())?;
        (!loaded.get()).then(|| {
            view! {
                <ErrorBanner
                    message=format!("The messages could not be loaded. {err}")
                    on_retry=move |()| actions.load()
                />
            }
        })
    };
    let heading = dom::host(
        "h2",
        dom::filler(move |h| {
            h.set_class_name("pc-conv__title");
            let id = conversation_id.clone();
            let effect = RenderEffect::new(move |_| h.set_text_content(Some(&title(items, &id))));
            StoredValue::new_local(effect);
        }),
    );
    view! {
        <section class="pc-conv">
            {heading}
            {alert}
            {load_failed}
            <MessageList/>
            <Composer/>
        </section>
    }
}
