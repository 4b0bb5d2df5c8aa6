//! The feed: keyed rows with date separators, opened at the bottom, older pages loaded at
//! the top with the reader's message held in place, "Jump to latest" when scrolled up.

use crate::actions::ChatActions;
use crate::components::message_bubble::{MessageRow, RowMeta};
use crate::format::{day_key, layout};
use crate::time;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

/// Distance from the bottom (px) that still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 48;
/// Distance from the top (px) at which the previous page starts loading.
const TOP_TRIGGER: i32 = 400;

/// How many announcements the live region keeps at once.
const ANNOUNCEMENTS_KEPT: usize = 5;

/// The rows of the feed, and the first message of each day (`days`), above which a date
/// line is drawn. The date line is a sibling of the articles, hidden from assistive
/// technology (`role="feed"` may own only articles; each article has its own `<time>`), so
/// an article never changes size when an older page of the same day moves the line up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Rows {
    items: Vec<String>,
    meta: HashMap<String, RowMeta>,
    days: HashMap<String, i64>,
}

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
/// feed's top edge, to put it back exactly there after rows are prepended.
fn anchor(feed: &web_sys::HtmlElement) -> Option<(String, f64)> {
    let top = feed.get_bounding_client_rect().top();
    articles(feed).into_iter().find_map(|a| {
        let rect = a.get_bounding_client_rect();
        (rect.bottom() > top)
            .then(|| (a.dataset().get("key").unwrap_or_default(), rect.top() - top))
    })
}

/// Keys of the articles at least partly on screen.
fn visible_keys(feed: &web_sys::HtmlElement) -> Vec<String> {
    let rect = feed.get_bounding_client_rect();
    articles(feed)
        .into_iter()
        .filter(|a| {
            let r = a.get_bounding_client_rect();
            r.bottom() > rect.top() && r.top() < rect.bottom()
        })
        .filter_map(|a| a.dataset().get("key"))
        .collect()
}

/// Runs the scroll handler again, so a view that is still near the top (or not full)
/// keeps loading older pages.
fn rescan(feed: &web_sys::HtmlElement) {
    if let Ok(event) = web_sys::Event::new("scroll") {
        let _ = feed.dispatch_event(&event);
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// `role="feed"` "Messages" with its status lines, live region and "Jump to latest".
#[component]
pub fn MessageList() -> impl IntoView {
    let Some(actions) = use_context::<ChatActions>() else {
        return ().into_any();
    };
    let timeline = actions.timeline;
    let rows = Memo::new(move |_| {
        timeline.with(|t| {
            let outline = t.outline();
            let days: Vec<i64> = outline
                .iter()
                .map(|(_, _, ts)| day_key(*ts, time::offset_east_minutes(*ts)))
                .collect();
            let input: Vec<(&str, i64, i64)> = outline
                .iter()
                .zip(&days)
                .map(|((_, sender, ts), day)| (sender.as_str(), *ts, *day))
                .collect();
            let setsize = if t.has_more() {
                -1
            } else {
                outline.len() as i64
            };
            let mut rows = Rows::default();
            for (i, ((key, _, ts), l)) in outline.iter().zip(layout(&input)).enumerate() {
                if l.new_day {
                    rows.days.insert(key.clone(), *ts);
                }
                rows.items.push(key.clone());
                rows.meta.insert(
                    key.clone(),
                    RowMeta {
                        grouped: l.grouped,
                        posinset: i + 1,
                        setsize,
                    },
                );
            }
            rows
        })
    });
    let loaded = move || timeline.with(|t| t.is_loaded());
    let loading_older = move || timeline.with(|t| t.is_loading_older());

    let feed = NodeRef::<html::Div>::new();
    let at_bottom = StoredValue::new(true);
    let anchoring = StoredValue::new(false);
    let read_pending = StoredValue::new(false);
    let unseen = RwSignal::new(0u32);

    let feed_el = move || -> Option<web_sys::HtmlElement> {
        feed.try_get_untracked().flatten().map(Into::into)
    };
    let mark_read = move || {
        if read_pending.try_get_value().unwrap_or(true) {
            return;
        }
        read_pending.set_value(true);
        set_timeout(
            move || {
                read_pending.set_value(false);
                if let Some(el) = feed_el() {
                    if page_visible() {
                        actions.mark_read(&visible_keys(&el));
                    }
                }
            },
            std::time::Duration::from_millis(300),
        );
    };
    // Scrolls to the bottom on the next frame. Unless `force`d (my own send, "Jump to
    // latest"), it yields to a reader who scrolled away meanwhile: the scroll event runs
    // before the frame's callbacks, so `at_bottom` is already false then.
    let stick = move |force: bool| {
        request_animation_frame(move || {
            if !force && !at_bottom.try_get_value().unwrap_or(false) {
                return;
            }
            if let Some(el) = feed_el() {
                el.set_scroll_top(el.scroll_height());
                at_bottom.set_value(true);
                unseen.try_set(0);
                mark_read();
            }
        });
    };

    // Loads the previous page, keeping the message under the reader's eye in place.
    let load_older = move || {
        let ready =
            timeline.with_untracked(|t| t.is_loaded() && t.has_more() && !t.is_loading_older());
        let Some(el) = feed_el().filter(|_| ready) else {
            return;
        };
        let before = anchor(&el);
        anchoring.set_value(true);
        spawn_local(async move {
            let prepended = actions.load_older().await;
            request_animation_frame(move || {
                anchoring.try_set_value(false);
                let Some(el) = feed_el() else { return };
                if let Some((key, offset)) = before.filter(|_| prepended) {
                    let selector = format!("article[data-key=\"{key}\"]");
                    if let Ok(Some(node)) = el.query_selector(&selector) {
                        let top = el.get_bounding_client_rect().top();
                        let now = node.get_bounding_client_rect().top() - top;
                        el.set_scroll_top(el.scroll_top() + (now - offset).round() as i32);
                    }
                }
                rescan(&el);
            });
        });
    };

    // Opened at the bottom.
    Effect::new(move |was: Option<bool>| {
        let now = loaded();
        if now && was != Some(true) {
            request_animation_frame(move || {
                if let Some(el) = feed_el() {
                    el.set_scroll_top(el.scroll_height());
                    mark_read();
                    rescan(&el);
                }
            });
        }
        now
    });
    // Any change while at the bottom stays at the bottom (new rows, reactions, edits).
    Effect::new(move |_| {
        timeline.track();
        if at_bottom.get_value() && !anchoring.get_value() {
            stick(false);
        }
    });
    // My own sends always go to the bottom.
    Effect::new(move |prev: Option<u64>| {
        let n = actions.to_bottom.get();
        if prev.is_some_and(|p| p != n) {
            stick(true);
        }
        n
    });
    // New messages from others: counted when the reader is scrolled up.
    Effect::new(move |prev: Option<u64>| {
        let n = actions.incoming.get();
        if let Some(p) = prev {
            if n > p && !at_bottom.get_value() {
                unseen.update(|u| *u += (n - p) as u32);
            }
        }
        n
    });

    let on_scroll = move |_| {
        let Some(el) = feed_el() else { return };
        let bottom = el.scroll_height() - el.scroll_top() - el.client_height() < BOTTOM_SLACK;
        at_bottom.set_value(bottom);
        if bottom {
            unseen.set(0);
        }
        if el.scroll_top() < TOP_TRIGGER && !anchoring.get_value() {
            load_older();
        }
        mark_read();
    };

    let render = move |key: String| {
        let meta = {
            let key = key.clone();
            Memo::new(move |_| rows.with(|r| r.meta.get(&key).copied().unwrap_or_default()))
        };
        let day = {
            let key = key.clone();
            move || rows.with(|r| r.days.get(&key).copied())
        };
        view! {
            {move || day().map(|ts| view! {
                <div class="pc-day" aria-hidden="true"><span class="pc-day__label">{time::day(ts)}</span></div>
            })}
            <MessageRow row_key=key meta/>
        }
    };

    // The live region: one new node per message from someone else (so the same text twice
    // is still two announcements), emptied first and filled on the next tick so the
    // change is a fresh addition; nothing for my own sends, edits or older pages.
    let announced = RwSignal::new(Vec::<(u64, String)>::new());
    let pending = StoredValue::new(Vec::<(u64, String)>::new());
    Effect::new(move |prev: Option<u64>| {
        let n = actions.incoming.get();
        if prev.is_some_and(|p| n > p) {
            let text = actions.announcement.get_untracked();
            let first = pending.with_value(Vec::is_empty);
            pending.update_value(|p| p.push((n, text)));
            if first {
                announced.set(Vec::new());
                set_timeout(
                    move || {
                        let Some(mut batch) = pending.try_update_value(std::mem::take) else {
                            return;
                        };
                        let keep = batch.len().saturating_sub(ANNOUNCEMENTS_KEPT);
                        batch.drain(..keep);
                        announced.try_set(batch);
                    },
                    std::time::Duration::from_millis(100),
                );
            }
        }
        n
    });

    view! {
        <div class="pc-feed-wrap">
            <div
                class="pc-feed"
                role="feed"
                aria-label="Messages"
                aria-busy=move || if !loaded() || loading_older() { "true" } else { "false" }
                node_ref=feed
                on:scroll=on_scroll
            >
                {move || {
                    let (loaded, loading, more) =
                        timeline.with(|t| (t.is_loaded(), t.is_loading_older(), t.has_more()));
                    if loading {
                        Some(view! { <div class="pc-feed__status" role="status">"Loading older messages…"</div> }.into_any())
                    } else if loaded && !more {
                        Some(view! { <p class="pc-feed__start">"This is the beginning of the conversation"</p> }.into_any())
                    } else if !loaded {
                        Some(view! { <p class="pc-feed__status pc-muted">"Loading messages…"</p> }.into_any())
                    } else {
                        None
                    }
                }}
                <For each=move || rows.with(|r| r.items.clone()) key=String::clone children=render/>
            </div>
            {move || {
                let n = unseen.get();
                (n > 0).then(|| view! {
                    <button
                        type="button"
                        class="pc-jump"
                        aria-label="Jump to latest"
                        aria-describedby="pc-jump-count"
                        on:click=move |_| stick(true)
                    >
                        "Jump to latest "
                        <span class="pc-jump__count" id="pc-jump-count">{n} " new"</span>
                    </button>
                })
            }}
            <div class="pc-visually-hidden" aria-live="polite" aria-atomic="false">
                <For each=move || announced.get() key=|(id, _)| *id let:item>
                    <p>{item.1}</p>
                </For>
            </div>
        </div>
    }
    .into_any()
}
