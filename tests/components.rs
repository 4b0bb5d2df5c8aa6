//! Component tests in headless Chromium: roles, names and text, never whole HTML strings.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test components`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use protocol_api::{Attachment, Contact, Message, Reactions};
use protocol_chat::core::timeline::{RowView, Status};
use protocol_chat::views::attachment_list::AttachmentList;
use protocol_chat::views::message_bubble::{MessageBubble, RowMeta};
use protocol_chat::views::reaction_bar::ReactionBar;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> HtmlElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let div = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&div)
        .expect("appended");
    div.unchecked_into()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
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
fn attachment_list_sizes_links_and_thumbnails() {
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
    let imgs = all(&list, "img");
    assert_eq!(imgs.len(), 1, "only images get a thumbnail");
    assert_eq!(attr(&imgs[0], "alt"), "photo.png");
    assert_eq!(attr(&imgs[0], "loading"), "lazy");
    assert_eq!(attr(&imgs[0], "width"), "240");
    assert_eq!(attr(&imgs[0], "height"), "160");
}

// ---------------------------------------------------------------------------------------
// The app shell: the banner, the conversation list, the sign-in form and the composer.

use protocol_chat::actions::ChatActions;
use protocol_chat::browser::api::Client;
use protocol_chat::core::timeline::Timeline;
use protocol_chat::views::composer::Composer;
use protocol_chat::views::conversation_list::{ConversationItem, ConversationList};
use protocol_chat::views::error_banner::ErrorBanner;
use protocol_chat::views::sign_in::SignIn;
use wasm_bindgen::JsValue;

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

fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
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
    assert_eq!(
        protocol_chat::browser::storage::token().as_deref(),
        Some("demo-kevin")
    );
    protocol_chat::browser::storage::set_token("");

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
    let conversation = "composer-test";
    protocol_chat::browser::storage::set_draft(conversation, "kept from before");
    let root = container();
    let actions = ChatActions::new(
        Client::new("http://127.0.0.1:9/v1", "t"),
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
    assert_eq!(protocol_chat::browser::storage::draft(conversation), "");
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
    protocol_chat::browser::storage::set_outbox(conversation, &Default::default());
}
