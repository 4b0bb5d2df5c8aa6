use super::*;
use protocol_api::Reactions;

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
    contact("kevin", "KevinMcCallister")
}

fn frank() -> Contact {
    contact("frank", "FrankMcCallister")
}

fn msg(id: &str, from: Contact, text: &str, at: Timestamp) -> Message {
    Message {
        id: id.into(),
        conversation_id: "c".into(),
        contact: from,
        message: text.into(),
        reactions: Reactions::default(),
        attachments: Vec::new(),
        read_at: None,
        created_at: at,
        updated_at: None,
        edited_at: None,
    }
}

fn updated(mut m: Message, text: &str, at: Timestamp) -> Message {
    m.message = text.into();
    m.updated_at = Some(at);
    m.edited_at = Some(at);
    m
}

/// A page newest first, as the API sends it, from messages given oldest first.
fn page(mut data: Vec<Message>, has_more: bool) -> Page<Message> {
    data.reverse();
    Page { has_more, data }
}

/// A complete newest page: m0 and m1 (what `loaded(2, _)` holds), then `newer`.
fn after_m0_m1(newer: Vec<Message>) -> Page<Message> {
    let mut data = vec![msg("m0", frank(), "t0", 0), msg("m1", frank(), "t1", 10)];
    data.extend(newer);
    page(data, false)
}

fn ids(t: &Timeline) -> Vec<String> {
    t.keys()
        .iter()
        .map(|k| t.row(k).map(|r| r.message.id).unwrap_or_default())
        .collect()
}

fn text(t: &Timeline, key: &str) -> String {
    t.row(key).map(|r| r.message.message).unwrap_or_default()
}

fn loaded(n: usize, has_more: bool) -> Timeline {
    let mut t = Timeline::new(kevin());
    let data = (0..n)
        .map(|i| msg(&format!("m{i}"), frank(), &format!("t{i}"), i as i64 * 10))
        .collect();
    t.load_newest(page(data, has_more));
    t
}

fn send(t: &mut Timeline, client_id: &str, text: &str) -> SendTicket {
    t.send_begin(client_id, "c", text, Vec::new(), 1000)
        .expect("send starts")
}

#[test]
fn newest_page_is_shown_oldest_first() {
    let t = loaded(3, true);
    assert_eq!(ids(&t), ["m0", "m1", "m2"]);
    assert!(t.is_loaded());
    assert!(t.has_more());
    assert_eq!(t.oldest_id().as_deref(), Some("m0"));
    assert_eq!(t.newest_id().as_deref(), Some("m2"));
}

#[test]
fn older_page_is_prepended() {
    let mut t = loaded(2, true);
    assert_eq!(t.begin_older().as_deref(), Some("m0"));
    t.older_loaded(page(
        vec![msg("o1", frank(), "a", -20), msg("o2", frank(), "b", -10)],
        false,
    ));
    assert_eq!(ids(&t), ["o1", "o2", "m0", "m1"]);
    assert!(!t.has_more());
}

#[test]
fn overlapping_older_page_adds_no_duplicate() {
    let mut t = loaded(3, true);
    t.begin_older();
    t.older_loaded(page(
        vec![
            msg("o1", frank(), "a", -10),
            msg("m0", frank(), "t0", 0),
            msg("m1", frank(), "t1", 10),
        ],
        true,
    ));
    assert_eq!(ids(&t), ["o1", "m0", "m1", "m2"]);
}

#[test]
fn only_one_older_load_at_a_time() {
    let mut t = loaded(2, true);
    assert!(t.begin_older().is_some());
    assert!(t.is_loading_older());
    assert_eq!(t.begin_older(), None);
    t.older_failed();
    assert!(t.begin_older().is_some());
}

#[test]
fn no_older_load_after_the_beginning() {
    let mut t = loaded(2, false);
    assert_eq!(t.begin_older(), None);
    let mut t = loaded(2, true);
    t.begin_older();
    t.older_loaded(page(Vec::new(), false));
    assert_eq!(t.begin_older(), None);
}

#[test]
fn no_older_load_before_the_newest_page() {
    let mut t = Timeline::new(kevin());
    assert_eq!(t.begin_older(), None);
}

#[test]
fn send_shows_at_once_then_confirms_in_place() {
    let mut t = loaded(1, false);
    let ticket = send(&mut t, "cid1", "hello");
    assert_eq!(ticket.client_id, "cid1");
    let row = t.row("cid1").expect("row");
    assert_eq!(row.status, Status::Sending);
    assert_eq!(row.message.id, "cid1");
    t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), Some("e1".into()));
    let row = t.row("cid1").expect("same key");
    assert_eq!(row.status, Status::Sent);
    assert_eq!(row.message.id, "s1");
    assert_eq!(t.keys(), ["m0", "cid1"]);
    assert_eq!(t.newest_id().as_deref(), Some("s1"));
}

#[test]
fn echo_before_post_answer_makes_no_duplicate() {
    let mut t = loaded(1, false);
    send(&mut t, "cid1", "hello");
    let echo = msg("s1", kevin(), "hello", 1001);
    assert_eq!(t.apply_created(echo.clone()), Change::None);
    assert_eq!(t.keys(), ["m0", "cid1"], "held, not shown twice");
    assert_eq!(t.row("cid1").map(|r| r.status), Some(Status::Sending));
    t.send_confirmed("cid1", echo, None);
    assert_eq!(t.keys(), ["m0", "cid1"]);
    assert_eq!(ids(&t), ["m0", "s1"]);
}

#[test]
fn echo_after_post_answer_only_refreshes() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), None);
    t.apply_created(msg("s1", kevin(), "hello", 1001));
    assert_eq!(t.keys(), ["cid1"]);
}

#[test]
fn held_echo_update_is_kept_until_confirmed() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    t.apply_created(msg("s1", kevin(), "hello", 1001));
    let mut read = msg("s1", kevin(), "hello", 1001);
    read.read_at = Some(1005);
    read.updated_at = Some(1005);
    t.apply_updated(read.clone());
    t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), None);
    assert_eq!(t.row("cid1").map(|r| r.message.read_at), Some(None));
    t.apply_updated(read);
    assert_eq!(t.row("cid1").map(|r| r.message.read_at), Some(Some(1005)));
}

#[test]
fn my_message_from_elsewhere_shows_when_nothing_is_sending() {
    let mut t = loaded(0, false);
    assert_eq!(
        t.apply_created(msg("x", kevin(), "other tab", 5)),
        Change::NewFromMe
    );
    assert_eq!(ids(&t), ["x"]);
}

#[test]
fn held_echo_of_a_failed_post_is_shown_and_retry_merges() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    t.apply_created(msg("s1", kevin(), "hello", 1001));
    t.send_failed("cid1");
    assert_eq!(ids(&t), ["s1", "cid1"]);
    t.retry("cid1").expect("retry");
    t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), None);
    assert_eq!(
        t.keys(),
        ["cid1"],
        "the replayed answer merges, no duplicate"
    );
}

#[test]
fn others_messages_go_above_pending_sends() {
    let mut t = loaded(1, false);
    send(&mut t, "cid1", "mine");
    let change = t.apply_created(msg("f1", frank(), "see you at 8", 1002));
    assert_eq!(
        change,
        Change::NewFromOther {
            id: "f1".into(),
            username: "FrankMcCallister".into(),
            text: "see you at 8".into()
        }
    );
    assert_eq!(t.keys(), ["m0", "f1", "cid1"]);
}

#[test]
fn failed_send_can_retry_once_or_be_discarded() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    assert_eq!(t.retry("cid1"), None, "not while sending");
    t.send_failed("cid1");
    assert_eq!(t.row("cid1").map(|r| r.status), Some(Status::Failed));
    let ticket = t.retry("cid1").expect("retry");
    assert_eq!(ticket.client_id, "cid1", "same idempotency key");
    assert_eq!(t.retry("cid1"), None, "never twice in parallel");
    t.send_failed("cid1");
    t.discard("cid1");
    assert!(t.is_empty());
}

#[test]
fn discard_only_drops_failed_sends() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    t.discard("cid1");
    assert_eq!(t.len(), 1);
}

#[test]
fn same_client_id_twice_is_refused() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    assert_eq!(t.send_begin("cid1", "c", "again", Vec::new(), 1), None);
}

#[test]
fn edit_shows_at_once_and_confirms() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "helo", 1));
    let ticket = t.edit_begin("k1", "hello").expect("sent now");
    assert_eq!(text(&t, "k1"), "hello");
    assert!(t.row("k1").is_some_and(|r| r.editing));
    assert_eq!(
        t.edit_confirmed(
            "k1",
            ticket.seq,
            updated(msg("k1", kevin(), "", 1), "hello", 5),
            Some("e2".into())
        ),
        None
    );
    assert_eq!(text(&t, "k1"), "hello");
    assert_eq!(
        t.server_copy("k1").and_then(|(_, e)| e).as_deref(),
        Some("e2")
    );
}

#[test]
fn failed_edit_restores_the_server_text() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "original", 1));
    let ticket = t.edit_begin("k1", "changed").expect("ticket");
    assert!(t.edit_failed("k1", ticket.seq));
    assert_eq!(text(&t, "k1"), "original");
}

#[test]
fn failed_edit_after_newer_live_update_restores_the_newest_state() {
    let mut t = loaded(0, false);
    let original = msg("k1", kevin(), "original", 1);
    t.apply_created(original.clone());
    let ticket = t.edit_begin("k1", "mine").expect("ticket");
    t.apply_updated(updated(original, "from my other tab", 7));
    assert_eq!(
        text(&t, "k1"),
        "mine",
        "the optimistic text stays while in flight"
    );
    assert!(t.edit_failed("k1", ticket.seq));
    assert_eq!(text(&t, "k1"), "from my other tab");
}

#[test]
fn two_quick_edits_go_in_order_and_the_last_wins() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "a", 1));
    let first = t.edit_begin("k1", "b").expect("first goes now");
    assert_eq!(t.edit_begin("k1", "c"), None, "second waits");
    assert_eq!(text(&t, "k1"), "c");
    let second = t
        .edit_confirmed(
            "k1",
            first.seq,
            updated(msg("k1", kevin(), "", 1), "b", 5),
            Some("e5".into()),
        )
        .expect("second goes after the first");
    assert_eq!(second.text, "c");
    assert_eq!(
        second.etag.as_deref(),
        Some("e5"),
        "with the first answer's ETag"
    );
    assert_eq!(text(&t, "k1"), "c");
    t.edit_confirmed(
        "k1",
        second.seq,
        updated(msg("k1", kevin(), "", 1), "c", 6),
        None,
    );
    assert_eq!(text(&t, "k1"), "c");
    assert!(t.row("k1").is_some_and(|r| !r.editing));
}

#[test]
fn a_third_edit_replaces_the_queued_one() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "a", 1));
    let first = t.edit_begin("k1", "b").expect("ticket");
    t.edit_begin("k1", "c");
    t.edit_begin("k1", "d");
    let next = t
        .edit_confirmed(
            "k1",
            first.seq,
            updated(msg("k1", kevin(), "", 1), "b", 5),
            None,
        )
        .expect("queued");
    assert_eq!(next.text, "d");
}

#[test]
fn live_delete_of_a_message_with_a_pending_edit_removes_it_for_good() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "a", 1));
    let ticket = t.edit_begin("k1", "b").expect("ticket");
    assert_eq!(t.apply_deleted("k1"), Change::Changed);
    assert!(t.is_empty());
    assert!(!t.edit_failed("k1", ticket.seq), "nothing to restore");
    assert_eq!(
        t.edit_confirmed("k1", ticket.seq, msg("k1", kevin(), "b", 1), None),
        None
    );
    assert!(t.is_empty());
}

#[test]
fn delete_hides_at_once_and_confirms() {
    let mut t = loaded(3, false);
    assert_eq!(t.delete_begin("m1").as_deref(), Some("m1"));
    assert_eq!(t.keys(), ["m0", "m2"]);
    assert_eq!(t.delete_begin("m1"), None, "never twice");
    t.delete_confirmed("m1");
    assert_eq!(t.keys(), ["m0", "m2"]);
    assert!(!t.delete_failed("m1"));
}

#[test]
fn failed_delete_comes_back_at_its_place() {
    let mut t = loaded(3, false);
    t.delete_begin("m1");
    t.apply_created(msg("m3", frank(), "new", 100));
    assert!(t.delete_failed("m1"));
    assert_eq!(t.keys(), ["m0", "m1", "m2", "m3"]);
}

#[test]
fn deleting_the_oldest_moves_the_cursor() {
    let mut t = loaded(2, true);
    t.delete_begin("m0");
    t.delete_confirmed("m0");
    assert_eq!(t.begin_older().as_deref(), Some("m1"));
}

#[test]
fn pending_sends_cannot_be_edited_deleted_or_reacted() {
    let mut t = loaded(0, false);
    send(&mut t, "cid1", "hello");
    assert_eq!(t.edit_begin("cid1", "x"), None);
    assert_eq!(t.delete_begin("cid1"), None);
    assert_eq!(t.react_begin("cid1", "heart"), None);
}

#[test]
fn reaction_toggles_at_once_and_reconciles() {
    let mut t = loaded(1, false);
    let (seq, id, present) = t.react_begin("m0", "heart").expect("toggle");
    assert_eq!((id.as_str(), present), ("m0", true));
    let shown = t.row("m0").expect("row").message.reactions;
    assert!(shown.has("heart", "KevinMcCallister"));
    let mut answer = msg("m0", frank(), "t0", 0);
    answer.reactions.set("heart", "KevinMcCallister", true);
    answer.reactions.set("heart", "FrankMcCallister", true);
    answer.updated_at = Some(50);
    t.react_confirmed("m0", seq, answer);
    assert_eq!(
        t.row("m0").expect("row").message.reactions.count("heart"),
        2
    );
}

#[test]
fn reaction_toggle_off_and_failure_restores() {
    let mut t = loaded(0, false);
    let mut m = msg("f1", frank(), "x", 1);
    m.reactions.set("joy", "KevinMcCallister", true);
    t.apply_created(m);
    let (seq, _, present) = t.react_begin("f1", "joy").expect("toggle");
    assert!(!present);
    assert_eq!(t.row("f1").expect("row").message.reactions.count("joy"), 0);
    t.react_failed("f1", seq);
    assert_eq!(t.row("f1").expect("row").message.reactions.count("joy"), 1);
}

#[test]
fn live_update_while_toggle_in_flight_keeps_the_toggle() {
    let mut t = loaded(1, false);
    t.react_begin("m0", "fire");
    let mut live = msg("m0", frank(), "t0", 0);
    live.reactions.set("tada", "FrankMcCallister", true);
    live.updated_at = Some(3);
    t.apply_updated(live);
    let shown = t.row("m0").expect("row").message.reactions;
    assert!(shown.has("fire", "KevinMcCallister"));
    assert!(shown.has("tada", "FrankMcCallister"));
}

#[test]
fn stale_update_does_not_overwrite_a_newer_copy() {
    let mut t = loaded(0, false);
    t.apply_created(msg("f1", frank(), "a", 1));
    t.apply_updated(updated(msg("f1", frank(), "", 1), "new", 9));
    t.apply_updated(updated(msg("f1", frank(), "", 1), "old", 4));
    assert_eq!(text(&t, "f1"), "new");
}

#[test]
fn updates_bump_only_the_changed_row() {
    let mut t = loaded(2, false);
    let (r0, r1) = (t.rev("m0"), t.rev("m1"));
    t.apply_updated(updated(msg("m1", frank(), "", 10), "x", 20));
    assert_eq!(t.rev("m0"), r0);
    assert_ne!(t.rev("m1"), r1);
    assert_eq!(
        t.apply_updated(updated(msg("m1", frank(), "", 10), "x", 20)),
        Change::None
    );
}

#[test]
fn live_delete_and_events_dispatch() {
    let mut t = loaded(2, false);
    let event = Event {
        id: "ev1".into(),
        kind: EventType::MessageDeleted,
        payload: msg("m0", frank(), "t0", 0),
    };
    assert_eq!(t.apply_event(event), Change::Changed);
    assert_eq!(t.keys(), ["m1"]);
    assert_eq!(t.apply_deleted("unknown"), Change::None);
}

#[test]
fn newer_page_catches_up_without_duplicates() {
    let mut t = loaded(2, false);
    let changes = t.newer_loaded(
        page(
            vec![msg("m1", frank(), "t1", 10), msg("n1", frank(), "new", 30)],
            false,
        ),
        0,
    );
    assert_eq!(ids(&t), ["m0", "m1", "n1"]);
    assert_eq!(
        changes
            .iter()
            .filter(|c| matches!(c, Change::NewFromOther { .. }))
            .count(),
        1
    );
}

#[test]
fn reloading_the_newest_page_keeps_pending_sends() {
    let mut t = loaded(1, false);
    send(&mut t, "cid1", "hello");
    t.load_newest(page(
        vec![msg("m0", frank(), "t0", 0), msg("m9", frank(), "x", 90)],
        false,
    ));
    assert_eq!(t.keys(), ["m0", "m9", "cid1"]);
}

#[test]
fn unread_from_others_skips_mine_and_read() {
    let mut t = loaded(0, false);
    t.apply_created(msg("f1", frank(), "a", 1));
    let mut read = msg("f2", frank(), "b", 2);
    read.read_at = Some(3);
    t.apply_created(read);
    t.apply_created(msg("k1", kevin(), "c", 4));
    let keys = t.keys();
    assert_eq!(t.unread_from_others(&keys), ["f1"]);
}

#[test]
fn last_own_key_finds_my_newest_sent_message() {
    let mut t = loaded(1, false);
    t.apply_created(msg("k1", kevin(), "a", 100));
    t.apply_created(msg("f1", frank(), "b", 101));
    assert_eq!(t.last_own_key().as_deref(), Some("k1"));
    send(&mut t, "cid1", "pending");
    assert_eq!(t.last_own_key().as_deref(), Some("k1"));
}

#[test]
fn conflict_refresh_replaces_the_server_copy() {
    let mut t = loaded(0, false);
    t.apply_created(msg("k1", kevin(), "a", 1));
    let ticket = t.edit_begin("k1", "b").expect("ticket");
    t.edit_failed("k1", ticket.seq);
    t.refresh(
        updated(msg("k1", kevin(), "", 1), "server", 8),
        Some("e8".into()),
    );
    assert_eq!(text(&t, "k1"), "server");
    assert_eq!(
        t.server_copy("k1").and_then(|(_, e)| e).as_deref(),
        Some("e8")
    );
}

#[test]
fn status_strings_match_ui_md() {
    assert_eq!(Status::Sending.as_str(), "sending");
    assert_eq!(Status::Sent.as_str(), "sent");
    assert_eq!(Status::Failed.as_str(), "failed");
}

#[test]
fn unsent_message_shows_before_the_caller_is_known() {
    // After a reload with the API down: no `/contacts/me`, no page, only the outbox.
    let mut t = Timeline::default();
    let ticket = t
        .send_begin("cid1", "c", "survive", Vec::new(), 5)
        .expect("shown without me");
    assert_eq!(ticket.client_id, "cid1");
    assert_eq!(t.keys(), ["cid1"]);
    assert!(!t.is_loaded());
    t.send_failed("cid1");
    assert_eq!(t.pending(), [("cid1".to_owned(), Status::Failed)]);
    // The network returns: the caller and the page arrive, the row stays mine and last.
    t.set_me(kevin());
    let row = t.row("cid1").expect("row");
    assert!(t.is_mine(&row.message));
    t.load_newest(page(vec![msg("m0", frank(), "hello", 1)], false));
    assert_eq!(t.keys(), ["m0", "cid1"]);
    let ticket = t.retry("cid1").expect("retry");
    assert_eq!(ticket.client_id, "cid1");
    assert_eq!(t.retry("cid1"), None, "never twice on the wire");
    t.send_confirmed("cid1", msg("s1", kevin(), "survive", 6), None);
    assert_eq!(ids(&t), ["m0", "s1"]);
}

#[test]
fn late_page_lands_in_creation_order() {
    // m0 at 0, m1 at 10; a live message arrives before the catch-up page that holds an
    // older one.
    let mut t = loaded(2, false);
    t.apply_created(msg("late", frank(), "live", 30));
    t.newer_loaded(page(vec![msg("gap", frank(), "missed", 20)], false), 0);
    assert_eq!(ids(&t), ["m0", "m1", "gap", "late"]);
}

#[test]
fn reconcile_adds_refreshes_and_removes_without_duplicates() {
    let mut t = loaded(4, true); // m0..m3 at 0, 10, 20, 30
    send(&mut t, "cid1", "pending");
    // While no events arrived: m1 edited, m2 deleted, n1 sent by Frank.
    let fresh = page(
        vec![
            msg("m0", frank(), "t0", 0),
            updated(msg("m1", frank(), "t1", 10), "edited", 35),
            msg("m3", frank(), "t3", 30),
            msg("n1", frank(), "new", 40),
        ],
        true,
    );
    let changes = t.reconcile_newest(fresh.clone(), 0);
    assert_eq!(ids(&t), ["m0", "m1", "m3", "n1", "cid1"]);
    assert_eq!(text(&t, "m1"), "edited");
    assert!(changes.contains(&Change::NewFromOther {
        id: "n1".into(),
        username: "FrankMcCallister".into(),
        text: "new".into(),
    }));
    assert!(changes.contains(&Change::Changed));
    // The same page again changes nothing.
    let again = t.reconcile_newest(fresh, 0);
    assert!(again.iter().all(|c| *c == Change::None));
    assert_eq!(ids(&t), ["m0", "m1", "m3", "n1", "cid1"]);
}

#[test]
fn reconcile_keeps_messages_newer_than_the_page() {
    // m0 at 0, m1 at 10; "live" arrived while the page was on its way, in the same
    // second as the page's newest.
    let mut t = loaded(2, false);
    let mark = t.page_mark();
    t.apply_event(live(
        EventType::MessageCreated,
        msg("live", frank(), "live", 20),
    ));
    t.reconcile_newest(after_m0_m1(vec![msg("n1", frank(), "n", 20)]), mark);
    assert_eq!(ids(&t), ["m0", "m1", "live", "n1"]);
    // Older messages than the page are not touched either.
    let mut t = loaded(3, true);
    t.reconcile_newest(page(vec![msg("m2", frank(), "t2", 20)], true), 0);
    assert_eq!(ids(&t), ["m0", "m1", "m2"]);
}

#[test]
fn reconcile_before_the_first_page_does_nothing() {
    let mut t = Timeline::new(kevin());
    assert!(t
        .reconcile_newest(page(vec![msg("m0", frank(), "t0", 0)], false), 0)
        .is_empty());
    assert!(t.keys().is_empty());
}

fn live(kind: EventType, m: Message) -> Event {
    Event {
        id: format!("ev-{}", m.id),
        kind,
        payload: m,
    }
}

#[test]
fn a_live_edit_within_the_same_second_survives_a_page_requested_before_it() {
    // m1 created at 10 and edited at 10 (timestamps have whole seconds): the resync page
    // was requested before the edit event and answers after it, with the old text.
    let mut t = loaded(2, false);
    let mark = t.page_mark();
    t.apply_event(live(
        EventType::MessageUpdated,
        updated(msg("m1", frank(), "", 10), "edited", 10),
    ));
    let stale = page(
        vec![msg("m0", frank(), "t0", 0), msg("m1", frank(), "t1", 10)],
        false,
    );
    t.reconcile_newest(stale.clone(), mark);
    assert_eq!(text(&t, "m1"), "edited");
    t.newer_loaded(stale, mark);
    assert_eq!(text(&t, "m1"), "edited");
}

#[test]
fn a_live_delete_is_not_undone_by_a_page_requested_before_it() {
    let mut t = loaded(3, false);
    let mark = t.page_mark();
    t.apply_event(live(
        EventType::MessageDeleted,
        msg("m1", frank(), "t1", 10),
    ));
    let stale = after_m0_m1(vec![msg("m2", frank(), "t2", 20)]);
    t.reconcile_newest(stale.clone(), mark);
    assert_eq!(ids(&t), ["m0", "m2"]);
    t.newer_loaded(stale, mark);
    assert_eq!(ids(&t), ["m0", "m2"]);
}

#[test]
fn a_live_message_newer_than_the_page_is_not_taken_for_deleted() {
    let mut t = loaded(2, false);
    let mark = t.page_mark();
    // Created live at the same second as m1, after the page was requested.
    t.apply_event(live(
        EventType::MessageCreated,
        msg("n1", frank(), "new", 10),
    ));
    t.reconcile_newest(
        page(
            vec![msg("m0", frank(), "t0", 0), msg("m1", frank(), "t1", 10)],
            false,
        ),
        mark,
    );
    assert!(ids(&t).contains(&"n1".to_string()));
}

#[test]
fn a_page_requested_after_the_event_applies_as_usual() {
    let mut t = loaded(2, false);
    t.apply_event(live(
        EventType::MessageUpdated,
        updated(msg("m1", frank(), "", 10), "edited", 10),
    ));
    let mark = t.page_mark();
    t.reconcile_newest(
        page(
            vec![
                msg("m0", frank(), "t0", 0),
                updated(msg("m1", frank(), "", 10), "again", 11),
            ],
            false,
        ),
        mark,
    );
    assert_eq!(text(&t, "m1"), "again");
}

#[test]
fn a_delete_in_the_same_second_as_the_newest_message_is_seen_by_the_next_page() {
    // Polling: "gone" and "n1" were created in the same second; "gone" is then deleted and
    // the next newest page no longer has it.
    let mut t = loaded(2, false);
    t.newer_loaded(
        page(
            vec![msg("gone", frank(), "x", 20), msg("n1", frank(), "n", 20)],
            false,
        ),
        t.page_mark(),
    );
    assert_eq!(ids(&t), ["m0", "m1", "gone", "n1"]);
    let mark = t.page_mark();
    t.reconcile_newest(after_m0_m1(vec![msg("n1", frank(), "n", 20)]), mark);
    assert_eq!(ids(&t), ["m0", "m1", "n1"]);
}

#[test]
fn my_send_confirmed_after_the_page_was_requested_is_not_taken_for_deleted() {
    let mut t = loaded(2, false);
    let mark = t.page_mark();
    let ticket = send(&mut t, "cid1", "mine");
    t.send_confirmed(&ticket.client_id, msg("s1", kevin(), "mine", 15), None);
    // The page was read before the send was stored, and has a newer message too.
    t.reconcile_newest(after_m0_m1(vec![msg("n2", frank(), "n", 30)]), mark);
    assert!(t.row("cid1").is_some(), "the confirmed send stays");
}

/// The views of every row, without their revisions.
fn views(t: &Timeline) -> Vec<(RowView, u64)> {
    t.keys()
        .iter()
        .filter_map(|k| t.row(k))
        .map(|mut v| {
            let rev = std::mem::take(&mut v.rev);
            (v, rev)
        })
        .collect()
}

fn outline(t: &Timeline) -> (Vec<(String, String, Timestamp)>, bool) {
    let rows = t
        .outline()
        .map(|(k, s, ts)| (k.to_owned(), s.to_owned(), ts))
        .collect();
    (rows, t.has_more())
}

/// Applies `step`, which must change what some row shows: every row whose view changed
/// has a new revision, and the outline changed only when `reshapes`. Returns the step's
/// result.
fn step<T>(
    t: &mut Timeline,
    name: &str,
    reshapes: bool,
    step: impl FnOnce(&mut Timeline) -> T,
) -> T {
    let (before, shape, shape_rev) = (views(t), outline(t), t.shape());
    let result = step(t);
    let mut changed = false;
    for (view, rev) in views(t) {
        match before.iter().find(|(v, _)| v.key == view.key) {
            Some((old, old_rev)) if *old != view => {
                changed = true;
                assert_ne!(
                    *old_rev, rev,
                    "{name}: row {} changed, same revision",
                    view.key
                );
            }
            Some(_) => {}
            None => changed = true,
        }
    }
    let reshaped = shape != outline(t);
    let rows_moved = shape.0 != outline(t).0;
    assert!(changed || reshaped, "{name} changed nothing");
    assert_eq!(reshaped, reshapes, "{name}: outline changed: {reshaped}");
    assert_eq!(
        t.shape() != shape_rev,
        rows_moved,
        "{name}: the shape follows the outline's rows"
    );
    result
}

/// The feed relies on it: a row whose view changed has a new revision, and only adding,
/// removing or moving rows (or reaching the beginning) changes the outline.
#[test]
fn every_change_to_a_row_changes_its_revision() {
    let mut t = loaded(3, true);
    let ticket = step(&mut t, "send", true, |t| send(t, "c1", "hi"));
    let edit = step(&mut t, "edit", false, |t| t.edit_begin("m1", "new")).expect("edit");
    step(&mut t, "edit again", false, |t| t.edit_begin("m1", "newer"));
    step(&mut t, "edit fails", false, |t| {
        t.edit_failed("m1", edit.seq)
    });
    let (seq, _, _) =
        step(&mut t, "react", false, |t| t.react_begin("m2", "heart")).expect("react");
    step(&mut t, "reaction fails", false, |t| {
        t.react_failed("m2", seq)
    });
    step(&mut t, "read", false, |t| {
        let mut m = msg("m0", frank(), "t0", 0);
        m.read_at = Some(50);
        t.apply_updated(m)
    });
    step(&mut t, "edited elsewhere", false, |t| {
        t.apply_updated(updated(msg("m2", frank(), "t2", 20), "x", 60))
    });
    step(&mut t, "send fails", false, |t| {
        t.send_failed(&ticket.client_id)
    });
    step(&mut t, "retry", false, |t| t.retry(&ticket.client_id));
    step(&mut t, "delete", true, |t| t.delete_begin("m0"));
    step(&mut t, "delete fails", true, |t| t.delete_failed("m0"));
    step(&mut t, "older page", true, |t| {
        t.begin_older();
        t.older_loaded(page(vec![msg("o1", frank(), "a", -10)], false));
    });
    step(&mut t, "new from Frank", true, |t| {
        t.apply_created(msg("m9", frank(), "t9", 90))
    });
    step(&mut t, "deleted elsewhere", true, |t| t.apply_deleted("m9"));
}

#[test]
fn the_new_messages_line_goes_above_the_first_unread_message_from_others() {
    let read = |mut m: Message| {
        m.read_at = Some(m.created_at + 1);
        m
    };
    let mut t = Timeline::new(kevin());
    t.load_newest(page(
        vec![
            read(msg("m0", frank(), "seen", 0)),
            msg("m1", kevin(), "mine, unread by Frank", 10),
            msg("m2", frank(), "new", 20),
            msg("m3", frank(), "newer", 30),
        ],
        false,
    ));
    assert_eq!(t.first_unread_key().as_deref(), Some("m2"));
    // Once read (or deleted), nothing is new.
    t.apply_updated(read(msg("m2", frank(), "new", 20)));
    t.apply_deleted("m3");
    assert_eq!(t.first_unread_key(), None);
}

/// Every row's revision, as `rev` answers it, is the row's own, and nothing else is kept.
fn assert_revisions_follow_rows(t: &Timeline) {
    assert_eq!(t.revs.len(), t.entries.len(), "one revision per row");
    for entry in &t.entries {
        assert_eq!(
            t.rev(&entry.key),
            Some(entry.rev),
            "revision of {}",
            entry.key
        );
    }
}

#[test]
fn revisions_follow_every_row_through_pages_sends_and_deletes() {
    let mut t = loaded(3, true);
    assert_revisions_follow_rows(&t);
    t.begin_older();
    t.older_loaded(page(
        vec![msg("o1", frank(), "a", -10), msg("m0", frank(), "t0", 0)],
        true,
    ));
    assert_revisions_follow_rows(&t);
    // The echo of a send whose answer was lost shows as a row of its own, then merges
    // into the send's row when a retry is answered.
    send(&mut t, "cid1", "hello");
    t.apply_created(msg("s1", kevin(), "hello", 1001));
    t.send_failed("cid1");
    assert!(t.rev("s1").is_some(), "the echo is a row");
    send(&mut t, "cid2", "again");
    t.send_failed("cid2");
    assert_revisions_follow_rows(&t);
    t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), None);
    assert_eq!(t.rev("s1"), None, "merged into the send's row");
    assert_revisions_follow_rows(&t);
    t.discard("cid2");
    assert_eq!(t.rev("cid2"), None, "a discarded send has no revision");
    t.apply_updated(updated(msg("m1", frank(), "t1", 10), "edited", 50));
    t.delete_begin("m2");
    t.delete_confirmed("m2");
    t.apply_deleted("o1");
    assert_revisions_follow_rows(&t);
    assert_eq!(t.rev("m2"), None);
    assert_eq!(t.rev("o1"), None);
    let before = t.rev("m1");
    t.apply_updated(updated(msg("m1", frank(), "t1", 10), "edited twice", 60));
    assert!(t.rev("m1") > before, "a change raises the row's revision");
}

#[test]
fn shape_changes_with_the_outline_and_only_then() {
    // `step` checks the shape against the outline at every step.
    let mut t = loaded(3, true);
    step(&mut t, "older page", true, |t| {
        t.begin_older();
        t.older_loaded(page(vec![msg("o1", frank(), "a", -10)], true));
    });
    let mut read = msg("m2", frank(), "t2", 20);
    read.read_at = Some(30);
    read.updated_at = Some(30);
    step(&mut t, "read mark", false, |t| t.apply_updated(read));
    step(&mut t, "edit from elsewhere", false, |t| {
        t.apply_updated(updated(msg("m1", frank(), "t1", 10), "edited", 40))
    });
    step(&mut t, "reaction", false, |t| t.react_begin("m1", "like"));
    step(&mut t, "edit", false, |t| t.edit_begin("m0", "mine now?"));
    step(&mut t, "send", true, |t| send(t, "cid1", "hello"));
    // The server's creation time replaces the one the row was sent with.
    step(&mut t, "send confirmed", true, |t| {
        t.send_confirmed("cid1", msg("s1", kevin(), "hello", 1001), None)
    });
    step(&mut t, "new message", true, |t| {
        t.apply_created(msg("m3", frank(), "t3", 2000))
    });
    step(&mut t, "delete", true, |t| t.delete_begin("m1"));
    step(&mut t, "delete fails", true, |t| t.delete_failed("m1"));
    step(&mut t, "deleted elsewhere", true, |t| t.apply_deleted("m2"));
    // A server copy with another creation time moves the row in the outline.
    step(&mut t, "refresh", true, |t| {
        t.refresh(msg("m3", frank(), "t3", 2500), None)
    });
}
