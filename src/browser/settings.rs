//! Where the app's settings come from (UI.md "Configuration", first match wins): the
//! embedder's options, the URL fragment, the token kept for this tab, `config.json` beside
//! the page; and the fragment that keeps the open conversation in the URL.

use crate::browser::storage;
use crate::core::config::{fragment_with, parse_fragment, Config, Layer};

/// The page's URL fragment, with its `#`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the fragment without a new history entry.
pub fn replace_hash(fragment: &str) {
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
    crate::browser::api::fetch_text("config.json")
        .await
        .map(|t| Layer::from_json(&t))
        .unwrap_or_default()
}

/// Settles the configuration (UI.md order). A token in the fragment moves to
/// `sessionStorage` and leaves the URL.
pub async fn load_config(options: Layer, standalone: bool) -> Config {
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
