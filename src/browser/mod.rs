//! Browser I/O: everything that talks to the outside world. [`api`] is all HTTP (the
//! `Client` and `ApiError`), [`attention`] the unread count and notifications outside the
//! view, [`live`] the live updates (Server-Sent Events, polling
//! fallback), [`storage`] the token, drafts and unsent messages, [`settings`] the
//! configuration layers and the URL fragment, [`time`] the reader's locale and time zone,
//! [`embed`] the widget's entry points for `embed.js`.

pub mod api;
pub mod attention;
pub mod embed;
pub mod live;
pub mod settings;
pub mod storage;
pub mod time;
