//! Browser I/O: everything that talks to the outside world. [`api`] is all HTTP (the
//! `Client` and `ApiError`), [`attention`] the unread count and notifications outside the
//! view, [`live`] the live updates (Server-Sent Events, polling
//! fallback), [`storage`] the token, drafts and unsent messages, [`settings`] the
//! configuration layers, the URL fragment and the history entries, [`time`] the reader's
//! locale and time zone, [`pointer`] whether it is a touch screen, [`embed`] the widget's
//! entry points for `embed.js`.

pub mod api;
pub mod attention;
pub mod embed;
pub mod live;
pub mod pointer;
pub mod settings;
pub mod storage;
pub mod time;
