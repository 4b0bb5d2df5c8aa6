//! One message: an `article` with sender, text (as text, safe links only), time, status,
//! actions, reactions and attachments. The feed builds each row's article with
//! [`row_article`], which reads the timeline; `MessageBubble` is the view, usable on its own.

use crate::actions::ChatActions;
use crate::browser::time;
use crate::core::format::{initials, split_links, Segment};
use crate::core::timeline::{RowView, Status};
use crate::views::dom::{self, B};
use crate::views::{attachment_list, reaction_bar, reaction_picker};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

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

/// The article of the feed's row `row_key` at `meta`, reading its message from the
/// timeline of `actions`; `None` when the timeline has no such row.
pub fn row_article(
    doc: &Document,
    actions: ChatActions,
    row_key: String,
    meta: Signal<RowMeta>,
) -> Option<Element> {
    let timeline = actions.timeline;
    let initial = timeline.with_untracked(|t| t.row(&row_key))?;
    let own = timeline.with_untracked(|t| t.is_mine(&initial.message));
    // One memo straight on the timeline: a row whose revision did not change is neither
    // copied nor compared, and does not notify. A row that left the timeline keeps its
    // last view until the feed removes it.
    let row = Memo::new_owning(move |last: Option<RowView>| {
        timeline.with(|t| match (last, t.rev(&row_key)) {
            (Some(last), rev) if rev.is_none_or(|rev| rev == last.rev) => (last, false),
            _ => (t.row(&row_key).unwrap_or_else(|| initial.clone()), true),
        })
    });
    let article = doc.create_element("article").ok()?;
    bubble(
        article.clone(),
        bubble_params(row.into(), meta, own, actions.me.get_value()),
    );
    Some(article)
}

/// Appends message text as text nodes, with safe links as `<a>`.
fn text_into(doc: &Document, mut p: B, text: &str) -> B {
    for segment in split_links(text) {
        p = match segment {
            Segment::Text(t) => p.text(t),
            Segment::Link(href) => p.child(B::new(doc, "a", "").map(|a| {
                a.attr("href", href)
                    .attr("rel", "noopener noreferrer")
                    .attr("target", "_blank")
                    .text(href)
            })),
        };
    }
    p
}

/// What the bubble's sections are built from.
#[derive(Clone)]
struct Inputs {
    row: RowView,
    grouped: bool,
    editing: bool,
}

/// The sections of a bubble, each rebuilt only when what it shows changed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Gutter,
    Header,
    Bubble,
    Failed,
    Reactions,
    Actions,
}

const SECTIONS: [Section; 6] = [
    Section::Gutter,
    Section::Header,
    Section::Bubble,
    Section::Failed,
    Section::Reactions,
    Section::Actions,
];

fn changed(section: Section, old: &Inputs, new: &Inputs) -> bool {
    let (o, n) = (&old.row.message, &new.row.message);
    match section {
        Section::Gutter | Section::Header => old.grouped != new.grouped,
        Section::Bubble => {
            old.editing != new.editing
                || o.message != n.message
                || o.attachments != n.attachments
                || o.edited_at != n.edited_at
                || o.read_at != n.read_at
                || old.row.status != new.row.status
        }
        Section::Failed | Section::Actions => old.row.status != new.row.status,
        Section::Reactions => o.reactions != n.reactions,
    }
}

/// The bubble's parameters, for the `content` directive.
#[derive(Clone)]
struct Content {
    row: Signal<RowView>,
    meta: Signal<RowMeta>,
    editing: Memo<bool>,
    own: bool,
    me: StoredValue<String>,
    api_base: StoredValue<String>,
}

impl Content {
    fn build(&self, doc: &Document, section: Section, i: &Inputs) -> Option<B> {
        let m = &i.row.message;
        match section {
            Section::Gutter => {
                let gutter = B::new(doc, "div", "pc-msg__gutter")?;
                if i.grouped {
                    return Some(gutter);
                }
                let avatar = match &m.contact.avatar_url {
                    Some(src) => B::new(doc, "img", "pc-avatar").map(|a| {
                        a.attr("src", src)
                            .attr("alt", "")
                            .attr("width", "32")
                            .attr("height", "32")
                            .attr("loading", "lazy")
                    }),
                    None => B::new(doc, "span", "pc-avatar pc-avatar--initials").map(|a| {
                        a.attr("aria-hidden", "true")
                            .text(&initials(&m.contact.username))
                    }),
                };
                Some(gutter.child(avatar))
            }
            Section::Header => {
                let class = if i.grouped {
                    "pc-msg__header pc-visually-hidden"
                } else {
                    "pc-msg__header"
                };
                Some(B::new(doc, "div", class)?.child(
                    B::new(doc, "span", "pc-msg__author").map(|a| a.text(&m.contact.username)),
                ))
            }
            Section::Bubble => {
                let text = if i.editing {
                    None
                } else {
                    B::new(doc, "p", "pc-msg__text").map(|p| text_into(doc, p, &m.message))
                };
                let attachments =
                    attachment_list::build(doc, &m.attachments, &self.api_base.get_value());
                let time = B::new(doc, "time", "").map(|t| {
                    t.attr("datetime", &time::iso(m.created_at))
                        .attr("title", &time::full(m.created_at))
                        .text(&time::clock(m.created_at))
                });
                let mut meta = B::new(doc, "div", "pc-msg__meta")?.child(time);
                if m.edited_at.is_some() {
                    meta =
                        meta.child(B::new(doc, "span", "pc-msg__edited").map(|e| e.text("edited")));
                }
                if self.own && m.read_at.is_some() {
                    meta = meta.child(B::new(doc, "span", "pc-msg__read").map(|e| e.text("Read")));
                }
                if i.row.status == Status::Sending {
                    meta = meta
                        .child(B::new(doc, "span", "pc-msg__sending").map(|e| e.text("Sending…")));
                }
                Some(
                    B::new(doc, "div", "pc-msg__bubble")?
                        .child(text)
                        .child(attachments)
                        .child(Some(meta)),
                )
            }
            Section::Failed => {
                let slot = B::new(doc, "div", "pc-msg__failed")?;
                if i.row.status != Status::Failed {
                    return Some(slot.attr("hidden", ""));
                }
                Some(
                    slot.child(
                        B::new(doc, "span", "pc-msg__failed-text").map(|s| s.text("Not sent")),
                    )
                    .child(B::button(
                        doc,
                        "pc-button pc-button--small",
                        "retry",
                        "Retry",
                    ))
                    .child(B::button(
                        doc,
                        "pc-button pc-button--small pc-button--quiet",
                        "discard",
                        "Discard",
                    )),
                )
            }
            Section::Reactions => {
                let slot = B::new(doc, "div", "pc-msg__reactions")?;
                Some(slot.child(reaction_bar::build(doc, &m.reactions, &self.me.get_value())))
            }
            Section::Actions => {
                let slot = B::new(doc, "div", "pc-msg__actions")?;
                if i.row.status != Status::Sent {
                    return Some(slot.attr("hidden", ""));
                }
                let mut slot = slot.child(
                    B::button(doc, "pc-action", "pick", "Add reaction")
                        .map(|b| b.attr("aria-haspopup", "dialog")),
                );
                if self.own {
                    slot = slot
                        .child(B::button(doc, "pc-action", "edit", "Edit"))
                        .child(B::button(doc, "pc-action", "delete", "Delete"));
                }
                Some(slot)
            }
        }
    }
}

/// The inputs the sections were last built from, and the section elements.
type Built = (Inputs, Vec<web_sys::Element>);

/// Fills the article with its sections now, and keeps them up to date.
fn content(el: web_sys::Element, params: Content) {
    let Some(doc) = dom::document() else { return };
    let built: Rc<RefCell<Option<Built>>> = Rc::new(RefCell::new(None));
    let effect = RenderEffect::new(move |_| {
        let inputs = Inputs {
            row: params.row.get(),
            grouped: params.meta.with(|m| m.grouped),
            editing: params.editing.get(),
        };
        let mut state = built.borrow_mut();
        match state.as_mut() {
            None => {
                let mut nodes = Vec::with_capacity(SECTIONS.len());
                for section in SECTIONS {
                    if let Some(b) = params.build(&doc, section, &inputs) {
                        let _ = el.append_with_node_1(&b.0);
                        nodes.push(b.0);
                    }
                }
                *state = Some((inputs, nodes));
            }
            Some((old, nodes)) => {
                for (section, node) in SECTIONS.iter().zip(nodes.iter_mut()) {
                    if changed(*section, old, &inputs) {
                        if let Some(b) = params.build(&doc, *section, &inputs) {
                            dom::swap(node, &b.0);
                            *node = b.0;
                        }
                    }
                }
                *old = inputs;
            }
        }
    });
    StoredValue::new_local(effect);
}

/// The view of one message: an article whose markup is built by [`crate::views::dom`] (see
/// there why), with one listener for its clicks and keys.
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
    let params = bubble_params(row, meta, own, me);
    dom::host("article", dom::filler(move |el| bubble(el, params.clone())))
}

/// What [`bubble`] builds a message's article from.
fn bubble_params(row: Signal<RowView>, meta: Signal<RowMeta>, own: bool, me: String) -> Bubble {
    let actions = use_context::<ChatActions>();
    let key = StoredValue::new(row.with_untracked(|r| r.key.clone()));
    let picker_open = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let editing = Memo::new(move |_| {
        actions.is_some_and(|a| {
            a.editing
                .with(|e| key.with_value(|k| e.as_deref() == Some(k.as_str())))
        })
    });
    let content = Content {
        row,
        meta,
        editing,
        own,
        me: StoredValue::new(me),
        api_base: StoredValue::new(
            actions
                .map(|a| a.client().base().to_owned())
                .unwrap_or_default(),
        ),
    };
    Bubble {
        key: key.get_value(),
        own,
        row,
        meta,
        content,
        overlays: Overlays {
            editing,
            picker: picker_open,
            delete: confirm_delete,
            row,
        },
        handler: Handler {
            actions,
            key,
            picker_open,
            confirm_delete,
        },
    }
}

/// What the article's listener works with.
#[derive(Clone, Copy)]
struct Handler {
    actions: Option<ChatActions>,
    key: StoredValue<String>,
    picker_open: RwSignal<bool>,
    confirm_delete: RwSignal<bool>,
}

impl Handler {
    fn run(&self, f: &dyn Fn(ChatActions)) {
        if let Some(a) = self.actions {
            f(a);
        }
    }

    /// A click or a key on the article (its `currentTarget`).
    fn on_event(&self, ev: &web_sys::Event) {
        let Some(article) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        match ev.dyn_ref::<web_sys::KeyboardEvent>() {
            Some(key) => self.on_keydown(key, &article),
            None => self.on_click(ev, &article),
        }
    }

    fn on_click(&self, ev: &web_sys::Event, article: &web_sys::HtmlElement) {
        let Some((act, _)) = dom::action_of(ev) else {
            return;
        };
        let k = self.key.get_value();
        match act.as_str() {
            "retry" => self.run(&|a| a.retry(&k)),
            "discard" => self.run(&|a| a.discard(&k)),
            "edit" => self.run(&|a| a.editing.set(Some(k.clone()))),
            "delete" => self.confirm_delete.set(true),
            "pick" => self.picker_open.update(|o| *o = !*o),
            "save" => {
                let text = article
                    .query_selector("textarea")
                    .ok()
                    .flatten()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                    .map(|t| t.value())
                    .unwrap_or_default();
                self.run(&|a| a.edit(&k, text.clone()));
                let _ = article.focus();
            }
            "cancel" => {
                self.run(&|a| a.editing.set(None));
                let _ = article.focus();
            }
            "confirm-delete" => {
                // The bubble disappears at once: focus its neighbour first.
                focus_after_delete(article);
                self.confirm_delete.set(false);
                self.run(&|a| a.delete(&k));
            }
            "cancel-delete" => {
                self.confirm_delete.set(false);
                focus_action(article, "delete");
            }
            other => {
                if let Some(name) = other.strip_prefix("toggle:") {
                    self.run(&|a| a.react(&k, name));
                } else if let Some(name) = other.strip_prefix("react:") {
                    self.picker_open.set(false);
                    self.run(&|a| a.react(&k, name));
                    let _ = article.focus();
                }
            }
        }
    }

    fn on_keydown(&self, ev: &web_sys::KeyboardEvent, article: &web_sys::HtmlElement) {
        if ev.key() == "Tab" && trap_tab(ev) {
            return;
        }
        let (picker_open, confirm_delete) = (self.picker_open, self.confirm_delete);
        let Some((act, target)) = dom::action_of(ev) else {
            if ev.key() == "Escape" {
                picker_open.set(false);
                confirm_delete.set(false);
            }
            return;
        };
        let key_name = ev.key();
        if act == "edit-input" && key_name == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            let text = target
                .dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            self.run(&|a| a.edit(&self.key.get_value(), text.clone()));
            let _ = article.focus();
        } else if key_name == "Escape" {
            ev.prevent_default();
            let (picker, delete) = (picker_open.get_untracked(), confirm_delete.get_untracked());
            if act == "edit-input" {
                self.run(&|a| a.editing.set(None));
            }
            picker_open.set(false);
            confirm_delete.set(false);
            if act == "edit-input" {
                let _ = article.focus();
            } else if delete {
                focus_action(article, "delete");
            } else if picker {
                focus_action(article, "pick");
            } else {
                let _ = article.focus();
            }
        }
    }
}

/// Focus back on the control that opened an overlay (or the article).
fn focus_action(article: &web_sys::HtmlElement, act: &str) {
    let target = article
        .query_selector(&format!("[data-act=\"{act}\"]"))
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(t) = &target {
        let _ = t.focus();
    }
    let focused = dom::document()
        .and_then(|d| d.active_element())
        .zip(target)
        .is_some_and(|(a, t)| t.is_same_node(Some(a.as_ref())));
    if !focused {
        let _ = article.focus();
    }
}

/// The article's parameters, for the `bubble` directive.
#[derive(Clone)]
struct Bubble {
    key: String,
    own: bool,
    row: Signal<RowView>,
    meta: Signal<RowMeta>,
    content: Content,
    overlays: Overlays,
    handler: Handler,
}

/// The article's class: own and grouped messages look different.
fn article_class(own: bool, grouped: bool) -> String {
    let mut class = String::from("pc-msg");
    if own {
        class.push_str(" pc-msg--own");
    }
    if grouped {
        class.push_str(" pc-msg--grouped");
    }
    class
}

/// Fills the article: its attributes (kept up to date by one effect), its listener, its
/// sections and the overlay slot.
fn bubble(el: web_sys::Element, params: Bubble) {
    let _ = el.set_attribute("tabindex", "0");
    let _ = el.set_attribute("data-key", &params.key);
    let (own, row, meta) = (params.own, params.row, params.meta);
    let article = el.clone();
    let effect = RenderEffect::new(move |_| {
        let m = meta.get();
        let (id, status) = row.with(|r| (r.message.id.clone(), r.status.as_str()));
        let _ = article.set_attribute("class", &article_class(own, m.grouped));
        let _ = article.set_attribute("data-message-id", &id);
        let _ = article.set_attribute("data-status", status);
        let _ = article.set_attribute("aria-posinset", &m.posinset.to_string());
        let _ = article.set_attribute("aria-setsize", &m.setsize.to_string());
    });
    StoredValue::new_local(effect);
    let handler = params.handler;
    dom::listen(&el, &["click", "keydown"], move |e| handler.on_event(&e));
    content(el.clone(), params.content);
    let Some(slot) = dom::document().and_then(|d| B::new(&d, "div", "pc-msg__overlays")) else {
        return;
    };
    let _ = el.append_with_node_1(&slot.0);
    overlays(slot.0, params.overlays);
}

/// Keeps Tab and Shift+Tab inside an `aria-modal` dialog the event comes from, cycling
/// between its buttons. True when it handled the key.
fn trap_tab(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let Some(dialog) = target.closest("[aria-modal=\"true\"]").ok().flatten() else {
        return false;
    };
    let Ok(list) = dialog.query_selector_all("button:not([disabled]), textarea, input, a[href]")
    else {
        return false;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    if items.is_empty() {
        return false;
    }
    ev.prevent_default();
    let n = items.len();
    let at = items
        .iter()
        .position(|i| target.is_same_node(Some(i.as_ref())));
    let next = match (at, ev.shift_key()) {
        (Some(i), false) => (i + 1) % n,
        (Some(i), true) => (i + n - 1) % n,
        (None, false) => 0,
        (None, true) => n - 1,
    };
    let _ = items[next].focus();
    true
}

/// Before a confirmed delete removes `article`: focus the next article, else the previous
/// one, else the composer "Message".
fn focus_after_delete(article: &web_sys::HtmlElement) {
    let sibling = |next: bool| {
        let mut at: Option<web_sys::Element> = Some(article.clone().into());
        loop {
            at = at.and_then(|e| {
                if next {
                    e.next_element_sibling()
                } else {
                    e.previous_element_sibling()
                }
            });
            match &at {
                Some(e) if e.tag_name().eq_ignore_ascii_case("article") => return at,
                Some(_) => {}
                None => return None,
            }
        }
    };
    let composer = || {
        let scope = article
            .closest(".pc-conv")
            .ok()
            .flatten()
            .map(web_sys::Node::from)
            .or_else(|| dom::document().map(web_sys::Node::from))?;
        let selector = "textarea[aria-label=\"Message\"]";
        match scope.dyn_ref::<web_sys::Element>() {
            Some(e) => e.query_selector(selector).ok().flatten(),
            None => scope
                .dyn_ref::<Document>()
                .and_then(|d| d.query_selector(selector).ok().flatten()),
        }
    };
    if let Some(target) = sibling(true)
        .or_else(|| sibling(false))
        .or_else(composer)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = target.focus();
    }
}

/// The edit box: textbox "Edit message" with "Save" and "Cancel" (keys handled by the
/// bubble: Enter saves, Escape cancels).
fn edit_box(doc: &Document, text: &str) -> Option<B> {
    let input = B::new(doc, "textarea", "pc-input pc-edit__input")?
        .attr("aria-label", "Edit message")
        .attr("rows", "2")
        .attr("data-act", "edit-input")
        .text(text);
    let buttons = B::new(doc, "div", "pc-edit__buttons")?
        .child(B::button(
            doc,
            "pc-button pc-button--primary pc-button--small",
            "save",
            "Save",
        ))
        .child(B::button(
            doc,
            "pc-button pc-button--small",
            "cancel",
            "Cancel",
        ));
    Some(
        B::new(doc, "div", "pc-edit")?
            .attr("data-overlay", "edit")
            .child(Some(input))
            .child(Some(buttons)),
    )
}

/// The delete confirmation: a dialog whose confirm button is "Delete".
fn delete_dialog(doc: &Document) -> Option<B> {
    let buttons = B::new(doc, "div", "pc-dialog__buttons")?
        .child(B::button(
            doc,
            "pc-button pc-button--danger",
            "confirm-delete",
            "Delete",
        ))
        .child(B::button(doc, "pc-button", "cancel-delete", "Cancel"));
    Some(
        B::new(doc, "div", "pc-dialog")?
            .attr("role", "dialog")
            .attr("aria-modal", "true")
            .attr("aria-label", "Delete message")
            .attr("data-overlay", "delete")
            .child(
                B::new(doc, "p", "")
                    .map(|p| p.text("Delete this message for everyone? This cannot be undone.")),
            )
            .child(Some(buttons)),
    )
}

/// Which overlays are open.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Open {
    edit: bool,
    picker: bool,
    delete: bool,
}

/// The overlay state, for the `overlays` directive.
#[derive(Clone)]
struct Overlays {
    editing: Memo<bool>,
    picker: RwSignal<bool>,
    delete: RwSignal<bool>,
    row: Signal<RowView>,
}

fn focus_in(el: &web_sys::Element, selector: &str) {
    if let Ok(Some(target)) = el.query_selector(selector) {
        if let Some(target) = target.dyn_ref::<web_sys::HtmlElement>() {
            let _ = target.focus();
        }
    }
    if let Some(area) = el
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        let end = area.value().len() as u32;
        let _ = area.set_selection_range(end, end);
    }
}

/// Opens and closes the edit box, picker and delete dialog inside `el`.
fn overlays(el: web_sys::Element, params: Overlays) {
    let Some(doc) = dom::document() else { return };
    let slots: Vec<web_sys::Element> = (0..3)
        .filter_map(|_| doc.create_element("div").ok())
        .inspect(|slot| {
            let _ = el.append_with_node_1(slot);
        })
        .collect();
    let mut was = Open {
        edit: false,
        picker: false,
        delete: false,
    };
    let effect = RenderEffect::new(move |_| {
        let open = Open {
            edit: params.editing.get(),
            picker: params.picker.get(),
            delete: params.delete.get(),
        };
        let wanted = [
            (open.edit, was.edit, "textarea"),
            (open.picker, was.picker, "button"),
            (open.delete, was.delete, "[data-act=cancel-delete]"),
        ];
        for (i, (now, before, focus)) in wanted.into_iter().enumerate() {
            let Some(slot) = slots.get(i) else { continue };
            if now == before {
                continue;
            }
            slot.set_inner_html("");
            if now {
                let built = match i {
                    0 => edit_box(
                        &doc,
                        &params.row.with_untracked(|r| r.message.message.clone()),
                    ),
                    1 => reaction_picker::build(&doc),
                    _ => delete_dialog(&doc),
                };
                if let Some(b) = built {
                    let _ = slot.append_with_node_1(&b.0);
                    focus_in(slot, focus);
                }
            }
        }
        was = open;
    });
    StoredValue::new_local(effect);
}
