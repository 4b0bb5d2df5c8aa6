//! Unsent messages kept across reloads, and when to try them again. Pure: the browser
//! storage is in [`crate::storage`].

use crate::json::{self, FromJson, ObjectWriter, Value};
use protocol_api::{Attachment, Timestamp};

/// A message composed but not yet confirmed by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    /// Client id, also the `Idempotency-Key` of every attempt.
    pub client_id: String,
    /// The conversation it goes to.
    pub conversation_id: String,
    /// The text.
    pub text: String,
    /// Uploaded attachments to send with it.
    pub attachments: Vec<Attachment>,
    /// When it was composed.
    pub created_at: Timestamp,
}

/// The unsent messages of one conversation, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    /// The items, oldest first.
    pub items: Vec<OutboxItem>,
}

impl Outbox {
    /// Reads a stored outbox; anything unreadable counts as empty.
    pub fn from_json(text: &str) -> Outbox {
        let Some(items) = json::parse(text).and_then(|v| match v.get("items") {
            Some(Value::Arr(items)) => Some(items.clone()),
            _ => None,
        }) else {
            return Outbox::default();
        };
        let items = items.iter().filter_map(read_item).collect();
        Outbox { items }
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|i| {
                let attachments: Vec<String> =
                    i.attachments.iter().map(json::attachment_json).collect();
                ObjectWriter::default()
                    .str("client_id", &i.client_id)
                    .str("conversation_id", &i.conversation_id)
                    .str("text", &i.text)
                    .raw("attachments", &format!("[{}]", attachments.join(",")))
                    .int("created_at", i.created_at)
                    .finish()
            })
            .collect();
        format!("{{\"items\":[{}]}}", items.join(","))
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

fn read_item(v: &Value) -> Option<OutboxItem> {
    let s = |k: &str| v.get(k).and_then(Value::str).map(str::to_owned);
    Some(OutboxItem {
        client_id: s("client_id")?,
        conversation_id: s("conversation_id")?,
        text: s("text")?,
        attachments: v
            .get("attachments")
            .and_then(Value::arr)
            .map(|a| a.iter().filter_map(Attachment::from_json).collect())
            .unwrap_or_default(),
        created_at: v.get("created_at").and_then(Value::int)?,
    })
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
