//! The views: Leptos components, one a file. They read state through signals and send
//! commands through [`crate::actions::ChatActions`].

pub mod app;
pub mod attachment_list;
pub mod composer;
pub mod conversation_list;
pub mod conversation_view;
pub mod day_line;
pub mod delete_dialog;
pub mod edit_box;
pub mod error_banner;
pub mod feed_status;
pub mod image_dialog;
pub mod jump_to_latest;
pub mod live_region;
pub mod message_bubble;
pub mod message_list;
pub mod message_text;
pub mod new_messages_line;
pub mod reaction_bar;
pub mod reaction_picker;
pub mod sign_in;

use leptos::prelude::{Effect, LocalStorage};

/// [`Effect::new`] with the closure boxed. Leptos's effect loop is generic over its
/// closure, so each `Effect::new(move || …)` would put its own copy of the loop in the
/// wasm (about 700 bytes); the views' effects share one through here.
pub fn effect(run: impl FnMut() + 'static) -> Effect<LocalStorage> {
    let run: Box<dyn FnMut()> = Box::new(run);
    Effect::new(run)
}
