//! Browser storage: this tab's sign-in (token, its API and its caller) in
//! `sessionStorage`; drafts and unsent messages in `localStorage`, one set per API origin,
//! caller and conversation ([`Author`]). Storage may be missing or full: every call copes.
//!
//! Plain `web_sys::Storage`, not leptos-use's `use_storage`: the outbox is read, changed
//! and written back at once by commands that outlive the views (a reload right after a
//! send must find it), where `use_storage` writes from an effect on a later tick and ties
//! each key to a reactive owner; and the keys name a caller who is only known once
//! `/v1/contacts/me` has answered.

use crate::browser::api::Client;
use crate::core::outbox::Outbox;
use crate::core::session::{Author, Session};

const SESSION_KEY: &str = "pc.session";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(store: Option<web_sys::Storage>, key: &str) -> Option<String> {
    store?.get_item(key).ok()?
}

fn set(store: Option<web_sys::Storage>, key: &str, value: &str) {
    if let Some(store) = store {
        let _ = if value.is_empty() {
            store.remove_item(key)
        } else {
            store.set_item(key, value)
        };
    }
}

/// This tab's sign-in, if any.
pub fn session() -> Option<Session> {
    get(session_storage(), SESSION_KEY).and_then(|s| Session::from_json(&s))
}

/// Keeps `session` as this tab's sign-in (the token typed into the form, or found in the
/// fragment of a fresh tab).
pub fn set_session(session: &Session) {
    set(session_storage(), SESSION_KEY, &session.to_json());
}

/// Forgets this tab's sign-in.
pub fn forget_session() {
    set(session_storage(), SESSION_KEY, "");
}

/// The caller `client`'s token names, if this tab's sign-in has learnt it.
pub fn known_caller(client: &Client) -> Option<String> {
    session()
        .filter(|s| s.is_for(client.base(), client.token()))
        .and_then(|s| s.caller_id)
}

/// Notes who `client`'s token names, when it is this tab's sign-in.
pub fn remember_caller(client: &Client, caller_id: &str) {
    if let Some(mut s) = session().filter(|s| s.is_for(client.base(), client.token())) {
        if s.caller_id.as_deref() != Some(caller_id) {
            s.caller_id = Some(caller_id.to_owned());
            set_session(&s);
        }
    }
}

/// The owner of the drafts and unsent messages of `caller_id` at `client`'s API.
pub fn author(client: &Client, caller_id: &str) -> Author {
    Author {
        api_origin: crate::browser::settings::origin_of(client.base())
            .unwrap_or_else(|| client.base().to_owned()),
        caller_id: caller_id.to_owned(),
    }
}

/// `author`'s draft of a conversation.
pub fn draft(author: &Author, conversation_id: &str) -> String {
    get(local(), &author.draft_key(conversation_id)).unwrap_or_default()
}

/// Saves `author`'s draft (an empty one is removed).
pub fn set_draft(author: &Author, conversation_id: &str, text: &str) {
    set(local(), &author.draft_key(conversation_id), text);
}

/// `author`'s unsent messages of a conversation.
pub fn outbox(author: &Author, conversation_id: &str) -> Outbox {
    get(local(), &author.outbox_key(conversation_id))
        .map(|s| Outbox::from_json(&s))
        .unwrap_or_default()
}

/// Saves `author`'s unsent messages of a conversation.
pub fn set_outbox(author: &Author, conversation_id: &str, outbox: &Outbox) {
    let value = if outbox.items.is_empty() {
        String::new()
    } else {
        outbox.to_json()
    };
    set(local(), &author.outbox_key(conversation_id), &value);
}
