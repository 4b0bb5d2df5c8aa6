//! One open conversation: heading, message list, composer, and the wiring of its
//! commands, live updates and unsent messages.

use crate::actions::{ChatActions, LiveSink};
use crate::browser::attention::{Attention, APP_TITLE};
use crate::browser::live::{self, Live};
use crate::core::timeline::Timeline;
use crate::views::composer::{files_of, Composer};
use crate::views::effect;
use crate::views::error_banner::ErrorBanner;
use crate::views::message_list::MessageList;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// The heading of a conversation without a title, or whose title has not loaded yet.
pub const UNTITLED: &str = "Conversation";

/// Brings the newest messages into view and focuses the message `id` (a notification was
/// clicked).
fn show_message(actions: ChatActions, id: String) {
    // The conversation may have been closed since: then there is nothing to show.
    if actions.to_bottom.try_update(|n| *n += 1).is_none() {
        return;
    }
    request_animation_frame(move || {
        request_animation_frame(move || {
            let article = document()
                .query_selector(&format!("article[data-key=\"{id}\"]"))
                .ok()
                .flatten()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(article) = article {
                let _ = article.focus();
            }
        });
    });
}

/// The view of the conversation of `actions`: heading with its title, its banners (a
/// failed command, a first page that could not be loaded), the feed and the composer.
/// Unsent messages show and go out at once; live updates start once the first page is
/// there.
#[component]
pub fn ConversationView(
    /// The open conversation's commands and timeline.
    actions: ChatActions,
    /// The conversation's title, for its heading.
    #[prop(into)]
    title: Signal<String>,
    /// Shows the conversation list (the phone layout's button "Conversations", in the
    /// standalone app).
    #[prop(optional_no_strip)]
    on_back: Option<Callback<()>>,
) -> impl IntoView {
    // The bubbles read the commands from the context.
    provide_context(actions);
    let live: StoredValue<Option<Live>, LocalStorage> = StoredValue::new_local(None);
    let loaded = Memo::new(move |_| actions.timeline.with(Timeline::is_loaded));
    if loaded.get_untracked() {
        actions.catch_up();
        actions.retry_all();
    } else {
        // Unsent messages show at once; the first page loads (with retries) meanwhile.
        actions.open();
    }
    // Live updates once the first page is there (the stream resyncs when it opens).
    effect(move || {
        let started = live.try_with_value(Option::is_some).unwrap_or(true);
        if loaded.get() && !started {
            let handle = live::start(
                actions.client(),
                actions.conversation_id.get_value(),
                Rc::new(LiveSink(actions)),
            );
            live.try_set_value(Some(handle));
        }
    });
    // Outside the view: the document title names the conversation, and what arrives while
    // the reader looks away is counted and notified; a notification's click opens the
    // newest messages with that one focused.
    if let Some(attention) = use_context::<Attention>() {
        effect(move || title.with(|t| attention.set_title(t)));
        effect(move || {
            if actions.arrivals.with(Vec::is_empty) {
                return;
            }
            let arrived = actions
                .arrivals
                .try_update_untracked(std::mem::take)
                .unwrap_or_default();
            for arrival in arrived {
                let id = arrival.id.clone();
                attention.arrived(&arrival, move || show_message(actions, id.clone()));
            }
        });
        on_cleanup(move || {
            attention.set_title(APP_TITLE);
            attention.seen();
        });
    }
    let online = window_event_listener(leptos::ev::online, move |_| {
        actions.load();
        actions.retry_all();
    });
    on_cleanup(move || online.remove());
    let alert = move || {
        actions.alert.get().map(|message| {
            view! {
                <ErrorBanner
                    message
                    label="Dismiss"
                    quiet=true
                    on_action=move || actions.alert.set(None)
                />
            }
        })
    };
    let load_failed = move || {
        let err = actions
            .load_error
            .get()
            .filter(|e| !e.is_auth() && !loaded.get())?;
        let message = format!("The messages could not be loaded. {err}");
        Some(view! { <ErrorBanner message label="Retry" on_action=move || actions.load() /> })
    };
    // Files dragged over the conversation: a drop target shows (entered and left counted,
    // so moving over the children does not flicker it); dropped files go to the composer.
    // Anything else dragged (text) is left to the browser.
    let dropped = RwSignal::new_local(Vec::<web_sys::File>::new());
    let dragging = RwSignal::new(0u32);
    let carries_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer().is_some_and(|d| {
            d.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
    };
    let on_drag_enter = move |ev: web_sys::DragEvent| {
        if carries_files(&ev) {
            ev.prevent_default();
            dragging.update(|n| *n += 1);
        }
    };
    let on_drag_over = move |ev: web_sys::DragEvent| {
        if carries_files(&ev) {
            ev.prevent_default();
        }
    };
    let on_drag_leave = move |ev: web_sys::DragEvent| {
        if carries_files(&ev) {
            dragging.update(|n| *n = n.saturating_sub(1));
        }
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        let files = files_of(ev.data_transfer());
        dragging.set(0);
        if !files.is_empty() {
            ev.prevent_default();
            dropped.update(|d| d.extend(files));
        }
    };
    view! {
        <section
            class="pc-conv"
            on:dragenter=on_drag_enter
            on:dragover=on_drag_over
            on:dragleave=on_drag_leave
            on:drop=on_drop
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    dragging.set(0);
                }
            }
        >
            <Show when=move || dragging.get() != 0>
                <div class="pc-drop" aria-hidden="true">
                    <p class="pc-drop__label">"Drop files to attach"</p>
                </div>
            </Show>
            <div class="pc-conv__head">
                {on_back.map(|on_back| view! {
                    <button
                        type="button"
                        class="pc-button pc-button--quiet pc-conv__back"
                        on:click=move |_| on_back.run(())
                    >
                        <span aria-hidden="true">"‹ "</span>
                        "Conversations"
                    </button>
                })}
                <h2 class="pc-conv__title" tabindex="-1">
                    <bdi>{title}</bdi>
                </h2>
            </div>
            {alert}
            {load_failed}
            <MessageList actions />
            <Composer actions dropped />
        </section>
    }
}
