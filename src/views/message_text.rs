//! A message's text: as text (never HTML), its safe links clickable, isolated in its own
//! direction (`dir="auto"`), and a long one folded behind "Show more".

use crate::core::format::{may_fold, split_links, Segment};
use crate::views::effect;
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;

/// The text as text, its safe links as `<a>`.
fn text_view(text: &str) -> impl IntoView {
    split_links(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(t) => Either::Left(t.to_owned()),
            Segment::Link(href) => Either::Right(view! {
                <a href=href.to_owned() rel="noopener noreferrer" target="_blank">
                    {href.to_owned()}
                </a>
            }),
        })
        .collect_view()
}

/// True when `el` shows less than its content (a fold that hides something).
fn overflows(el: &web_sys::HtmlElement) -> bool {
    el.scroll_height() > el.client_height() + 1
}

/// The paragraph of a message's text. A text that may be longer than
/// [`crate::core::format::FOLD_LINES`] lines is folded to that height, with a button
/// "Show more" (`aria-expanded`) once it really overflows; "Show less" folds it again,
/// bringing the message's top back into view when the reader had scrolled past it.
#[component]
pub fn MessageText(
    /// The message text.
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let paragraph = NodeRef::<html::P>::new();
    let foldable = Memo::new(move |_| text.with(|t| may_fold(t)));
    let expanded = RwSignal::new(false);
    // Whether the folded paragraph hides anything, read from the layout once it is there.
    let hides_text = RwSignal::new(false);
    effect(move || {
        if !foldable.get() {
            hides_text.set(false);
            return;
        }
        text.track();
        // The row may be gone by then (the feed's window moved): nothing to read.
        request_animation_frame(move || {
            if let Some(el) = paragraph.try_get_untracked().flatten() {
                if expanded.try_get_untracked() == Some(false) {
                    hides_text.try_set(overflows(&el));
                }
            }
        });
    });
    let folded = move || foldable.get() && !expanded.get();
    let toggle = move |_| {
        let open = !expanded.get_untracked();
        expanded.set(open);
        let Some(el) = paragraph.get_untracked() else {
            return;
        };
        let Ok(Some(feed)) = el.closest("[role=feed]") else {
            return;
        };
        // Folding again: a reader below the message's top is brought back to it.
        if !open && el.get_bounding_client_rect().top() < feed.get_bounding_client_rect().top() {
            el.scroll_into_view();
        }
        // The feed reads where the reader is again (its anchor), now the text's height
        // changed.
        if let Ok(event) = web_sys::Event::new("scroll") {
            let _ = feed.dispatch_event(&event);
        }
    };
    view! {
        <p
            node_ref=paragraph
            class=move || if folded() { "pc-msg__text pc-msg__text--folded" } else { "pc-msg__text" }
            dir="auto"
        >
            {move || text.with(|t| text_view(t))}
        </p>
        <Show when=move || foldable.get() && (expanded.get() || hides_text.get())>
            <button
                type="button"
                class="pc-button pc-button--small pc-button--quiet pc-msg__fold"
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                on:click=toggle
            >
                {move || if expanded.get() { "Show less" } else { "Show more" }}
            </button>
        </Show>
    }
}
