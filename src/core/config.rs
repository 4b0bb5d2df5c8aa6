//! Where the app gets its settings, first match wins (UI.md "Configuration"): mount
//! options, the URL fragment, the token kept in `sessionStorage`, `config.json` beside
//! `index.html`, then defaults (API at the page's own origin).
//!
//! Parsing is pure and unit-tested; reading the browser is in [`crate::browser::storage`] and `lib.rs`.

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

    /// Reads `config.json`; a broken file counts as empty.
    pub fn from_json(text: &str) -> Layer {
        let Some(v) = crate::core::json::parse(text) else {
            return Layer::default();
        };
        let field = |k: &str| v.get(k).and_then(|x| x.str()).map(str::to_owned);
        Layer {
            api_base: field("api_base"),
            token: field("token"),
            conversation_id: field("conversation_id"),
            theme: field("theme"),
        }
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

impl Config {
    /// Settles a merged layer, with `origin` (the page's own) as the default API.
    pub fn resolve(layer: Layer, origin: &str, standalone: bool) -> Config {
        let base = layer
            .api_base
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| origin.to_owned());
        Config {
            api_base: normalize_api_base(&base),
            token: layer.token.filter(|t| !t.trim().is_empty()),
            conversation_id: layer.conversation_id.filter(|c| !c.is_empty()),
            theme: layer.theme.filter(|t| t == "light" || t == "dark"),
            standalone,
        }
    }
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

    #[test]
    fn defaults_to_the_page_origin() {
        let c = Config::resolve(Layer::default(), "http://127.0.0.1:8080", true);
        assert_eq!(c.api_base, "http://127.0.0.1:8080/v1");
        assert_eq!(c.token, None);
    }

    #[test]
    fn blank_values_count_as_missing() {
        let c = Config::resolve(layer(Some(" "), Some(""), Some("")), "http://o", true);
        assert_eq!(c.api_base, "http://o/v1");
        assert_eq!((c.token, c.conversation_id), (None, None));
    }

    #[test]
    fn api_base_gets_v1_once() {
        assert_eq!(normalize_api_base("http://a"), "http://a/v1");
        assert_eq!(normalize_api_base("http://a/"), "http://a/v1");
        assert_eq!(normalize_api_base("http://a/v1/"), "http://a/v1");
        assert_eq!(normalize_api_base("/api"), "/api/v1");
    }

    #[test]
    fn config_json_is_read_and_broken_json_ignored() {
        let l = Layer::from_json(r#"{"api_base":"http://x","token":"t","conversation_id":"c"}"#);
        assert_eq!(l, layer(Some("http://x"), Some("t"), Some("c")));
        assert_eq!(Layer::from_json("<html>"), Layer::default());
    }

    #[test]
    fn unknown_theme_is_ignored() {
        let l = Layer {
            theme: Some("neon".into()),
            ..Layer::default()
        };
        assert_eq!(Config::resolve(l, "http://o", true).theme, None);
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
