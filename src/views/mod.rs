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
