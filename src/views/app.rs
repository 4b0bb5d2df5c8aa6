//! The root: settles the configuration, signs in, lists conversations and opens one.

use crate::actions::ChatActions;
use crate::browser::api::{ApiError, Client};
use crate::browser::settings::{load_config, location_hash, replace_hash};
use crate::browser::storage;
use crate::core::config::{fragment_with, parse_fragment, Config, Layer};
use crate::core::timeline::Timeline;
use crate::views::conversation_list::{ConversationItem, ConversationList};
use crate::views::conversation_view::{ConversationView, UNTITLED};
use crate::views::error_banner::ErrorBanner;
use crate::views::sign_in::SignIn;
use leptos::either::Either;
use leptos::prelude::*;

/// The sentence of the banner shown when the server refused the token.
const SESSION_EXPIRED: &str =
    "Your session has expired or the token is not valid. Please sign in again.";

/// The app: a `.pc-app` root (all styles are scoped under it, the theme is its
/// `data-theme`) that never goes blank. With `standalone` it shows the conversation list and
/// keeps the open conversation in the URL.
#[component]
pub fn App(
    /// The embedder's options, the highest-priority configuration layer.
    options: Layer,
    /// The standalone page, not an embedded widget.
    standalone: bool,
) -> impl IntoView {
    let config = LocalResource::new(move || load_config(options.clone(), standalone));
    let cache = ActionsCache::new();
    let auth_failed = RwSignal::new(false);
    let theme = move || config.map(|c| c.theme.clone()).flatten();
    let layout = if standalone {
        "pc-layout"
    } else {
        "pc-layout pc-layout--widget"
    };
    view! {
        <div class="pc-app" data-theme=theme>
            <div class=layout>
                <Suspense fallback=move || {
                    view! {
                        <Frame standalone>
                            <p class="pc-muted" role="status">"Loading…"</p>
                        </Frame>
                    }
                }>
                    {move || config.get().map(|config| view! { <Session config cache auth_failed /> })}
                </Suspense>
            </div>
        </div>
    }
}

/// The app's landmark: `main` on the standalone page; in a widget a region named "Chat"
/// (its host page has its own `main`).
#[component]
fn Frame(
    /// The standalone page, not an embedded widget.
    standalone: bool,
    /// What the landmark holds.
    children: Children,
) -> impl IntoView {
    if standalone {
        Either::Left(view! { <main class="pc-main">{children()}</main> })
    } else {
        Either::Right(view! { <section class="pc-main" aria-label="Chat">{children()}</section> })
    }
}

/// The settled configuration's page: the sign-in form without a token, else the signed-in
/// page. Signing in and out change the token.
#[component]
fn Session(
    /// The settled configuration.
    config: Config,
    /// The commands of the conversations opened so far.
    cache: ActionsCache,
    /// Set when the server refused the token.
    auth_failed: RwSignal<bool>,
) -> impl IntoView {
    let standalone = config.standalone;
    let token = RwSignal::new(config.token.clone());
    // A typed token is kept for this tab with the API it was typed for.
    let api_base = StoredValue::new(config.api_base.clone());
    let signed_in = move |value: String| {
        let kept = api_base.with_value(|base| crate::core::session::Session::new(base, &value));
        storage::set_session(&kept);
        auth_failed.set(false);
        token.set(Some(value));
    };
    let sign_out = move || {
        storage::forget_session();
        token.set(None);
    };
    move || match token.get() {
        None => Either::Left(view! {
            <Frame standalone>
                <SignIn on_sign_in=signed_in page_title=standalone />
            </Frame>
        }),
        Some(token) => {
            let client = Client::new(&config.api_base, &token);
            let config = config.clone();
            Either::Right(view! { <SignedIn client config cache auth_failed sign_out /> })
        }
    }
}

/// Commands of every conversation opened so far, owned by the root so an answer that
/// lands after the view changed never touches a disposed signal.
#[derive(Clone, Copy)]
pub struct ActionsCache {
    /// The root's owner, and the commands by client identity and conversation id (few
    /// entries: a list is smaller than a map).
    cache: StoredValue<(Owner, Vec<(String, ChatActions)>)>,
}

impl ActionsCache {
    /// An empty cache whose commands belong to the current owner.
    fn new() -> Self {
        Self {
            cache: StoredValue::new((Owner::current().unwrap_or_default(), Vec::new())),
        }
    }

    /// The commands of `conversation_id` for `client`, created on first use.
    pub fn get(
        &self,
        client: &Client,
        conversation_id: &str,
        auth_failed: RwSignal<bool>,
    ) -> ChatActions {
        let key = format!("{}\n{conversation_id}", client.identity());
        let (owner, cached) = self.cache.with_value(|(owner, m)| {
            let cached = m.iter().find(|(k, _)| *k == key).map(|(_, a)| *a);
            (owner.clone(), cached)
        });
        if let Some(actions) = cached {
            return actions;
        }
        let actions = owner.with(|| {
            ChatActions::new(
                client.clone(),
                conversation_id.to_owned(),
                Timeline::default(),
                String::new(),
                auth_failed,
            )
        });
        self.cache.update_value(|(_, m)| m.push((key, actions)));
        actions
    }
}

/// The conversations with their titles (UI.md: group name, else the other contact's
/// display name, else their username).
async fn load_conversations(client: Client) -> Result<Vec<ConversationItem>, ApiError> {
    let page = client.conversations().await?;
    let contacts = client.contacts().await.map(|p| p.data).unwrap_or_default();
    let mut items = Vec::with_capacity(page.data.len());
    for conv in page.data {
        let mut title = None;
        if let Some(group) = &conv.group_id {
            title = client.group(group).await.ok().map(|g| g.name);
        }
        if title.is_none() {
            title = conv.contact_id.as_ref().and_then(|id| {
                contacts.iter().find(|c| c.id == *id).map(|c| {
                    c.display_name
                        .clone()
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or_else(|| c.username.clone())
                })
            });
        }
        items.push(ConversationItem {
            id: conv.id,
            title: title.unwrap_or_else(|| UNTITLED.to_owned()),
        });
    }
    Ok(items)
}

/// The signed-in page: the conversation list (standalone), the error banners and the open
/// conversation.
#[component]
fn SignedIn(
    /// The API client of the token signed in with.
    client: Client,
    /// The settled configuration.
    config: Config,
    /// The commands of the conversations opened so far.
    cache: ActionsCache,
    /// Set when the server refused the token.
    auth_failed: RwSignal<bool>,
    /// Forgets the token and shows the sign-in form.
    #[prop(into)]
    sign_out: Callback<()>,
) -> impl IntoView {
    let standalone = config.standalone;
    let current = RwSignal::new(config.conversation_id);
    // The conversations: a refused token shows the "Sign in again" banner; once they are
    // there, the first one opens when none is asked for.
    let conversations = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            async move {
                let loaded = load_conversations(client).await;
                match &loaded {
                    Err(err) if err.is_auth() => {
                        auth_failed.try_set(true);
                    }
                    Ok(list) if current.try_with_untracked(Option::is_none) == Some(true) => {
                        if let Some(first) = list.first() {
                            current.try_set(Some(first.id.clone()));
                        }
                    }
                    _ => {}
                }
                loaded
            }
        }
    });
    // Why the conversations could not be loaded (not when the token was refused: that
    // banner is shown instead). A retry keeps the banner until its answer.
    let list_error = move || {
        conversations
            .map(|loaded| {
                loaded
                    .as_ref()
                    .err()
                    .filter(|err| !err.is_auth())
                    .map(|err| format!("The conversations could not be loaded. {err}"))
            })
            .flatten()
    };
    // A refused token (whichever request found it), else a list that could not be loaded.
    let banner = move || {
        if auth_failed.get() {
            Some(view! {
                <ErrorBanner
                    message=SESSION_EXPIRED.to_owned()
                    label="Sign in again"
                    on_action=sign_out
                />
            })
        } else {
            list_error().map(|message| {
                view! {
                    <ErrorBanner message label="Retry" on_action=move || conversations.refetch() />
                }
            })
        }
    };
    let titles = Signal::derive(move || {
        conversations
            .map(|loaded| loaded.clone().unwrap_or_default())
            .unwrap_or_default()
    });
    // The network came back: a list that failed to load tries again by itself.
    let online = window_event_listener(leptos::ev::online, move |_| {
        if list_error().is_some() {
            conversations.refetch();
        }
    });
    on_cleanup(move || online.remove());
    if standalone {
        // The open conversation is in the URL, so a reload or a shared link opens it; a
        // link or the browser's back button changes the fragment, and that opens its one.
        Effect::new(move || {
            if let Some(id) = current.get() {
                let hash = location_hash();
                if parse_fragment(&hash).conversation_id.as_deref() != Some(id.as_str()) {
                    replace_hash(&fragment_with(&hash, "conversation", Some(&id)));
                }
            }
        });
        let hashchange = window_event_listener(leptos::ev::hashchange, move |_| {
            let wanted = parse_fragment(&location_hash()).conversation_id;
            if wanted.is_some() && wanted != current.get_untracked() {
                current.set(wanted);
            }
        });
        on_cleanup(move || hashchange.remove());
    }
    let open = move || match current.get() {
        Some(id) => {
            let actions = cache.get(&client, &id, auth_failed);
            let title = Signal::derive(move || {
                titles.with(|list| {
                    list.iter()
                        .find(|c| c.id == id)
                        .map_or_else(|| UNTITLED.to_owned(), |c| c.title.clone())
                })
            });
            Either::Left(view! { <ConversationView actions title /> })
        }
        None => Either::Right(view! { <p class="pc-muted">"No conversation is open."</p> }),
    };
    // Each read of the conversations sits in its own boundary (the list's, the banner's and
    // the heading's `Transition`): the app's `Suspense` around this page never waits for
    // them, so the open conversation shows while the list loads.
    view! {
        {standalone.then(|| view! { <ConversationList conversations=titles current /> })}
        <Frame standalone>
            {standalone.then(|| view! { <h1 class="pc-visually-hidden">"Protocol Chat"</h1> })}
            <Transition>{banner}</Transition>
            {open}
        </Frame>
    }
}
