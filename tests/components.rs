//! Component tests in headless Chromium: roles, names and text, never whole HTML strings.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test components`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use protocol_api::{Attachment, Contact, Message, Page, Reactions};
use protocol_chat::actions::ChatActions;
use protocol_chat::browser::api::Client;
use protocol_chat::core::timeline::{RowView, Status, Timeline};
use protocol_chat::views::attachment_list::AttachmentList;
use protocol_chat::views::composer::Composer;
use protocol_chat::views::conversation_list::{ConversationItem, ConversationList};
use protocol_chat::views::delete_dialog::DeleteDialog;
use protocol_chat::views::edit_box::EditBox;
use protocol_chat::views::error_banner::ErrorBanner;
use protocol_chat::views::message_bubble::{MessageBubble, RowMeta};
use protocol_chat::views::reaction_bar::ReactionBar;
use protocol_chat::views::reaction_picker::ReactionPicker;
use protocol_chat::views::sign_in::SignIn;
use std::sync::{Arc, Mutex};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{all, attr, container, one, text};

/// Lets the reactive system run what a change scheduled (effects, re-renders).
async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>()
        .expect("an HTML element")
        .click();
}

/// Dispatches a bubbling, cancelable `keydown` of `key` on `el`, as a key press would.
fn press(el: &Element, key: &str, shift: bool) {
    let dispatch = js_sys::Function::new_with_args(
        "el, key, shift",
        "el.dispatchEvent(new KeyboardEvent('keydown', \
         { key, shiftKey: shift, bubbles: true, cancelable: true }))",
    );
    dispatch
        .call3(&wasm_bindgen::JsValue::NULL, el, &key.into(), &shift.into())
        .expect("dispatched");
}

/// The element that has the keyboard focus.
fn focused() -> Option<Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
}

/// The button in `root` whose accessible name (its label or its text) is `name`.
fn button(root: &Element, name: &str) -> Element {
    all(root, "button")
        .into_iter()
        .find(|b| {
            let label = attr(b, "aria-label");
            if label.is_empty() {
                text(b).trim() == name
            } else {
                label == name
            }
        })
        .unwrap_or_else(|| panic!("no button named {name}"))
}

/// Records what a callback was called with.
fn recorder<T: Send + Sync + 'static>() -> (Arc<Mutex<Vec<T>>>, Callback<T>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let callback = Callback::new(move |value: T| {
        if let Ok(mut v) = sink.lock() {
            v.push(value);
        }
    });
    (seen, callback)
}

fn sender() -> Contact {
    Contact {
        id: "FRnk8eIbvDR60rou".into(),
        username: "FrankMcCallister".into(),
        phone_number: None,
        avatar_url: None,
        last_active_at: None,
        created_at: 0,
    }
}

fn attachment(id: &str, filename: &str, file_type: &str, size: u64) -> Attachment {
    Attachment {
        id: id.into(),
        conversation_id: None,
        message_id: None,
        filename: filename.into(),
        file_url: format!("https://files.example/{id}"),
        file_type: file_type.into(),
        file_size: size,
        created_at: 0,
    }
}

fn row(text: &str) -> RowView {
    RowView {
        key: "SIuAFUNKdSYHZF2w".into(),
        message: Message {
            id: "SIuAFUNKdSYHZF2w".into(),
            conversation_id: "xgQQXg3hrtjh7AvZ".into(),
            contact: sender(),
            message: text.into(),
            reactions: Reactions::default(),
            attachments: Vec::new(),
            read_at: None,
            created_at: 1_700_000_000,
            updated_at: None,
            edited_at: Some(1_700_000_100),
        },
        status: Status::Sent,
        editing: false,
        rev: 0,
    }
}

fn mount_bubble(row: RowView, own: bool) -> HtmlElement {
    let root = container();
    let meta = RowMeta {
        grouped: false,
        posinset: 3,
        setsize: -1,
    };
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <MessageBubble
                row=Signal::derive(move || row.clone())
                meta=Signal::derive(move || meta)
                own
                me="KevinMcCallister"
            />
        }
    })
    .forget();
    root
}

#[wasm_bindgen_test]
fn bubble_renders_hostile_text_as_text() {
    let hostile = "<img src=x onerror=alert(1)><script>alert(2)</script> javascript:alert(3) see https://example.com/a?b=1.";
    let root = mount_bubble(row(hostile), false);
    let article = one(&root, "article");
    let body = one(&article, ".pc-msg__text");
    assert_eq!(text(&body), hostile, "the text is shown exactly, as text");
    assert!(
        all(&body, "img").is_empty(),
        "no element made from the text"
    );
    assert!(all(&body, "script").is_empty());
    let links = all(&body, "a");
    assert_eq!(links.len(), 1, "only the https link is clickable");
    assert_eq!(attr(&links[0], "href"), "https://example.com/a?b=1");
    assert_eq!(attr(&links[0], "rel"), "noopener noreferrer");
}

#[wasm_bindgen_test]
fn bubble_has_the_ui_md_attributes() {
    let root = mount_bubble(row("It’s a nice night for a neck injury."), false);
    let article = one(&root, "article");
    assert_eq!(attr(&article, "data-message-id"), "SIuAFUNKdSYHZF2w");
    assert_eq!(attr(&article, "data-status"), "sent");
    assert_eq!(attr(&article, "tabindex"), "0");
    assert_eq!(attr(&article, "aria-posinset"), "3");
    assert_eq!(attr(&article, "aria-setsize"), "-1");
    assert!(text(&article).contains("FrankMcCallister"));
    assert!(text(&article).contains("edited"));
    let time = one(&article, "time");
    assert!(attr(&time, "datetime").starts_with("2023-11-14T22:13:20"));
    let buttons: Vec<String> = all(&article, "button").iter().map(text).collect();
    assert!(buttons.contains(&"Add reaction".to_owned()));
    assert!(
        !buttons.contains(&"Edit".to_owned()),
        "not the caller's message"
    );
}

#[wasm_bindgen_test]
fn own_bubble_offers_edit_and_delete_and_read() {
    let mut r = row("mine");
    r.message.read_at = Some(1_700_000_200);
    let root = mount_bubble(r, true);
    let article = one(&root, "article");
    let buttons: Vec<String> = all(&article, "button").iter().map(text).collect();
    assert!(buttons.contains(&"Edit".to_owned()));
    assert!(buttons.contains(&"Delete".to_owned()));
    assert!(all(&article, ".pc-msg__read")
        .iter()
        .any(|e| text(e) == "Read"));
}

#[wasm_bindgen_test]
fn failed_bubble_offers_retry_and_discard() {
    let mut r = row("lost");
    r.status = Status::Failed;
    r.message.id = "clientid12345678".into();
    let root = mount_bubble(r, true);
    let article = one(&root, "article");
    assert_eq!(attr(&article, "data-status"), "failed");
    assert_eq!(attr(&article, "data-message-id"), "clientid12345678");
    assert!(text(&article).contains("Not sent"));
    let buttons: Vec<String> = all(&article, "button").iter().map(text).collect();
    assert!(buttons.contains(&"Retry".to_owned()));
    assert!(buttons.contains(&"Discard".to_owned()));
}

#[wasm_bindgen_test]
fn reaction_bar_names_and_pressed_state() {
    let root = container();
    let picked = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = picked.clone();
    let mut reactions = Reactions::default();
    reactions.set("thumbs_up", "KevinMcCallister", true);
    reactions.set("thumbs_up", "FrankMcCallister", true);
    reactions.set("not_in_table", "FrankMcCallister", true);
    leptos::mount::mount_to(root.clone(), move || {
        let on_toggle = Callback::new(move |name: String| {
            if let Ok(mut v) = sink.lock() {
                v.push(name);
            }
        });
        view! {
            <ReactionBar
                reactions=reactions
                me="KevinMcCallister"
                on_toggle
            />
        }
    })
    .forget();
    let group = one(&root, "[role=group]");
    assert_eq!(attr(&group, "aria-label"), "Reactions");
    let buttons = all(&group, "button");
    assert_eq!(buttons.len(), 2);
    assert_eq!(attr(&buttons[0], "aria-label"), "thumbs_up 2");
    assert_eq!(attr(&buttons[0], "aria-pressed"), "true");
    assert!(text(&buttons[0]).contains('👍'));
    assert_eq!(attr(&buttons[1], "aria-label"), "not_in_table 1");
    assert_eq!(attr(&buttons[1], "aria-pressed"), "false");
    assert!(
        text(&buttons[1]).contains("not_in_table"),
        "unknown names show as text"
    );
    buttons[1]
        .dyn_ref::<HtmlElement>()
        .expect("a button")
        .click();
    assert_eq!(*picked.lock().expect("lock"), ["not_in_table"]);
}

#[wasm_bindgen_test]
async fn attachment_list_sizes_links_and_thumbnails() {
    let root = container();
    let files = vec![
        attachment("img1", "photo.png", "image/png", 2_400_000),
        attachment("pdf1", "plan.pdf", "application/pdf", 1234),
    ];
    leptos::mount::mount_to(root.clone(), move || {
        view! { <AttachmentList attachments=files/> }
    })
    .forget();
    let list = one(&root, "[role=list]");
    assert_eq!(attr(&list, "aria-label"), "Attachments");
    let items = all(&list, "li");
    assert_eq!(items.len(), 2);
    let links = all(&list, "a");
    assert_eq!(text(&links[0]), "photo.png");
    assert_eq!(attr(&links[0], "href"), "https://files.example/img1");
    assert_eq!(text(&links[1]), "plan.pdf");
    assert!(text(&items[0]).contains("2.4 MB"));
    assert!(text(&items[1]).contains("1.2 KB"));
    // The thumbnail is the button that opens the image large.
    let imgs = all(&list, "button > img");
    assert_eq!(imgs.len(), 1, "only images get a thumbnail");
    assert_eq!(attr(&imgs[0], "alt"), "photo.png");
    assert_eq!(attr(&imgs[0], "loading"), "lazy");
    assert_eq!(attr(&imgs[0], "width"), "240");
    assert_eq!(attr(&imgs[0], "height"), "160");
    let thumb = one(&list, "button[aria-haspopup=dialog]");
    let dialog: web_sys::HtmlDialogElement = one(&list, "dialog").unchecked_into();
    assert_eq!(attr(&dialog, "aria-label"), "photo.png");
    assert!(!dialog.open(), "closed until the thumbnail is pressed");
    let large = one(&dialog, "img");
    assert_eq!(attr(&large, "alt"), "photo.png");
    assert_eq!(attr(&large, "src"), "https://files.example/img1");
    click(&thumb);
    tick().await;
    assert!(dialog.open(), "the thumbnail opens the dialog");
    assert!(
        dialog.matches(":modal").unwrap_or(false),
        "as a modal dialog"
    );
    click(&button(&dialog, "Close"));
    tick().await;
    assert!(!dialog.open(), "\"Close\" closes it");
}

#[wasm_bindgen_test]
async fn reaction_bar_updates_its_buttons_in_place() {
    let root = container();
    let mut initial = Reactions::default();
    initial.set("heart", "FrankMcCallister", true);
    let reactions = RwSignal::new(initial);
    leptos::mount::mount_to(root.clone(), move || {
        view! { <ReactionBar reactions me="KevinMcCallister" on_toggle=Callback::new(|_: String| {})/> }
    })
    .forget();
    let heart = one(&root, "[role=group] button");
    assert_eq!(attr(&heart, "aria-label"), "heart 1");
    assert_eq!(attr(&heart, "aria-pressed"), "false");
    heart
        .dyn_ref::<HtmlElement>()
        .expect("a button")
        .focus()
        .expect("focus");
    reactions.update(|r| r.set("heart", "KevinMcCallister", true));
    tick().await;
    let now = one(&root, "[role=group] button");
    assert!(
        now.is_same_node(Some(&heart)),
        "the button is updated, not replaced"
    );
    assert_eq!(attr(&now, "aria-label"), "heart 2");
    assert_eq!(attr(&now, "aria-pressed"), "true");
    assert!(
        focused().is_some_and(|f| f == heart),
        "the toggled button keeps the focus"
    );
    reactions.update(|r| {
        r.set("heart", "KevinMcCallister", false);
        r.set("heart", "FrankMcCallister", false);
    });
    tick().await;
    assert!(
        all(&root, "[role=group]").is_empty(),
        "no group without reactions"
    );
}

#[wasm_bindgen_test]
fn attachment_list_links_only_safe_urls() {
    let root = container();
    let mut files = vec![
        attachment("img1", "evil.png", "image/png", 10),
        attachment("doc1", "evil.html", "text/html", 20),
        attachment("img2", "ok.png", "image/png", 30),
    ];
    files[0].file_url = "javascript:alert(1)".into();
    files[1].file_url = "data:text/html,<script>alert(1)</script>".into();
    files[2].file_url = "/files/img2/ok.png".into();
    leptos::mount::mount_to(root.clone(), move || {
        view! { <AttachmentList attachments=files api_base="http://api.example:8080/v1"/> }
    })
    .forget();
    let list = one(&root, "[role=list]");
    let items = all(&list, "li");
    assert_eq!(items.len(), 3);
    assert!(
        all(&items[0], "a, img").is_empty(),
        "javascript: is no link or image"
    );
    assert!(
        text(&items[0]).contains("evil.png"),
        "the file shows by name"
    );
    assert!(all(&items[1], "a, img").is_empty(), "data: is no link");
    assert!(text(&items[1]).contains("evil.html"));
    let link = one(&items[2], "a");
    assert_eq!(text(&link), "ok.png");
    assert_eq!(
        attr(&link, "href"),
        "http://api.example:8080/files/img2/ok.png"
    );
    assert_eq!(
        attr(&one(&items[2], "button > img"), "src"),
        "http://api.example:8080/files/img2/ok.png"
    );
}

#[wasm_bindgen_test]
async fn reaction_picker_offers_named_buttons_and_takes_the_focus() {
    let root = container();
    let (picked, on_pick) = recorder::<String>();
    let (closed, on_close) = recorder::<()>();
    leptos::mount::mount_to(root.clone(), move || {
        view! { <ReactionPicker on_pick on_close/> }
    })
    .forget();
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(attr(&dialog, "aria-label"), "Pick a reaction");
    let names: Vec<String> = all(&dialog, "button")
        .iter()
        .map(|b| attr(b, "aria-label"))
        .collect();
    assert!(names.contains(&"thumbs_up".to_owned()));
    assert!(names.contains(&"heart".to_owned()));
    tick().await;
    assert!(
        focused().is_some_and(|f| dialog.contains(Some(&f))),
        "the picker takes the focus"
    );
    click(&button(&dialog, "heart"));
    assert_eq!(*picked.lock().expect("lock"), ["heart"]);
    press(&button(&dialog, "heart"), "Escape", false);
    assert_eq!(closed.lock().expect("lock").len(), 1, "Escape closes");
}

#[wasm_bindgen_test]
async fn delete_dialog_confirms_keeps_tab_inside_and_cancels() {
    let root = container();
    let (confirmed, on_confirm) = recorder::<()>();
    let (cancelled, on_cancel) = recorder::<()>();
    leptos::mount::mount_to(root.clone(), move || {
        view! { <DeleteDialog on_confirm on_cancel/> }
    })
    .forget();
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(attr(&dialog, "aria-modal"), "true");
    assert_eq!(attr(&dialog, "aria-label"), "Delete message");
    let (delete, cancel) = (button(&dialog, "Delete"), button(&dialog, "Cancel"));
    tick().await;
    assert!(
        focused().is_some_and(|f| f == cancel),
        "Cancel has the focus"
    );
    press(&cancel, "Tab", false);
    assert!(
        focused().is_some_and(|f| f == delete),
        "Tab cycles to Delete"
    );
    press(&delete, "Tab", true);
    assert!(
        focused().is_some_and(|f| f == cancel),
        "Shift+Tab cycles back"
    );
    press(&cancel, "Tab", true);
    assert!(focused().is_some_and(|f| f == delete), "and around");
    click(&delete);
    assert_eq!(confirmed.lock().expect("lock").len(), 1);
    click(&cancel);
    press(&delete, "Escape", false);
    assert_eq!(
        cancelled.lock().expect("lock").len(),
        2,
        "Cancel and Escape cancel"
    );
}

#[wasm_bindgen_test]
async fn edit_box_saves_on_enter_and_save_and_cancels_on_escape() {
    let root = container();
    let (saved, on_save) = recorder::<String>();
    let (cancelled, on_cancel) = recorder::<()>();
    leptos::mount::mount_to(root.clone(), move || {
        view! { <EditBox text="old text" on_save on_cancel/> }
    })
    .forget();
    let input = one(&root, "textarea[aria-label='Edit message']");
    let area = input
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .expect("a textarea");
    assert_eq!(area.value(), "old text");
    tick().await;
    assert!(
        focused().is_some_and(|f| f == input),
        "the edit box takes the focus"
    );
    assert_eq!(
        area.selection_start().ok().flatten(),
        Some(8),
        "cursor at the end"
    );
    area.set_value("new text");
    press(&input, "Enter", true);
    assert!(
        saved.lock().expect("lock").is_empty(),
        "Shift+Enter is a new line"
    );
    press(&input, "Enter", false);
    click(&button(&root, "Save"));
    assert_eq!(*saved.lock().expect("lock"), ["new text", "new text"]);
    press(&input, "Escape", false);
    click(&button(&root, "Cancel"));
    assert_eq!(cancelled.lock().expect("lock").len(), 2);
}

fn own_message(text: &str) -> Message {
    let mut m = row(text).message;
    m.contact = Contact {
        id: "WAz8eIbvDR60rouK".into(),
        username: "KevinMcCallister".into(),
        ..sender()
    };
    m.edited_at = None;
    m
}

/// The row `key` of the timeline of `actions`, as the feed gives it to its bubble.
fn row_of(actions: ChatActions, key: &str) -> RwSignal<RowView> {
    RwSignal::new(
        actions
            .timeline
            .with_untracked(|t| t.row(key))
            .expect("the row"),
    )
}

/// Commands for a conversation holding `messages`, against an API nobody answers.
fn actions_with(messages: Vec<Message>) -> ChatActions {
    let me = own_message("").contact;
    let mut timeline = Timeline::new(me.clone());
    timeline.load_newest(Page {
        has_more: false,
        data: messages,
    });
    ChatActions::new(
        Client::new("http://127.0.0.1:9/v1", "token"),
        "xgQQXg3hrtjh7AvZ".into(),
        timeline,
        me.username,
        RwSignal::new(false),
    )
}

#[wasm_bindgen_test]
fn avatars_load_from_the_api_and_only_from_safe_urls() {
    let mut relative = row("from the API's own files").message;
    relative.contact.avatar_url = Some("/avatars/frank.png".into());
    let mut hostile = row("a script for a face").message;
    hostile.id = "hostileAvatar000".into();
    hostile.contact.avatar_url = Some("javascript:alert(1)".into());
    let keys = [relative.id.clone(), hostile.id.clone()];
    let root = container();
    leptos::mount::mount_to(root.clone(), move || {
        let actions = actions_with(vec![relative, hostile]);
        provide_context(actions);
        keys.map(|key| {
            let row = row_of(actions, &key);
            view! { <MessageBubble row meta=RowMeta::default() own=false me="KevinMcCallister"/> }
        })
    })
    .forget();
    let articles = all(&root, "article");
    assert_eq!(articles.len(), 2);
    let avatar = one(&articles[0], "img.pc-avatar");
    assert_eq!(
        attr(&avatar, "src"),
        "http://127.0.0.1:9/avatars/frank.png",
        "a server-relative avatar loads from the API's origin, not the page's"
    );
    assert!(
        all(&articles[1], "img").is_empty(),
        "no image from another scheme"
    );
    assert_eq!(text(&one(&articles[1], ".pc-avatar--initials")), "FM");
}

#[wasm_bindgen_test]
async fn own_bubble_edits_picks_and_confirms_with_focus_where_it_belongs() {
    let root = container();
    let message = own_message("mine to change");
    let key = message.id.clone();
    leptos::mount::mount_to(root.clone(), move || {
        let actions = actions_with(vec![message]);
        provide_context(actions);
        let row = row_of(actions, &key);
        view! {
            <MessageBubble row meta=RowMeta::default() own=true me="KevinMcCallister"/>
        }
    })
    .forget();
    let article = one(&root, "article");
    assert_eq!(attr(&article, "class"), "pc-msg pc-msg--own");

    // Edit: the text becomes the edit box, Escape puts it back and focuses the article.
    click(&button(&article, "Edit"));
    tick().await;
    let input = one(&article, "textarea[aria-label='Edit message']");
    assert_eq!(
        input
            .dyn_ref::<web_sys::HtmlTextAreaElement>()
            .map(|t| t.value()),
        Some("mine to change".to_owned())
    );
    assert!(
        all(&article, ".pc-msg__text").is_empty(),
        "the text is replaced while editing"
    );
    assert!(focused().is_some_and(|f| f == input));
    press(&input, "Escape", false);
    tick().await;
    assert!(
        all(&article, "textarea").is_empty(),
        "Escape closes the edit box"
    );
    assert_eq!(text(&one(&article, ".pc-msg__text")), "mine to change");
    assert!(
        focused().is_some_and(|f| f == article),
        "focus back on the message"
    );

    // The picker opens on "Add reaction", takes the focus, and Escape gives it back.
    click(&button(&article, "Add reaction"));
    tick().await;
    let picker = one(&article, "[role=dialog][aria-label='Pick a reaction']");
    assert!(focused().is_some_and(|f| picker.contains(Some(&f))));
    press(&button(&picker, "thumbs_up"), "Escape", false);
    tick().await;
    assert!(
        all(&article, "[role=dialog]").is_empty(),
        "Escape closes the picker"
    );
    assert!(
        focused().is_some_and(|f| f == button(&article, "Add reaction")),
        "focus back on Add reaction"
    );

    // The delete dialog: Cancel gives the focus back to "Delete".
    click(&button(&article, "Delete"));
    tick().await;
    let dialog = one(&article, "[role=dialog][aria-modal=true]");
    assert!(focused().is_some_and(|f| f == button(&dialog, "Cancel")));
    click(&button(&dialog, "Cancel"));
    tick().await;
    assert!(all(&article, "[role=dialog]").is_empty());
    assert!(focused().is_some_and(|f| f == button(&article, "Delete")));
}

// ---------------------------------------------------------------------------------------
// The app shell: the banner, the conversation list, the sign-in form and the composer.

/// Lets the scheduled effects run.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Sends `key` (with Shift when `shift`) to `el` as a cancelable keydown; false when a
/// handler prevented its default.
fn key(el: &Element, key: &str, shift: bool) -> bool {
    let init = js_sys::Object::new();
    for (name, value) in [
        ("key", JsValue::from_str(key)),
        ("shiftKey", JsValue::from_bool(shift)),
        ("bubbles", JsValue::TRUE),
        ("cancelable", JsValue::TRUE),
    ] {
        js_sys::Reflect::set(&init, &JsValue::from_str(name), &value).expect("set");
    }
    let constructor: js_sys::Function =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("KeyboardEvent"))
            .expect("KeyboardEvent")
            .unchecked_into();
    let ev: web_sys::Event = js_sys::Reflect::construct(
        &constructor,
        &js_sys::Array::of2(&JsValue::from_str("keydown"), &init),
    )
    .expect("a keydown")
    .unchecked_into();
    el.dispatch_event(&ev).expect("dispatched")
}

#[wasm_bindgen_test]
fn error_banner_is_an_alert_whose_button_acts() {
    let root = container();
    let clicks = Arc::new(Mutex::new(0));
    let counted = clicks.clone();
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ErrorBanner
                message="The conversations could not be loaded."
                label="Retry"
                on_action=move || *counted.lock().expect("not poisoned") += 1
            />
        }
    })
    .forget();
    let alert = one(&root, "[role=alert]");
    assert!(text(&alert).contains("The conversations could not be loaded."));
    let button = one(&alert, "button");
    assert_eq!(text(&button), "Retry");
    assert_eq!(attr(&button, "type"), "button");
    click(&button);
    assert_eq!(*clicks.lock().expect("not poisoned"), 1);
}

#[wasm_bindgen_test]
async fn conversation_list_marks_the_open_one() {
    let root = container();
    let items = vec![
        ConversationItem {
            id: "c1".into(),
            title: "Frank".into(),
        },
        ConversationItem {
            id: "c 2".into(),
            title: "The Wet Bandits".into(),
        },
    ];
    let current = RwSignal::new(Some("c1".to_owned()));
    leptos::mount::mount_to(root.clone(), move || {
        view! { <ConversationList conversations=items current /> }
    })
    .forget();
    settle().await;
    let nav = one(&root, "nav");
    assert_eq!(attr(&nav, "aria-label"), "Conversations");
    let links = all(&nav, "a");
    assert_eq!(
        links.iter().map(text).collect::<Vec<_>>(),
        ["Frank", "The Wet Bandits"]
    );
    assert_eq!(attr(&links[0], "aria-current"), "page");
    assert!(links[1].get_attribute("aria-current").is_none());
    assert!(attr(&links[1], "href").contains("conversation=c%202"));
    current.set(Some("c 2".to_owned()));
    settle().await;
    assert!(links[0].get_attribute("aria-current").is_none());
    assert_eq!(attr(&links[1], "aria-current"), "page");
}

#[wasm_bindgen_test]
fn sign_in_keeps_a_trimmed_token_and_titles_the_page() {
    let root = container();
    let tokens = Arc::new(Mutex::new(Vec::<String>::new()));
    let kept = tokens.clone();
    leptos::mount::mount_to(root.clone(), move || {
        view! {
            <SignIn
                on_sign_in=move |t: String| kept.lock().expect("not poisoned").push(t)
                page_title=true
            />
        }
    })
    .forget();
    assert_eq!(text(&one(&root, "h1")), "Protocol Chat");
    let field = one(&root, "label input");
    assert!(text(&one(&root, "label")).contains("API token"));
    let form = one(&root, "form");
    let submit = one(&form, "button[type=submit]");
    assert_eq!(text(&submit), "Sign in");
    let input: web_sys::HtmlInputElement = field.unchecked_into();
    input.set_value("   ");
    form.unchecked_ref::<web_sys::HtmlFormElement>()
        .request_submit()
        .expect("submitted");
    assert!(
        tokens.lock().expect("not poisoned").is_empty(),
        "a blank token is not kept"
    );
    input.set_value("  demo-kevin  ");
    form.unchecked_ref::<web_sys::HtmlFormElement>()
        .request_submit()
        .expect("submitted");
    assert_eq!(*tokens.lock().expect("not poisoned"), ["demo-kevin"]);

    let widget = container();
    leptos::mount::mount_to(widget.clone(), move || {
        view! { <SignIn on_sign_in=|_: String| {} /> }
    })
    .forget();
    assert!(
        all(&widget, "h1").is_empty(),
        "a widget's form is no page title"
    );
    assert_eq!(text(&one(&widget, "h2")), "Protocol Chat");
}

#[wasm_bindgen_test]
async fn composer_sends_on_enter_and_keeps_a_draft() {
    use protocol_chat::browser::storage;
    let conversation = "composer-test";
    let client = Client::new("http://127.0.0.1:9/v1", "t");
    // The tab's sign-in knows its caller, whose draft this is.
    let mut session = protocol_chat::core::session::Session::new(client.base(), "t");
    session.caller_id = Some("WAz8eIbvDR60rouK".to_owned());
    storage::set_session(&session);
    let author = storage::author(&client, "WAz8eIbvDR60rouK");
    storage::set_draft(&author, conversation, "kept from before");
    let root = container();
    let actions = ChatActions::new(
        client,
        conversation.to_owned(),
        Timeline::default(),
        "KevinMcCallister".to_owned(),
        RwSignal::new(false),
    );
    leptos::mount::mount_to(root.clone(), move || view! { <Composer actions /> }).forget();
    // Leptos sets a `value` property once the element is in place.
    settle().await;
    let input = one(&root, "textarea");
    assert_eq!(attr(&input, "aria-label"), "Message");
    let field: web_sys::HtmlTextAreaElement = input.clone().unchecked_into();
    assert_eq!(
        field.value(),
        "kept from before",
        "the draft survives a reload"
    );
    let buttons = all(&root, "button").iter().map(text).collect::<Vec<_>>();
    assert_eq!(buttons, ["Attach files", "Send"]);
    let files = one(&root, "ul");
    assert_eq!(attr(&files, "aria-label"), "Files to send");
    assert!(files.has_attribute("hidden"), "no chosen files, no list");

    field.set_value("line one");
    assert!(key(&input, "Enter", true), "Shift+Enter is a new line");
    assert_eq!(actions.timeline.with_untracked(Timeline::len), 0);
    assert!(!key(&input, "Enter", false), "Enter sends");
    assert_eq!(field.value(), "", "the textbox is emptied");
    assert_eq!(storage::draft(&author, conversation), "");
    assert_eq!(
        actions.timeline.with_untracked(Timeline::len),
        1,
        "the bubble is there at once"
    );
    assert!(
        !key(&input, "Enter", false),
        "Enter on an empty textbox sends nothing"
    );
    assert_eq!(actions.timeline.with_untracked(Timeline::len), 1);
    settle().await;
    storage::set_outbox(&author, conversation, &Default::default());
    storage::forget_session();
}
