//! "Jump to latest": shown while the reader is scrolled up and new messages came in below.

use leptos::prelude::*;

/// The button "Jump to latest" with the count of new messages ("2 new"), shown while the
/// count is above zero.
#[component]
pub fn JumpToLatest(
    /// New messages below the reader.
    #[prop(into)]
    count: Signal<u32>,
    /// Called when the button is pressed.
    #[prop(into)]
    on_jump: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || { count.get() > 0 }>
            <button
                type="button"
                class="pc-jump"
                aria-label="Jump to latest"
                aria-describedby="pc-jump-count"
                on:click=move |_| on_jump.run(())
            >
                "Jump to latest "
                <span class="pc-jump__count" id="pc-jump-count">
                    {move || format!("{} new", count.get())}
                </span>
            </button>
        </Show>
    }
}
