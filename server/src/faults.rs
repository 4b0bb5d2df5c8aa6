//! Fault injection for tests (`--latency-ms`, `--fail-rate`, `--fail-after-commit-rate`),
//! off by default, changeable at run time through `/_test/faults`.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::ApiError;

/// Longest delay accepted, in milliseconds.
const MAX_LATENCY_MS: u64 = 60_000;

/// A delay added to every API answer: fixed, or uniformly random in `min..=max`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    /// Shortest delay in milliseconds.
    pub min_ms: u64,
    /// Longest delay in milliseconds.
    pub max_ms: u64,
}

impl Latency {
    fn pick(self) -> Duration {
        let ms = if self.max_ms > self.min_ms {
            rand::rng().random_range(self.min_ms..=self.max_ms)
        } else {
            self.min_ms
        };
        Duration::from_millis(ms)
    }
}

impl FromStr for Latency {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parse = |part: &str| {
            part.trim()
                .parse::<u64>()
                .map_err(|_| format!("latency must be N or MIN..MAX milliseconds, not {text:?}"))
        };
        let latency = match text.split_once("..") {
            Some((min, max)) => Self {
                min_ms: parse(min)?,
                max_ms: parse(max)?,
            },
            None => {
                let ms = parse(text)?;
                Self {
                    min_ms: ms,
                    max_ms: ms,
                }
            }
        };
        if latency.min_ms > latency.max_ms || latency.max_ms > MAX_LATENCY_MS {
            return Err(format!(
                "latency must be MIN..MAX with MIN <= MAX <= {MAX_LATENCY_MS}"
            ));
        }
        Ok(latency)
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.min_ms == self.max_ms {
            write!(f, "{}", self.min_ms)
        } else {
            write!(f, "{}..{}", self.min_ms, self.max_ms)
        }
    }
}

impl Serialize for Latency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.min_ms == self.max_ms {
            serializer.serialize_u64(self.min_ms)
        } else {
            serializer.collect_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LatencyVisitor;

        impl Visitor<'_> for LatencyVisitor {
            type Value = Latency;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("milliseconds as a number or a \"MIN..MAX\" string")
            }

            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<Latency, E> {
                Latency::from_str(&ms.to_string()).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, ms: i64) -> Result<Latency, E> {
                Latency::from_str(&ms.to_string()).map_err(E::custom)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Latency, E> {
                Latency::from_str(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(LatencyVisitor)
    }
}

/// The three fault settings, as `/_test/faults` shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct FaultSettings {
    /// Delay added to every API answer.
    pub latency_ms: Latency,
    /// Share of `/v1` requests answered 503 before doing anything.
    pub fail_rate: f64,
    /// Share of `/v1` writes whose connection is dropped after they commit.
    pub fail_after_commit_rate: f64,
}

impl FaultSettings {
    /// True when any fault is on.
    pub fn any(&self) -> bool {
        self.latency_ms.max_ms > 0 || self.fail_rate > 0.0 || self.fail_after_commit_rate > 0.0
    }
}

/// A change of some fault settings (`PUT /_test/faults`); absent fields stay.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct FaultChange {
    /// New delay.
    pub latency_ms: Option<Latency>,
    /// New failure share, 0..=1.
    pub fail_rate: Option<f64>,
    /// New dropped-connection share, 0..=1.
    pub fail_after_commit_rate: Option<f64>,
}

impl crate::body::FormShape for FaultChange {
    const NUMERIC_FIELDS: &'static [&'static str] = &["fail_rate", "fail_after_commit_rate"];
}

/// Checks a rate is a share between 0 and 1.
pub fn validate_rate(name: &str, rate: f64) -> Result<f64, ApiError> {
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(ApiError::param(
            name,
            format!("{name} must be between 0 and 1"),
        ))
    }
}

/// The current fault settings, shared by every request.
#[derive(Debug, Default)]
pub struct Faults(RwLock<FaultSettings>);

impl Faults {
    /// Faults with these initial settings.
    pub fn new(settings: FaultSettings) -> Self {
        Self(RwLock::new(settings))
    }

    /// The settings now.
    pub fn get(&self) -> FaultSettings {
        *self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies a change after validating it; returns the new settings.
    pub fn apply(&self, change: FaultChange) -> Result<FaultSettings, ApiError> {
        let fail_rate = change
            .fail_rate
            .map(|r| validate_rate("fail_rate", r))
            .transpose()?;
        let after = change
            .fail_after_commit_rate
            .map(|r| validate_rate("fail_after_commit_rate", r))
            .transpose()?;
        let mut settings = self.0.write().unwrap_or_else(|p| p.into_inner());
        if let Some(latency) = change.latency_ms {
            settings.latency_ms = latency;
        }
        if let Some(rate) = fail_rate {
            settings.fail_rate = rate;
        }
        if let Some(rate) = after {
            settings.fail_after_commit_rate = rate;
        }
        Ok(*settings)
    }
}

fn roll(rate: f64) -> bool {
    rate > 0.0 && rand::rng().random::<f64>() < rate
}

/// A response whose body fails before its first byte: hyper then closes the connection
/// without writing the status line, so the client sees no answer at all.
fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other(
            "fault injection: connection dropped after commit",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// Middleware of `/v1`: delay, then maybe fail before, or drop the answer after, the work.
pub async fn middleware(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    let faults = faults.get();
    if faults.latency_ms.max_ms > 0 {
        tokio::time::sleep(faults.latency_ms.pick()).await;
    }
    if roll(faults.fail_rate) {
        return ApiError::Unavailable.into_response();
    }
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    if writes && response.status().is_success() && roll(faults.fail_after_commit_rate) {
        tracing::warn!("fault injection: dropping the connection after a committed write");
        return dropped_connection();
    }
    response
}
