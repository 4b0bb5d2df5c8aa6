//! One message: an `article` with sender, [`MessageText`], time, status, actions,
//! [`ReactionBar`] and [`AttachmentList`], and while open the [`EditBox`], the
//! [`ReactionPicker`] or the [`DeleteDialog`]. Each part reads its own memo of the row, so
//! an edit, a reaction or a read mark re-renders only the part that shows it.

use crate::actions::ChatActions;
use crate::browser::{pointer, time};
use crate::core::format::{initials, safe_file_url};
use crate::core::timeline::{RowView, Status};
use crate::views::attachment_list::AttachmentList;
use crate::views::delete_dialog::{focus_after_delete, DeleteDialog};
use crate::views::edit_box::EditBox;
use crate::views::message_text::MessageText;
use crate::views::reaction_bar::ReactionBar;
use crate::views::reaction_picker::ReactionPicker;
use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, ScrollIntoViewOptions, ScrollLogicalPosition};

/// Where a row sits in the feed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowMeta {
    /// Same sender as the row above, shortly after: no header.
    pub grouped: bool,
    /// 1-based position, for `aria-posinset`.
    pub posinset: usize,
    /// Number of rows, or -1 while older ones exist, for `aria-setsize`.
    pub setsize: i64,
}

/// A memo of one part of `row`, copied only when that part changed.
fn part<T>(row: Signal<RowView>, read: impl Fn(&RowView) -> &T + Send + Sync + 'static) -> Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new_owning(move |last: Option<T>| {
        row.with(|r| {
            let now = read(r);
            match last {
                Some(last) if last == *now => (last, false),
                _ => (now.clone(), true),
            }
        })
    })
}

/// The article's class: own and grouped messages look different.
fn article_class(own: bool, grouped: bool) -> &'static str {
    match (own, grouped) {
        (false, false) => "pc-msg",
        (false, true) => "pc-msg pc-msg--grouped",
        (true, false) => "pc-msg pc-msg--own",
        (true, true) => "pc-msg pc-msg--own pc-msg--grouped",
    }
}

/// The commands of one row: its key and the conversation's [`ChatActions`] (absent when
/// the bubble is mounted on its own).
#[derive(Clone, Copy)]
struct RowCommands {
    actions: Option<ChatActions>,
    key: StoredValue<String>,
}

impl RowCommands {
    /// Runs `f` with the actions and the row key, if there are actions.
    fn run(&self, f: impl FnOnce(&ChatActions, &str)) {
        if let Some(actions) = &self.actions {
            self.key.with_value(|key| f(actions, key));
        }
    }
}

/// Focuses `el`; true when it then has the focus (a control no longer in the page does not
/// take it).
fn focus(el: Option<web_sys::HtmlElement>) -> bool {
    let Some(el) = el else { return false };
    let _ = el.focus();
    el.owner_document()
        .and_then(|d| d.active_element())
        .is_some_and(|active| active == *el)
}

/// The view of one message.
#[component]
pub fn MessageBubble(
    /// What the row shows.
    #[prop(into)]
    row: Signal<RowView>,
    /// Where it sits in the feed.
    #[prop(into)]
    meta: Signal<RowMeta>,
    /// Sent by the caller.
    own: bool,
    /// The caller's username.
    #[prop(into)]
    me: String,
) -> impl IntoView {
    let actions = use_context::<ChatActions>();
    let key = row.with_untracked(|r| r.key.clone());
    let commands = RowCommands {
        actions,
        key: StoredValue::new(key.clone()),
    };
    let api_base = actions
        .map(|a| a.client().base().to_owned())
        .unwrap_or_default();

    let article = NodeRef::<html::Article>::new();
    let pick_button = NodeRef::<html::Button>::new();
    let delete_button = NodeRef::<html::Button>::new();
    let picker_open = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let editing = Memo::new(move |_| {
        actions.is_some_and(|a| {
            a.editing.with(|e| {
                commands
                    .key
                    .with_value(|k| e.as_deref() == Some(k.as_str()))
            })
        })
    });

    let status = Memo::new(move |_| row.with(|r| r.status));
    let grouped = Memo::new(move |_| meta.with(|m| m.grouped));
    let id = part(row, |r| &r.message.id);
    let username = part(row, |r| &r.message.contact.username);
    let avatar = part(row, |r| &r.message.contact.avatar_url);
    let text = part(row, |r| &r.message.message);
    let created = Memo::new(move |_| row.with(|r| r.message.created_at));
    let edited = Memo::new(move |_| row.with(|r| r.message.edited_at.is_some()));
    let read = Memo::new(move |_| own && row.with(|r| r.message.read_at.is_some()));
    let reactions = part(row, |r| &r.message.reactions);
    let attachments = part(row, |r| &r.message.attachments);

    let focus_article = move || focus(article.get_untracked());
    // On a touch screen a focused message shows its actions in the flow under it: the
    // whole message comes into view, a frame later (after the tap's click, which must land
    // where the finger was).
    let show_actions = move || {
        if !pointer::coarse() {
            return;
        }
        request_animation_frame(move || {
            if let Some(el) = article.try_get_untracked().flatten() {
                let options = ScrollIntoViewOptions::new();
                options.set_block(ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    };
    // Back on the control that opened an overlay, or on the article.
    let focus_opener = move |opener: NodeRef<html::Button>| {
        if !focus(opener.get_untracked().map(Into::into)) {
            focus_article();
        }
    };

    let on_save = Callback::new(move |text: String| {
        commands.run(|a, k| a.edit(k, text));
        focus_article();
    });
    let on_cancel_edit = Callback::new(move |()| {
        commands.run(|a, _| a.editing.set(None));
        focus_article();
    });
    let on_pick = Callback::new(move |name: String| {
        picker_open.set(false);
        commands.run(|a, k| a.react(k, &name));
        focus_article();
    });
    let on_close_picker = Callback::new(move |()| {
        picker_open.set(false);
        focus_opener(pick_button);
    });
    let on_confirm_delete = Callback::new(move |()| {
        // The bubble disappears at once: its neighbour takes the focus first.
        if let Some(el) = article.get_untracked() {
            focus_after_delete(&el);
        }
        confirm_delete.set(false);
        commands.run(|a, k| a.delete(k));
    });
    let on_cancel_delete = Callback::new(move |()| {
        confirm_delete.set(false);
        focus_opener(delete_button);
    });
    let on_toggle = Callback::new(move |name: String| commands.run(|a, k| a.react(k, &name)));

    // Escape anywhere in the bubble closes its picker and dialog; on one of its controls
    // (that did not handle it itself) it also puts the focus back where it belongs. On a
    // touch screen, on the article itself, it closes the actions (the article lets the
    // focus go).
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() != "Escape" {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        // An image shown large closes on its own Escape.
        if target
            .as_ref()
            .is_some_and(|t| matches!(t.closest("dialog"), Ok(Some(_))))
        {
            return;
        }
        let (picker, delete) = (picker_open.get_untracked(), confirm_delete.get_untracked());
        if let Some(el) = target
            .as_ref()
            .filter(|t| t.tag_name() == "ARTICLE" && pointer::coarse())
            .and_then(|t| t.dyn_ref::<web_sys::HtmlElement>())
        {
            let _ = el.blur();
        }
        if picker {
            picker_open.set(false);
        }
        if delete {
            confirm_delete.set(false);
        }
        let on_control =
            target.is_some_and(|t| matches!(t.closest("button, textarea"), Ok(Some(_))));
        if ev.default_prevented() || !on_control {
            return;
        }
        ev.prevent_default();
        if delete {
            focus_opener(delete_button);
        } else if picker {
            focus_opener(pick_button);
        } else {
            focus_article();
        }
    };

    // An avatar URL takes the rules of a file URL: a server-relative one loads from the API
    // (also in a widget on another site), another scheme shows the initials.
    let avatar_base = api_base.clone();
    let avatar_src = move || {
        avatar.with(|url| {
            url.as_deref()
                .and_then(|url| safe_file_url(&avatar_base, url))
        })
    };
    let avatar_view = move || {
        (!grouped.get()).then(|| match avatar_src() {
            Some(src) => Either::Left(view! {
                <img class="pc-avatar" src=src alt="" width="32" height="32" loading="lazy"/>
            }),
            None => Either::Right(view! {
                <span class="pc-avatar pc-avatar--initials" aria-hidden="true">
                    {username.with(|u| initials(u))}
                </span>
            }),
        })
    };
    let own_actions = move || {
        own.then(|| {
            view! {
            <button
                type="button"
                class="pc-action"
                on:click=move |_| commands.run(|a, k| a.editing.set(Some(k.to_owned())))
            >
                "Edit"
            </button>
            <button
                type="button"
                class="pc-action"
                node_ref=delete_button
                on:click=move |_| confirm_delete.set(true)
            >
                "Delete"
            </button>
            }
        })
    };

    view! {
        <article
            node_ref=article
            class=move || article_class(own, grouped.get())
            tabindex="0"
            data-key=key
            data-message-id=move || id.get()
            data-status=move || status.get().as_str()
            aria-posinset=move || meta.with(|m| m.posinset)
            aria-setsize=move || meta.with(|m| m.setsize)
            on:keydown=on_keydown
            on:focusin=move |_| show_actions()
            // A long press shows this message's actions (as a tap does).
            on:contextmenu=move |_| {
                focus_article();
            }
        >
            <div class="pc-msg__gutter">{avatar_view}</div>
            <div class=move || {
                if grouped.get() { "pc-msg__header pc-visually-hidden" } else { "pc-msg__header" }
            }>
                <bdi class="pc-msg__author">{move || username.get()}</bdi>
            </div>
            <div class="pc-msg__bubble">
                <Show when=move || !editing.get()>
                    <MessageText text/>
                </Show>
                <AttachmentList attachments api_base/>
                <div class="pc-msg__meta">
                    <time
                        dir="auto"
                        datetime=move || time::iso(created.get())
                        title=move || time::full(created.get())
                    >
                        {move || time::clock(created.get())}
                    </time>
                    {move || edited.get().then(|| view! { <span class="pc-msg__edited">"edited"</span> })}
                    {move || read.get().then(|| view! { <span class="pc-msg__read">"Read"</span> })}
                    {move || {
                        (status.get() == Status::Sending)
                            .then(|| view! { <span class="pc-msg__sending">"Sending…"</span> })
                    }}
                </div>
            </div>
            <Show when=move || status.get() == Status::Failed>
                <div class="pc-msg__failed">
                    <span class="pc-msg__failed-text">"Not sent"</span>
                    <button
                        type="button"
                        class="pc-button pc-button--small"
                        on:click=move |_| commands.run(|a, k| a.retry(k))
                    >
                        "Retry"
                    </button>
                    <button
                        type="button"
                        class="pc-button pc-button--small pc-button--quiet"
                        on:click=move |_| commands.run(|a, k| a.discard(k))
                    >
                        "Discard"
                    </button>
                </div>
            </Show>
            <ReactionBar reactions me on_toggle/>
            <Show when=move || status.get() == Status::Sent>
                <div class="pc-msg__actions">
                    <button
                        type="button"
                        class="pc-action"
                        aria-haspopup="dialog"
                        node_ref=pick_button
                        on:click=move |_| picker_open.update(|open| *open = !*open)
                    >
                        "Add reaction"
                    </button>
                    {own_actions()}
                </div>
            </Show>
            <Show when=move || editing.get()>
                <EditBox
                    text=row.with_untracked(|r| r.message.message.clone())
                    on_save
                    on_cancel=on_cancel_edit
                />
            </Show>
            <Show when=move || picker_open.get()>
                <ReactionPicker on_pick on_close=on_close_picker/>
            </Show>
            <Show when=move || confirm_delete.get()>
                <DeleteDialog on_confirm=on_confirm_delete on_cancel=on_cancel_delete/>
            </Show>
        </article>
    }
}
