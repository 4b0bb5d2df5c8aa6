//! A small JSON reader and writer for the wire types, instead of `serde_json` in the
//! browser build (a third of the size budget). Integers only (the API has no fractions),
//! every read fallible: a wrong type or truncated text is `None`, never a panic.

use protocol_api::{
    Attachment, Contact, ContactDetails, Conversation, Deleted, ErrorBody, ErrorType, Event,
    EventType, Group, Message, Page, Reactions, SendMessage, UpdateMessage,
};

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number (fraction, exponent, too large): kept only as "a number".
    OtherNumber,
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Value>),
    /// An object, keys in order.
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn arr(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(items) => Some(items),
            _ => None,
        }
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key)?.str().map(str::to_owned)
    }

    /// A member that may be missing or null (`Some(None)`), but not of another type.
    fn opt<T>(&self, key: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Option<T>> {
        match self.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => read(v).map(Some),
        }
    }

    fn opt_string(&self, key: &str) -> Option<Option<String>> {
        self.opt(key, |v| v.str().map(str::to_owned))
    }

    fn opt_int(&self, key: &str) -> Option<Option<i64>> {
        self.opt(key, Value::int)
    }

    fn int_or_zero(&self, key: &str) -> Option<i64> {
        self.opt_int(key).map(Option::unwrap_or_default)
    }

    fn bool_or_false(&self, key: &str) -> Option<bool> {
        self.opt(key, |v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
        .map(Option::unwrap_or_default)
    }

    fn list<T>(&self, key: &str, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
        match self.get(key) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(v) => v.arr()?.iter().map(read).collect(),
        }
    }
}

// ----- parsing -----

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// Nesting deeper than this is refused (no stack overflow on hostile input).
const MAX_DEPTH: u32 = 64;

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.skip_ws();
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end) == Some(word.as_bytes())).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: u32) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match *self.bytes.get(self.at)? {
            b'n' => self.literal("null", Value::Null),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']').is_some() {
                    return Some(Value::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']').is_some() {
                        return Some(Value::Arr(items));
                    }
                    self.eat(b',')?;
                }
            }
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if self.eat(b'}').is_some() {
                    return Some(Value::Obj(members));
                }
                loop {
                    self.skip_ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    if self.eat(b'}').is_some() {
                        return Some(Value::Obj(members));
                    }
                    self.eat(b',')?;
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        if self.at == digits {
            return None;
        }
        let mut integer = true;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'0'..=b'9'))
        {
            integer = false;
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        match (integer, text.parse::<i64>()) {
            (true, Ok(n)) => Some(Value::Int(n)),
            _ => Some(Value::OtherNumber),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        digits
            .iter()
            .try_fold(0u32, |acc, b| Some(acc * 16 + (*b as char).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.bytes.get(self.at)?;
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                                    return None;
                                }
                                self.at += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return None,
                _ => out.push(b),
            }
        }
    }
}

/// Parses a whole JSON text; `None` when it is not exactly one valid value.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    (p.at == p.bytes.len()).then_some(value)
}

// ----- writing -----

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Builds a JSON object member by member.
pub struct ObjectWriter(String);

impl Default for ObjectWriter {
    fn default() -> Self {
        Self(String::from("{"))
    }
}

impl ObjectWriter {
    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_str(&mut self.0, key);
        self.0.push(':');
    }

    /// A string member.
    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        write_str(&mut self.0, value);
        self
    }

    /// An integer member.
    pub fn int(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        self.0.push_str(&value.to_string());
        self
    }

    /// A member already written as JSON.
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    /// The finished object.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON array of strings.
pub fn str_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, item);
    }
    out.push(']');
    out
}

// ----- the wire types -----

/// A type read from a JSON value.
pub trait FromJson: Sized {
    /// `None` when a required member is missing or of the wrong type.
    fn from_json(v: &Value) -> Option<Self>;
}

/// Parses and reads `T` from text.
pub fn from_str<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&parse(text)?)
}

impl FromJson for Contact {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Contact {
            id: v.string("id")?,
            username: v.string("username")?,
            phone_number: v.opt_string("phone_number")?,
            avatar_url: v.opt_string("avatar_url")?,
            last_active_at: v.opt_int("last_active_at")?,
            created_at: v.int_or_zero("created_at")?,
        })
    }
}

impl FromJson for ContactDetails {
    fn from_json(v: &Value) -> Option<Self> {
        Some(ContactDetails {
            id: v.string("id")?,
            username: v.string("username")?,
            display_name: v.opt_string("display_name")?,
            phone_number: v.opt_string("phone_number")?,
            avatar_url: v.opt_string("avatar_url")?,
            conversation_id: v.opt_string("conversation_id")?,
            last_active_at: v.opt_int("last_active_at")?,
            created_at: v.int_or_zero("created_at")?,
        })
    }
}

impl FromJson for Attachment {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Attachment {
            id: v.string("id")?,
            conversation_id: v.opt_string("conversation_id")?,
            message_id: v.opt_string("message_id")?,
            filename: v.string("filename")?,
            file_url: v.string("file_url")?,
            file_type: v.string("file_type")?,
            file_size: u64::try_from(v.get("file_size")?.int()?).ok()?,
            created_at: v.int_or_zero("created_at")?,
        })
    }
}

fn usernames(v: &Value) -> Option<Vec<String>> {
    v.arr()?
        .iter()
        .map(|u| u.str().map(str::to_owned))
        .collect()
}

fn reaction_pairs(v: &Value, pairs: &mut Vec<(String, Vec<String>)>) -> Option<()> {
    match v {
        Value::Obj(members) => {
            for (name, users) in members {
                let users = usernames(users)?;
                match pairs.iter_mut().find(|(n, _)| n == name) {
                    Some((_, existing)) => {
                        for u in users {
                            if !existing.contains(&u) {
                                existing.push(u);
                            }
                        }
                    }
                    None => pairs.push((name.clone(), users)),
                }
            }
            Some(())
        }
        Value::Arr(items) => items.iter().try_for_each(|i| match i {
            Value::Obj(_) => reaction_pairs(i, pairs),
            _ => None,
        }),
        Value::Null => Some(()),
        _ => None,
    }
}

impl FromJson for Reactions {
    fn from_json(v: &Value) -> Option<Self> {
        let mut pairs = Vec::new();
        reaction_pairs(v, &mut pairs)?;
        Some(Reactions::from_pairs(pairs))
    }
}

impl FromJson for Message {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Message {
            id: v.string("id")?,
            conversation_id: v.string("conversation_id")?,
            contact: Contact::from_json(v.get("contact")?)?,
            message: v.string("message")?,
            reactions: match v.get("reactions") {
                None => Reactions::default(),
                Some(r) => Reactions::from_json(r)?,
            },
            attachments: v.list("attachments", Attachment::from_json)?,
            read_at: v.opt_int("read_at")?,
            created_at: v.get("created_at")?.int()?,
            updated_at: v.opt_int("updated_at")?,
            edited_at: v.opt_int("edited_at")?,
        })
    }
}

impl FromJson for Conversation {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Conversation {
            id: v.string("id")?,
            contact_id: v.opt_string("contact_id")?,
            group_id: v.opt_string("group_id")?,
            pinned_message_id: v.opt_string("pinned_message_id")?,
            is_pinned: v.bool_or_false("is_pinned")?,
            is_muted: v.bool_or_false("is_muted")?,
            last_active_at: v.opt_int("last_active_at")?,
            last_opened_at: v.opt_int("last_opened_at")?,
            created_at: v.int_or_zero("created_at")?,
            archived_at: v.opt_int("archived_at")?,
        })
    }
}

impl FromJson for Group {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Group {
            id: v.string("id")?,
            name: v.string("name")?,
            description: v.opt_string("description")?,
            avatar_url: v.opt_string("avatar_url")?,
            conversation_id: v.string("conversation_id")?,
            contacts: v.list("contacts", Contact::from_json)?,
            created_at: v.int_or_zero("created_at")?,
            archived_at: v.opt_int("archived_at")?,
        })
    }
}

impl<T: FromJson> FromJson for Page<T> {
    fn from_json(v: &Value) -> Option<Self> {
        let has_more = match v.get("has_more")? {
            Value::Bool(b) => *b,
            _ => return None,
        };
        let data = v
            .get("data")?
            .arr()?
            .iter()
            .map(T::from_json)
            .collect::<Option<_>>()?;
        Some(Page { has_more, data })
    }
}

impl FromJson for Deleted {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Deleted {
            id: v.string("id")?,
            deleted: v.bool_or_false("deleted")?,
        })
    }
}

fn error_type(s: &str) -> ErrorType {
    match s {
        "invalid_request" => ErrorType::InvalidRequest,
        "authentication_error" => ErrorType::AuthenticationError,
        "permission_error" => ErrorType::PermissionError,
        "not_found_error" => ErrorType::NotFoundError,
        "idempotency_error" => ErrorType::IdempotencyError,
        "conflict_error" => ErrorType::ConflictError,
        "rate_limit_error" => ErrorType::RateLimitError,
        "api_error" => ErrorType::ApiError,
        _ => ErrorType::Unknown,
    }
}

impl FromJson for ErrorBody {
    fn from_json(v: &Value) -> Option<Self> {
        Some(ErrorBody {
            kind: error_type(v.get("type")?.str()?),
            message: v.string("message")?,
            param: v.opt_string("param")?,
            documentation_url: v.opt_string("documentation_url")?.unwrap_or_default(),
        })
    }
}

impl FromJson for Event {
    fn from_json(v: &Value) -> Option<Self> {
        let kind = match v.get("type")?.str()? {
            "message.created" => EventType::MessageCreated,
            "message.updated" => EventType::MessageUpdated,
            "message.deleted" => EventType::MessageDeleted,
            _ => return None,
        };
        Some(Event {
            id: v.string("id")?,
            kind,
            payload: Message::from_json(v.get("payload")?)?,
        })
    }
}

/// Writes an attachment (for the stored outbox).
pub fn attachment_json(a: &Attachment) -> String {
    let mut w = ObjectWriter::default()
        .str("id", &a.id)
        .str("filename", &a.filename)
        .str("file_url", &a.file_url)
        .str("file_type", &a.file_type)
        .int("file_size", i64::try_from(a.file_size).unwrap_or(i64::MAX))
        .int("created_at", a.created_at);
    if let Some(c) = &a.conversation_id {
        w = w.str("conversation_id", c);
    }
    w.finish()
}

/// The body of `POST /v1/messages`.
pub fn send_message_json(body: &SendMessage) -> String {
    let mut w = ObjectWriter::default()
        .str("conversation_id", &body.conversation_id)
        .str("message", &body.message);
    if !body.attachments.is_empty() {
        w = w.raw("attachments", &str_array(&body.attachments));
    }
    w.finish()
}

/// The body of `PUT /v1/messages/:id`: only the attributes given.
pub fn update_message_json(body: &UpdateMessage) -> String {
    let mut w = ObjectWriter::default();
    if let Some(text) = &body.message {
        w = w.str("message", text);
    }
    if let Some(changes) = &body.reactions {
        let mut map = ObjectWriter::default();
        for (name, users) in &changes.0 {
            map = map.raw(name, &str_array(users));
        }
        w = w.raw("reactions", &map.finish());
    }
    if let Some(ids) = &body.attachments {
        w = w.raw("attachments", &str_array(ids));
    }
    if let Some(at) = body.read_at {
        w = w.int("read_at", at);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalars_and_nesting() {
        assert_eq!(parse(" null "), Some(Value::Null));
        assert_eq!(parse("true"), Some(Value::Bool(true)));
        assert_eq!(parse("-12"), Some(Value::Int(-12)));
        assert_eq!(parse("1.5e3"), Some(Value::OtherNumber));
        assert_eq!(parse("99999999999999999999"), Some(Value::OtherNumber));
        assert_eq!(
            parse(r#"{"a":[1,{"b":"c"}],"d":{}}"#),
            Some(Value::Obj(vec![
                (
                    "a".into(),
                    Value::Arr(vec![
                        Value::Int(1),
                        Value::Obj(vec![("b".into(), Value::Str("c".into()))])
                    ])
                ),
                ("d".into(), Value::Obj(vec![])),
            ]))
        );
    }

    #[test]
    fn parses_string_escapes() {
        assert_eq!(
            parse(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00é""#),
            Some(Value::Str("a\"b\\c/d\né😀é".into()))
        );
    }

    #[test]
    fn refuses_broken_text() {
        for bad in [
            "",
            "{",
            r#"{"a":1"#,
            r#"{"a" 1}"#,
            "[1,]",
            "[1 2]",
            "tru",
            "\"abc",
            "<html>",
            "{} x",
            r#""\ud83d""#,
            r#""\x""#,
            "-",
            "\"\u{1}\"",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&deep), None);
    }

    #[test]
    fn writes_escaped_strings() {
        let mut s = String::new();
        write_str(&mut s, "a\"b\\c\nd\u{1}é");
        assert_eq!(s, r#""a\"b\\c\nd\u0001é""#);
        assert_eq!(parse(&s), Some(Value::Str("a\"b\\c\nd\u{1}é".into())));
    }

    #[test]
    fn writes_objects() {
        let json = ObjectWriter::default()
            .str("a", "x")
            .int("b", -3)
            .raw("c", &str_array(&["u".into(), "v".into()]))
            .finish();
        assert_eq!(json, r#"{"a":"x","b":-3,"c":["u","v"]}"#);
    }

    const DOCS_MESSAGE: &str = r#"{
        "id": "SIuAFUNKdSYHZF2w",
        "conversation_id": "xgQQXg3hrtjh7AvZ",
        "contact": {"id": "WAz8eIbvDR60rouK", "username": "KevinMcCallister",
                    "phone_number": "+15555555555", "avatar_url": null,
                    "last_active_at": 1718040000, "created_at": 1717000000},
        "message": "It’s a nice night for a neck injury.",
        "reactions": [{"red_angry_face": ["KateMcCallister"]}, {"thumbs_up": ["KevinMcCallister", "FrankMcCallister"]}],
        "attachments": [{"id": "a1", "filename": "plan.pdf", "file_url": "/files/a1", "file_type": "application/pdf", "file_size": 2400000, "message_id": "SIuAFUNKdSYHZF2w"}],
        "read_at": null,
        "created_at": 1718040012,
        "updated_at": 1718040100,
        "edited_at": null
    }"#;

    #[test]
    fn reads_a_message_like_serde() {
        let ours: Message = from_str(DOCS_MESSAGE).expect("reads");
        let serde: Message = serde_json::from_str(DOCS_MESSAGE).expect("serde reads");
        assert_eq!(ours, serde);
        assert_eq!(ours.reactions.count("thumbs_up"), 2);
    }

    #[test]
    fn reads_pages_events_and_errors() {
        let page: Page<Message> =
            from_str(&format!(r#"{{"has_more":true,"data":[{DOCS_MESSAGE}]}}"#)).expect("page");
        assert!(page.has_more);
        assert_eq!(page.data.len(), 1);
        let event: Event = from_str(&format!(
            r#"{{"id":"ev1","type":"message.deleted","payload":{DOCS_MESSAGE}}}"#
        ))
        .expect("event");
        assert_eq!(event.kind, EventType::MessageDeleted);
        let err: ErrorBody =
            from_str(r#"{"type":"weird","message":"m","param":"limit"}"#).expect("error");
        assert_eq!(err.kind, ErrorType::Unknown);
        assert_eq!(err.param.as_deref(), Some("limit"));
    }

    #[test]
    fn wrong_types_are_refused() {
        assert!(from_str::<Page<Message>>(r#"{"has_more":"yes","data":[]}"#).is_none());
        assert!(from_str::<Message>(&DOCS_MESSAGE.replace("1718040012", "\"soon\"")).is_none());
        assert!(from_str::<Message>(
            &DOCS_MESSAGE.replace("\"read_at\": null", "\"read_at\": 1.5")
        )
        .is_none());
        assert!(
            from_str::<Event>(r#"{"id":"e","type":"message.exploded","payload":{}}"#).is_none()
        );
        assert!(from_str::<Attachment>(
            r#"{"id":"a","filename":"f","file_url":"u","file_type":"t","file_size":-1}"#
        )
        .is_none());
    }

    #[test]
    fn request_bodies_match_serde() {
        let send = SendMessage {
            conversation_id: "c".into(),
            message: "hi \"you\"".into(),
            attachments: vec!["a1".into()],
        };
        let ours: serde_json::Value =
            serde_json::from_str(&send_message_json(&send)).expect("json");
        assert_eq!(ours, serde_json::to_value(&send).expect("serde"));
        let update = UpdateMessage {
            message: Some("x".into()),
            reactions: Some(protocol_api::ReactionChanges::single("heart", "me", true)),
            attachments: None,
            read_at: Some(5),
        };
        let ours: serde_json::Value =
            serde_json::from_str(&update_message_json(&update)).expect("json");
        assert_eq!(ours, serde_json::to_value(&update).expect("serde"));
        assert_eq!(update_message_json(&UpdateMessage::default()), "{}");
    }

    #[test]
    fn reactions_read_both_shapes() {
        let a: Reactions = from_str(r#"{"heart":["a","b"]}"#).expect("object");
        let b: Reactions = from_str(r#"[{"heart":["a"]},{"heart":["b"]}]"#).expect("array");
        assert_eq!(a, b);
        assert!(from_str::<Reactions>(r#"[1]"#).is_none());
    }

    #[test]
    fn conversations_and_groups_with_defaults() {
        let c: Conversation = from_str(r#"{"id":"c1","group_id":"g1"}"#).expect("conversation");
        assert_eq!(c.group_id.as_deref(), Some("g1"));
        assert!(!c.is_pinned);
        let g: Group =
            from_str(r#"{"id":"g1","name":"Family","conversation_id":"c1"}"#).expect("group");
        assert_eq!(g.name, "Family");
        let d: ContactDetails =
            from_str(r#"{"id":"x","username":"u","display_name":null}"#).expect("details");
        assert_eq!(d.display_name, None);
        let del: Deleted = from_str(r#"{"id":"x","deleted":true}"#).expect("deleted");
        assert!(del.deleted);
    }
}
