//! SQL for every resource; functions take a connection and return API types.

pub mod attachments;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod idempotency;
pub mod messages;
pub mod page;
