//! One open conversation: heading, message list, composer, and the wiring of its
//! commands, live updates and unsent messages.

use crate::actions::{ChatActions, LiveSink};
use crate::api::{as_contact, ApiError, Client, Cursor};
use crate::components::app::ActionsCache;
use crate::components::composer::Composer;
use crate::components::error_banner::ErrorBanner;
use crate::components::message_list::MessageList;
use crate::live::{self, Live};
use crate::storage;
use crate::timeline::Timeline;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

/// Loads the caller and the newest page at once, then restores unsent messages.
async fn open(actions: ChatActions) -> Result<(), ApiError> {
    let client = actions.client();
    let conv = actions.conversation_id.get_value();
    let (me, page) = futures::future::join(
        client.me(),
        client.messages(&conv, &Cursor::Newest, crate::actions::FIRST_PAGE),
    )
    .await;
    let me = me?;
    let page = page?;
    actions.me.set_value(me.username.clone());
    actions.timeline.update(|t| {
        t.set_me(as_contact(&me));
        t.load_newest(page);
    });
    for item in storage::outbox(&conv).items {
        actions.queue(item);
    }
    Ok(())
}

/// The conversation view: heading with the title, the feed, the composer.
#[component]
pub fn ConversationView(
    /// The API client.
    client: Client,
    /// The conversation to show.
    conversation_id: String,
    /// Its title.
    #[prop(into)]
    title: Signal<String>,
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
    let load_error = RwSignal::new(None::<ApiError>);
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
    let load = move || {
        load_error.set(None);
        spawn_local(async move {
            match open(actions).await {
                Ok(()) => start_live(),
                Err(err) => {
                    if err.is_auth() {
                        auth_failed.set(true);
                    }
                    load_error.try_set(Some(err));
                }
            }
        });
    };
    if actions.timeline.with_untracked(Timeline::is_loaded) {
        actions.catch_up();
        actions.retry_all();
        start_live();
    } else {
        load();
    }
    let online = window_event_listener(leptos::ev::online, move |_| actions.retry_all());
    on_cleanup(move || online.remove());

    let alert = move || {
        actions.alert.get().map(|message| {
            view! {
                <ErrorBanner message on_dismiss=move |()| actions.alert.set(None)/>
            }
        })
    };
    let load_failed = move || {
        load_error.get().filter(|e| !e.is_auth()).map(|err| {
            view! {
                <ErrorBanner
                    message=format!("The messages could not be loaded. {err}")
                    on_retry=move |()| load()
                />
            }
        })
    };
    view! {
        <section class="pc-conv">
            <h2 class="pc-conv__title">{title}</h2>
            {alert}
            {load_failed}
            <MessageList/>
            <Composer/>
        </section>
    }
}
