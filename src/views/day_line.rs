//! The date line above the first message of a day in the feed.

use crate::browser::time;
use leptos::prelude::*;
use protocol_api::Timestamp;

/// A sibling of the feed's articles, hidden from assistive technology (`role="feed"` may
/// own only articles, and each article has its own `<time>`).
#[component]
pub fn DayLine(
    /// A moment of the day shown.
    ts: Timestamp,
) -> impl IntoView {
    view! {
        <div class="pc-line pc-day" aria-hidden="true">
            <span class="pc-line__label">{time::day(ts)}</span>
        </div>
    }
}
