//! The feed: keyed rows with date lines, opened at the bottom, older pages loaded at the
//! top with the reader's message held in place, "Jump to latest" when scrolled up.
//! Only the rows around the viewport are in the DOM (see [`crate::core::window`]).

use crate::actions::ChatActions;
use crate::browser::time;
use crate::core::format::{day_key, layout};
use crate::core::timeline::{RowView, Timeline};
use crate::core::window::{self, Anchor, Heights, Span};
use crate::views::day_line::DayLine;
use crate::views::effect;
use crate::views::feed_status::{FeedLine, FeedStatus};
use crate::views::jump_to_latest::JumpToLatest;
use crate::views::live_region::LiveRegion;
use crate::views::message_bubble::{MessageBubble, RowMeta};
use crate::views::new_messages_line::NewMessagesLine;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_intersection_observer::{
    use_intersection_observer_with_options, UseIntersectionObserverOptions,
};
use protocol_api::Timestamp;
use rustc_hash::{FxHashMap, FxHashSet};
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Distance from the bottom (px) that still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 48;
/// Distance from the top (px) at which the previous page starts loading.
const TOP_TRIGGER: i32 = 400;

/// Viewport height (px) assumed before the feed was first laid out.
const DEFAULT_VIEWPORT: f64 = 600.0;
/// The least overscan (px): rows rendered beyond each edge of the viewport.
const MIN_OVERSCAN: f64 = 400.0;

/// How many announcements the live region keeps at once.
const ANNOUNCEMENTS_KEPT: usize = 5;
/// Where the first new message's top sits when the view opens at the "New messages"
/// line (px from the feed's top: room for the line above it).
const NEW_LINE_OFFSET: f64 = 48.0;
/// How long a row must be in view before it is marked read.
const READ_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

/// The rows of the feed by key: where each sits and, for the first message of a day, its
/// time, above which a date line is drawn. The date line is a sibling of the articles,
/// hidden from assistive technology (`role="feed"` may own only articles; each article has
/// its own `<time>`), so an article never changes size when an older page of the same day
/// moves the line up.
struct Rows {
    items: Vec<String>,
    meta: FxHashMap<String, (RowMeta, Option<i64>)>,
    /// What they were laid out from: the timeline's shape, and whether older messages
    /// remain.
    shape: u64,
    has_more: bool,
}

impl Rows {
    /// Lays out every row of `timeline`: grouping, date lines and positions in the set.
    fn of(timeline: &Timeline) -> Self {
        let (items, senders): (Vec<String>, Vec<(String, Timestamp)>) = timeline
            .outline()
            .map(|(key, sender, ts)| (key.to_owned(), (sender.to_owned(), ts)))
            .unzip();
        let input: Vec<(&str, Timestamp, i64)> = senders
            .iter()
            .map(|(sender, ts)| {
                (
                    sender.as_str(),
                    *ts,
                    day_key(*ts, time::offset_east_minutes(*ts)),
                )
            })
            .collect();
        let has_more = timeline.has_more();
        let setsize = if has_more { -1 } else { items.len() as i64 };
        let mut meta = FxHashMap::with_capacity_and_hasher(items.len(), Default::default());
        for (i, ((key, l), (_, ts))) in items.iter().zip(layout(&input)).zip(&senders).enumerate() {
            let row = RowMeta {
                grouped: l.grouped,
                posinset: i + 1,
                setsize,
            };
            meta.insert(key.clone(), (row, l.new_day.then_some(*ts)));
        }
        Self {
            items,
            meta,
            shape: timeline.shape(),
            has_more,
        }
    }

    /// True when `timeline` still has these rows: no row added, removed or moved, and the
    /// beginning neither reached nor lost. Edits, reactions and read marks leave them
    /// (and cost two comparisons, however many rows are loaded).
    fn still_fit(&self, timeline: &Timeline) -> bool {
        self.shape == timeline.shape() && self.has_more == timeline.has_more()
    }
}

/// The feed's bookkeeping between frames.
#[derive(Default)]
struct FeedState {
    /// Where the reader is (see [`crate::core::window`]).
    anchor: Anchor,
    /// Row heights measured so far.
    heights: Heights,
    /// A DOM change awaits `settle` (the next frame).
    settling: bool,
    /// The window was placed and the rows are being moved into it (until `settle`).
    placing: bool,
    /// The scroll position last seen by `settle` or the scroll handler.
    last_top: i32,
    /// The feed's height when layout was last done anyway.
    viewport: f64,
    /// Rows were laid out once (before that, the first rows render without overscan).
    laid_out: bool,
    /// The window took on its overscan after the first layout.
    overscanned: bool,
    /// The row that held the focus when the window was last placed.
    focus_key: Option<String>,
    /// The keys of the articles the read-mark observer watches.
    watched: Vec<String>,
    /// The read-mark observer last heard from, and the keys it reported in view.
    observer: Option<web_sys::IntersectionObserver>,
    in_view: FxHashSet<String>,
    /// A read mark is scheduled.
    read_pending: bool,
    /// Just opened with new messages from others: the row under the "New messages" line,
    /// where the view opens once laid out if what is new does not fit on screen.
    open_at: Option<String>,
    /// The rendered rows by key, with what each shows and where it sits: the feed's one
    /// effect pushes every change to them. A row reading the timeline or the layout itself
    /// would stay among their subscribers after it unmounted (reactive_graph 0.2 never
    /// prunes a dead subscriber), and every later change would walk every row ever
    /// rendered.
    rendered: Vec<(String, RwSignal<RowView>, RwSignal<Place>)>,
    /// Announcements waiting for the live region.
    announcements: Vec<String>,
    /// The feed is not laid out (the phone layout shows the conversation list).
    hidden: bool,
}

/// A rendered row's signals, with its new view and its new place where they changed.
type RowChange = (
    RwSignal<RowView>,
    Option<RowView>,
    RwSignal<Place>,
    Option<Place>,
);

impl FeedState {
    /// The rendered rows whose view or place differs from `timeline`, `rows` and the
    /// "New messages" row `unread_from`.
    fn changed_rows(
        &self,
        timeline: &Timeline,
        rows: &Rows,
        unread_from: Option<&str>,
    ) -> Vec<RowChange> {
        self.rendered
            .iter()
            .filter_map(|(key, row, place)| {
                let edited = timeline
                    .rev(key)
                    .filter(|rev| row.try_with_untracked(|v| v.rev != *rev) == Some(true))
                    .and_then(|_| timeline.row(key));
                let now = Place::of(rows, unread_from, key);
                let moved = (place.try_with_untracked(|p| *p != now) == Some(true)).then_some(now);
                (edited.is_some() || moved.is_some()).then_some((*row, edited, *place, moved))
            })
            .collect()
    }
}

/// The feed's bookkeeping.
type Feed = StoredValue<FeedState, LocalStorage>;

fn articles(feed: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = feed.query_selector_all("article[data-key]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// The first article at least partly on screen: its key and its top's distance from the
/// feed's top edge (the reader's anchor).
fn first_in_view(feed: &web_sys::HtmlElement) -> Option<(String, f64)> {
    let top = feed.get_bounding_client_rect().top();
    articles(feed).into_iter().find_map(|a| {
        let rect = a.get_bounding_client_rect();
        (rect.bottom() > top)
            .then(|| (a.dataset().get("key").unwrap_or_default(), rect.top() - top))
    })
}

/// The distance of the article `key` from the feed's top edge, if it is rendered.
fn article_offset(feed: &web_sys::HtmlElement, key: &str) -> Option<f64> {
    let node = feed
        .query_selector(&format!("article[data-key=\"{key}\"]"))
        .ok()??;
    Some(node.get_bounding_client_rect().top() - feed.get_bounding_client_rect().top())
}

/// Where a rendered row starts: at its first line (the date line, the "New messages"
/// line), if it has any.
fn row_top(article: &web_sys::HtmlElement) -> f64 {
    let mut first: web_sys::Element = article.clone().into();
    while let Some(prev) = first
        .previous_element_sibling()
        .filter(|prev| prev.class_list().contains("pc-line"))
    {
        first = prev;
    }
    first.get_bounding_client_rect().top()
}

/// Records the height of every rendered row (date line, article and the gaps between
/// them), up to `end`, the top of what follows the last one. Returns the rows.
fn measure(
    feed: &web_sys::HtmlElement,
    end: f64,
    heights: &mut Heights,
) -> Vec<web_sys::HtmlElement> {
    let rows = articles(feed);
    let tops: Vec<f64> = rows.iter().map(row_top).collect();
    for (i, article) in rows.iter().enumerate() {
        let next = tops.get(i + 1).copied().unwrap_or(end);
        if let Some(key) = article.dataset().get("key") {
            heights.set(&key, next - tops[i]);
        }
    }
    rows
}

/// The key of the row holding the keyboard focus (an edit in progress, a menu), which
/// windowing must keep rendered.
fn focused_key(feed: &web_sys::HtmlElement) -> Option<String> {
    let active = feed.owner_document()?.active_element()?;
    if !feed.contains(Some(&active)) {
        return None;
    }
    let article = active.closest("article[data-key]").ok()??;
    article.get_attribute("data-key")
}

/// When the keyed list moves a focused row in the DOM (which takes its focus away), puts
/// the focus back on it once it is in place, before the next key press: a keyboard user
/// keeps their place. Only while the window is being changed (`state.placing`): a focus
/// the reader moves away themselves is left alone.
fn keep_focus(feed: web_sys::HtmlElement, lost: &web_sys::FocusEvent, state: Feed) {
    if lost.related_target().is_some() || !state.try_with_value(|s| s.placing).unwrap_or(false) {
        return;
    }
    let Some(key) = lost
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|row| row.get_attribute("data-key"))
    else {
        return;
    };
    let again = Closure::once_into_js(move || refocus(&feed, &key));
    if let Some(window) = web_sys::window() {
        window.queue_microtask(again.unchecked_ref());
    }
}

/// Puts the focus back on the row `key` when moving rows around in the DOM dropped it to
/// the page (a keyboard user keeps their place in the feed).
fn refocus(feed: &web_sys::HtmlElement, key: &str) {
    let Some(doc) = feed.owner_document() else {
        return;
    };
    let dropped = doc
        .active_element()
        .is_none_or(|a| doc.body().is_some_and(|b| a == *b));
    if !dropped {
        return;
    }
    if let Ok(Some(node)) = feed.query_selector(&format!("article[data-key=\"{key}\"]")) {
        if let Ok(article) = node.dyn_into::<web_sys::HtmlElement>() {
            let _ = article.focus();
        }
    }
}

/// Pixels rendered beyond each edge of the viewport.
fn overscan(viewport: f64) -> f64 {
    viewport.max(MIN_OVERSCAN)
}

/// Whether the rendered rows stop short of the viewport plus half the overscan on a side
/// where more rows exist, so the window must move.
fn window_short(feed: &web_sys::HtmlElement, span: Memo<Span>, total: usize) -> bool {
    let rows = articles(feed);
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return total > 0;
    };
    let top = feed.get_bounding_client_rect().top();
    let viewport = f64::from(feed.client_height());
    let (more_above, more_below) = span.with_untracked(|s| (s.start > 0, s.end < total));
    window::needs_move(
        row_top(first) - top,
        last.get_bounding_client_rect().bottom() - top,
        viewport,
        overscan(viewport) / 2.0,
        more_above,
        more_below,
    )
}

/// Page Down / Page Up on an article (not in a text field inside it) move the focus to the
/// next / previous article, as the ARIA feed pattern has it; the windowed feed always has
/// the neighbours of the focused row rendered.
fn move_through_feed(ev: &web_sys::KeyboardEvent) {
    let forward = match ev.key().as_str() {
        "PageDown" => true,
        "PageUp" => false,
        _ => return,
    };
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    if matches!(target.tag_name().as_str(), "TEXTAREA" | "INPUT") {
        return;
    }
    let Ok(Some(article)) = target.closest("article[data-key]") else {
        return;
    };
    let step = |el: &web_sys::Element| {
        if forward {
            el.next_element_sibling()
        } else {
            el.previous_element_sibling()
        }
    };
    let mut next = step(&article);
    while let Some(el) = next.as_ref().filter(|el| el.tag_name() != "ARTICLE") {
        next = step(el);
    }
    if let Some(next) = next.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = next.focus();
    }
}

/// Queues `text` for the live region `shown`: the region is emptied at once and the queue
/// is written a tick later, so every announcement is a fresh addition (the same text twice
/// is still two announcements).
fn queue_announcement(state: Feed, shown: RwSignal<Vec<String>>, text: String) {
    let first = state
        .try_update_value(|s| {
            s.announcements.push(text);
            s.announcements.len() == 1
        })
        .unwrap_or(false);
    if !first {
        return;
    }
    shown.set(Vec::new());
    set_timeout(
        move || {
            let batch = state.try_update_value(|s| {
                let mut queued = std::mem::take(&mut s.announcements);
                let dropped = queued.len().saturating_sub(ANNOUNCEMENTS_KEPT);
                queued.drain(..dropped);
                queued
            });
            if let Some(batch) = batch {
                shown.try_set(batch);
            }
        },
        std::time::Duration::from_millis(100),
    );
}

/// A CSS length in whole pixels (integer formatting: float formatting would add
/// kilobytes to the wasm).
fn px(value: f64) -> String {
    format!("{}px", value.round() as i64)
}

/// Runs the scroll handler again, so a view that is still near the top (or not full)
/// keeps loading older pages.
fn rescan(feed: &web_sys::HtmlElement) {
    if let Ok(event) = web_sys::Event::new("scroll") {
        let _ = feed.dispatch_event(&event);
    }
}

/// Watches the size of `el` with `observer` (a directive: from the moment it exists).
fn observe_size(el: web_sys::Element, observer: Option<web_sys::ResizeObserver>) {
    if let Some(observer) = observer {
        observer.observe(&el);
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Where a rendered row sits and what is drawn above it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Place {
    meta: RowMeta,
    /// The row starts a day: its time, for the date line above it.
    day: Option<i64>,
    /// The "New messages" line goes above the row.
    first_new: bool,
}

impl Place {
    /// The place of row `key` in `rows`, with the "New messages" line above `unread_from`.
    fn of(rows: &Rows, unread_from: Option<&str>, key: &str) -> Self {
        let (meta, day) = rows.meta.get(key).copied().unwrap_or_default();
        Self {
            meta,
            day,
            first_new: unread_from == Some(key),
        }
    }
}

/// One row of the feed: the date line when it starts a day, and its message. The feed
/// pushes what the row shows and where it sits to the row's own signals (see
/// [`FeedState::rendered`]).
#[component]
fn FeedRow(
    /// The row's key in the timeline.
    row_key: String,
    /// The open conversation's commands and timeline.
    actions: ChatActions,
    /// Where every row sits.
    rows: Memo<Rows>,
    /// The row the "New messages" line goes above.
    unread_from: RwSignal<Option<String>>,
    /// The feed's bookkeeping, where the row's signals are kept while it is rendered.
    state: Feed,
) -> impl IntoView {
    let (shown, own) = actions.timeline.with_untracked(|t| {
        let shown = t.row(&row_key)?;
        let own = t.is_mine(&shown.message);
        Some((shown, own))
    })?;
    let now = rows
        .with_untracked(|r| unread_from.with_untracked(|u| Place::of(r, u.as_deref(), &row_key)));
    let row = RwSignal::new(shown);
    let place = RwSignal::new(now);
    state.update_value(|s| s.rendered.push((row_key, row, place)));
    on_cleanup(move || {
        state.try_update_value(|s| s.rendered.retain(|(_, r, _)| *r != row));
    });
    let meta = Memo::new(move |_| place.with(|p| p.meta));
    let first_new = Memo::new(move |_| place.with(|p| p.first_new));
    let day = Memo::new(move |_| place.with(|p| p.day));
    Some(view! {
        {move || day.get().map(|ts| view! { <DayLine ts /> })}
        {move || first_new.get().then(|| view! { <NewMessagesLine /> })}
        <MessageBubble row meta own me=actions.me.get_value() />
    })
}

/// `role="feed"` "Messages": the conversation of `actions`, windowed, with its status
/// line, "Jump to latest" and the polite live region announcing new messages from others.
#[component]
pub fn MessageList(
    /// The open conversation's commands and timeline.
    actions: ChatActions,
) -> impl IntoView {
    // The bubbles read the commands from the context.
    provide_context(actions);
    let timeline = actions.timeline;
    // Laid out again only when the rows themselves changed: an edit, a reaction or a read
    // mark costs one comparison of the outline, not a new layout of every loaded row.
    let rows = Memo::new_owning(move |last: Option<Rows>| {
        timeline.with(|t| match last {
            Some(last) if last.still_fit(t) => (last, false),
            _ => (Rows::of(t), true),
        })
    });
    let loaded = move || timeline.with(|t| t.is_loaded());
    let line = Memo::new(move |_| {
        timeline.with(
            |t| match (t.is_loaded(), t.is_loading_older(), t.has_more()) {
                (_, true, _) => FeedLine::Older,
                (false, false, _) => FeedLine::First,
                (true, false, false) => FeedLine::Beginning,
                (true, false, true) => FeedLine::None,
            },
        )
    });
    let busy = move || {
        if matches!(line.get(), FeedLine::First | FeedLine::Older) {
            "true"
        } else {
            "false"
        }
    };

    let feed_ref = NodeRef::<Div>::new();
    let bottom_ref = NodeRef::<Div>::new();
    let top_ref = NodeRef::<Div>::new();
    let state: Feed = StoredValue::new_local(FeedState {
        viewport: DEFAULT_VIEWPORT,
        ..FeedState::default()
    });
    let unseen = RwSignal::new(0u32);
    // The row the "New messages" line goes above, set when the conversation opens.
    let unread_from = RwSignal::new(None::<String>);
    let announced = RwSignal::new(Vec::<String>::new());
    // Asks for the window to be placed again.
    let replace = RwSignal::new(0u64);
    let at_bottom = move || state.with_value(|s| s.anchor == Anchor::Bottom);
    // None once the view is gone (a frame or a resize may still come after).
    let feed_el = move || {
        feed_ref
            .try_get_untracked()
            .flatten()
            .map(web_sys::HtmlElement::from)
    };

    let span = Memo::new(move |prev: Option<&window::Span>| {
        replace.track();
        rows.with(|r| {
            let pinned = feed_el().as_ref().and_then(focused_key);
            state
                .try_update_value(|s| {
                    s.focus_key.clone_from(&pinned);
                    s.placing = true;
                    // The height last seen when layout was done anyway (reading it here
                    // would force a layout in the middle of rendering); before the first
                    // layout only the viewport's rows: the overscan follows a frame later.
                    let margin = if s.laid_out {
                        overscan(s.viewport)
                    } else {
                        0.0
                    };
                    let first_overscan = s.laid_out && !s.overscanned;
                    s.overscanned |= s.laid_out;
                    let (items, heights, anchor) = (&r.items, &s.heights, &s.anchor);
                    let span = window::span(
                        items,
                        heights,
                        anchor,
                        pinned.as_deref(),
                        s.viewport,
                        margin,
                    );
                    // Taking on the overscan only adds rows at the bottom: the measured
                    // heights that replace the first estimates may cover it with fewer,
                    // but unmounting one of the first frame's rows there made WebKit move
                    // the view up by its height, which read as the reader leaving the
                    // bottom (the widget then opened short of its newest message).
                    match prev {
                        Some(prev)
                            if first_overscan
                                && *anchor == Anchor::Bottom
                                && prev.end == items.len() =>
                        {
                            span.reaching_up_to(items, heights, prev.start)
                        }
                        _ => span,
                    }
                })
                .unwrap_or_default()
        })
    });
    // The window decides which keys are rendered.
    let shown = Memo::new(move |_| {
        let (start, end) = span.with(|s| (s.start, s.end));
        rows.with(|r| {
            r.items
                .get(start..end)
                .map(<[String]>::to_vec)
                .unwrap_or_default()
        })
    });

    // Read marks: the rendered articles are watched by one intersection observer on the
    // feed; a row in view for READ_DELAY while the page is visible is marked read.
    let watched = RwSignal::new_local(Vec::<web_sys::Element>::new());
    let mark_read = move || {
        let scheduled = state
            .try_update_value(|s| std::mem::replace(&mut s.read_pending, true))
            .unwrap_or(true);
        if scheduled {
            return;
        }
        set_timeout(
            move || {
                let keys = state.try_update_value(|s| {
                    s.read_pending = false;
                    s.in_view.iter().cloned().collect::<Vec<_>>()
                });
                if let Some(keys) = keys.filter(|k| !k.is_empty() && page_visible()) {
                    actions.mark_read(&keys);
                }
            },
            READ_DELAY,
        );
    };
    use_intersection_observer_with_options(
        watched,
        move |entries, observer| {
            let any = state.try_update_value(|s| {
                if s.observer.as_ref() != Some(&observer) {
                    // A new observer reports every watched article once.
                    s.observer = Some(observer);
                    s.in_view.clear();
                }
                for entry in entries {
                    let Some(key) = entry.target().get_attribute("data-key") else {
                        continue;
                    };
                    if entry.is_intersecting() {
                        s.in_view.insert(key);
                    } else {
                        s.in_view.remove(&key);
                    }
                }
                !s.in_view.is_empty()
            });
            if any == Some(true) {
                mark_read();
            }
        },
        UseIntersectionObserverOptions::default().root(Some(feed_ref)),
    );

    // The infinite-scroll signal: the reader is within TOP_TRIGGER px of the top. Set by
    // the scroll handler (and again after every settle), so that the older page starts
    // loading, and its status line is laid out, in the frame that reached the top.
    let top_reached = RwSignal::new(false);

    let on_scroll = move || {
        let Some(el) = feed_el() else { return };
        let top = el.scroll_top();
        let moved_during_settle = state
            .try_update_value(|s| {
                let delta = top - s.last_top;
                s.last_top = top;
                if !s.settling {
                    return false;
                }
                // The DOM changed and is not put back yet: what is on screen is not where
                // the reader is. Only the reader's own scroll counts, by how far it went.
                match &mut s.anchor {
                    Anchor::Row(_, offset) => {
                        *offset -= f64::from(delta);
                        true
                    }
                    Anchor::Bottom => delta >= 0,
                }
            })
            .unwrap_or(true);
        if moved_during_settle {
            return;
        }
        let height = f64::from(el.client_height());
        let bottom = el.scroll_height() - top - el.client_height() < BOTTOM_SLACK;
        let now = if bottom {
            unseen.set(0);
            Some(Anchor::Bottom)
        } else {
            // The first rendered row in view; after a jump past the rendered rows, the row
            // the model puts at the viewport's top.
            let seen = first_in_view(&el)
                .filter(|(_, offset)| *offset < height)
                .map(|(key, offset)| Anchor::Row(key, offset));
            seen.or_else(|| {
                let spacer = top_ref.get_untracked()?;
                let y =
                    el.get_bounding_client_rect().top() - spacer.get_bounding_client_rect().top();
                state.with_value(|s| {
                    rows.with_untracked(|r| window::row_at(&r.items, &s.heights, y))
                })
            })
        };
        state.update_value(|s| {
            s.viewport = height.max(1.0);
            if let Some(now) = now {
                s.anchor = now;
            }
        });
        let total = rows.with_untracked(|r| r.items.len());
        if window_short(&el, span, total) {
            replace.update(|n| *n += 1);
        }
        // Near the top every scroll counts (a page may leave the reader there); away from
        // it only the change.
        let near = top < TOP_TRIGGER;
        if near || top_reached.get_untracked() {
            top_reached.set(near);
        }
    };

    // After the DOM changed: measure the rendered rows, then put the reader back: at the
    // bottom, or the anchor row at its offset (no jump when rows are added, removed or
    // resized above it, or when the window moves).
    // Returns true after the first layout of rows (not of the empty feed), which leaves the
    // overscan to the caller.
    let settle = move || {
        let Some(el) = feed_el() else { return false };
        // Hidden, nothing can be measured or scrolled: the reader's place waits until the
        // feed shows again (its resize settles it then).
        if el.client_height() == 0 {
            state.update_value(|s| {
                s.settling = false;
                s.hidden = true;
            });
            return false;
        }
        // Held at the bottom, a scroll whose event is still to come (a position set by a
        // script inside this frame's callbacks) is heard first, so that sticking to the
        // bottom does not undo a reader who just left it (content shrinking under the
        // bottom keeps the view there anyway).
        let top = el.scroll_top();
        if state.with_value(|s| s.anchor == Anchor::Bottom && s.last_top != top) {
            on_scroll();
        }
        let end = bottom_ref
            .get_untracked()
            .map(|b| b.get_bounding_client_rect().top());
        let (anchor, first_layout, moved) = state
            .try_update_value(|s| {
                s.viewport = f64::from(el.client_height()).max(1.0);
                let rendered = end.map_or_else(Vec::new, |end| measure(&el, end, &mut s.heights));
                let first_layout = !s.laid_out && !rendered.is_empty();
                s.laid_out |= first_layout;
                let keys: Vec<String> = rendered
                    .iter()
                    .filter_map(|a| a.dataset().get("key"))
                    .collect();
                let moved = (keys != s.watched).then(|| {
                    s.watched = keys;
                    rendered.into_iter().map(web_sys::Element::from).collect()
                });
                (s.anchor.clone(), first_layout, moved)
            })
            .unwrap_or((Anchor::Bottom, false, None));
        match anchor {
            Anchor::Bottom => {
                el.set_scroll_top(el.scroll_height());
                unseen.try_set(0);
            }
            Anchor::Row(key, offset) => {
                if let Some(now) = article_offset(&el, &key) {
                    let shift = (now - offset).round() as i32;
                    if shift != 0 {
                        el.set_scroll_top(el.scroll_top() + shift);
                    }
                }
            }
        }
        // Opened with new messages that do not all fit under their line: the view opens at
        // the line instead (the window moves there first when that row is not rendered).
        let open_at = state
            .try_update_value(|s| s.laid_out.then(|| s.open_at.take()).flatten())
            .flatten();
        if let Some(key) = open_at {
            let now = article_offset(&el, &key);
            if now.is_none_or(|top| top < NEW_LINE_OFFSET) {
                state.update_value(|s| s.anchor = Anchor::Row(key, NEW_LINE_OFFSET));
                match now {
                    Some(top) => {
                        el.set_scroll_top(el.scroll_top() + (top - NEW_LINE_OFFSET).round() as i32)
                    }
                    None => {
                        replace.try_update(|n| *n += 1);
                    }
                }
            }
        }
        let focus = state
            .try_update_value(|s| {
                s.last_top = el.scroll_top();
                s.settling = false;
                s.placing = false;
                s.focus_key.clone()
            })
            .flatten();
        if let Some(key) = focus {
            refocus(&el, &key);
        }
        if let Some(moved) = moved {
            watched.try_set(moved);
        }
        // Read the settled position: near the top it loads the next older page, and a
        // window that still falls short moves again (after the first layout, once the
        // overscan is in).
        if !first_layout {
            rescan(&el);
        }
        first_layout
    };
    let settle_next_frame = move || {
        state.update_value(|s| s.settling = true);
        request_animation_frame(move || {
            if settle() {
                // The first rows paint without their overscan: the window takes it on in a
                // task after that frame, and is settled again in the next one.
                set_timeout(
                    move || {
                        state.update_value(|s| s.settling = true);
                        replace.try_update(|n| *n += 1);
                        request_animation_frame(move || {
                            settle();
                        });
                    },
                    std::time::Duration::ZERO,
                );
            }
        });
    };
    // To the bottom, for good (my own send, "Jump to latest", the first page).
    let stick = move || {
        state.update_value(|s| s.anchor = Anchor::Bottom);
        replace.update(|n| *n += 1);
        settle_next_frame();
    };

    // The feed changed size (the window, the on-screen keyboard, a taller composer, the
    // phone layout showing it again): the reader stays where they were. Shown again, its
    // scroll position starts over, which is no scroll of the reader's.
    let resized = Closure::<dyn Fn()>::new(move || {
        let Some(el) = feed_el() else { return };
        let shown = el.client_height() > 0;
        state.update_value(|s| {
            if shown && s.hidden {
                s.hidden = false;
                s.last_top = el.scroll_top();
            }
        });
        settle_next_frame();
    });
    let observer = web_sys::ResizeObserver::new(resized.as_ref().unchecked_ref()).ok();
    let kept = SendWrapper::new((observer.clone(), resized));
    on_cleanup(move || {
        if let Some(observer) = &kept.0 {
            observer.disconnect();
        }
        drop(kept);
    });

    // The older-page loader reacts to the infinite-scroll signal: one page at a time, none
    // after the beginning; the anchor keeps the message under the reader's eye in place.
    effect(move || {
        if !top_reached.get() {
            return;
        }
        let ready =
            timeline.with_untracked(|t| t.is_loaded() && t.has_more() && !t.is_loading_older());
        if ready {
            spawn_local(async move {
                actions.load_older().await;
            });
        }
    });

    // Any change to the rows or the window: the reader stays where they were, on the next
    // frame (at the bottom: new rows, reactions and edits stay in view; a pending stick
    // yields to a reader who scrolled away meanwhile, as the scroll event runs before the
    // frame's callbacks). Opened, and after my own sends: to the bottom. New messages from
    // others: counted when the reader is scrolled up.
    Effect::new(move |prev: Option<(bool, u64, u64)>| {
        timeline.track();
        shown.track();
        let now = (loaded(), actions.to_bottom.get(), actions.incoming.get());
        let (was_loaded, sent, incoming) = prev.unwrap_or((false, now.1, now.2));
        if now.0 && !was_loaded {
            // Opened: the "New messages" line stays where it is until the conversation is
            // opened again.
            let first_new = timeline.with_untracked(Timeline::first_unread_key);
            unread_from.set(first_new.clone());
            state.update_value(|s| s.open_at = first_new);
            stick();
        } else if now.1 != sent {
            stick();
        } else {
            settle_next_frame();
        }
        if now.2 > incoming && !at_bottom() {
            unseen.update(|u| *u += (now.2 - incoming) as u32);
        }
        now
    });
    // What the rendered rows show and where they sit, pushed to those that changed: a
    // revision compared per row, whatever the number of rows loaded.
    effect(move || {
        let unread = unread_from.get();
        let changed = timeline
            .with(|t| rows.with(|r| state.with_value(|s| s.changed_rows(t, r, unread.as_deref()))));
        for (row, edited, place, moved) in changed {
            if let Some(view) = edited {
                row.try_set(view);
            }
            if let Some(now) = moved {
                place.try_set(now);
            }
        }
    });
    // Every new message from others is announced once.
    effect(move || {
        if actions.announcements.with(|a| a.is_empty()) {
            return;
        }
        let batch = actions
            .announcements
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        for text in batch {
            queue_announcement(state, announced, text);
        }
    });

    view! {
        <div class="pc-feed-wrap">
            <div
                class="pc-feed"
                role="feed"
                aria-label="Messages"
                aria-busy=busy
                node_ref=feed_ref
                use:observe_size=observer
                on:scroll=move |_| on_scroll()
                on:keydown=move |ev| move_through_feed(&ev)
                on:focusout=move |ev| {
                    if let Some(el) = feed_el() {
                        keep_focus(el, &ev, state);
                    }
                }
            >
                <FeedStatus line />
                // The spacers stand in for the rows above and below the window, as tall
                // as they are.
                <div
                    class="pc-feed__spacer"
                    aria-hidden="true"
                    node_ref=top_ref
                    style:height=move || px(span.with(|s| s.above))
                ></div>
                <For
                    each=move || shown.get()
                    key=String::clone
                    children=move |row_key| view! { <FeedRow row_key actions rows unread_from state /> }
                />
                <div
                    class="pc-feed__spacer"
                    aria-hidden="true"
                    node_ref=bottom_ref
                    style:height=move || px(span.with(|s| s.below))
                ></div>
            </div>
            <JumpToLatest count=unseen on_jump=Callback::new(move |()| stick()) />
            <LiveRegion announcements=announced />
        </div>
    }
}
