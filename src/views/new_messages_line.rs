//! The "New messages" line above the first message from others that the reader had not
//! read when the conversation opened.

use leptos::prelude::*;

/// A sibling of the feed's articles like the date line, hidden from assistive technology
/// (`role="feed"` may own only articles); the line itself is the reader's landmark when the
/// conversation opens there.
#[component]
pub fn NewMessagesLine() -> impl IntoView {
    view! {
        <div class="pc-line pc-unread" aria-hidden="true">
            <span class="pc-line__label">"New messages"</span>
        </div>
    }
}
