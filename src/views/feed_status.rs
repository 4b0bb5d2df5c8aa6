//! The feed's status line: a page loading, or the beginning of the conversation.

use leptos::prelude::*;

/// What the status line says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedLine {
    /// Nothing: older messages remain and none are loading.
    None,
    /// The first page is on its way: "Loading messages…".
    First,
    /// An older page is on its way: `role="status"` "Loading older messages…".
    Older,
    /// Everything is loaded: "This is the beginning of the conversation".
    Beginning,
}

/// The line above the feed's rows, replaced only when what it says changes.
#[component]
pub fn FeedStatus(
    /// What to say.
    #[prop(into)]
    line: Signal<FeedLine>,
) -> impl IntoView {
    move || match line.get() {
        FeedLine::None => None,
        FeedLine::First => {
            Some(view! { <p class="pc-feed__status pc-muted">"Loading messages…"</p> }.into_any())
        }
        FeedLine::Older => Some(
            view! { <p class="pc-feed__status" role="status">"Loading older messages…"</p> }
                .into_any(),
        ),
        FeedLine::Beginning => Some(
            view! { <p class="pc-feed__start">"This is the beginning of the conversation"</p> }
                .into_any(),
        ),
    }
}
