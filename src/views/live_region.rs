//! The feed's visually hidden polite live region.

use leptos::prelude::*;

/// One paragraph per announcement, keyed by a number that is never reused, so that every
/// announcement is a fresh addition (the same text twice is still read twice).
#[component]
pub fn LiveRegion(
    /// The announcements shown now, each with its number.
    #[prop(into)]
    announcements: Signal<Vec<(u64, String)>>,
) -> impl IntoView {
    view! {
        <div class="pc-visually-hidden" aria-live="polite" aria-atomic="false">
            <For each=move || announcements.get() key=|(id, _)| *id let((_, text))>
                <p>{text}</p>
            </For>
        </div>
    }
}
