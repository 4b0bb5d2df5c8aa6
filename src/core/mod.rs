//! The pure core: plain Rust with no Leptos and no web-sys, unit-tested with `cargo test`.
//!
//! [`timeline`] holds one conversation's messages, pending sends and in-flight changes;
//! [`window`] decides which rows the feed renders and where the reader's anchor is;
//! [`outbox`] keeps unsent messages in typing order; [`format`] lays rows out (grouping,
//! date lines) and formats sizes and links; [`config`] settles the configuration layers
//! (which token goes to which API); [`session`] keeps a tab's sign-in and whose drafts and
//! unsent messages are whose; [`emoji`] names reaction glyphs; [`conversations`] keeps the
//! conversation list's pages; [`unread`] counts what arrives while the reader looks away.

pub mod config;
pub mod conversations;
pub mod emoji;
pub mod format;
pub mod outbox;
pub mod session;
pub mod timeline;
pub mod unread;
pub mod window;
