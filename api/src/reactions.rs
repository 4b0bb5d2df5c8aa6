//! Reactions in the docs' shape: an array of single-key objects, each mapping a reaction
//! name to the usernames that reacted with it, in order of first use.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What decoding a reaction change of more than
/// [`MAX_REACTION_NAMES_PER_REQUEST`](crate::MAX_REACTION_NAMES_PER_REQUEST) names fails
/// with; decoding stops there, so an oversized request costs no more than the limit.
pub const TOO_MANY_REACTION_NAMES: &str = "one request may name at most 64 reactions";

/// True for a reaction name the API accepts: `[a-z0-9_+-]{1,64}`.
pub fn is_valid_reaction_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_+-".contains(&b))
}

/// The reactions of a message: names in order of first use, each with its usernames.
/// A name with no usernames is never kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reactions(Vec<(String, Vec<String>)>);

impl Reactions {
    /// Builds reactions from (name, usernames) pairs, dropping names with no usernames.
    pub fn from_pairs(pairs: Vec<(String, Vec<String>)>) -> Self {
        Self(
            pairs
                .into_iter()
                .filter(|(_, users)| !users.is_empty())
                .collect(),
        )
    }

    /// The (name, usernames) pairs in order of first use.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0
            .iter()
            .map(|(name, users)| (name.as_str(), users.as_slice()))
    }

    /// True when nobody reacted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `username` reacted with `name`.
    pub fn has(&self, name: &str, username: &str) -> bool {
        self.0
            .iter()
            .any(|(n, users)| n == name && users.iter().any(|u| u == username))
    }

    /// How many people reacted with `name`.
    pub fn count(&self, name: &str) -> usize {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, users)| users.len())
    }

    /// Makes `username`'s reaction `name` present or absent. A new name goes last; a
    /// name left with no usernames disappears. Setting what is already so changes nothing.
    pub fn set(&mut self, name: &str, username: &str, present: bool) {
        let position = self.0.iter().position(|(n, _)| n == name);
        match (position, present) {
            (Some(i), true) => {
                let users = &mut self.0[i].1;
                if !users.iter().any(|u| u == username) {
                    users.push(username.to_owned());
                }
            }
            (Some(i), false) => {
                self.0[i].1.retain(|u| u != username);
                if self.0[i].1.is_empty() {
                    self.0.remove(i);
                }
            }
            (None, true) => self.0.push((name.to_owned(), vec![username.to_owned()])),
            (None, false) => {}
        }
    }
}

impl Serialize for Reactions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (name, users) in &self.0 {
            seq.serialize_element(&SingleEntry(name, users))?;
        }
        seq.end()
    }
}

struct SingleEntry<'a>(&'a str, &'a [String]);

impl Serialize for SingleEntry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Reactions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(PairsVisitor)
            .map(Self::from_pairs)
    }
}

/// A reaction change request: reaction names mapped to usernames (`PUT` body). Only the
/// caller's own username in each list counts; see API.md "Update".
///
/// Encoded as a JSON object (`{"thumbs_up": ["KevinMcCallister"]}`), as the docs' form
/// example `reactions[thumbs_up][]=KevinMcCallister` nests; the docs' array-of-objects
/// shape is accepted too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReactionChanges(pub Vec<(String, Vec<String>)>);

impl ReactionChanges {
    /// A change that makes `username`'s reaction `name` present or absent.
    pub fn single(name: &str, username: &str, present: bool) -> Self {
        let users = if present {
            vec![username.to_owned()]
        } else {
            Vec::new()
        };
        Self(vec![(name.to_owned(), users)])
    }
}

impl Serialize for ReactionChanges {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, users) in &self.0 {
            map.serialize_entry(name, users)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ReactionChanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PairsVisitor).map(Self)
    }
}

/// Reads either an object of name → usernames or an array of such objects.
struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Vec<(String, Vec<String>)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("reactions: an object or an array of objects of name to usernames")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Merged::default();
        while let Some((name, users)) = map.next_entry::<String, Vec<String>>()? {
            pairs.add(name, users)?;
        }
        Ok(pairs.pairs)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Merged::default();
        while let Some(entry) = seq.next_element::<ReactionChanges>()? {
            for (name, users) in entry.0 {
                pairs.add(name, users)?;
            }
        }
        Ok(pairs.pairs)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// (name, usernames) pairs merged by name in order of first use, in time linear in the
/// input (names are looked up in a map, never searched), so a large body costs no more
/// than reading it.
#[derive(Default)]
struct Merged {
    pairs: Vec<(String, Vec<String>)>,
    index: HashMap<String, usize>,
    seen: HashMap<usize, HashSet<String>>,
}

impl Merged {
    fn add<E: de::Error>(&mut self, name: String, users: Vec<String>) -> Result<(), E> {
        match self.index.get(&name) {
            None => {
                if self.pairs.len() == crate::MAX_REACTION_NAMES_PER_REQUEST {
                    return Err(E::custom(TOO_MANY_REACTION_NAMES));
                }
                self.index.insert(name.clone(), self.pairs.len());
                self.pairs.push((name, users));
            }
            Some(&at) => {
                let existing = &mut self.pairs[at].1;
                let seen = self
                    .seen
                    .entry(at)
                    .or_insert_with(|| existing.iter().cloned().collect());
                for user in users {
                    if seen.insert(user.clone()) {
                        existing.push(user);
                    }
                }
            }
        }
        Ok(())
    }
}
