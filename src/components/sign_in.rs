//! The sign-in form shown when no token is configured.

use leptos::prelude::*;

/// Textbox "API token" and button "Sign in".
#[component]
pub fn SignIn(
    /// Called with the entered token.
    on_sign_in: Callback<String>,
) -> impl IntoView {
    let token = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = token.get_untracked().trim().to_owned();
        if !value.is_empty() {
            on_sign_in.run(value);
        }
    };
    view! {
        <form class="pc-signin" on:submit=submit>
            <h1 class="pc-signin__title">"Protocol Chat"</h1>
            <label class="pc-field">
                <span>"API token"</span>
                <input
                    class="pc-input"
                    type="password"
                    autocomplete="off"
                    required
                    prop:value=token
                    on:input=move |ev| token.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" class="pc-button pc-button--primary">"Sign in"</button>
        </form>
    }
}
