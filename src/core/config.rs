//! Where the app gets its settings, first match wins (UI.md "Configuration"): mount
//! options, the URL fragment, this tab's sign-in (kept in `sessionStorage`), `config.json`
//! beside `index.html`, then defaults (API at the page's own origin). A token only ever
//! goes to the API it was configured with; see [`settle`] for the rules.
//!
//! Pure and unit-tested; reading the browser is in [`crate::browser::settings`].

use crate::core::session::Session;
use serde::Deserialize;

/// One source of settings; `None` leaves the choice to the next source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// API base URL (the `/v1` suffix is added when missing).
    pub api_base: Option<String>,
    /// Bearer token.
    pub token: Option<String>,
    /// Conversation to open.
    pub conversation_id: Option<String>,
    /// `light` or `dark`; the system's choice otherwise.
    pub theme: Option<String>,
}

impl Layer {
    /// Fills what `self` leaves open from `lower`.
    pub fn or(self, lower: Layer) -> Layer {
        Layer {
            api_base: self.api_base.or(lower.api_base),
            token: self.token.or(lower.token),
            conversation_id: self.conversation_id.or(lower.conversation_id),
            theme: self.theme.or(lower.theme),
        }
    }

    /// The layer without its blank values.
    fn present(&self) -> Layer {
        let keep = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        Layer {
            api_base: keep(&self.api_base),
            token: keep(&self.token),
            conversation_id: keep(&self.conversation_id),
            theme: keep(&self.theme),
        }
    }
}

/// `config.json`: the deployment's settings, and which other API origins a link's
/// fragment may choose. Every field is optional; other fields are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FileConfig {
    /// The API base URL.
    pub api_base: Option<String>,
    /// A token for every visitor (never a real user's: anyone can read the file).
    pub token: Option<String>,
    /// The conversation to open.
    pub conversation_id: Option<String>,
    /// `light` or `dark`.
    pub theme: Option<String>,
    /// Origins (`https://api.example.com`) a fragment `api=` may point at, besides the
    /// page's own and `api_base`'s.
    pub api_origins: Vec<String>,
}

impl FileConfig {
    /// Reads `config.json`; a broken file counts as empty.
    pub fn from_json(text: &str) -> FileConfig {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// Its settings as a layer.
    fn layer(&self) -> Layer {
        Layer {
            api_base: self.api_base.clone(),
            token: self.token.clone(),
            conversation_id: self.conversation_id.clone(),
            theme: self.theme.clone(),
        }
        .present()
    }
}

/// Everything the settings are settled from, as read from the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// The embedder's options (mount options or the loader's `data-*`).
    pub options: Layer,
    /// The URL fragment (standalone page only).
    pub fragment: Layer,
    /// This tab's sign-in.
    pub stored: Option<Session>,
    /// `config.json` (standalone page only).
    pub file: FileConfig,
    /// The page's own origin.
    pub page_origin: String,
    /// Standalone page, not an embedded widget.
    pub standalone: bool,
}

impl Sources {
    /// This tab's sign-in, if the embedder's options leave room for it: no token of their
    /// own, and no other API.
    fn usable_session(&self) -> Option<&Session> {
        let options = self.options.present();
        if options.token.is_some() {
            return None;
        }
        self.stored.as_ref().filter(|s| {
            options
                .api_base
                .as_deref()
                .is_none_or(|api| normalize_api_base(api) == s.api_base)
        })
    }
}

/// The settled configuration, and the sign-in to keep for this tab (a token that came in
/// the fragment), if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settled {
    /// The settings the app runs with.
    pub config: Config,
    /// What to store as this tab's sign-in.
    pub store: Option<Session>,
}

/// Settles the configuration. The rules (README "Configure"):
///
/// 1. The embedder's token goes to the embedder's API (the page's own when none is given).
/// 2. Else this tab's sign-in: its token, with the API it was signed in at. A fragment
///    never changes either: its `token` and `api` are ignored while a tab is signed in.
/// 3. Else a token in the fragment (a fresh tab opened from a link) is used, and kept as
///    this tab's sign-in, with the fragment's `api` if the deployment allows that origin,
///    else the configured API.
/// 4. Else `config.json`'s token, with `config.json`'s API (the page's own when none).
/// 5. Else no token: the sign-in form, whose token goes to the fragment's `api` if
///    allowed, else the configured API.
///
/// The configured API is the embedder's `apiBase`, else `config.json`'s `api_base`, else
/// the page's origin. A fragment `api` is allowed when `origin_of` (the browser's URL
/// parser) puts it at the page's origin, `config.json`'s `api_base` origin or one of its
/// `api_origins`; otherwise it is ignored. The conversation and theme come from the first
/// layer that has them: options, fragment, `config.json`.
pub fn settle(sources: &Sources, origin_of: impl Fn(&str) -> Option<String>) -> Settled {
    let page_origin = &sources.page_origin;
    let options = sources.options.present();
    let fragment = sources.fragment.present();
    let file = sources.file.layer();
    let configured = options
        .api_base
        .clone()
        .or_else(|| file.api_base.clone())
        .unwrap_or_else(|| page_origin.clone());
    let allowed: Vec<String> = std::iter::once(page_origin.clone())
        .chain(file.api_base.iter().filter_map(|a| origin_of(a)))
        .chain(sources.file.api_origins.iter().filter_map(|a| origin_of(a)))
        .collect();
    let fragment_api = fragment
        .api_base
        .clone()
        .filter(|api| origin_of(api).is_some_and(|o| allowed.contains(&o)));
    let mut store = None;
    let (api_base, token) = if let Some(token) = options.token.clone() {
        (configured, Some(token))
    } else if let Some(session) = sources.usable_session() {
        (session.api_base.clone(), Some(session.token.clone()))
    } else if let Some(token) = fragment.token.clone() {
        let api = normalize_api_base(&fragment_api.unwrap_or(configured));
        store = Some(Session::new(&api, &token));
        (api, Some(token))
    } else if let Some(token) = file.token.clone() {
        let api = file.api_base.clone().unwrap_or_else(|| page_origin.clone());
        (api, Some(token))
    } else {
        (fragment_api.unwrap_or(configured), None)
    };
    let rest = options.or(fragment).or(file);
    Settled {
        config: Config {
            api_base: normalize_api_base(&api_base),
            token,
            conversation_id: rest.conversation_id,
            theme: rest.theme.filter(|t| t == "light" || t == "dark"),
            standalone: sources.standalone,
        },
        store,
    }
}

/// The settings the app runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// API base URL ending in `/v1`, no trailing slash.
    pub api_base: String,
    /// Bearer token, if any.
    pub token: Option<String>,
    /// Conversation to open first.
    pub conversation_id: Option<String>,
    /// `light` or `dark`, or `None` for the system's choice.
    pub theme: Option<String>,
    /// Standalone page (with the conversation list and URL state), not an embedded widget.
    pub standalone: bool,
}

/// `https://x` → `https://x/v1`; `https://x/v1/` → `https://x/v1`.
pub fn normalize_api_base(base: &str) -> String {
    let trimmed = base.trim().trim_end_matches('/');
    if trimmed.ends_with("/v1") {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/v1")
    }
}

/// Decodes `%XX` escapes and `+` (as in forms); bad escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a value for the fragment: everything but unreserved characters is escaped.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `key=value` pairs of a fragment or query (leading `#`/`?` allowed), decoded.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.trim_start_matches(['#', '?'])
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Writes pairs back as `a=b&c=d`.
pub fn format_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The settings a fragment `#token=…&conversation=…&api=…&theme=…` carries.
pub fn parse_fragment(fragment: &str) -> Layer {
    let mut layer = Layer::default();
    for (k, v) in parse_pairs(fragment) {
        let slot = match k.as_str() {
            "token" => &mut layer.token,
            "conversation" => &mut layer.conversation_id,
            "api" => &mut layer.api_base,
            "theme" => &mut layer.theme,
            _ => continue,
        };
        *slot = Some(v);
    }
    layer
}

/// The fragment with `key` set to `value` (or removed when `None`), other pairs kept.
pub fn fragment_with(fragment: &str, key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = parse_pairs(fragment)
        .into_iter()
        .filter(|(k, _)| k != key)
        .collect();
    if let Some(v) = value {
        pairs.push((key.to_owned(), v.to_owned()));
    }
    format_pairs(&pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(api: Option<&str>, token: Option<&str>, conv: Option<&str>) -> Layer {
        Layer {
            api_base: api.map(Into::into),
            token: token.map(Into::into),
            conversation_id: conv.map(Into::into),
            theme: None,
        }
    }

    #[test]
    fn fragment_is_parsed() {
        let l = parse_fragment("#token=demo-kevin&conversation=xgQQ&api=http%3A%2F%2Fa%3A1");
        assert_eq!(
            l,
            layer(Some("http://a:1"), Some("demo-kevin"), Some("xgQQ"))
        );
    }

    #[test]
    fn empty_and_odd_fragments() {
        assert_eq!(parse_fragment(""), Layer::default());
        assert_eq!(parse_fragment("#"), Layer::default());
        assert_eq!(parse_fragment("#token"), layer(None, Some(""), None));
        assert_eq!(parse_fragment("#x=1&&y"), Layer::default());
    }

    #[test]
    fn first_layer_wins() {
        let mount = layer(None, Some("mount"), None);
        let fragment = layer(Some("http://f"), Some("frag"), Some("c1"));
        let file = layer(Some("http://file"), Some("file"), Some("c2"));
        let merged = mount.or(fragment).or(file);
        assert_eq!(merged, layer(Some("http://f"), Some("mount"), Some("c1")));
    }

    /// A stand-in for the browser's URL parser: the origin of an absolute http(s) URL,
    /// the page's for a path.
    fn origin_of(url: &str) -> Option<String> {
        if url.starts_with('/') {
            return Some(PAGE.to_owned());
        }
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next()?;
        Some(format!("{scheme}://{host}"))
    }

    const PAGE: &str = "http://chat.example";

    fn sources() -> Sources {
        Sources {
            page_origin: PAGE.into(),
            standalone: true,
            ..Sources::default()
        }
    }

    fn signed_in(api: &str, token: &str) -> Option<Session> {
        Some(Session::new(api, token))
    }

    #[test]
    fn defaults_to_the_page_origin() {
        let s = settle(&sources(), origin_of);
        assert_eq!(s.config.api_base, "http://chat.example/v1");
        assert_eq!((s.config.token, s.store), (None, None));
    }

    #[test]
    fn blank_values_count_as_missing() {
        let s = settle(
            &Sources {
                fragment: layer(Some(" "), Some(""), Some("")),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.api_base, "http://chat.example/v1");
        assert_eq!((s.config.token, s.config.conversation_id), (None, None));
    }

    #[test]
    fn a_fragment_api_never_gets_the_stored_token() {
        let s = settle(
            &Sources {
                fragment: layer(Some("https://evil.example"), None, Some("c1")),
                stored: signed_in("http://chat.example/v1", "mine"),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.api_base, "http://chat.example/v1");
        assert_eq!(s.config.token.as_deref(), Some("mine"));
        assert_eq!(s.config.conversation_id.as_deref(), Some("c1"));
        assert_eq!(s.store, None);
    }

    #[test]
    fn a_fragment_token_never_replaces_the_stored_one() {
        let s = settle(
            &Sources {
                fragment: layer(None, Some("someone-else"), None),
                stored: signed_in("http://api.example/v1", "mine"),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.token.as_deref(), Some("mine"));
        assert_eq!(
            s.config.api_base, "http://api.example/v1",
            "the API it was signed in at"
        );
        assert_eq!(s.store, None);
    }

    #[test]
    fn a_fragment_token_in_a_fresh_tab_is_kept_with_its_api() {
        let s = settle(
            &Sources {
                fragment: layer(None, Some("t"), None),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.token.as_deref(), Some("t"));
        assert_eq!(s.store, signed_in("http://chat.example/v1", "t"));
    }

    #[test]
    fn a_fragment_api_is_used_only_where_the_deployment_allows() {
        let file = FileConfig {
            api_base: Some("https://api.example".into()),
            api_origins: vec!["https://eu.api.example".into()],
            ..FileConfig::default()
        };
        let with = |api: &str| {
            settle(
                &Sources {
                    fragment: layer(Some(api), None, None),
                    file: file.clone(),
                    ..sources()
                },
                origin_of,
            )
            .config
            .api_base
        };
        assert_eq!(with("https://eu.api.example"), "https://eu.api.example/v1");
        assert_eq!(with("https://api.example/v1"), "https://api.example/v1");
        assert_eq!(with("/other"), "/other/v1", "the page's own origin");
        assert_eq!(with("https://evil.example"), "https://api.example/v1");
        assert_eq!(with("javascript:alert(1)"), "https://api.example/v1");
        let fresh_token = settle(
            &Sources {
                fragment: layer(Some("https://evil.example"), Some("t"), None),
                file: file.clone(),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(fresh_token.config.api_base, "https://api.example/v1");
        assert_eq!(fresh_token.store, signed_in("https://api.example/v1", "t"));
    }

    #[test]
    fn without_config_json_only_the_page_origin_is_allowed() {
        let s = settle(
            &Sources {
                fragment: layer(Some("http://127.0.0.1:9"), None, None),
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.api_base, "http://chat.example/v1");
    }

    #[test]
    fn config_json_token_goes_to_config_json_api() {
        let file = FileConfig {
            api_base: Some("https://api.example".into()),
            token: Some("public".into()),
            api_origins: vec!["https://eu.api.example".into()],
            conversation_id: Some("c2".into()),
            ..FileConfig::default()
        };
        let s = settle(
            &Sources {
                fragment: layer(Some("https://eu.api.example"), None, None),
                file,
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.api_base, "https://api.example/v1");
        assert_eq!(s.config.token.as_deref(), Some("public"));
        assert_eq!(s.config.conversation_id.as_deref(), Some("c2"));
        assert_eq!(s.store, None, "a public token is not a sign-in");
    }

    #[test]
    fn the_embedder_decides_for_its_widget() {
        let options = layer(Some("https://api.example"), Some("embedded"), Some("c"));
        let s = settle(
            &Sources {
                options,
                stored: signed_in("https://api.example/v1", "typed"),
                standalone: false,
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.api_base, "https://api.example/v1");
        assert_eq!(s.config.token.as_deref(), Some("embedded"));
        let elsewhere = Sources {
            options: layer(Some("https://other.example"), None, None),
            stored: signed_in("https://api.example/v1", "typed"),
            standalone: false,
            ..sources()
        };
        let s = settle(&elsewhere, origin_of);
        assert_eq!(s.config.token, None, "a sign-in at another API is not used");
        assert_eq!(s.config.api_base, "https://other.example/v1");
    }

    #[test]
    fn config_json_is_read_and_broken_json_ignored() {
        let f = FileConfig::from_json(
            r#"{"api_base":"http://x","token":"t","conversation_id":"c","parent_origin":"","api_origins":["http://y"]}"#,
        );
        assert_eq!(f.layer(), layer(Some("http://x"), Some("t"), Some("c")));
        assert_eq!(f.api_origins, ["http://y"]);
        assert_eq!(FileConfig::from_json("<html>"), FileConfig::default());
        assert_eq!(
            FileConfig::from_json(r#"{"token":5}"#),
            FileConfig::default()
        );
    }

    #[test]
    fn unknown_theme_is_ignored() {
        let s = settle(
            &Sources {
                fragment: Layer {
                    theme: Some("neon".into()),
                    ..Layer::default()
                },
                ..sources()
            },
            origin_of,
        );
        assert_eq!(s.config.theme, None);
    }

    #[test]
    fn api_base_gets_v1_once() {
        assert_eq!(normalize_api_base("http://a"), "http://a/v1");
        assert_eq!(normalize_api_base("http://a/"), "http://a/v1");
        assert_eq!(normalize_api_base("http://a/v1/"), "http://a/v1");
        assert_eq!(normalize_api_base("/api"), "/api/v1");
    }

    #[test]
    fn percent_coding_round_trips() {
        let s = "a b&c=d/é%";
        assert_eq!(percent_decode(&percent_encode(s)), s);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a+b"), "a b");
    }

    #[test]
    fn token_is_removed_from_the_fragment() {
        assert_eq!(
            fragment_with("#token=t&conversation=c", "token", None),
            "conversation=c"
        );
        assert_eq!(
            fragment_with("conversation=a", "conversation", Some("b")),
            "conversation=b"
        );
        assert_eq!(
            fragment_with("", "conversation", Some("b")),
            "conversation=b"
        );
    }
}
