//! A `role="alert"` with a human sentence and, where it helps, a way on.

use leptos::prelude::*;

/// The alert: `message`, then a button labelled `label` that calls `on_action`.
#[component]
pub fn ErrorBanner(
    /// The sentence that says what went wrong.
    #[prop(into)]
    message: Signal<String>,
    /// The button's label: "Retry", "Sign in again" or "Dismiss".
    label: &'static str,
    /// A quiet button (for "Dismiss"), not a plain one.
    #[prop(optional)]
    quiet: bool,
    /// What the button does.
    #[prop(into)]
    on_action: Callback<()>,
) -> impl IntoView {
    let class = if quiet {
        "pc-button pc-button--quiet"
    } else {
        "pc-button"
    };
    view! {
        <div class="pc-alert" role="alert">
            <span class="pc-alert__text">{message}</span>
            <button type="button" class=class on:click=move |_| on_action.run(())>
                {label}
            </button>
        </div>
    }
}
