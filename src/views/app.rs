//! The root: settles the configuration, signs in, lists conversations and opens one.

use crate::actions::ChatActions;
use crate::browser::api::{ApiError, Client};
use crate::browser::settings::{load_config, location_hash, replace_hash};
use crate::browser::storage;
use crate::core::config::{fragment_with, parse_fragment, Config, Layer};
use crate::core::session::Session;
use crate::core::timeline::Timeline;
use crate::views::conversation_list::{conversation_list, ConversationItem};
use crate::views::conversation_view::conversation_view;
use crate::views::dom;
use crate::views::error_banner::{error_banner, RETRY, SIGN_IN};
use crate::views::sign_in::sign_in;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// The app: a `.pc-app` root (all styles are scoped under it) that never goes blank. With
/// `standalone` it shows the conversation list and keeps the open conversation in the URL.
pub fn app(options: Layer, standalone: bool) -> AnyView {
    // The settled configuration (none while it loads) and the token it runs with, which
    // signing in and out change; setting the token shows the page again.
    let config = Rc::new(RefCell::new(None::<Config>));
    let token = RwSignal::new(None::<String>);
    let auth_failed = RwSignal::new(false);
    let cache = ActionsCache {
        cache: StoredValue::new((Owner::current().unwrap_or_default(), Vec::new())),
    };
    let settled = config.clone();
    let fill = dom::filler(move |el| {
        el.set_class_name("pc-app");
        let (options, settled) = (options.clone(), settled.clone());
        leptos::task::spawn_local(async move {
            let loaded = load_config(options, standalone).await;
            if let Some(theme) = &loaded.theme {
                let _ = el.set_attribute("data-theme", theme);
            }
            let first = loaded.token.clone();
            *settled.borrow_mut() = Some(loaded);
            token.try_set(first);
        });
    });
    let body = dom::dynamic(move || {
        let current = token.get();
        let Some(config) = config.borrow().clone() else {
            return dom::paragraph("pc-muted", Some("status"), "Loading…");
        };
        match current {
            None => {
                // A typed token is kept for this tab with the API it was typed for.
                let api_base = config.api_base.clone();
                sign_in(Rc::new(move |value: String| {
                    storage::set_session(&Session::new(&api_base, &value));
                    auth_failed.set(false);
                    token.set(Some(value));
                }))
            }
            Some(t) => {
                let client = Client::new(&config.api_base, &t);
                let sign_out = Rc::new(move || {
                    storage::forget_session();
                    token.set(None);
                });
                session(client, config, cache, auth_failed, sign_out)
            }
        }
    });
    dom::parent("div", fill, vec![body])
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

/// The signed-in page: the conversation list (standalone), the error banners and the open
/// conversation.
fn session(
    client: Client,
    config: Config,
    cache: ActionsCache,
    auth_failed: RwSignal<bool>,
    sign_out: Rc<dyn Fn()>,
) -> AnyView {
    let standalone = config.standalone;
    let current = RwSignal::new(config.conversation_id);
    // The conversations (none until they load) and why they could not be loaded (not
    // kept when the token was refused: that banner is shown instead).
    let items = RwSignal::new(Vec::<ConversationItem>::new());
    let list_error = RwSignal::new(None::<String>);
    let load_list: Rc<dyn Fn()> = {
        let client = client.clone();
        Rc::new(move || {
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let (list, error) = match load_conversations(client).await {
                    Ok(list) => (list, None),
                    Err(err) => {
                        if err.is_auth() {
                            auth_failed.set(true);
                        }
                        let message = format!("The conversations could not be loaded. {err}");
                        (Vec::new(), (!err.is_auth()).then_some(message))
                    }
                };
                // Open the first conversation when none is asked for.
                let first = list.first().map(|c| c.id.clone());
                items.try_set(list);
                list_error.try_set(error);
                if first.is_some() && current.try_with_untracked(Option::is_none) == Some(true) {
                    current.try_set(first);
                }
            });
        })
    };
    load_list();
    if let Some(window) = web_sys::window() {
        // The network came back: a list that failed to load tries again by itself.
        let retry = load_list.clone();
        dom::listen(&window, &["online"], move |_| {
            if list_error.with_untracked(Option::is_some) {
                retry();
            }
        });
        if standalone {
            dom::listen(&window, &["hashchange"], move |_| {
                let wanted = parse_fragment(&location_hash()).conversation_id;
                if wanted.is_some() && wanted != current.get_untracked() {
                    current.set(wanted);
                }
            });
        }
    }
    let banner = dom::dynamic(move || {
        if auth_failed.get() {
            let message =
                "Your session has expired or the token is not valid. Please sign in again.";
            error_banner(message.to_owned(), SIGN_IN, sign_out.clone())
        } else if let Some(message) = list_error.get() {
            error_banner(message, RETRY, load_list.clone())
        } else {
            dom::nothing()
        }
    });
    let open = dom::dynamic(move || match current.get() {
        Some(id) => {
            if standalone {
                // Keep the open conversation in the URL, so a reload or a shared link opens it.
                let hash = location_hash();
                if parse_fragment(&hash).conversation_id.as_deref() != Some(id.as_str()) {
                    replace_hash(&fragment_with(&hash, "conversation", Some(&id)));
                }
            }
            let actions = cache.get(&client, &id, auth_failed);
            conversation_view(actions, items)
        }
        None => dom::paragraph("pc-muted", None, "No conversation is open."),
    });
    let main = dom::parent(
        "main",
        dom::filler(|el| el.set_class_name("pc-main")),
        vec![banner, open],
    );
    let class = if standalone {
        "pc-layout"
    } else {
        "pc-layout pc-layout--widget"
    };
    let mut children = Vec::with_capacity(2);
    if standalone {
        children.push(conversation_list(items, current));
    }
    children.push(main);
    dom::parent(
        "div",
        dom::filler(move |el| el.set_class_name(class)),
        children,
    )
}
