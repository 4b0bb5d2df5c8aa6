//! The reactions under a bubble: `role="group"` "Reactions", one toggle button each.

use crate::core::emoji::glyph;
use crate::views::dom::{self, action_of, B};
use leptos::prelude::*;
use protocol_api::Reactions;
use web_sys::Document;

/// The group of reaction buttons, each named "name count", `aria-pressed` when `me`
/// reacted, with `data-act="toggle:name"`; `None` when nobody reacted.
pub fn build(doc: &Document, reactions: &Reactions, me: &str) -> Option<B> {
    if reactions.is_empty() {
        return None;
    }
    let mut group = B::new(doc, "div", "pc-reactions")?
        .attr("role", "group")
        .attr("aria-label", "Reactions");
    for (name, users) in reactions.iter() {
        let pressed = users.iter().any(|u| u == me);
        let count = users.len().to_string();
        let shown = glyph(name);
        let label = B::new(
            doc,
            "span",
            if shown.is_some() {
                "pc-reaction__emoji"
            } else {
                "pc-reaction__emoji pc-reaction__name"
            },
        )
        .map(|s| s.attr("aria-hidden", "true").text(shown.unwrap_or(name)));
        let number = B::new(doc, "span", "pc-reaction__count")
            .map(|s| s.attr("aria-hidden", "true").text(&count));
        let button = B::new(
            doc,
            "button",
            if pressed {
                "pc-reaction pc-reaction--mine"
            } else {
                "pc-reaction"
            },
        )?
        .attr("type", "button")
        .attr("data-act", &format!("toggle:{name}"))
        .attr("aria-pressed", if pressed { "true" } else { "false" })
        .attr("aria-label", &format!("{name} {count}"))
        .attr("title", &users.join(", "))
        .child(label)
        .child(number);
        group = group.child(Some(button));
    }
    Some(group)
}

/// Puts a built element into the directive's element.
pub fn adopt(el: web_sys::Element, child: Option<web_sys::Element>) {
    if let Some(child) = child {
        el.replace_children_with_node_1(&child);
    }
}

/// The reaction bar on its own (the bubble builds the same markup in place).
#[component]
pub fn ReactionBar(
    /// The message's reactions.
    reactions: Reactions,
    /// The caller's username.
    #[prop(into)]
    me: String,
    /// Toggles the caller's reaction with this name.
    on_toggle: Callback<String>,
) -> impl IntoView {
    let built = dom::document()
        .and_then(|d| build(&d, &reactions, &me))
        .map(|b| b.0);
    view! {
        <div
            class="pc-slot"
            use:adopt=built
            on:click=move |ev| {
                if let Some((act, _)) = action_of(&ev) {
                    if let Some(name) = act.strip_prefix("toggle:") {
                        on_toggle.run(name.to_owned());
                    }
                }
            }
        ></div>
    }
}
