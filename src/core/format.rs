//! Pure presentation rules: grouping, date separators, human sizes, link splitting and
//! which attachment URLs may become links.

use protocol_api::Timestamp;

/// Consecutive messages from one sender closer than this (seconds) are grouped.
pub const GROUP_WINDOW_SECS: Timestamp = 5 * 60;

/// The local calendar day of `ts`, given the time zone's offset east of UTC in minutes.
pub fn day_key(ts: Timestamp, offset_east_minutes: i64) -> i64 {
    (ts + offset_east_minutes * 60).div_euclid(86_400)
}

/// How a row relates to the one above it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowLayout {
    /// A date separator goes above this row.
    pub new_day: bool,
    /// Same sender as the row above, within the group window, same day: no header.
    pub grouped: bool,
}

/// Layout of every row from (sender id, created_at, day key), oldest first.
pub fn layout(rows: &[(&str, Timestamp, i64)]) -> Vec<RowLayout> {
    let mut out = Vec::with_capacity(rows.len());
    let mut prev: Option<&(&str, Timestamp, i64)> = None;
    for row in rows {
        let new_day = prev.is_none_or(|p| p.2 != row.2);
        let grouped = !new_day
            && prev.is_some_and(|p| p.0 == row.0 && (row.1 - p.1).abs() < GROUP_WINDOW_SECS);
        out.push(RowLayout { new_day, grouped });
        prev = Some(row);
    }
    out
}

/// A byte count in human units with one decimal: "512 B", "2.4 KB", "2.4 MB" (SI, 1000).
/// Integer arithmetic only (no float formatting in the wasm).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut divisor: u64 = 100;
    for unit in ["KB", "MB", "GB", "TB"] {
        let tenths = bytes.saturating_add(divisor / 2) / divisor;
        if tenths < 10_000 || unit == "TB" {
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
        divisor *= 1000;
    }
    String::new()
}

/// A piece of message text: plain, or a link that is safe to make clickable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Plain text.
    Text(&'a str),
    /// An `http`, `https` or `mailto` link.
    Link(&'a str),
}

/// The first link in `s`: (byte offset, scheme length).
fn link_start(s: &str) -> Option<(usize, usize)> {
    let lower = s.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .filter_map(|scheme| {
            let mut from = 0;
            while let Some(pos) = lower[from..].find(scheme) {
                let at = from + pos;
                let boundary = at == 0
                    || s[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_whitespace() || "([<\"'".contains(c));
                if boundary {
                    return Some((at, scheme.len()));
                }
                from = at + scheme.len();
            }
            None
        })
        .min()
}

fn link_len(s: &str) -> usize {
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '\u{a0}' || "<>\"".contains(c))
        .unwrap_or(s.len());
    let trimmed = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
    trimmed.len()
}

/// Splits text into plain and link segments; only `http`, `https` and `mailto` links.
pub fn split_links(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((start, scheme_len)) = link_start(rest) {
        let len = link_len(&rest[start..]);
        if len <= scheme_len {
            out.push(Segment::Text(&rest[..start + scheme_len]));
            rest = &rest[start + scheme_len..];
            continue;
        }
        if start > 0 {
            out.push(Segment::Text(&rest[..start]));
        }
        out.push(Segment::Link(&rest[start..start + len]));
        rest = &rest[start + len..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest));
    }
    out
}

/// Where the "New messages" line goes, from each row's (sent by the caller, read by someone
/// other than its sender), oldest first: above the first unread message from others after
/// the caller was last there, that is after their own newest message and after the newest
/// message from others they have read. `None` when nothing from others is new.
pub fn first_unread(rows: &[(bool, bool)]) -> Option<usize> {
    let seen = rows.iter().rposition(|&(mine, read)| mine || read);
    let from = seen.map_or(0, |i| i + 1);
    rows[from..]
        .iter()
        .position(|&(mine, read)| !mine && !read)
        .map(|i| from + i)
}

/// Lines a folded message shows (UI.md "Long messages": about 15).
pub const FOLD_LINES: usize = 15;

/// The fewest characters a bubble line holds at the narrowest layout (320 px): a text
/// estimated at more than [`FOLD_LINES`] such lines may be folded. The view folds it only
/// when it really overflows its folded height.
const NARROWEST_LINE_CHARS: usize = 28;

/// Whether `text` may be longer than [`FOLD_LINES`] lines in a bubble: its hard lines,
/// each wrapped at [`NARROWEST_LINE_CHARS`] characters, counted up to the first line past
/// the limit (a 10,000-character text costs no more than a short one).
pub fn may_fold(text: &str) -> bool {
    let mut lines = 0;
    for line in text.split('\n') {
        let chars = line
            .chars()
            .take(NARROWEST_LINE_CHARS * (FOLD_LINES + 1))
            .count();
        lines += chars.div_ceil(NARROWEST_LINE_CHARS).max(1);
        if lines > FOLD_LINES {
            return true;
        }
    }
    false
}

/// Initials for an avatar placeholder: the first letter and the next capital, if any.
pub fn initials(username: &str) -> String {
    let mut chars = username.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    let second = chars.find(char::is_ascii_uppercase);
    first.into_iter().chain(second).collect()
}

/// Makes a root-relative `url` (`/files/…`) absolute against the origin of `api_base`;
/// any other `url`, or an `api_base` without a scheme, is returned as given.
pub fn resolve_url(api_base: &str, url: &str) -> String {
    if !url.starts_with('/') || url.starts_with("//") {
        return url.to_owned();
    }
    match api_base.find("://") {
        Some(scheme_end) => {
            let rest = &api_base[scheme_end + 3..];
            let host_end = rest
                .find('/')
                .map_or(api_base.len(), |i| scheme_end + 3 + i);
            format!("{}{url}", &api_base[..host_end])
        }
        None => url.to_owned(),
    }
}

/// Where an attachment's `file_url` (or a contact's `avatar_url`) may take a link or an
/// image: an `http` or `https` URL as given, a root-relative path against the API's origin
/// (see [`resolve_url`]), another relative path as given. `None` for anything else, so the
/// file shows by name only (the avatar by initials): other schemes (`javascript:`,
/// `data:`), a host-relative `//host`, and URLs holding spaces, control characters or
/// backslashes (browsers drop or reinterpret those, which can turn a harmless-looking value
/// into another scheme or host).
pub fn safe_file_url(api_base: &str, url: &str) -> Option<String> {
    let rewritten = |c: char| c.is_ascii_whitespace() || c.is_control() || c == '\\';
    if url.is_empty() || url.chars().any(rewritten) {
        return None;
    }
    if let Some(path) = url.strip_prefix('/') {
        return (!path.starts_with('/')).then(|| resolve_url(api_base, url));
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let authority = ["https://", "http://"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map(|scheme| &url[scheme.len()..]);
    match authority {
        Some(rest) => (!rest.is_empty() && !rest.starts_with('/')).then(|| url.to_owned()),
        // Relative: no scheme before the first `/`, `?` or `#`.
        None => {
            let first = url.split(['/', '?', '#']).next().unwrap_or_default();
            (!first.contains(':')).then(|| url.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_messages_line_follows_the_callers_last_visit() {
        const MINE: (bool, bool) = (true, false);
        const READ: (bool, bool) = (false, true);
        const NEW: (bool, bool) = (false, false);
        assert_eq!(first_unread(&[]), None);
        assert_eq!(first_unread(&[READ, MINE, READ]), None, "all read");
        assert_eq!(first_unread(&[READ, NEW, NEW]), Some(1));
        assert_eq!(first_unread(&[NEW, NEW]), Some(0), "nothing read yet");
        // A reply of mine says I was there: what came before it is not new.
        assert_eq!(first_unread(&[NEW, MINE, NEW]), Some(2));
        assert_eq!(first_unread(&[NEW, MINE]), None);
        // A message read later than an unread one moves the line past both.
        assert_eq!(first_unread(&[NEW, READ, NEW, MINE, NEW, NEW]), Some(4));
    }

    #[test]
    fn short_texts_never_fold() {
        assert!(!may_fold(""));
        assert!(!may_fold("see you at 8"));
        assert!(!may_fold(&"word ".repeat(80)));
        assert!(!may_fold(&"line\n".repeat(FOLD_LINES - 1)));
    }

    #[test]
    fn many_lines_or_many_characters_fold() {
        assert!(may_fold(&"line\n".repeat(FOLD_LINES + 1)));
        assert!(may_fold(&"x".repeat(NARROWEST_LINE_CHARS * FOLD_LINES + 1)));
        assert!(may_fold(&"é".repeat(10_000)));
        assert!(!may_fold(&"é".repeat(NARROWEST_LINE_CHARS * FOLD_LINES)));
    }

    #[test]
    fn wrapped_and_hard_lines_add_up() {
        let half = "y".repeat(NARROWEST_LINE_CHARS * 8);
        assert!(may_fold(&format!("{half}\n{half}")));
        assert!(!may_fold(&format!(
            "{half}\n{}",
            "y".repeat(NARROWEST_LINE_CHARS * 7)
        )));
    }

    #[test]
    fn day_key_follows_the_offset() {
        assert_eq!(day_key(0, 0), 0);
        assert_eq!(day_key(86_399, 0), 0);
        assert_eq!(day_key(86_400, 0), 1);
        assert_eq!(day_key(23 * 3600, 120), 1, "23:00 UTC is tomorrow at UTC+2");
        assert_eq!(day_key(3600, -120), -1, "01:00 UTC is yesterday at UTC-2");
    }

    #[test]
    fn first_row_starts_a_day_and_a_group() {
        assert_eq!(
            layout(&[("a", 0, 0)]),
            [RowLayout {
                new_day: true,
                grouped: false
            }]
        );
    }

    #[test]
    fn same_sender_within_window_is_grouped() {
        let l = layout(&[("a", 0, 0), ("a", 60, 0), ("a", 60 + GROUP_WINDOW_SECS, 0)]);
        assert!(l[1].grouped);
        assert!(!l[2].grouped, "too far apart");
    }

    #[test]
    fn other_sender_breaks_the_group() {
        let l = layout(&[("a", 0, 0), ("b", 10, 0), ("a", 20, 0)]);
        assert!(!l[1].grouped && !l[2].grouped);
    }

    #[test]
    fn new_day_gets_a_separator_and_breaks_the_group() {
        let l = layout(&[("a", 86_390, 0), ("a", 86_410, 1)]);
        assert!(l[1].new_day);
        assert!(!l[1].grouped);
    }

    #[test]
    fn sizes_in_human_units() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 KB");
        assert_eq!(human_size(2_400_000), "2.4 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(25 * 1024 * 1024), "26.2 MB");
        assert_eq!(human_size(3_000_000_000), "3.0 GB");
    }

    #[test]
    fn plain_text_is_one_segment() {
        assert_eq!(split_links("hello"), [Segment::Text("hello")]);
        assert!(split_links("").is_empty());
    }

    #[test]
    fn links_are_split_out() {
        assert_eq!(
            split_links("see https://example.com/a?b=1, ok"),
            [
                Segment::Text("see "),
                Segment::Link("https://example.com/a?b=1"),
                Segment::Text(", ok")
            ]
        );
        assert_eq!(
            split_links("mail mailto:a@b.c."),
            [
                Segment::Text("mail "),
                Segment::Link("mailto:a@b.c"),
                Segment::Text(".")
            ]
        );
        assert_eq!(
            split_links("(http://x.y)"),
            [
                Segment::Text("("),
                Segment::Link("http://x.y"),
                Segment::Text(")")
            ]
        );
    }

    #[test]
    fn other_schemes_stay_text() {
        assert_eq!(
            split_links("javascript:alert(1) data:text/html,x ftp://x"),
            [Segment::Text(
                "javascript:alert(1) data:text/html,x ftp://x"
            )]
        );
        assert_eq!(split_links("xhttp://a"), [Segment::Text("xhttp://a")]);
    }

    #[test]
    fn bare_scheme_is_not_a_link() {
        assert_eq!(
            split_links("just https:// here"),
            [Segment::Text("just https://"), Segment::Text(" here")]
        );
        assert_eq!(split_links("mailto:"), [Segment::Text("mailto:")]);
    }

    #[test]
    fn uppercase_scheme_is_a_link() {
        assert_eq!(split_links("HTTPS://A.B"), [Segment::Link("HTTPS://A.B")]);
    }

    #[test]
    fn relative_urls_resolve_against_the_api_origin() {
        assert_eq!(
            resolve_url("http://a:8080/v1", "/files/x.png"),
            "http://a:8080/files/x.png"
        );
        assert_eq!(resolve_url("http://a", "/f"), "http://a/f");
        assert_eq!(resolve_url("/v1", "/f"), "/f");
        assert_eq!(resolve_url("http://a/v1", "https://cdn/x"), "https://cdn/x");
        assert_eq!(resolve_url("http://a/v1", "//cdn/x"), "//cdn/x");
    }

    #[test]
    fn file_urls_with_http_or_https_or_same_origin_paths_are_kept() {
        let api = "http://a:8080/v1";
        assert_eq!(
            safe_file_url(api, "/files/k/x%20y.png").as_deref(),
            Some("http://a:8080/files/k/x%20y.png")
        );
        assert_eq!(
            safe_file_url("/v1", "/files/k").as_deref(),
            Some("/files/k")
        );
        assert_eq!(
            safe_file_url(api, "https://cdn.example/f?a=1#b").as_deref(),
            Some("https://cdn.example/f?a=1#b")
        );
        assert_eq!(
            safe_file_url(api, "HTTP://cdn.example/f").as_deref(),
            Some("HTTP://cdn.example/f")
        );
        assert_eq!(
            safe_file_url(api, "files/x.png").as_deref(),
            Some("files/x.png")
        );
        assert_eq!(safe_file_url(api, "./a:b").as_deref(), Some("./a:b"));
        assert_eq!(safe_file_url(api, "x?u=a:b").as_deref(), Some("x?u=a:b"));
    }

    #[test]
    fn file_urls_with_other_schemes_or_hosts_are_refused() {
        let api = "http://a:8080/v1";
        for url in [
            "",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{0}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "blob:http://a/x",
            "file:///etc/passwd",
            "//evil.example/x.png",
            "/\\evil.example/x.png",
            "\\\\evil.example/x.png",
            "https:///evil.example",
            "https://",
            "http:x.png",
            "https://a.example/x y",
        ] {
            assert_eq!(safe_file_url(api, url), None, "{url:?}");
        }
    }

    #[test]
    fn initials_of_usernames() {
        assert_eq!(initials("KevinMcCallister"), "KM");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials(""), "");
    }
}
