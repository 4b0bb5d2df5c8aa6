//! Random ids and the server clock.

use rand::distr::Alphanumeric;
use rand::Rng;

/// A new random id of `protocol_api::ID_LEN` characters from `[A-Za-z0-9]`.
pub fn new_id() -> String {
    random_string(protocol_api::ID_LEN)
}

/// A random string of `len` characters from `[A-Za-z0-9]`.
pub fn random_string(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// True for a string shaped like an id (any length 1..=64 of `[A-Za-z0-9]`).
pub fn looks_like_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The server clock in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}
