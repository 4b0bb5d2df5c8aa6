//! Request extractors: JSON or form-encoded bodies (bracket notation), query parameters and
//! path ids, each rejecting with [`ApiError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Most bytes a JSON or form body may have (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a form body needs to become its JSON twin: the top-level fields that are numbers.
pub trait FormShape {
    /// Top-level fields whose form text is to be read as a number.
    const NUMERIC_FIELDS: &'static [&'static str] = &[];
}

impl FormShape for protocol_api::SendMessage {}

impl FormShape for protocol_api::UpdateMessage {
    const NUMERIC_FIELDS: &'static [&'static str] = &["read_at"];
}

/// A body decoded from `application/json` or `application/x-www-form-urlencoded`.
pub struct Payload<T>(pub T);

impl<S, T> FromRequest<S> for Payload<T>
where
    S: Send + Sync,
    T: DeserializeOwned + FormShape,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge("the request body is over 1 MiB")
                } else {
                    ApiError::invalid("the request body could not be read")
                }
            })?;
        if content_type.starts_with("application/x-www-form-urlencoded") {
            let value = form_to_json(&bytes, T::NUMERIC_FIELDS)?;
            return serde_json::from_value(value)
                .map(Payload)
                .map_err(|error| describe_decode_error(&error));
        }
        if !(content_type.starts_with("application/json")
            || content_type.is_empty()
            || content_type.contains("+json"))
        {
            return Err(ApiError::invalid(
                "Content-Type must be application/json or application/x-www-form-urlencoded",
            ));
        }
        let body = match bytes.trim_ascii() {
            b"" => &b"{}"[..],
            body => body,
        };
        let not_json = || ApiError::invalid("the request body is not valid JSON");
        if body.first() != Some(&b'{') {
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                    Ok(_) => ApiError::invalid("the request body must be a JSON object"),
                    Err(_) => not_json(),
                },
            );
        }
        // Decoded in one pass, straight into `T`.
        serde_json::from_slice(body)
            .map(Payload)
            .map_err(|error| match error.classify() {
                serde_json::error::Category::Data => describe_decode_error(&error),
                _ => not_json(),
            })
    }
}

fn describe_decode_error(error: &serde_json::Error) -> ApiError {
    let text = error.to_string();
    if text.starts_with(protocol_api::TOO_MANY_REACTION_NAMES) {
        return ApiError::param("reactions", protocol_api::TOO_MANY_REACTION_NAMES);
    }
    let field = text
        .split('`')
        .nth(1)
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    match field {
        Some(name) if text.starts_with("missing field") => {
            ApiError::param(name, format!("{name} is required"))
        }
        _ => ApiError::invalid("the request body has a field of the wrong type"),
    }
}

/// Most bracket segments one form key may have (`a[b][c]` has 2; API.md "Limits").
pub const MAX_KEY_SEGMENTS: usize = 8;

enum Segment {
    Key(String),
    Push,
}

/// Splits `base[a][]` into its base and segments; a key that is not bracket notation is
/// kept whole. More than [`MAX_KEY_SEGMENTS`] segments is a 400, found without reading
/// past the limit.
fn parse_key(key: &str) -> Result<(String, Vec<Segment>), ApiError> {
    let Some(open) = key.find('[') else {
        return Ok((key.to_owned(), Vec::new()));
    };
    let (base, mut rest) = key.split_at(open);
    let mut segments = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        if segments.len() == MAX_KEY_SEGMENTS {
            let param: String = base.chars().take(64).collect();
            return Err(ApiError::param(
                &param,
                format!("a form key may have at most {MAX_KEY_SEGMENTS} [segments]"),
            ));
        }
        let Some(close) = inner.find(']') else {
            return Ok((key.to_owned(), Vec::new()));
        };
        let name = &inner[..close];
        segments.push(
            if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
                Segment::Push
            } else {
                Segment::Key(name.to_owned())
            },
        );
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() || base.is_empty() {
        return Ok((key.to_owned(), Vec::new()));
    }
    Ok((base.to_owned(), segments))
}

fn shape_error() -> ApiError {
    ApiError::invalid("the form fields do not nest consistently")
}

/// Puts `value` where `segments` lead from `target`, one level at a time (no recursion).
fn insert(mut target: &mut Value, segments: &[Segment], value: String) -> Result<(), ApiError> {
    for (index, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Key(name) => {
                if target.is_null() {
                    *target = Value::Object(Map::new());
                }
                let map = target.as_object_mut().ok_or_else(shape_error)?;
                target = map.entry(name.clone()).or_insert(Value::Null);
            }
            Segment::Push => {
                if target.is_null() {
                    *target = Value::Array(Vec::new());
                }
                let list = target.as_array_mut().ok_or_else(shape_error)?;
                if index + 1 != segments.len() {
                    return Err(shape_error());
                }
                list.push(Value::String(value));
                return Ok(());
            }
        }
    }
    *target = Value::String(value);
    Ok(())
}

/// Turns a form body with bracket notation (`a[b][]=c`) into the equivalent JSON object;
/// the `numeric` top-level fields become numbers when they parse as one.
pub fn form_to_json(bytes: &[u8], numeric: &[&str]) -> Result<Value, ApiError> {
    let mut root = Map::new();
    for (key, value) in form_urlencoded::parse(bytes) {
        let (base, segments) = parse_key(&key)?;
        let slot = root.entry(base).or_insert(Value::Null);
        insert(slot, &segments, value.into_owned())?;
    }
    for field in numeric {
        if let Some(slot) = root.get_mut(*field) {
            let text = slot.as_str().map(str::trim).unwrap_or_default();
            if let Ok(number) = text.parse::<i64>() {
                *slot = Value::from(number);
            } else if let Some(number) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                *slot = Value::Number(number);
            }
        }
    }
    Ok(Value::Object(root))
}

/// The query string as (name, value) pairs.
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The last value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// An optional boolean flag (`true`/`false`/`1`/`0`).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(_) => Err(ApiError::param(
                name,
                format!("{name} must be true or false"),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self::parse(parts.uri.query()))
    }
}

/// A single `{id}` path segment.
pub struct IdPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| Self(id))
            .map_err(|_| ApiError::NotFound("no such item"))
    }
}
