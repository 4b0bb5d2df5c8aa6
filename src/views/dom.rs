//! A tiny, non-generic DOM builder for most of the app's markup (every row, the banners,
//! the forms, the conversation list), and the one Leptos view type that hosts it. Leptos's
//! `view!` monomorphizes every tree, attribute and handler into its own code; these few
//! functions keep the wasm small. Text always goes in as text nodes, never as HTML.

use leptos::prelude::{AnyView, DirectiveAttribute, ElementChild, IntoAny, StoredValue};
use send_wrapper::SendWrapper;
use std::sync::Arc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, EventTarget};

/// A directive that fills the element Leptos made: [`host`], or `view! { <div use:fill>
/// </div> }` with `fill` from [`filler`]. Every component shares this one directive type,
/// which keeps the wasm small.
pub type Filler = Arc<dyn Fn(Element)>;

/// The Leptos view of a `tag` element that `fill` fills. Every dom-built component is
/// this one view type, which keeps the wasm small.
pub fn host(tag: &'static str, fill: Filler) -> AnyView {
    parent(tag, fill, Vec::new())
}

/// The Leptos view of a `tag` element that `fill` fills, then Leptos `children` after
/// what `fill` added. Shares its view type with [`host`].
pub fn parent(tag: &'static str, fill: Filler, children: Vec<AnyView>) -> AnyView {
    leptos::html::custom(tag)
        .directive(fill, ())
        .child(children)
        .into_any()
}

/// A child that `f` builds again whenever a signal it read changes. Every reactive child
/// shares this one view type, which keeps the wasm small.
pub fn dynamic(f: impl Fn() -> AnyView + 'static) -> AnyView {
    reactive(SendWrapper::new(Box::new(f)))
}

/// The one closure type behind [`dynamic`].
fn reactive(f: SendWrapper<Box<dyn Fn() -> AnyView>>) -> AnyView {
    (move || f()).into_any()
}

/// An empty view.
pub fn nothing() -> AnyView {
    ().into_any()
}

/// The Leptos view of a static `<p>` with `class`, an optional `role` and `text`.
pub fn paragraph(class: &'static str, role: Option<&'static str>, text: &'static str) -> AnyView {
    host(
        "p",
        filler(move |p| {
            let p = B(p).attr("class", class).text(text);
            if let Some(role) = role {
                p.attr("role", role);
            }
        }),
    )
}

/// A [`Filler`] that calls `f` with the element.
pub fn filler(f: impl Fn(Element) + 'static) -> Filler {
    Arc::new(f)
}

/// Calls `f` for each of the `events` on `el` (an element, or the window), for as long as
/// the current reactive owner lives; the listener is removed when it goes, so an event the
/// element still gets while it is being taken down (a blur, a dispatched scroll) finds no
/// dropped closure.
pub fn listen(
    el: &EventTarget,
    events: &'static [&'static str],
    f: impl FnMut(web_sys::Event) + 'static,
) {
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    for kind in events {
        let _ = el.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
    }
    StoredValue::new_local(Listening {
        el: el.clone(),
        events,
        listener,
    });
}

/// A listener that removes itself from its element when dropped.
struct Listening {
    el: EventTarget,
    events: &'static [&'static str],
    listener: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        for kind in self.events {
            let _ = self
                .el
                .remove_event_listener_with_callback(kind, self.listener.as_ref().unchecked_ref());
        }
    }
}

/// The page's document.
pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// An element under construction.
pub struct B(pub Element);

impl B {
    /// A new `tag` element with `class` (empty for none).
    pub fn new(doc: &Document, tag: &str, class: &str) -> Option<B> {
        let el = doc.create_element(tag).ok()?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        Some(B(el))
    }

    /// Sets an attribute.
    pub fn attr(self, name: &str, value: &str) -> Self {
        let _ = self.0.set_attribute(name, value);
        self
    }

    /// Appends text (as a text node).
    pub fn text(self, text: &str) -> Self {
        let _ = self.0.append_with_str_1(text);
        self
    }

    /// Appends a child, if any.
    pub fn child(self, child: Option<B>) -> Self {
        if let Some(c) = child {
            let _ = self.0.append_with_node_1(&c.0);
        }
        self
    }

    /// A `<button type="button">` with an action name for event delegation.
    pub fn button(doc: &Document, class: &str, act: &str, label: &str) -> Option<B> {
        Some(
            B::new(doc, "button", class)?
                .attr("type", "button")
                .attr("data-act", act)
                .text(label),
        )
    }
}

/// The action of the `[data-act]` element an event came from, and that element.
pub fn action_of(event: &web_sys::Event) -> Option<(String, Element)> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    let el = target.closest("[data-act]").ok()??;
    Some((el.get_attribute("data-act")?, el))
}

/// Replaces `old` by `new` in place, keeping keyboard focus on the control with the same
/// action if it had it.
pub fn swap(old: &Element, new: &Element) {
    let focused = document()
        .and_then(|d| d.active_element())
        .filter(|a| old.contains(Some(a)))
        .and_then(|a| a.get_attribute("data-act"));
    let _ = old.replace_with_with_node_1(new);
    if let Some(act) = focused {
        if let Ok(Some(el)) = new.query_selector(&format!("[data-act=\"{}\"]", css_escape(&act))) {
            if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
}

/// Escapes a value for a double-quoted CSS attribute selector.
fn css_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
