//! The composer: textbox "Message" (Enter sends, Shift+Enter new line; on a touch screen
//! Enter is a new line), "Send", "Attach files" with upload progress (also for files
//! pasted or dropped). The draft survives a reload.

use crate::actions::ChatActions;
use crate::browser::pointer;
use crate::core::format::human_size;
use crate::views::effect;
use leptos::ev::KeyboardEvent;
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol_api::Attachment;

/// A file chosen for the next message.
#[derive(Clone)]
struct Upload {
    /// Its key in the list of chosen files.
    id: u32,
    /// The file's name.
    name: String,
    /// Its size in bytes.
    size: u64,
    /// How much of it was sent.
    percent: u32,
    /// The stored attachment, or why it could not be uploaded; `None` while it uploads.
    done: Option<Result<Attachment, String>>,
}

impl Upload {
    /// What the list says about it.
    fn status(&self) -> String {
        match &self.done {
            None => format!("Uploading {}%", self.percent),
            Some(Ok(_)) => "Ready".to_owned(),
            Some(Err(e)) => format!("Upload failed: {e}"),
        }
    }
}

/// True while a chosen file is still uploading (the message waits for it).
fn uploading(uploads: &[Upload]) -> bool {
    uploads.iter().any(|u| u.done.is_none())
}

/// The files a `DataTransfer` carries (pasted or dropped), if any.
pub fn files_of(data: Option<web_sys::DataTransfer>) -> Vec<web_sys::File> {
    data.and_then(|d| d.files())
        .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
        .unwrap_or_default()
}

/// The message composer of the conversation of `actions`: the chosen files (with their
/// progress and "Remove"), then "Attach files", the textbox "Message" and "Send". Up-arrow
/// in the empty textbox edits the caller's last message. Files pasted into the textbox, or
/// handed over through `dropped` (dropped on the conversation), join the chosen files;
/// pasted text stays text.
#[component]
pub fn Composer(
    /// The open conversation's commands.
    actions: ChatActions,
    /// Files dropped on the conversation, taken from here as they come.
    #[prop(optional)]
    dropped: Option<RwSignal<Vec<web_sys::File>, LocalStorage>>,
) -> impl IntoView {
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let next_id = StoredValue::new(0u32);
    let input = NodeRef::<Textarea>::new();
    let files = NodeRef::<Input>::new();
    let set_draft = move |text: &str| actions.save_draft(text);
    // The caller's draft (known once the caller is: a fresh tab learns it first) fills an
    // empty box.
    effect(move || {
        let draft = actions.draft.get();
        if let Some(field) = input.get() {
            if field.value().is_empty() {
                field.set_value(&draft);
            }
        }
    });
    let send = move || {
        let Some(field) = input.get_untracked() else {
            return;
        };
        if uploads.with_untracked(|u| uploading(u)) {
            return;
        }
        let text = field.value();
        let attachments: Vec<Attachment> = uploads.with_untracked(|u| {
            u.iter()
                .filter_map(|u| u.done.clone().and_then(Result::ok))
                .collect()
        });
        if text.trim().is_empty() && attachments.is_empty() {
            return;
        }
        field.set_value("");
        set_draft("");
        let _ = field.focus();
        if uploads.with_untracked(|u| !u.is_empty()) {
            uploads.set(Vec::new());
        }
        actions.send(text, attachments);
    };
    let upload = move |file: web_sys::File| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        uploads.update(|u| {
            u.push(Upload {
                id,
                name: file.name(),
                size: file.size() as u64,
                percent: 0,
                done: None,
            })
        });
        let client = actions.client();
        let conversation_id = actions.conversation_id.get_value();
        // The composer may be gone by the time the file is sent: then nothing is shown.
        let set = move |f: &mut dyn FnMut(&mut Upload)| {
            uploads.try_update(|u| u.iter_mut().filter(|u| u.id == id).for_each(f));
        };
        spawn_local(async move {
            let result = client
                .upload(&file, &conversation_id, move |p| {
                    set(&mut |u| u.percent = (p * 100.0) as u32)
                })
                .await;
            let done = Some(result.map_err(|e| e.to_string()));
            set(&mut |u| u.done = done.clone());
        });
    };
    let chosen = move |_| {
        let Some(el) = files.get_untracked() else {
            return;
        };
        let list: Vec<web_sys::File> = el
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        el.set_value("");
        for file in list {
            upload(file);
        }
    };
    let pasted = move |ev: web_sys::ClipboardEvent| {
        let pasted = files_of(ev.clipboard_data());
        if !pasted.is_empty() {
            ev.prevent_default();
            pasted.into_iter().for_each(upload);
        }
    };
    if let Some(dropped) = dropped {
        effect(move || {
            if dropped.with(|d| !d.is_empty()) {
                let files = dropped
                    .try_update_untracked(std::mem::take)
                    .unwrap_or_default();
                files.into_iter().for_each(upload);
            }
        });
    }
    let keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() && !pointer::coarse() {
            ev.prevent_default();
            send();
        } else if ev.key() == "ArrowUp"
            && input.get_untracked().is_some_and(|i| i.value().is_empty())
        {
            if let Some(last) = actions.timeline.with_untracked(|t| t.last_own_key()) {
                ev.prevent_default();
                actions.editing.set(Some(last));
            }
        }
    };
    view! {
        <form
            class="pc-composer"
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <ul class="pc-uploads" aria-label="Files to send" hidden=move || uploads.with(Vec::is_empty)>
                <For each=move || uploads.get() key=|u| u.id let(Upload { id, name, size, .. })>
                    <li class="pc-upload">
                        <span class="pc-upload__name">{name.clone()}</span>
                        <span class="pc-upload__size">{human_size(size)}</span>
                        <span class="pc-upload__status">
                            {move || {
                                uploads.with(|u| u.iter().find(|u| u.id == id).map(Upload::status))
                            }}
                        </span>
                        <button
                            type="button"
                            class="pc-button pc-button--small pc-button--quiet"
                            aria-label=format!("Remove {name}")
                            on:click=move |_| uploads.update(|u| u.retain(|u| u.id != id))
                        >
                            "×"
                        </button>
                    </li>
                </For>
            </ul>
            <div class="pc-composer__row">
                <input
                    node_ref=files
                    class="pc-visually-hidden"
                    type="file"
                    multiple
                    tabindex="-1"
                    aria-hidden="true"
                    on:change=chosen
                />
                <button
                    type="button"
                    class="pc-button pc-composer__attach"
                    on:click=move |_| {
                        if let Some(el) = files.get_untracked() {
                            el.click();
                        }
                    }
                >
                    "Attach files"
                </button>
                <textarea
                    node_ref=input
                    class="pc-input pc-composer__input"
                    aria-label="Message"
                    dir="auto"
                    placeholder="Write a message"
                    rows="1"
                    on:input=move |ev| set_draft(&event_target_value(&ev))
                    on:keydown=keydown
                    on:paste=pasted
                ></textarea>
                <button
                    type="submit"
                    class="pc-button pc-button--primary"
                    disabled=move || uploads.with(|u| uploading(u))
                >
                    "Send"
                </button>
            </div>
        </form>
    }
}
