//! The root: settles the configuration, signs in, lists conversations and opens one (on a
//! phone, one of the two at a time).

use crate::actions::ChatActions;
use crate::browser::api::Client;
use crate::browser::attention::Attention;
use crate::browser::settings::{
    entry_mark, go_back, load_config, location_hash, mark_entry, push_entry, replace_hash,
    FROM_LIST_ENTRY, LIST_ENTRY,
};
use crate::browser::storage;
use crate::core::config::{fragment_with, parse_fragment, Config, Layer};
use crate::core::conversations::ConversationItem;
use crate::core::timeline::Timeline;
use crate::directory::ConversationDirectory;
use crate::views::conversation_list::ConversationList;
use crate::views::conversation_view::{ConversationView, UNTITLED};
use crate::views::effect;
use crate::views::error_banner::ErrorBanner;
use crate::views::sign_in::SignIn;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

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
    /// The widget's host hears the count of unread messages here.
    on_unread: Option<js_sys::Function>,
) -> impl IntoView {
    let config = LocalResource::new(move || load_config(options.clone(), standalone));
    // The unread count and notifications outside the view; a widget counts while the
    // focus is elsewhere, so it watches its own root.
    let attention = Attention::new(standalone, on_unread);
    provide_context(attention);
    let root = NodeRef::<leptos::html::Div>::new();
    if !standalone {
        effect(move || {
            if let Some(el) = root.get() {
                attention.watch_focus_in(el.into());
            }
        });
    }
    // A token typed into the address bar once the page is open follows the rules of a page
    // load (it leaves the URL at once, and signs in only a tab without a sign-in): the page
    // loads again. The app's own URL changes go through the history API and fire no
    // `hashchange`.
    if standalone {
        let typed = window_event_listener(leptos::ev::hashchange, |_| {
            if parse_fragment(&location_hash()).token.is_some() {
                let _ = window().location().reload();
            }
        });
        on_cleanup(move || typed.remove());
    }
    let cache = ActionsCache::new();
    let auth_failed = RwSignal::new(false);
    // Phones show the conversation list or the conversation (the stylesheet decides by
    // width; the widget has no list).
    let list_screen = RwSignal::new(false);
    let screen = move || {
        standalone.then(|| {
            if list_screen.get() {
                "list"
            } else {
                "conversation"
            }
        })
    };
    let theme = move || config.map(|c| c.theme.clone()).flatten();
    let layout = if standalone {
        "pc-layout"
    } else {
        "pc-layout pc-layout--widget"
    };
    view! {
        <div class="pc-app" data-theme=theme node_ref=root on:focusin=move |_| attention.seen()>
            <div class=layout data-screen=screen>
                <Suspense fallback=move || {
                    view! {
                        <Frame standalone>
                            <p class="pc-muted" role="status">"Loading messages…"</p>
                        </Frame>
                    }
                }>
                    {move || {
                        config.get().map(|config| view! { <Session config cache auth_failed list_screen /> })
                    }}
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
    /// The phone layout shows the conversation list (signed in, standalone).
    list_screen: RwSignal<bool>,
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
    // Nothing of the person signed out stays: their token, and the conversations opened
    // with it (their drafts and unsent messages stay in their own storage, for their
    // next sign-in).
    let sign_out = move || {
        storage::forget_session();
        cache.clear();
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
            Either::Right(
                view! { <SignedIn client config cache auth_failed sign_out list_screen /> },
            )
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

    /// Forgets every conversation opened so far (at sign-out).
    fn clear(&self) {
        self.cache.update_value(|(_, m)| m.clear());
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
    /// The phone layout shows the conversation list.
    list_screen: RwSignal<bool>,
) -> impl IntoView {
    let standalone = config.standalone;
    let attention = expect_context::<Attention>();
    let current = RwSignal::new(config.conversation_id);
    // The conversations (standalone): a refused token shows the "Sign in again" banner;
    // once they are there, the first one opens when none is asked for.
    let directory = ConversationDirectory::new(client.clone());
    let opened_first = Callback::new(move |list: Vec<ConversationItem>| {
        if current.try_with_untracked(Option::is_none) == Some(true) {
            if let Some(first) = list.into_iter().next() {
                current.try_set(Some(first.id));
            }
        }
    });
    let load_list = move || directory.load(auth_failed, opened_first);
    if standalone {
        load_list();
    } else if let Some(id) = current.get_untracked() {
        directory.load_one(id);
    }
    // A refused token (whichever request found it), else a list that could not be loaded
    // (it keeps trying by itself; "Retry" tries at once).
    let banner = move || {
        if auth_failed.get() {
            Some(Either::Left(view! {
                <ErrorBanner
                    message=SESSION_EXPIRED.to_owned()
                    label="Sign in again"
                    on_action=sign_out
                />
            }))
        } else {
            directory.error.get().map(|err| {
                let message = format!("The conversations could not be loaded. {err}");
                Either::Right(view! { <ErrorBanner message label="Retry" on_action=load_list /> })
            })
        }
    };
    let titles = Signal::derive(move || directory.pages.with(|p| p.items().to_vec()));
    let loading_more = Signal::derive(move || directory.pages.with(|p| p.is_loading_next()));
    let more = Callback::new(move |()| spawn_local(async move { directory.load_next().await }));
    // The network came back: a list that failed to load tries again at once.
    let online = window_event_listener(leptos::ev::online, move |_| {
        if standalone && directory.error.with_untracked(Option::is_some) {
            load_list();
        }
    });
    on_cleanup(move || online.remove());
    // Phones show the list when the URL names no conversation, or on the list's own history
    // entry. Opening one from the list adds a history entry, so the browser's back button
    // returns to it. Signed out, the page is no list.
    list_screen.set(standalone && opens_on_list());
    on_cleanup(move || {
        list_screen.try_set(false);
    });
    // A screen that hid the focused control (a tapped link, "Conversations") hands the
    // focus to the other one's first place.
    let show_list = move |on_list: bool| {
        if list_screen.get_untracked() != on_list {
            list_screen.set(on_list);
            request_animation_frame(move || focus_screen(on_list));
        }
    };
    let open_from_list = Callback::new(move |id: String| {
        let from_list = list_screen.get_untracked();
        let other = current.with_untracked(|c| c.as_deref() != Some(id.as_str()));
        if from_list || other {
            let fragment = fragment_with(&location_hash(), "conversation", Some(&id));
            push_entry(Some(&fragment), from_list.then_some(FROM_LIST_ENTRY));
        }
        if other {
            current.set(Some(id));
        }
        show_list(false);
    });
    // "Conversations": back to the list's entry when the conversation was opened from it,
    // else a new entry for the list.
    let to_list = Callback::new(move |()| {
        if entry_mark().as_deref() == Some(FROM_LIST_ENTRY) {
            go_back();
        } else {
            push_entry(None, Some(LIST_ENTRY));
            show_list(true);
        }
    });
    if standalone {
        // The open conversation is in the URL, so a reload or a shared link opens it; the
        // browser's back and forward buttons, or a fragment typed in the address bar (each
        // a popstate), open the conversation and the screen of their history entry.
        effect(move || {
            if let Some(id) = current.get() {
                let hash = location_hash();
                if parse_fragment(&hash).conversation_id.as_deref() != Some(id.as_str()) {
                    replace_hash(&fragment_with(&hash, "conversation", Some(&id)));
                }
            }
        });
        let popstate = window_event_listener(leptos::ev::popstate, move |_| {
            let wanted = parse_fragment(&location_hash()).conversation_id;
            if wanted.is_some() && wanted != current.get_untracked() {
                current.set(wanted);
            }
            show_list(entry_mark().as_deref() == Some(LIST_ENTRY));
        });
        on_cleanup(move || popstate.remove());
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
            let on_back = standalone.then_some(to_list);
            Either::Left(view! { <ConversationView actions title on_back /> })
        }
        None => Either::Right(view! { <p class="pc-muted">"No conversation is open."</p> }),
    };
    // The open conversation never waits for the list: it shows while the list loads.
    view! {
        {standalone.then(|| view! {
            <ConversationList conversations=titles current on_end=more loading_more on_open=open_from_list>
                <Show when=move || attention.can_ask()>
                    <button
                        type="button"
                        class="pc-button pc-button--quiet pc-convlist__account"
                        on:click=move |_| attention.ask()
                    >
                        "Turn on notifications"
                    </button>
                </Show>
                <button
                    type="button"
                    class="pc-button pc-button--quiet pc-convlist__account"
                    on:click=move |_| sign_out.run(())
                >
                    "Sign out"
                </button>
            </ConversationList>
        })}
        <Frame standalone>
            {standalone.then(|| view! { <h1 class="pc-visually-hidden">"Protocol Chat"</h1> })}
            {banner}
            {open}
        </Frame>
    }
}

/// Whether the phone layout opens on the conversation list: on the list's own history
/// entry (a reload), or when the URL names no conversation (this entry becomes the list's).
fn opens_on_list() -> bool {
    let on_list = match entry_mark().as_deref() {
        Some(mark) => mark == LIST_ENTRY,
        None => parse_fragment(&location_hash()).conversation_id.is_none(),
    };
    if on_list {
        mark_entry(LIST_ENTRY);
    }
    on_list
}

/// When the focused control is hidden (or none is), focuses the first place of the screen
/// now shown: the open conversation's link on the list, the heading of the conversation.
fn focus_screen(on_list: bool) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let hidden = |a: &web_sys::Element| {
        let rect = a.get_bounding_client_rect();
        rect.width() == 0.0 && rect.height() == 0.0
    };
    let lost = doc
        .active_element()
        .is_none_or(|a| hidden(&a) || doc.body().is_some_and(|b| a == *b));
    if !lost {
        return;
    }
    let selectors: &[&str] = if on_list {
        &[
            ".pc-convlist__link[aria-current=page]",
            ".pc-convlist__link",
        ]
    } else {
        &[".pc-conv__title"]
    };
    if let Some(el) = selectors
        .iter()
        .find_map(|s| doc.query_selector(s).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
