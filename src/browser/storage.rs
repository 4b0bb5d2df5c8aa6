//! Browser storage: the token in `sessionStorage`, drafts and unsent messages in
//! `localStorage` per conversation. Storage may be missing or full: every call copes.

use crate::core::outbox::Outbox;

const TOKEN_KEY: &str = "pc.token";

fn session() -> Option<web_sys::Storage> {
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

/// The token saved at sign-in, if any.
pub fn token() -> Option<String> {
    get(session(), TOKEN_KEY).filter(|t| !t.is_empty())
}

/// Saves (or with `""` forgets) the token for this browser tab.
pub fn set_token(token: &str) {
    set(session(), TOKEN_KEY, token);
}

/// The draft of a conversation's composer.
pub fn draft(conversation_id: &str) -> String {
    get(local(), &format!("pc.draft.{conversation_id}")).unwrap_or_default()
}

/// Saves the draft (an empty one is removed).
pub fn set_draft(conversation_id: &str, text: &str) {
    set(local(), &format!("pc.draft.{conversation_id}"), text);
}

/// The unsent messages of a conversation.
pub fn outbox(conversation_id: &str) -> Outbox {
    get(local(), &format!("pc.outbox.{conversation_id}"))
        .map(|s| Outbox::from_json(&s))
        .unwrap_or_default()
}

/// Saves the unsent messages of a conversation.
pub fn set_outbox(conversation_id: &str, outbox: &Outbox) {
    let value = if outbox.items.is_empty() {
        String::new()
    } else {
        outbox.to_json()
    };
    set(local(), &format!("pc.outbox.{conversation_id}"), &value);
}
