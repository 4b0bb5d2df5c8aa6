//! The reactions under a bubble: `role="group"` "Reactions", one toggle button each,
//! keyed by reaction name so a toggle updates its button in place (and keeps its focus).

use crate::core::emoji::glyph;
use leptos::prelude::*;
use protocol_api::Reactions;

/// The group of reaction buttons, each named "name count" and `aria-pressed` when `me`
/// reacted; nothing when nobody reacted.
#[component]
pub fn ReactionBar(
    /// The message's reactions.
    #[prop(into)]
    reactions: Signal<Reactions>,
    /// The caller's username: their reactions show pressed.
    #[prop(into)]
    me: String,
    /// Toggles the caller's reaction with this name.
    on_toggle: Callback<String>,
) -> impl IntoView {
    let me = StoredValue::new(me);
    let names = move || {
        reactions.with(|r| {
            r.iter()
                .map(|(name, _)| name.to_owned())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || reactions.with(|r| !r.is_empty())>
            <div class="pc-reactions" role="group" aria-label="Reactions">
                <For each=names key=String::clone let:name>
                    {reaction_button(name, reactions, me.get_value(), on_toggle)}
                </For>
            </div>
        </Show>
    }
}

/// The toggle of reaction `name`: the emoji (or the name when it has none) and the count,
/// its title the people who reacted.
fn reaction_button(
    name: String,
    reactions: Signal<Reactions>,
    me: String,
    on_toggle: Callback<String>,
) -> impl IntoView {
    let users = Memo::new({
        let name = name.clone();
        move |_| {
            reactions.with(|r| {
                r.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, users)| users.to_vec())
                    .unwrap_or_default()
            })
        }
    });
    let pressed = Memo::new(move |_| users.with(|u| u.contains(&me)));
    let count = move || users.with(Vec::len);
    let shown = glyph(&name);
    let shown_text = shown.map_or_else(|| name.clone(), str::to_owned);
    let label = {
        let name = name.clone();
        move || format!("{name} {}", count())
    };
    view! {
        <button
            type="button"
            class=move || if pressed.get() { "pc-reaction pc-reaction--mine" } else { "pc-reaction" }
            aria-pressed=move || if pressed.get() { "true" } else { "false" }
            aria-label=label
            title=move || users.with(|u| u.join(", "))
            on:click={
                let name = name.clone();
                move |_| on_toggle.run(name.clone())
            }
        >
            <span
                class=if shown.is_some() {
                    "pc-reaction__emoji"
                } else {
                    "pc-reaction__emoji pc-reaction__name"
                }
                aria-hidden="true"
            >
                {shown_text}
            </span>
            <span class="pc-reaction__count" aria-hidden="true">
                {count}
            </span>
        </button>
    }
}
