//! Unsent messages kept across reloads, and when to try them again. Pure: the browser
//! storage is in [`crate::browser::storage`].

use crate::core::timeline::SendTicket;
use protocol_api::{Attachment, Timestamp};
use serde::{Deserialize, Serialize};

/// A message composed but not yet confirmed by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Client id, also the `Idempotency-Key` of every attempt.
    pub client_id: String,
    /// The conversation it goes to.
    pub conversation_id: String,
    /// The text.
    pub text: String,
    /// Uploaded attachments to send with it.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When it was composed.
    pub created_at: Timestamp,
}

/// The unsent messages of one person in one conversation, oldest first (stored under
/// [`crate::core::session::Author::outbox_key`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// The items, oldest first.
    pub items: Vec<OutboxItem>,
}

impl Outbox {
    /// Reads a stored outbox; anything unreadable counts as empty.
    pub fn from_json(text: &str) -> Outbox {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Adds an item (once per client id).
    pub fn put(&mut self, item: OutboxItem) {
        if !self.items.iter().any(|i| i.client_id == item.client_id) {
            self.items.push(item);
        }
    }

    /// Forgets an item (sent or discarded).
    pub fn remove(&mut self, client_id: &str) {
        self.items.retain(|i| i.client_id != client_id);
    }
}

/// The sends of one conversation in typing order, put on the wire one at a time so the
/// server stores them in that order. A send that failed for a passing reason stays first
/// and holds back the ones behind it until it is retried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendQueue {
    /// Waiting sends, oldest first, each with whether it may go out now.
    waiting: Vec<(SendTicket, bool)>,
    /// The client id of the send on the wire, if any.
    on_the_wire: Option<String>,
}

impl SendQueue {
    /// Adds a send, or makes a waiting one ready again (a retry keeps its place).
    pub fn push(&mut self, ticket: SendTicket) {
        match self
            .waiting
            .iter_mut()
            .find(|(t, _)| t.client_id == ticket.client_id)
        {
            Some(entry) => *entry = (ticket, true),
            None => self.waiting.push((ticket, true)),
        }
    }

    /// The send to put on the wire now: the first one, if it is ready and nothing else is
    /// on the wire. It counts as on the wire until [`Self::settle`].
    pub fn take_next(&mut self) -> Option<SendTicket> {
        if self.on_the_wire.is_some() {
            return None;
        }
        let (ticket, ready) = self.waiting.first()?;
        if !ready {
            return None;
        }
        self.on_the_wire = Some(ticket.client_id.clone());
        Some(ticket.clone())
    }

    /// The answer for `client_id` came: `done` when it is settled for good (sent, or
    /// refused for a reason a retry cannot change), else it waits first in line for a retry.
    pub fn settle(&mut self, client_id: &str, done: bool) {
        if self.on_the_wire.as_deref() == Some(client_id) {
            self.on_the_wire = None;
        }
        if done {
            self.waiting.retain(|(t, _)| t.client_id != client_id);
        } else if let Some(entry) = self
            .waiting
            .iter_mut()
            .find(|(t, _)| t.client_id == client_id)
        {
            entry.1 = false;
        }
    }

    /// Forgets a send the user discarded.
    pub fn remove(&mut self, client_id: &str) {
        self.waiting.retain(|(t, _)| t.client_id != client_id);
    }
}

/// Milliseconds before automatic retry number `attempt` (0 = the first) of a send that
/// holds back the sends behind it: 250 ms, 500 ms, 1 s … capped at 8 s, as every message
/// typed after it waits too (and the network's return retries at once anyway).
pub fn send_retry_ms(attempt: u32) -> u32 {
    250u32.saturating_mul(1 << attempt.min(5)).min(8_000)
}

/// Milliseconds to wait before automatic attempt number `attempt` (0 = the first retry):
/// 1 s, 2 s, 4 s … capped at 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// A new client id from random bits: 16 characters of `[A-Za-z0-9]`, a valid
/// `Idempotency-Key`.
pub fn client_id(random: impl FnMut() -> f64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut random = random;
    (0..16)
        .map(|_| {
            let i = (random() * ALPHABET.len() as f64) as usize;
            ALPHABET[i.min(ALPHABET.len() - 1)] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> OutboxItem {
        OutboxItem {
            client_id: id.into(),
            conversation_id: "c".into(),
            text: "hi".into(),
            attachments: Vec::new(),
            created_at: 1,
        }
    }

    #[test]
    fn round_trips_through_json() {
        let mut o = Outbox::default();
        o.put(item("a"));
        let mut b = item("b");
        b.text = "with \"quotes\"\nand lines".into();
        b.attachments.push(Attachment {
            id: "att1".into(),
            conversation_id: Some("c".into()),
            message_id: None,
            filename: "plan.pdf".into(),
            file_url: "/files/att1".into(),
            file_type: "application/pdf".into(),
            file_size: 1234,
            created_at: 7,
        });
        o.put(b);
        assert_eq!(Outbox::from_json(&o.to_json()), o);
    }

    #[test]
    fn put_is_once_per_client_id() {
        let mut o = Outbox::default();
        o.put(item("a"));
        o.put(item("a"));
        assert_eq!(o.items.len(), 1);
    }

    #[test]
    fn remove_forgets() {
        let mut o = Outbox::default();
        o.put(item("a"));
        o.remove("a");
        assert!(o.items.is_empty());
    }

    #[test]
    fn broken_storage_is_empty() {
        assert_eq!(Outbox::from_json("{"), Outbox::default());
        assert_eq!(Outbox::from_json("null"), Outbox::default());
        assert_eq!(
            Outbox::from_json(r#"{"items":[{"client_id":1}]}"#),
            Outbox::default()
        );
    }

    fn ticket(id: &str) -> SendTicket {
        SendTicket {
            client_id: id.to_owned(),
            text: format!("text {id}"),
            attachment_ids: Vec::new(),
        }
    }

    #[test]
    fn send_queue_sends_one_at_a_time_in_typing_order() {
        let mut queue = SendQueue::default();
        queue.push(ticket("a"));
        queue.push(ticket("b"));
        assert_eq!(queue.take_next().map(|t| t.client_id), Some("a".into()));
        assert_eq!(queue.take_next(), None, "never two on the wire");
        queue.settle("a", true);
        assert_eq!(queue.take_next().map(|t| t.client_id), Some("b".into()));
        queue.settle("b", true);
        assert_eq!(queue.take_next(), None);
    }

    #[test]
    fn a_failed_send_holds_back_the_later_ones_until_retried() {
        let mut queue = SendQueue::default();
        queue.push(ticket("a"));
        queue.push(ticket("b"));
        assert_eq!(queue.take_next().map(|t| t.client_id), Some("a".into()));
        queue.settle("a", false);
        assert_eq!(queue.take_next(), None, "b must not overtake a");
        queue.push(ticket("c"));
        queue.push(ticket("a"));
        let order: Vec<String> = std::iter::from_fn(|| {
            let next = queue.take_next()?;
            queue.settle(&next.client_id, true);
            Some(next.client_id)
        })
        .collect();
        assert_eq!(order, ["a", "b", "c"], "the retry kept its place");
    }

    #[test]
    fn discarding_the_failed_first_send_lets_the_next_go() {
        let mut queue = SendQueue::default();
        queue.push(ticket("a"));
        queue.push(ticket("b"));
        let first = queue.take_next().map(|t| t.client_id);
        assert_eq!(first.as_deref(), Some("a"));
        queue.settle("a", false);
        queue.remove("a");
        assert_eq!(queue.take_next().map(|t| t.client_id), Some("b".into()));
    }

    #[test]
    fn send_retries_start_quick_and_cap() {
        assert_eq!(send_retry_ms(0), 250);
        assert_eq!(send_retry_ms(1), 500);
        assert_eq!(send_retry_ms(3), 2000);
        assert_eq!(send_retry_ms(5), 8_000);
        assert_eq!(send_retry_ms(6), 8_000);
        assert_eq!(send_retry_ms(99), 8_000);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(0), 1000);
        assert_eq!(backoff_ms(1), 2000);
        assert_eq!(backoff_ms(4), 16_000);
        assert_eq!(backoff_ms(5), 30_000);
        assert_eq!(backoff_ms(40), 30_000);
    }

    #[test]
    fn client_ids_are_valid_keys() {
        let mut x = 0.0;
        let id = client_id(|| {
            x = (x + 0.37) % 1.0;
            x
        });
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(client_id(|| 0.999_999_9).len(), 16);
    }
}
