//! Component tests of the feed in headless Chromium: the real `MessageList` over a loaded
//! timeline, found by roles, names and the attributes UI.md defines. The client points at
//! an unreachable address: a loaded timeline renders without the network.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test feed`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use protocol_api::{Contact, Message, Page, Reactions, Timestamp};
use protocol_chat::actions::ChatActions;
use protocol_chat::browser::api::Client;
use protocol_chat::browser::time;
use protocol_chat::core::timeline::Timeline;
use protocol_chat::views::message_list::MessageList;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, attr, container, text};

/// Two days apart, at noon UTC.
const DAY_ONE: Timestamp = 1_700_049_600;
const DAY_TWO: Timestamp = DAY_ONE + 2 * 86_400;

fn contact(id: &str, username: &str) -> Contact {
    Contact {
        id: id.into(),
        username: username.into(),
        phone_number: None,
        avatar_url: None,
        last_active_at: None,
        created_at: 0,
    }
}

fn kevin() -> Contact {
    contact("WAz8eIbvDR60rouK", "KevinMcCallister")
}

fn frank() -> Contact {
    contact("FRnk8eIbvDR60rou", "FrankMcCallister")
}

fn message(id: &str, from: Contact, text: &str, created_at: Timestamp) -> Message {
    Message {
        id: id.into(),
        conversation_id: "xgQQXg3hrtjh7AvZ".into(),
        contact: from,
        message: text.into(),
        reactions: Reactions::default(),
        attachments: Vec::new(),
        read_at: None,
        created_at,
        updated_at: None,
        edited_at: None,
    }
}

/// Five messages over two days, oldest first: three on the first, two on the second.
fn messages() -> Vec<Message> {
    vec![
        message("m1", frank(), "first of day one", DAY_ONE),
        message("m2", kevin(), "a reply", DAY_ONE + 60),
        message("m3", frank(), "later that day", DAY_ONE + 3_600),
        message("m4", kevin(), "first of day two", DAY_TWO),
        message("m5", frank(), "the newest", DAY_TWO + 60),
    ]
}

/// Mounts the real feed over a timeline loaded with [`messages`], `has_more` telling
/// whether older ones remain; returns the container once the effects have run.
async fn mount_feed(has_more: bool) -> HtmlElement {
    mount_feed_with_actions(has_more).await.0
}

/// [`mount_feed`], also returning the feed's commands, to change its timeline.
async fn mount_feed_with_actions(has_more: bool) -> (HtmlElement, ChatActions) {
    let mut timeline = Timeline::new(kevin());
    let mut data = messages();
    data.reverse();
    timeline.load_newest(Page { has_more, data });
    let root = container();
    let _ = root.style().set_property("height", "400px");
    let _ = root.style().set_property("display", "flex");
    let _ = root.style().set_property("flex-direction", "column");
    let mounted = std::rc::Rc::new(std::cell::Cell::new(None));
    let handed = mounted.clone();
    leptos::mount::mount_to(root.clone(), move || {
        let actions = ChatActions::new(
            Client::new("http://127.0.0.1:9/v1", "demo-kevin"),
            "xgQQXg3hrtjh7AvZ".into(),
            timeline,
            "KevinMcCallister".into(),
            RwSignal::new(false),
        );
        handed.set(Some(actions));
        view! { <MessageList actions /> }
    })
    .forget();
    gloo_timers::future::TimeoutFuture::new(100).await;
    (root, mounted.get().expect("the feed's commands"))
}

fn the_feed(root: &Element) -> Element {
    let feeds = all(root, "[role=\"feed\"]");
    assert_eq!(feeds.len(), 1, "one feed");
    assert_eq!(attr(&feeds[0], "aria-label"), "Messages");
    feeds[0].clone()
}

#[wasm_bindgen_test]
async fn the_feed_holds_every_loaded_message_as_an_article_in_order() {
    let root = mount_feed(false).await;
    let feed = the_feed(&root);
    let articles = all(&feed, "article");
    assert_eq!(articles.len(), 5, "five articles");
    let positions: Vec<String> = articles.iter().map(|a| attr(a, "aria-posinset")).collect();
    assert_eq!(positions, ["1", "2", "3", "4", "5"]);
    for a in &articles {
        assert_eq!(
            attr(a, "aria-setsize"),
            "5",
            "the whole conversation is loaded"
        );
    }
    let texts: Vec<String> = articles.iter().map(text).collect();
    assert!(texts[0].contains("first of day one"), "{texts:?}");
    assert!(texts[4].contains("the newest"), "{texts:?}");
    assert_eq!(attr(&feed, "aria-busy"), "false");
    // Only articles and aria-hidden lines in the feed: no other element names anything.
    for child in all(&feed, ":scope > *") {
        let tag = child.tag_name().to_ascii_lowercase();
        assert!(
            tag == "article" || attr(&child, "aria-hidden") == "true" || tag == "p",
            "feed child <{tag}>"
        );
    }
}

#[wasm_bindgen_test]
async fn rendered_rows_follow_every_later_change_of_the_timeline() {
    let (root, actions) = mount_feed_with_actions(false).await;
    let feed = the_feed(&root);
    let article = |id: &str| {
        all(&feed, &format!("article[data-message-id=\"{id}\"]"))
            .pop()
            .unwrap_or_else(|| panic!("article {id}"))
    };
    // An edit from elsewhere reaches the row on screen.
    let mut edited = message("m3", frank(), "changed later", DAY_ONE + 3_600);
    edited.updated_at = Some(DAY_TWO + 600);
    edited.edited_at = edited.updated_at;
    actions.timeline.update(|t| {
        t.apply_updated(edited);
    });
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(text(&article("m3")).contains("changed later"));
    // A new message moves every row's place in the set, and joins Frank's last group.
    actions.timeline.update(|t| {
        t.apply_created(message("m6", frank(), "one more", DAY_TWO + 120));
    });
    gloo_timers::future::TimeoutFuture::new(50).await;
    let sizes: Vec<String> = all(&feed, "article")
        .iter()
        .map(|a| attr(a, "aria-setsize"))
        .collect();
    assert_eq!(sizes, ["6"; 6], "every row knows the new size of the set");
    assert_eq!(attr(&article("m6"), "aria-posinset"), "6");
    assert!(
        attr(&article("m6"), "class").contains("pc-msg--grouped"),
        "the new row joins Frank's group"
    );
    // A deletion elsewhere moves the rows after it up by one.
    actions.timeline.update(|t| {
        t.apply_deleted("m2");
    });
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(all(&feed, "article[data-message-id=\"m2\"]").is_empty());
    assert_eq!(attr(&article("m3"), "aria-posinset"), "2");
    assert_eq!(attr(&article("m6"), "aria-posinset"), "5");
}

#[wasm_bindgen_test]
async fn a_date_line_stands_above_the_first_message_of_each_day() {
    let root = mount_feed(false).await;
    let feed = the_feed(&root);
    let lines = all(&feed, ".pc-day");
    assert_eq!(lines.len(), 2, "one date line a day");
    for (line, ts) in lines.iter().zip([DAY_ONE, DAY_TWO]) {
        assert_eq!(
            attr(line, "aria-hidden"),
            "true",
            "hidden from assistive technology"
        );
        assert_eq!(text(line), time::day(ts));
        let next = line
            .next_element_sibling()
            .expect("an article after the line");
        assert_eq!(
            next.tag_name(),
            "ARTICLE",
            "the line is a sibling of the articles"
        );
        assert!(
            text(&next).contains(if ts == DAY_ONE {
                "first of day one"
            } else {
                "first of day two"
            }),
            "the line stands above the day's first message"
        );
    }
}

#[wasm_bindgen_test]
async fn a_new_messages_line_stands_above_the_first_unread_message_from_others() {
    let root = mount_feed(false).await;
    let feed = the_feed(&root);
    let lines = all(&feed, ".pc-unread");
    assert_eq!(lines.len(), 1, "one \"New messages\" line");
    assert_eq!(text(&lines[0]), "New messages");
    assert_eq!(attr(&lines[0], "aria-hidden"), "true");
    let next = lines[0]
        .next_element_sibling()
        .expect("an article after the line");
    assert_eq!(next.tag_name(), "ARTICLE");
    assert!(
        text(&next).contains("the newest"),
        "Frank's messages before the caller's own newest one were seen: {}",
        text(&next)
    );
}

#[wasm_bindgen_test]
async fn the_beginning_shows_only_when_no_older_messages_remain() {
    let root = mount_feed(false).await;
    let feed = the_feed(&root);
    assert!(
        text(&feed).contains("This is the beginning of the conversation"),
        "the beginning line"
    );
    assert!(
        all(&feed, "[role=\"status\"]").is_empty(),
        "nothing loading"
    );

    let root = mount_feed(true).await;
    let feed = the_feed(&root);
    assert!(
        !text(&feed).contains("This is the beginning of the conversation"),
        "older messages remain"
    );
    for a in all(&feed, "article") {
        assert_eq!(attr(&a, "aria-setsize"), "-1", "the set's size is unknown");
    }
}

#[wasm_bindgen_test]
async fn no_jump_button_and_a_quiet_live_region_at_the_bottom() {
    let root = mount_feed(false).await;
    let jump = all(&root, "button")
        .into_iter()
        .filter(|b| attr(b, "aria-label") == "Jump to latest")
        .count();
    assert_eq!(jump, 0, "no \"Jump to latest\" while nothing new is below");
    let regions = all(&root, "[aria-live=\"polite\"]");
    assert_eq!(regions.len(), 1, "one polite live region");
    assert_eq!(text(&regions[0]), "", "nothing announced");
    assert!(
        regions[0]
            .closest("[role=\"feed\"]")
            .ok()
            .flatten()
            .is_none(),
        "the live region is outside the feed"
    );
}
