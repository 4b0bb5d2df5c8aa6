//! Limits that keep one caller from taking the server: requests per minute
//! (`--rate-limit-per-minute`) and open event streams per caller.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota};

use crate::auth::{bearer_token, Auth, MAX_TOKEN_LEN};
use crate::body::Query;
use crate::error::ApiError;

/// Most peer addresses remembered for requests that carry no known token.
pub const MAX_TRACKED_PEERS: usize = 65_536;

/// How often, at most, a full map of peers is swept of those whose quota has recovered.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Counts requests: per authenticated caller, and per peer address (an IPv6 /64) for
/// requests whose token is missing or unknown, so made-up tokens cost one entry per peer.
pub struct RateLimiter {
    callers: Option<DefaultKeyedRateLimiter<String>>,
    peers: Option<DefaultKeyedRateLimiter<IpAddr>>,
    last_sweep: Mutex<Instant>,
}

fn seconds_until(not_until: &NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    (wait.as_secs_f64().ceil() as u64).max(1)
}

/// The address a peer is counted under: itself for IPv4, its /64 network for IPv6.
fn peer_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        v4 => v4,
    }
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per caller (a burst of that many, then one
    /// every `60 / per_minute` seconds); 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        let quota = NonZeroU32::new(per_minute).map(Quota::per_minute);
        Self {
            callers: quota.map(governor::RateLimiter::keyed),
            peers: quota.map(governor::RateLimiter::keyed),
            last_sweep: Mutex::new(Instant::now()),
        }
    }

    /// True when requests are limited at all.
    pub fn is_on(&self) -> bool {
        self.callers.is_some()
    }

    /// Counts one request of caller `id`; the seconds to wait when over the limit.
    pub fn hit_caller(&self, id: &str) -> Option<u64> {
        let limiter = self.callers.as_ref()?;
        limiter
            .check_key(&id.to_owned())
            .err()
            .map(|not_until| seconds_until(&not_until))
    }

    /// Counts one request from `ip` without a known token; the seconds to wait when over
    /// the limit, or when the map of peers is full even after a sweep.
    pub fn hit_peer(&self, ip: IpAddr) -> Option<u64> {
        let limiter = self.peers.as_ref()?;
        if limiter.len() >= MAX_TRACKED_PEERS {
            let mut last = self.last_sweep.lock().unwrap_or_else(|p| p.into_inner());
            if last.elapsed() >= SWEEP_EVERY {
                limiter.retain_recent();
                *last = Instant::now();
            }
            if limiter.len() >= MAX_TRACKED_PEERS {
                return Some(SWEEP_EVERY.as_secs().max(1));
            }
        }
        limiter
            .check_key(&peer_key(ip))
            .err()
            .map(|not_until| seconds_until(&not_until))
    }

    /// How many callers and peers are remembered now.
    pub fn tracked(&self) -> usize {
        self.callers.as_ref().map_or(0, |l| l.len()) + self.peers.as_ref().map_or(0, |l| l.len())
    }
}

/// What the rate-limiting middleware needs.
#[derive(Clone)]
pub struct Limits {
    /// The counts.
    pub limiter: Arc<RateLimiter>,
    /// To tell a known caller from a made-up token.
    pub auth: Auth,
}

/// Middleware of `/v1`: a token over [`MAX_TOKEN_LEN`] is refused at once; a known caller
/// is counted (and handed on to the handler, which then does not look it up again), any
/// other request is counted by its peer address; over the limit: 429 with `Retry-After`.
pub async fn middleware(
    State(limits): State<Limits>,
    mut request: Request,
    next: Next,
) -> Response {
    if !limits.limiter.is_on() {
        return next.run(request).await;
    }
    let query = Query::parse(request.uri().query());
    let token = bearer_token(request.headers()).or_else(|| query.get("access_token"));
    if token.is_some_and(|token| token.len() > MAX_TOKEN_LEN) {
        return ApiError::Unauthenticated("unknown token").into_response();
    }
    let token = token.map(str::to_owned);
    let caller = match token {
        Some(token) => limits.auth.authenticate(Some(&token)).await.ok(),
        None => None,
    };
    let wait = match &caller {
        Some(caller) => limits.limiter.hit_caller(&caller.id),
        None => {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
            limits.limiter.hit_peer(peer)
        }
    };
    if let Some(retry_after) = wait {
        return ApiError::RateLimited {
            retry_after,
            message: "too many requests",
        }
        .into_response();
    }
    if let Some(caller) = caller {
        request.extensions_mut().insert(caller);
    }
    next.run(request).await
}

/// Open event streams per caller, at most `max` each.
pub struct StreamSlots {
    max: usize,
    open: Mutex<HashMap<String, usize>>,
}

/// One open stream of a caller; its place is given back when it is dropped.
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    caller_id: String,
}

impl StreamSlots {
    /// Room for `max` open streams per caller.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more stream of `caller_id`, or `None` when it has `max` open.
    pub fn try_open(self: &Arc<Self>, caller_id: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(caller_id.to_owned()).or_insert(0);
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            slots: Arc::clone(self),
            caller_id: caller_id.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.caller_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.caller_id);
            }
        }
    }
}
