//! Live updates: Server-Sent Events from `/v1/events` (the browser resends
//! `Last-Event-ID` on its own reconnects), our own reconnects with backoff when the stream
//! closes (resuming with `last_event_id=` in the URL), and polling when the endpoint is
//! missing (404). Every time the stream opens, the sink resyncs: whatever changed before
//! the subscription existed (between the first page and the connection) is fetched.
//!
//! The stream is web-sys's `EventSource`, not gloo-net's: gloo-net's wrapper streams only
//! message and connection-error events and has no "opened" signal, which the resync needs.

use crate::browser::api::Client;
use crate::core::outbox::backoff_ms;
use gloo_timers::callback::{Interval, Timeout};
use protocol_api::Event;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

/// How often the polling fallback asks for newer messages and the newest page again.
pub const POLL_MS: u32 = 2000;

/// What the live connection reports.
pub trait Sink {
    /// An event arrived.
    fn event(&self, event: Event);
    /// Catch up by listing the messages newer than the newest one loaded.
    fn catch_up(&self);
    /// The stream (re)opened: events from before it may be missing, so fetch new
    /// messages and reconcile the newest page (edits, reactions, deletes).
    fn resync(&self);
}

struct Inner {
    client: Client,
    conversation_id: String,
    sink: Rc<dyn Sink>,
    source: Option<EventSource>,
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    timer: Option<Timeout>,
    poll: Option<Interval>,
    failures: u32,
    closed: bool,
    /// The id of the last event received, to resume from on our own reconnects.
    last_event_id: Option<String>,
}

/// A running live connection; closes when dropped.
pub struct Live(Rc<RefCell<Inner>>);

impl Drop for Live {
    fn drop(&mut self) {
        let mut inner = self.0.borrow_mut();
        inner.closed = true;
        close_source(&mut inner);
        inner.timer = None;
        inner.poll = None;
    }
}

fn close_source(inner: &mut Inner) {
    if let Some(source) = inner.source.take() {
        source.close();
        source.set_onmessage(None);
        source.set_onerror(None);
        source.set_onopen(None);
    }
    inner.handlers.clear();
}

/// Starts live updates for a conversation.
pub fn start(client: Client, conversation_id: String, sink: Rc<dyn Sink>) -> Live {
    let inner = Rc::new(RefCell::new(Inner {
        client,
        conversation_id,
        sink,
        source: None,
        handlers: Vec::new(),
        timer: None,
        poll: None,
        failures: 0,
        closed: false,
        last_event_id: None,
    }));
    connect(&inner);
    Live(inner)
}

fn connect(rc: &Rc<RefCell<Inner>>) {
    let url = {
        let inner = rc.borrow();
        if inner.closed {
            return;
        }
        inner
            .client
            .events_url(&inner.conversation_id, inner.last_event_id.as_deref())
    };
    let Ok(source) = EventSource::new(&url) else {
        start_polling(rc);
        return;
    };
    let sink = rc.borrow().sink.clone();
    let on_message = {
        let sink = sink.clone();
        let weak = Rc::downgrade(rc);
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(message) = e.dyn_ref::<MessageEvent>() else {
                return;
            };
            let id = message.last_event_id();
            if !id.is_empty() {
                if let Some(rc) = weak.upgrade() {
                    rc.borrow_mut().last_event_id = Some(id);
                }
            }
            let Some(data) = message.data().as_string() else {
                return;
            };
            if let Ok(event) = serde_json::from_str::<Event>(&data) {
                sink.event(event);
            }
        })
    };
    let on_open = {
        let weak = Rc::downgrade(rc);
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let Some(rc) = weak.upgrade() else { return };
            rc.borrow_mut().failures = 0;
            let sink = rc.borrow().sink.clone();
            // Not inside the borrow: the sink may do anything.
            sink.resync();
        })
    };
    let on_error = {
        let weak = Rc::downgrade(rc);
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(rc) = weak.upgrade() {
                on_error(&rc);
            }
        })
    };
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let mut inner = rc.borrow_mut();
    inner.source = Some(source);
    inner.handlers = vec![on_message, on_open, on_error];
}

fn on_error(rc: &Rc<RefCell<Inner>>) {
    let still_trying = rc
        .borrow()
        .source
        .as_ref()
        .is_some_and(|s| s.ready_state() != EventSource::CLOSED);
    if still_trying {
        // The browser reconnects by itself and sends Last-Event-ID.
        return;
    }
    let (client, conversation_id, attempt) = {
        let mut inner = rc.borrow_mut();
        close_source(&mut inner);
        inner.failures += 1;
        (
            inner.client.clone(),
            inner.conversation_id.clone(),
            inner.failures,
        )
    };
    let weak = Rc::downgrade(rc);
    leptos::task::spawn_local(async move {
        let missing = endpoint_missing(&client, &conversation_id).await;
        let Some(rc) = weak.upgrade() else { return };
        if missing {
            start_polling(&rc);
            return;
        }
        let weak = Rc::downgrade(&rc);
        let timer = Timeout::new(backoff_ms(attempt.saturating_sub(1)), move || {
            if let Some(rc) = weak.upgrade() {
                connect(&rc);
            }
        });
        rc.borrow_mut().timer = Some(timer);
    });
}

/// True when `/v1/events` answers 404: the server has no live updates.
async fn endpoint_missing(client: &Client, conversation_id: &str) -> bool {
    client
        .is_missing(&client.events_url(conversation_id, None))
        .await
}

fn start_polling(rc: &Rc<RefCell<Inner>>) {
    let sink = rc.borrow().sink.clone();
    sink.catch_up();
    // Each tick resyncs, so edits, reactions and deletes of recent messages show as well
    // as new messages, as they would through the stream.
    let poll = Interval::new(POLL_MS, move || sink.resync());
    rc.borrow_mut().poll = Some(poll);
}
