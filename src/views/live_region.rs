//! The feed's visually hidden polite live region.

use leptos::prelude::*;

/// One paragraph per announcement. The list is only ever replaced whole, and emptied before
/// each new batch (the feed queues them so), so every announcement is a fresh addition
/// (the same text twice is still read twice): no keys are needed to tell them apart.
#[component]
pub fn LiveRegion(
    /// The announcements shown now.
    #[prop(into)]
    announcements: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="pc-visually-hidden" aria-live="polite" aria-atomic="false">
            {move || {
                announcements
                    .get()
                    .into_iter()
                    .map(|text| view! { <p>{text}</p> })
                    .collect_view()
            }}
        </div>
    }
}
