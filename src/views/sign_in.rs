//! The sign-in form shown when no token is configured.

use leptos::html::Input;
use leptos::prelude::*;

/// Textbox "API token" and button "Sign in": submitting a non-blank token calls
/// `on_sign_in` with it, trimmed (the caller keeps it for this tab, with its API).
#[component]
pub fn SignIn(
    /// Called with the typed token.
    #[prop(into)]
    on_sign_in: Callback<String>,
    /// The title is the page's `h1` (the standalone app); a widget's is an `h2`, under its
    /// host page's own headings.
    #[prop(optional)]
    page_title: bool,
) -> impl IntoView {
    let field = NodeRef::<Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = field
            .get_untracked()
            .map(|f| f.value().trim().to_owned())
            .unwrap_or_default();
        if !value.is_empty() {
            on_sign_in.run(value);
        }
    };
    let title = if page_title {
        leptos::either::Either::Left(view! { <h1 class="pc-signin__title">"Protocol Chat"</h1> })
    } else {
        leptos::either::Either::Right(view! { <h2 class="pc-signin__title">"Protocol Chat"</h2> })
    };
    view! {
        <form class="pc-signin" on:submit=submit>
            {title}
            <label class="pc-field">
                <span>"API token"</span>
                <input node_ref=field class="pc-input" type="password" autocomplete="off" required />
            </label>
            <button type="submit" class="pc-button pc-button--primary">"Sign in"</button>
        </form>
    }
}
