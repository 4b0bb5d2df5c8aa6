//! A `role="alert"` with a human sentence and, where it helps, a way on.

use leptos::prelude::*;

/// An error sentence with optional "Retry" and "Sign in again" buttons.
#[component]
pub fn ErrorBanner(
    /// The human sentence.
    #[prop(into)]
    message: Signal<String>,
    /// Shows a "Retry" button that calls this.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
    /// Shows a "Sign in again" button that calls this.
    #[prop(optional, into)]
    on_sign_in: Option<Callback<()>>,
    /// Shows a "Dismiss" button that calls this.
    #[prop(optional, into)]
    on_dismiss: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="pc-alert" role="alert">
            <span class="pc-alert__text">{message}</span>
            {on_retry.map(|f| view! {
                <button type="button" class="pc-button" on:click=move |_| f.run(())>"Retry"</button>
            })}
            {on_sign_in.map(|f| view! {
                <button type="button" class="pc-button" on:click=move |_| f.run(())>"Sign in again"</button>
            })}
            {on_dismiss.map(|f| view! {
                <button type="button" class="pc-button pc-button--quiet" on:click=move |_| f.run(())>"Dismiss"</button>
            })}
        </div>
    }
}
