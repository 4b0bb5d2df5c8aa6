//! The composer: textbox "Message" (Enter sends, Shift+Enter new line), "Send",
//! "Attach files" with upload progress. The draft survives a reload.
//!
//! Its markup is built with [`crate::views::dom`] and its events are delegated to the form (one
//! listener per event type), which keeps the wasm small; the state is one `RefCell`.

use crate::actions::ChatActions;
use crate::core::format::human_size;
use crate::views::dom::{self, B};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol_api::Attachment;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

/// A file chosen for the next message.
struct Upload {
    id: u32,
    name: String,
    size: u64,
    percent: u32,
    done: Option<Result<Attachment, String>>,
}

/// The composer's state and elements.
struct State {
    actions: ChatActions,
    conversation_id: String,
    uploads: Vec<Upload>,
    next_id: u32,
    list: Element,
    input: HtmlTextAreaElement,
    files: HtmlInputElement,
    send: Element,
}

type Shared = Rc<RefCell<State>>;

impl State {
    fn uploading(&self) -> bool {
        self.uploads.iter().any(|u| u.done.is_none())
    }

    /// Redraws the chosen files and the Send button's state.
    fn render(&self) {
        let Some(doc) = dom::document() else { return };
        self.list.set_inner_html("");
        for u in &self.uploads {
            let status = match &u.done {
                None => format!("Uploading {}%", u.percent),
                Some(Ok(_)) => "Ready".to_owned(),
                Some(Err(e)) => format!("Upload failed: {e}"),
            };
            let item = B::new(&doc, "li", "pc-upload").map(|li| {
                li.child(B::new(&doc, "span", "pc-upload__name").map(|s| s.text(&u.name)))
                    .child(
                        B::new(&doc, "span", "pc-upload__size")
                            .map(|s| s.text(&human_size(u.size))),
                    )
                    .child(B::new(&doc, "span", "pc-upload__status").map(|s| s.text(&status)))
                    .child(
                        B::button(
                            &doc,
                            "pc-button pc-button--small pc-button--quiet",
                            &format!("remove:{}", u.id),
                            "×",
                        )
                        .map(|b| b.attr("aria-label", &format!("Remove {}", u.name))),
                    )
            });
            if let Some(item) = item {
                let _ = self.list.append_with_node_1(&item.0);
            }
        }
        let _ = if self.uploads.is_empty() {
            self.list.set_attribute("hidden", "")
        } else {
            self.list.remove_attribute("hidden")
        };
        let _ = if self.uploading() {
            self.send.set_attribute("disabled", "")
        } else {
            self.send.remove_attribute("disabled")
        };
    }

    fn set_draft(&self, text: &str) {
        self.actions.save_draft(text);
    }
}

fn send(state: &Shared) {
    let s = state.borrow();
    if s.uploading() {
        return;
    }
    let text = s.input.value();
    let files: Vec<Attachment> = s
        .uploads
        .iter()
        .filter_map(|u| u.done.clone().and_then(Result::ok))
        .collect();
    if text.trim().is_empty() && files.is_empty() {
        return;
    }
    let actions = s.actions;
    s.input.set_value("");
    s.set_draft("");
    let _ = s.input.focus();
    drop(s);
    state.borrow_mut().uploads.clear();
    state.borrow().render();
    actions.send(text, files);
}

fn upload(state: &Shared, file: web_sys::File) {
    let (id, client, conv) = {
        let mut s = state.borrow_mut();
        let id = s.next_id;
        s.next_id += 1;
        s.uploads.push(Upload {
            id,
            name: file.name(),
            size: file.size() as u64,
            percent: 0,
            done: None,
        });
        (id, s.actions.client(), s.conversation_id.clone())
    };
    state.borrow().render();
    let weak = Rc::downgrade(state);
    let progress_state = weak.clone();
    spawn_local(async move {
        let result = client
            .upload(&file, &conv, move |p| {
                if let Some(state) = progress_state.upgrade() {
                    if let Some(u) = state.borrow_mut().uploads.iter_mut().find(|u| u.id == id) {
                        u.percent = (p * 100.0) as u32;
                    }
                    state.borrow().render();
                }
            })
            .await;
        if let Some(state) = weak.upgrade() {
            if let Some(u) = state.borrow_mut().uploads.iter_mut().find(|u| u.id == id) {
                u.done = Some(result.map_err(|e| e.to_string()));
            }
            state.borrow().render();
        }
    });
}

fn on_event(state: &Shared, event: &web_sys::Event) {
    match event.type_().as_str() {
        "submit" => {
            event.prevent_default();
            send(state);
        }
        "click" => {
            let Some((act, _)) = dom::action_of(event) else {
                return;
            };
            if act == "attach" {
                // Not from inside this listener: the input's click bubbles to the form.
                let files = state.borrow().files.clone();
                queue_microtask(move || files.click());
            } else if let Some(id) = act
                .strip_prefix("remove:")
                .and_then(|i| i.parse::<u32>().ok())
            {
                state.borrow_mut().uploads.retain(|u| u.id != id);
                state.borrow().render();
            }
        }
        "input" => {
            let s = state.borrow();
            s.set_draft(&s.input.value());
        }
        "change" => {
            let list = state.borrow().files.files();
            let files: Vec<web_sys::File> = list
                .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
                .unwrap_or_default();
            state.borrow().files.set_value("");
            for file in files {
                upload(state, file);
            }
        }
        "keydown" => {
            let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            let in_message = dom::action_of(event).is_some_and(|(a, _)| a == "message");
            if !in_message {
                return;
            }
            if key.key() == "Enter" && !key.shift_key() && !key.is_composing() {
                event.prevent_default();
                send(state);
            } else if key.key() == "ArrowUp" && state.borrow().input.value().is_empty() {
                let actions = state.borrow().actions;
                if let Some(last) = actions.timeline.with_untracked(|t| t.last_own_key()) {
                    event.prevent_default();
                    actions.editing.set(Some(last));
                }
            }
        }
        _ => {}
    }
}

/// Builds the composer inside the form and wires its events.
fn build(form: Element, actions: ChatActions) {
    form.set_class_name("pc-composer");
    let Some(doc) = dom::document() else { return };
    let conversation_id = actions.conversation_id.get_value();
    let parts = || -> Option<(B, B, B, B)> {
        let list = B::new(&doc, "ul", "pc-uploads")?
            .attr("aria-label", "Files to send")
            .attr("hidden", "");
        let files = B::new(&doc, "input", "pc-visually-hidden")?
            .attr("type", "file")
            .attr("multiple", "")
            .attr("tabindex", "-1")
            .attr("aria-hidden", "true");
        let input = B::new(&doc, "textarea", "pc-input pc-composer__input")?
            .attr("aria-label", "Message")
            .attr("placeholder", "Write a message")
            .attr("rows", "1")
            .attr("data-act", "message");
        let send = B::new(&doc, "button", "pc-button pc-button--primary")?
            .attr("type", "submit")
            .text("Send");
        Some((list, files, input, send))
    };
    let Some((list, files, input, send_button)) = parts() else {
        return;
    };
    let (Ok(input_el), Ok(files_el)) = (
        input.0.clone().dyn_into::<HtmlTextAreaElement>(),
        files.0.clone().dyn_into::<HtmlInputElement>(),
    ) else {
        return;
    };
    input_el.set_value(&actions.draft.get_untracked());
    // The caller's draft arrives once they are known (a fresh tab): it fills an empty box.
    let draft_box = input_el.clone();
    StoredValue::new_local(RenderEffect::new(move |_| {
        let draft = actions.draft.get();
        if draft_box.value().is_empty() {
            draft_box.set_value(&draft);
        }
    }));
    let row = B::new(&doc, "div", "pc-composer__row").map(|r| {
        r.child(Some(files))
            .child(B::button(
                &doc,
                "pc-button pc-composer__attach",
                "attach",
                "Attach files",
            ))
            .child(Some(input))
            .child(Some(B(send_button.0.clone())))
    });
    let _ = form.append_with_node_1(&list.0);
    if let Some(row) = row {
        let _ = form.append_with_node_1(&row.0);
    }
    let state: Shared = Rc::new(RefCell::new(State {
        actions,
        conversation_id,
        uploads: Vec::new(),
        next_id: 0,
        list: list.0,
        input: input_el,
        files: files_el,
        send: send_button.0,
    }));
    dom::listen(
        &form,
        &["submit", "click", "input", "change", "keydown"],
        move |e| on_event(&state, &e),
    );
}

/// The message composer of the conversation of `actions`.
pub fn composer_form(actions: ChatActions) -> AnyView {
    dom::host("form", dom::filler(move |form| build(form, actions)))
}
