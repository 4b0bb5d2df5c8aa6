//! The conversation list as loaded so far: pages in the API's order, each conversation
//! once, one page loading at a time and none after the last.

/// A conversation with its title for the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversationItem {
    /// The conversation's id.
    pub id: String,
    /// Group name, else the other contact's display name, else their username.
    pub title: String,
}

/// The conversations loaded so far, and whether more can be asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationPages {
    items: Vec<ConversationItem>,
    loaded: bool,
    has_more: bool,
    loading_next: bool,
}

impl ConversationPages {
    /// The conversations, in the API's order.
    pub fn items(&self) -> &[ConversationItem] {
        &self.items
    }

    /// The first page has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// A next page is on its way.
    pub fn is_loading_next(&self) -> bool {
        self.loading_next
    }

    /// More conversations exist beyond the loaded ones.
    pub fn has_more(&self) -> bool {
        self.has_more
    }

    /// The first page arrived: it replaces whatever was loaded (a reload starts over).
    pub fn first_loaded(&mut self, items: Vec<ConversationItem>, has_more: bool) {
        self.items.clear();
        self.loading_next = false;
        self.append(items);
        self.loaded = true;
        self.has_more = has_more;
    }

    /// Starts loading the next page: the cursor (the last loaded id) to ask after, or
    /// `None` when nothing is loaded yet, a page is already loading or none is left.
    pub fn begin_next(&mut self) -> Option<String> {
        if !self.loaded || !self.has_more || self.loading_next {
            return None;
        }
        let cursor = self.items.last()?.id.clone();
        self.loading_next = true;
        Some(cursor)
    }

    /// The next page arrived: its conversations not already listed are added (the order
    /// may have changed between pages, so one may come twice).
    pub fn next_loaded(&mut self, items: Vec<ConversationItem>, has_more: bool) {
        if !self.loading_next {
            return;
        }
        self.loading_next = false;
        self.append(items);
        self.has_more = has_more;
    }

    /// The next page could not be loaded: it may be asked for again.
    pub fn next_failed(&mut self) {
        self.loading_next = false;
    }

    fn append(&mut self, items: Vec<ConversationItem>) {
        for item in items {
            if !self.items.iter().any(|known| known.id == item.id) {
                self.items.push(item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(ids: &[&str]) -> Vec<ConversationItem> {
        ids.iter()
            .map(|id| ConversationItem {
                id: (*id).to_owned(),
                title: format!("title {id}"),
            })
            .collect()
    }

    fn ids(pages: &ConversationPages) -> Vec<&str> {
        pages.items().iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn nothing_is_asked_for_before_the_first_page() {
        let mut pages = ConversationPages::default();
        assert!(!pages.is_loaded());
        assert_eq!(pages.begin_next(), None);
    }

    #[test]
    fn pages_follow_each_other_one_at_a_time() {
        let mut pages = ConversationPages::default();
        pages.first_loaded(items(&["a", "b"]), true);
        assert_eq!(pages.begin_next().as_deref(), Some("b"));
        assert!(pages.is_loading_next());
        assert_eq!(pages.begin_next(), None, "one page at a time");
        pages.next_loaded(items(&["c", "d"]), true);
        assert_eq!(pages.begin_next().as_deref(), Some("d"));
        pages.next_loaded(items(&["e"]), false);
        assert_eq!(ids(&pages), ["a", "b", "c", "d", "e"]);
        assert!(!pages.has_more());
        assert_eq!(pages.begin_next(), None, "none after the last page");
    }

    #[test]
    fn a_conversation_met_twice_is_listed_once() {
        let mut pages = ConversationPages::default();
        pages.first_loaded(items(&["a", "b", "a"]), true);
        pages.begin_next();
        pages.next_loaded(items(&["b", "c"]), false);
        assert_eq!(ids(&pages), ["a", "b", "c"]);
    }

    #[test]
    fn a_failed_page_can_be_asked_for_again() {
        let mut pages = ConversationPages::default();
        pages.first_loaded(items(&["a"]), true);
        assert!(pages.begin_next().is_some());
        pages.next_failed();
        assert!(!pages.is_loading_next());
        assert_eq!(pages.begin_next().as_deref(), Some("a"));
    }

    #[test]
    fn a_reload_starts_over_and_drops_a_late_page() {
        let mut pages = ConversationPages::default();
        pages.first_loaded(items(&["a", "b"]), true);
        pages.begin_next();
        pages.first_loaded(items(&["z"]), false);
        pages.next_loaded(items(&["c"]), false);
        assert_eq!(ids(&pages), ["z"]);
        assert!(!pages.has_more());
    }
}
