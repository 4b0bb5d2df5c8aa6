//! Reaction names and their emoji glyphs: a small table; unknown names show as text.

/// Names offered by the reaction picker, in order, with their glyphs.
pub const TABLE: &[(&str, &str)] = &[
    ("thumbs_up", "👍"),
    ("thumbs_down", "👎"),
    ("heart", "❤️"),
    ("joy", "😂"),
    ("smile", "😄"),
    ("laughing", "😆"),
    ("tada", "🎉"),
    ("fire", "🔥"),
    ("eyes", "👀"),
    ("pray", "🙏"),
    ("clap", "👏"),
    ("ok_hand", "👌"),
    ("rocket", "🚀"),
    ("100", "💯"),
    ("thinking_face", "🤔"),
    ("wave", "👋"),
    ("cry", "😢"),
    ("sob", "😭"),
    ("red_angry_face", "😡"),
    ("open_mouth", "😮"),
    ("wink", "😉"),
    ("sunglasses", "😎"),
    ("heart_eyes", "😍"),
    ("star", "⭐"),
    ("white_check_mark", "✅"),
    ("x", "❌"),
    ("muscle", "💪"),
    ("party_popper", "🎉"),
    ("skull", "💀"),
    ("see_no_evil", "🙈"),
];

/// Other names for entries of the table.
const ALIASES: &[(&str, &str)] = &[
    ("+1", "thumbs_up"),
    ("-1", "thumbs_down"),
    ("thumbsup", "thumbs_up"),
    ("thumbsdown", "thumbs_down"),
    ("rage", "red_angry_face"),
    ("angry", "red_angry_face"),
];

/// The glyph for a reaction name, if the table knows it.
pub fn glyph(name: &str) -> Option<&'static str> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, target)| target);
    TABLE.iter().find(|(n, _)| *n == name).map(|(_, g)| *g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_have_glyphs() {
        assert_eq!(glyph("thumbs_up"), Some("👍"));
        assert_eq!(glyph("red_angry_face"), Some("😡"));
        assert_eq!(glyph("100"), Some("💯"));
    }

    #[test]
    fn aliases_resolve() {
        assert_eq!(glyph("+1"), Some("👍"));
        assert_eq!(glyph("-1"), Some("👎"));
    }

    #[test]
    fn unknown_names_have_none() {
        assert_eq!(glyph("not_an_emoji"), None);
    }

    #[test]
    fn every_name_is_a_valid_reaction_name() {
        for (name, _) in TABLE.iter().chain(ALIASES) {
            assert!(protocol_api::is_valid_reaction_name(name), "{name}");
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, (a, _)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(b, _)| a != b), "{a}");
        }
    }
}
