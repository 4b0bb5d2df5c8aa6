//! The unread count outside the view: new messages from others that arrived while the
//! reader was not looking (the tab hidden, or the widget without the focus), and how the
//! count and a notification read.

/// The longest notification body, in characters.
pub const NOTIFICATION_CHARS: usize = 100;

/// New messages from others since the reader last looked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnreadCount(u32);

impl UnreadCount {
    /// The count.
    pub fn get(self) -> u32 {
        self.0
    }

    /// A message from someone else arrived; it counts when the reader was not `looking`.
    /// True when the count changed.
    pub fn arrived(&mut self, looking: bool) -> bool {
        if looking {
            return false;
        }
        self.0 = self.0.saturating_add(1);
        true
    }

    /// The reader looks again: the count starts over. True when it changed.
    pub fn seen(&mut self) -> bool {
        std::mem::take(&mut self.0) != 0
    }
}

/// The document title with the count in front: "(3) Frank McCallister"; the title alone
/// when nothing is unread.
pub fn counted_title(count: u32, title: &str) -> String {
    if count == 0 {
        title.to_owned()
    } else {
        format!("({count}) {title}")
    }
}

/// A notification's body: the text on one line, at most [`NOTIFICATION_CHARS`] characters
/// (cut with "…").
pub fn notification_body(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= NOTIFICATION_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(NOTIFICATION_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_what_arrives_unseen_and_starts_over_when_seen() {
        let mut unread = UnreadCount::default();
        assert!(!unread.arrived(true));
        assert_eq!(unread.get(), 0);
        assert!(unread.arrived(false));
        assert!(unread.arrived(false));
        assert_eq!(unread.get(), 2);
        assert!(unread.seen());
        assert_eq!(unread.get(), 0);
        assert!(!unread.seen(), "seeing nothing new changes nothing");
    }

    #[test]
    fn the_title_carries_the_count() {
        assert_eq!(counted_title(0, "Frank McCallister"), "Frank McCallister");
        assert_eq!(
            counted_title(3, "Frank McCallister"),
            "(3) Frank McCallister"
        );
    }

    #[test]
    fn a_notification_body_is_one_short_line() {
        assert_eq!(notification_body("see you\n at 8"), "see you at 8");
        let long = "word ".repeat(60);
        let body = notification_body(&long);
        assert_eq!(body.chars().count(), NOTIFICATION_CHARS);
        assert!(body.ends_with("word…"));
        let spaced = format!("{} tail", "x".repeat(NOTIFICATION_CHARS - 2));
        assert_eq!(
            notification_body(&spaced),
            format!("{}…", "x".repeat(NOTIFICATION_CHARS - 2)),
            "no space before the cut"
        );
        assert_eq!(
            notification_body(&"é".repeat(150)).chars().count(),
            NOTIFICATION_CHARS
        );
    }
}
