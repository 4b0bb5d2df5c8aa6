//! Whose state is whose: the sign-in a tab keeps (a token with the API it belongs to, and
//! the caller it names), and the storage keys of what a person leaves behind (drafts,
//! unsent messages), one set per API origin, caller and conversation. Pure.

use crate::core::config::percent_encode;
use serde::{Deserialize, Serialize};

/// The sign-in of one browser tab: a token is only ever sent to the API it was given for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The API base URL the token belongs to (ending in `/v1`).
    pub api_base: String,
    /// The bearer token.
    pub token: String,
    /// The caller the token names, once `/v1/contacts/me` has told (so a reload while the
    /// API is down still finds the caller's unsent messages).
    #[serde(default)]
    pub caller_id: Option<String>,
}

impl Session {
    /// A new sign-in of `token` at `api_base`; the caller is not known yet.
    pub fn new(api_base: &str, token: &str) -> Self {
        Self {
            api_base: api_base.to_owned(),
            token: token.to_owned(),
            caller_id: None,
        }
    }

    /// Reads a stored sign-in; anything unreadable or blank counts as none.
    pub fn from_json(text: &str) -> Option<Session> {
        serde_json::from_str::<Session>(text)
            .ok()
            .filter(|s| !s.token.trim().is_empty() && !s.api_base.trim().is_empty())
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// True when this is the sign-in of `token` at `api_base`.
    pub fn is_for(&self, api_base: &str, token: &str) -> bool {
        self.api_base == api_base && self.token == token
    }
}

/// One person at one API: the owner of a set of drafts and unsent messages. Another
/// person signed in on the same browser (or in another widget of the same host page) has
/// other keys, so never sees, nor sends, what this one left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// The API's origin (`https://api.example.com`).
    pub api_origin: String,
    /// The caller's contact id.
    pub caller_id: String,
}

impl Author {
    /// The `localStorage` key of this person's draft of a conversation.
    pub fn draft_key(&self, conversation_id: &str) -> String {
        self.key("draft", conversation_id)
    }

    /// The `localStorage` key of this person's unsent messages of a conversation.
    pub fn outbox_key(&self, conversation_id: &str) -> String {
        self.key("outbox", conversation_id)
    }

    /// `pc.KIND/ORIGIN/CALLER/CONVERSATION`, each part escaped (`/` included), so no two
    /// owners or conversations share a key.
    fn key(&self, kind: &str, conversation_id: &str) -> String {
        format!(
            "pc.{kind}/{}/{}/{}",
            percent_encode(&self.api_origin),
            percent_encode(&self.caller_id),
            percent_encode(conversation_id)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(origin: &str, caller: &str) -> Author {
        Author {
            api_origin: origin.into(),
            caller_id: caller.into(),
        }
    }

    #[test]
    fn each_person_and_api_has_their_own_keys() {
        let kevin = author("https://api.example", "WAz8eIbvDR60rouK");
        let frank = author("https://api.example", "FRnk8eIbvDR60rou");
        let kevin_elsewhere = author("https://other.example", "WAz8eIbvDR60rouK");
        let keys = [
            kevin.outbox_key("c1"),
            frank.outbox_key("c1"),
            kevin_elsewhere.outbox_key("c1"),
            kevin.outbox_key("c2"),
            kevin.draft_key("c1"),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            kevin.draft_key("c1"),
            "pc.draft/https%3A%2F%2Fapi.example/WAz8eIbvDR60rouK/c1"
        );
    }

    #[test]
    fn separators_inside_ids_cannot_make_two_owners_meet() {
        let a = author("o", "x/y");
        let b = author("o/x", "y");
        assert_ne!(a.outbox_key("c"), b.outbox_key("c"));
    }

    #[test]
    fn sessions_round_trip_and_blank_ones_are_none() {
        let mut s = Session::new("http://a/v1", "tok");
        assert_eq!(Session::from_json(&s.to_json()), Some(s.clone()));
        s.caller_id = Some("me".into());
        assert_eq!(Session::from_json(&s.to_json()), Some(s.clone()));
        assert!(s.is_for("http://a/v1", "tok"));
        assert!(!s.is_for("http://evil/v1", "tok"));
        assert_eq!(
            Session::from_json(r#"{"api_base":"http://a/v1","token":" "}"#),
            None
        );
        assert_eq!(Session::from_json(r#"{"token":"t"}"#), None);
        assert_eq!(Session::from_json("demo-kevin"), None);
    }
}
