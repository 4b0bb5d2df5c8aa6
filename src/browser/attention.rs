//! The reader's attention outside the view: the count of new messages from others that
//! arrived while the reader looked away (in the standalone app's document title; the
//! widget hands it to its host), and browser notifications, once the reader turned them on.

use crate::actions::Arrival;
use crate::core::unread::{counted_title, notification_body, UnreadCount};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// The title of the standalone page with no conversation open.
pub const APP_TITLE: &str = "Protocol Chat";

/// True when the page is shown.
fn page_visible() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Visible
}

/// Whether this browser can show notifications at all.
fn notifications_supported() -> bool {
    js_sys::Reflect::has(&window(), &JsValue::from_str("Notification")).unwrap_or(false)
}

/// The attention of one mounted app.
#[derive(Clone, Copy)]
pub struct Attention {
    unread: RwSignal<UnreadCount>,
    /// The document title without the count.
    title: RwSignal<String>,
    /// The widget's host hears the count here (the mount handle's `onunread`).
    on_unread: StoredValue<Option<js_sys::Function>, LocalStorage>,
    /// Where the widget has the focus (its root element).
    root: StoredValue<Option<web_sys::Element>, LocalStorage>,
    /// The browser's notification permission, `None` where there are no notifications.
    permission: RwSignal<Option<NotificationPermission>>,
}

impl Attention {
    /// The attention of the app mounted now: `standalone` writes the document title;
    /// a widget calls `on_unread` with each new count. Listens for the page being seen
    /// again until the current owner goes.
    pub fn new(standalone: bool, on_unread: Option<js_sys::Function>) -> Self {
        let permission = (standalone && notifications_supported()).then(Notification::permission);
        let this = Self {
            unread: RwSignal::new(UnreadCount::default()),
            title: RwSignal::new(APP_TITLE.to_owned()),
            on_unread: StoredValue::new_local(on_unread),
            root: StoredValue::new_local(None),
            permission: RwSignal::new(permission),
        };
        if standalone {
            Effect::new(move || {
                let count = this.unread.with(|u| u.get());
                this.title
                    .with(|title| document().set_title(&counted_title(count, title)));
            });
        }
        let shown = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if this.looking() {
                this.seen();
            }
        });
        let focused = window_event_listener(leptos::ev::focus, move |_| {
            if this.looking() {
                this.seen();
            }
        });
        on_cleanup(move || {
            shown.remove();
            focused.remove();
        });
        this
    }

    /// The widget's root element, whose focus means the reader is looking.
    pub fn watch_focus_in(&self, root: web_sys::Element) {
        self.root.set_value(Some(root));
    }

    /// Sets the document title shown without the count (the open conversation's).
    pub fn set_title(&self, title: &str) {
        if self.title.try_with_untracked(|t| t != title) == Some(true) {
            self.title.try_set(title.to_owned());
        }
    }

    /// Whether the reader is looking: the page is shown and, in a widget, the focus is in
    /// it.
    fn looking(&self) -> bool {
        page_visible()
            && self.root.with_value(|root| {
                root.as_ref()
                    .is_none_or(|r| r.matches(":focus-within").unwrap_or(false))
            })
    }

    /// The reader looks again: the count starts over.
    pub fn seen(&self) {
        if self.unread.try_update(UnreadCount::seen) == Some(true) {
            self.report();
        }
    }

    /// A new message from someone else arrived: counted, and notified, when the reader
    /// is not looking. `open` is run when the reader clicks the notification.
    pub fn arrived(&self, arrival: &Arrival, open: impl Fn() + 'static) {
        let looking = self.looking();
        if self.unread.try_update(|u| u.arrived(looking)) == Some(true) {
            self.report();
        }
        if !looking && self.permission.get_untracked() == Some(NotificationPermission::Granted) {
            notify(arrival, open);
        }
    }

    fn report(&self) {
        let count = self.unread.get_untracked().get();
        self.on_unread.with_value(|callback| {
            if let Some(callback) = callback {
                let _ = callback.call1(&JsValue::NULL, &JsValue::from(count));
            }
        });
    }

    /// Notifications can be turned on: the browser has them and has not been asked yet.
    pub fn can_ask(&self) -> bool {
        self.permission.get() == Some(NotificationPermission::Default)
    }

    /// Asks the browser's permission to notify (from the button "Turn on notifications").
    pub fn ask(&self) {
        let Ok(asked) = Notification::request_permission() else {
            return;
        };
        let permission = self.permission;
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
            permission.try_set(Some(Notification::permission()));
        });
    }
}

/// One notification for `arrival`: the sender as its title, a short text; a click brings
/// the tab forward and runs `open`.
fn notify(arrival: &Arrival, open: impl Fn() + 'static) {
    let options = NotificationOptions::new();
    options.set_body(&notification_body(&arrival.text));
    options.set_tag(&arrival.id);
    let Ok(notification) = Notification::new_with_options(&arrival.username, &options) else {
        return;
    };
    let shown = notification.clone();
    let on_click = Closure::<dyn Fn()>::new(move || {
        let _ = window().focus();
        shown.close();
        open();
    });
    // Handed to the browser's garbage collector with the notification.
    notification.set_onclick(Some(on_click.into_js_value().unchecked_ref()));
}
