//! The root: settles the configuration, signs in, lists conversations and opens one.

use crate::actions::ChatActions;
use crate::api::{ApiError, Client};
use crate::components::conversation_list::{ConversationItem, ConversationList};
use crate::components::conversation_view::ConversationView;
use crate::components::error_banner::ErrorBanner;
use crate::components::sign_in::SignIn;
use crate::config::{fragment_with, parse_fragment, Config, Layer};
use crate::timeline::Timeline;
use crate::{dom, storage};
use leptos::prelude::*;

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the fragment without a new history entry.
fn replace_hash(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
    let url = if fragment.is_empty() {
        path
    } else {
        format!("{path}#{fragment}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Reads `config.json` beside the page; missing or broken counts as empty.
async fn config_file() -> Layer {
    crate::api::fetch_text("config.json")
        .await
        .map(|t| Layer::from_json(&t))
        .unwrap_or_default()
}

/// Settles the configuration (UI.md order). A token in the fragment moves to
/// `sessionStorage` and leaves the URL.
async fn load_config(options: Layer, standalone: bool) -> Config {
    let mut layer = options;
    if standalone {
        let hash = location_hash();
        let fragment = parse_fragment(&hash);
        if let Some(token) = fragment.token.as_deref().filter(|t| !t.is_empty()) {
            storage::set_token(token);
            replace_hash(&fragment_with(&hash, "token", None));
        }
        layer = layer.or(fragment);
    }
    layer = layer.or(Layer {
        token: storage::token(),
        ..Layer::default()
    });
    if standalone && (layer.token.is_none() || layer.api_base.is_none()) {
        layer = layer.or(config_file().await);
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    Config::resolve(layer, &origin, standalone)
}

/// The app: a `.pc-app` root (all styles are scoped under it) that never goes blank.
#[component]
pub fn App(
    /// The embedder's options, the first configuration layer.
    options: Layer,
    /// Standalone page (conversation list, URL state) rather than a widget.
    standalone: bool,
) -> impl IntoView {
    let config = RwSignal::new(None::<Config>);
    leptos::task::spawn_local(async move {
        config.set(Some(load_config(options, standalone).await));
    });
    // The theme attribute follows the configuration.
    let fill = dom::filler(move |el| {
        let effect = RenderEffect::new(move |_| {
            let _ = match config.with(|c| c.as_ref().and_then(|c| c.theme.clone())) {
                Some(theme) => el.set_attribute("data-theme", &theme),
                None => el.remove_attribute("data-theme"),
            };
        });
        StoredValue::new_local(effect);
    });
    view! {
        <div class="pc-app" use:fill>
            {move || match config.get() {
                Some(config) => view! { <Root config/> }.into_any(),
                None => dom::paragraph("pc-muted", Some("status"), "Loading…"),
            }}
        </div>
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

#[component]
fn Root(config: Config) -> impl IntoView {
    let token = RwSignal::new(config.token.clone());
    let auth_failed = RwSignal::new(false);
    provide_context(ActionsCache {
        cache: StoredValue::new((Owner::current().unwrap_or_default(), Vec::new())),
    });
    let sign_out = Callback::new(move |()| {
        storage::set_token("");
        token.set(None);
    });
    view! {
        {move || match token.get() {
            None => view! { <SignIn token auth_failed/> }.into_any(),
            Some(t) => {
                let config = config.clone();
                let client = Client::new(&config.api_base, &t);
                view! { <Session client config auth_failed sign_out/> }.into_any()
            }
        }}
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
            title: title.unwrap_or_else(|| "Conversation".to_owned()),
        });
    }
    Ok(items)
}

#[component]
fn Session(
    client: Client,
    config: Config,
    auth_failed: RwSignal<bool>,
    sign_out: Callback<()>,
) -> impl IntoView {
    let standalone = config.standalone;
    let current = RwSignal::new(config.conversation_id.clone());
    // The conversations (none until they load) and why they could not be loaded.
    let items = RwSignal::new(Vec::<ConversationItem>::new());
    let list_error = RwSignal::new(None::<ApiError>);
    let load_list = {
        let client = client.clone();
        move || {
            let client = client.clone();
            leptos::task::spawn_local(async move {
                match load_conversations(client).await {
                    Ok(list) => {
                        items.try_set(list);
                        list_error.try_set(None);
                    }
                    Err(err) => {
                        if err.is_auth() {
                            auth_failed.set(true);
                        }
                        items.try_set(Vec::new());
                        list_error.try_set(Some(err));
                    }
                }
            });
        }
    };
    load_list();
    // The network came back: a list that failed to load tries again by itself.
    let online = window_event_listener(leptos::ev::online, {
        let load_list = load_list.clone();
        move |_| {
            if list_error.with_untracked(|e| e.as_ref().is_some_and(|e| !e.is_auth())) {
                load_list();
            }
        }
    });
    on_cleanup(move || online.remove());
    // Open the first conversation when none is asked for.
    StoredValue::new_local(RenderEffect::new(move |_| {
        if current.with_untracked(Option::is_none) {
            if let Some(first) = items.with(|i| i.first().map(|c| c.id.clone())) {
                current.set(Some(first));
            }
        }
    }));
    if standalone {
        let handle = window_event_listener(leptos::ev::hashchange, move |_| {
            let wanted = parse_fragment(&location_hash()).conversation_id;
            if wanted.is_some() && wanted != current.get_untracked() {
                current.set(wanted);
            }
        });
        on_cleanup(move || handle.remove());
        // Keep the open conversation in the URL, so a reload or a shared link opens it.
        StoredValue::new_local(RenderEffect::new(move |_| {
            if let Some(id) = current.get() {
                let hash = location_hash();
                if parse_fragment(&hash).conversation_id.as_deref() != Some(id.as_str()) {
                    replace_hash(&fragment_with(&hash, "conversation", Some(&id)));
                }
            }
        }));
    }
    let list_failed = move || match list_error.get() {
        Some(err) if !auth_failed.get() => Some(view! {
            <ErrorBanner
                message=format!("The conversations could not be loaded. {err}")
                on_retry={
                    let load_list = load_list.clone();
                    move |()| load_list()
                }
            />
        }),
        _ => None,
    };
    view! {
        <div class=if standalone { "pc-layout" } else { "pc-layout pc-layout--widget" }>
            {standalone.then(|| view! { <ConversationList items current/> })}
            <main class="pc-main">
                {move || auth_failed.get().then(|| view! {
                    <ErrorBanner
                        message="Your session has expired or the token is not valid. Please sign in again."
                        on_sign_in=sign_out
                    />
                })}
                {list_failed}
                {move || match current.get() {
                    Some(id) => view! {
                        <ConversationView
                            client=client.clone()
                            conversation_id=id
                            items
                            auth_failed
                        />
                    }
                    .into_any(),
                    None => dom::paragraph("pc-muted", None, "No conversation is open."),
                }}
            </main>
        </div>
    }
}
