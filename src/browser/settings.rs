//! Where the app's settings come from (UI.md "Configuration", first match wins): the
//! embedder's options, the URL fragment, this tab's sign-in, `config.json` beside the
//! page; and the fragment that keeps the open conversation in the URL. The rules are
//! [`crate::core::config::settle`]; this module reads the browser for them.

use crate::browser::storage;
use crate::core::config::{
    fragment_with, parse_fragment, settle, Config, FileConfig, Layer, Sources,
};

/// The page's URL fragment, with its `#`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The history entry of the phone layout's conversation list (the entry's state).
pub const LIST_ENTRY: &str = "pc-list";
/// The mark of a conversation opened from the list's entry: going back shows the list.
pub const FROM_LIST_ENTRY: &str = "pc-from-list";

fn history() -> Option<web_sys::History> {
    web_sys::window()?.history().ok()
}

/// The page's URL with `fragment` (without its `#`; empty for none).
fn url_with(fragment: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let path = location.pathname().ok()? + &location.search().unwrap_or_default();
    Some(if fragment.is_empty() {
        path
    } else {
        format!("{path}#{fragment}")
    })
}

/// Replaces the fragment without a new history entry; the entry keeps its mark.
pub fn replace_hash(fragment: &str) {
    let (Some(history), Some(url)) = (history(), url_with(fragment)) else {
        return;
    };
    let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
    let _ = history.replace_state_with_url(&state, "", Some(&url));
}

/// The mark of the current history entry ([`LIST_ENTRY`], [`FROM_LIST_ENTRY`]), if any.
pub fn entry_mark() -> Option<String> {
    history()?.state().ok()?.as_string()
}

/// Marks the current history entry, keeping its URL.
pub fn mark_entry(mark: &str) {
    if let Some(history) = history() {
        let _ = history.replace_state(&wasm_bindgen::JsValue::from_str(mark), "");
    }
}

/// A new history entry at `fragment` (the current URL when `None`), marked `mark`.
pub fn push_entry(fragment: Option<&str>, mark: Option<&str>) {
    let Some(history) = history() else { return };
    let state = mark.map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from_str);
    let url = fragment.and_then(url_with);
    let _ = history.push_state_with_url(&state, "", url.as_deref());
}

/// The browser's back button, from the page.
pub fn go_back() {
    if let Some(history) = history() {
        let _ = history.back();
    }
}

/// The origin `url` (absolute, or relative to the page) is at, as the browser's own URL
/// parser, and so `fetch`, reads it; `None` when it is no http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let page = web_sys::window()?.location().href().ok()?;
    let parsed = web_sys::Url::new_with_base(url.trim(), &page).ok()?;
    matches!(parsed.protocol().as_str(), "http:" | "https:").then(|| parsed.origin())
}

/// Reads `config.json` beside the page; missing or broken counts as empty.
async fn config_file() -> FileConfig {
    crate::browser::api::fetch_text("config.json")
        .await
        .map(|t| FileConfig::from_json(&t))
        .unwrap_or_default()
}

/// Settles the configuration (the rules of [`settle`]). A token in the fragment leaves the
/// URL, whether it was used or not; one used is kept as this tab's sign-in.
pub async fn load_config(options: Layer, standalone: bool) -> Config {
    let hash = location_hash();
    let fragment = if standalone {
        parse_fragment(&hash)
    } else {
        Layer::default()
    };
    if fragment.token.is_some() {
        replace_hash(&fragment_with(&hash, "token", None));
    }
    let mut sources = Sources {
        options,
        fragment,
        stored: storage::session(),
        file: FileConfig::default(),
        page_origin: web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default(),
        standalone,
    };
    if standalone {
        sources.file = config_file().await;
    }
    let settled = settle(&sources, origin_of);
    if let Some(session) = &settled.store {
        storage::set_session(session);
    }
    settled.config
}
