//! Fixture tests: the docs' exact JSON examples decode, and the encoded form is pinned.

use super::*;
use serde_json::{json, Value};

const DOCS_MESSAGE: &str = include_str!("../tests/fixtures/docs_message.json");
const DOCS_LIST: &str = include_str!("../tests/fixtures/docs_list_messages.json");
const DOCS_ERROR: &str = include_str!("../tests/fixtures/docs_error.json");

#[test]
fn decodes_the_docs_message_model_example() {
    let message: Message = serde_json::from_str(DOCS_MESSAGE).expect("docs example decodes");
    assert_eq!(message.id, "SIuAFUNKNKNNyLT");
    assert_eq!(message.contact.username, "FrankMcCallister");
    assert_eq!(
        message.contact.avatar_url.as_deref(),
        Some("https://assets.bitvault.com/avatars/frank.jpg")
    );
    assert_eq!(message.contact.last_active_at, None);
    assert_eq!(message.read_at, Some(705_103_200));
    assert_eq!(message.updated_at, Some(692_233_200));
    assert_eq!(message.edited_at, None);
    assert!(message.reactions.is_empty());
}

#[test]
fn decodes_the_docs_list_example_and_pins_its_encoding() {
    let page: Page<Message> = serde_json::from_str(DOCS_LIST).expect("docs example decodes");
    assert!(!page.has_more);
    assert_eq!(page.data.len(), 1);
    let message = &page.data[0];
    assert_eq!(message.id, "SIuAFUNKdSYHZF2w");
    assert_eq!(message.message, "It’s a nice night for a neck injury.");
    assert_eq!(message.contact.created_at, 692_233_200);

    let mut expected: Value = serde_json::from_str(DOCS_LIST).expect("valid JSON");
    expected["data"][0]["edited_at"] = Value::Null;
    assert_eq!(serde_json::to_value(&page).expect("encodes"), expected);
}

#[test]
fn reactions_keep_the_docs_shape_and_order() {
    let wire = json!([
        { "red_angry_face": ["KateMcCallister"] },
        { "thumbs_up": ["KevinMcCallister", "FrankMcCallister"] }
    ]);
    let reactions: Reactions = serde_json::from_value(wire.clone()).expect("decodes");
    let names: Vec<&str> = reactions.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["red_angry_face", "thumbs_up"]);
    assert_eq!(reactions.count("thumbs_up"), 2);
    assert!(reactions.has("red_angry_face", "KateMcCallister"));
    assert_eq!(serde_json::to_value(&reactions).expect("encodes"), wire);
}

#[test]
fn reactions_drop_empty_names_when_decoding() {
    let reactions: Reactions =
        serde_json::from_value(json!([{ "heart": [] }, { "joy": ["KateMcCallister"] }]))
            .expect("decodes");
    assert_eq!(
        serde_json::to_value(&reactions).expect("encodes"),
        json!([{ "joy": ["KateMcCallister"] }])
    );
}

#[test]
fn setting_a_reaction_adds_last_and_removing_the_last_user_drops_the_name() {
    let mut reactions = Reactions::default();
    reactions.set("heart", "KevinMcCallister", true);
    reactions.set("joy", "FrankMcCallister", true);
    reactions.set("heart", "FrankMcCallister", true);
    reactions.set("heart", "FrankMcCallister", true);
    assert_eq!(
        serde_json::to_value(&reactions).expect("encodes"),
        json!([{ "heart": ["KevinMcCallister", "FrankMcCallister"] }, { "joy": ["FrankMcCallister"] }])
    );
    reactions.set("joy", "FrankMcCallister", false);
    reactions.set("joy", "FrankMcCallister", false);
    assert_eq!(
        serde_json::to_value(&reactions).expect("encodes"),
        json!([{ "heart": ["KevinMcCallister", "FrankMcCallister"] }])
    );
}

#[test]
fn reaction_changes_encode_as_an_object_and_accept_the_array_shape() {
    let change = ReactionChanges::single("thumbs_up", "KevinMcCallister", true);
    assert_eq!(
        serde_json::to_value(&change).expect("encodes"),
        json!({ "thumbs_up": ["KevinMcCallister"] })
    );
    let from_array: ReactionChanges =
        serde_json::from_value(json!([{ "red_angry_face": ["KateMcCallister"] }]))
            .expect("decodes");
    assert_eq!(
        from_array.0,
        vec![(
            "red_angry_face".to_owned(),
            vec!["KateMcCallister".to_owned()]
        )]
    );
    let removal = ReactionChanges::single("heart", "KevinMcCallister", false);
    assert_eq!(
        serde_json::to_value(&removal).expect("encodes"),
        json!({ "heart": [] })
    );
}

#[test]
fn reaction_names_follow_the_contract_pattern() {
    for good in [
        "thumbs_up",
        "+1",
        "-1",
        "red_angry_face",
        "a",
        &"x".repeat(64),
    ] {
        assert!(is_valid_reaction_name(good), "{good} should be valid");
    }
    for bad in ["", "Thumbs", "thumbs up", "é", "<script>", &"x".repeat(65)] {
        assert!(!is_valid_reaction_name(bad), "{bad} should be invalid");
    }
}

#[test]
fn decodes_and_pins_the_docs_error_envelope() {
    let error: ErrorBody = serde_json::from_str(DOCS_ERROR).expect("docs example decodes");
    assert_eq!(error.kind, ErrorType::InvalidRequest);
    assert_eq!(error.param.as_deref(), Some("limit"));
    let built = ErrorBody::new(
        ErrorType::InvalidRequest,
        "limit must be between 1 and 100",
        Some("limit".to_owned()),
    );
    assert_eq!(built, error);
    let expected: Value = serde_json::from_str(DOCS_ERROR).expect("valid JSON");
    assert_eq!(serde_json::to_value(&built).expect("encodes"), expected);
}

#[test]
fn error_envelope_leaves_out_param_when_none_and_tolerates_unknown_types() {
    let body = ErrorBody::new(ErrorType::AuthenticationError, "No token", None);
    assert_eq!(
        serde_json::to_value(&body).expect("encodes"),
        json!({
            "type": "authentication_error",
            "message": "No token",
            "documentation_url": "https://protocol.chat/docs/errors/authentication_error"
        })
    );
    let other: ErrorBody =
        serde_json::from_value(json!({ "type": "teapot_error", "message": "short and stout" }))
            .expect("decodes");
    assert_eq!(other.kind, ErrorType::Unknown);
}

#[test]
fn request_bodies_encode_only_what_is_set() {
    let send = SendMessage {
        conversation_id: "xgQQXg3hrtjh7AvZ".into(),
        message: "hi".into(),
        attachments: vec![],
    };
    assert_eq!(
        serde_json::to_value(&send).expect("encodes"),
        json!({ "conversation_id": "xgQQXg3hrtjh7AvZ", "message": "hi" })
    );
    let edit = UpdateMessage {
        message: Some("fixed".into()),
        ..UpdateMessage::default()
    };
    assert_eq!(
        serde_json::to_value(&edit).expect("encodes"),
        json!({ "message": "fixed" })
    );
    let parsed: UpdateMessage = serde_json::from_value(
        json!({ "reactions": { "red_angry_face": ["KateMcCallister"] }, "unknown": 1 }),
    )
    .expect("unknown fields are ignored");
    assert_eq!(
        parsed.reactions,
        Some(ReactionChanges(vec![(
            "red_angry_face".into(),
            vec!["KateMcCallister".into()]
        )]))
    );
}

#[test]
fn events_use_the_webhook_envelope() {
    let message: Message = serde_json::from_str(DOCS_MESSAGE).expect("decodes");
    let event = Event {
        id: "42".into(),
        kind: EventType::MessageDeleted,
        payload: message,
    };
    let value = serde_json::to_value(&event).expect("encodes");
    assert_eq!(value["type"], "message.deleted");
    assert_eq!(value["payload"]["id"], "SIuAFUNKNKNNyLT");
    let back: Event = serde_json::from_value(value).expect("decodes");
    assert_eq!(back, event);
}

#[test]
fn attachments_know_which_are_images() {
    let mut attachment = Attachment {
        id: "a".into(),
        conversation_id: None,
        message_id: None,
        filename: "plan.pdf".into(),
        file_url: "/files/a".into(),
        file_type: "application/pdf".into(),
        file_size: 1,
        created_at: 0,
    };
    assert!(!attachment.is_image());
    attachment.file_type = "image/png".into();
    assert!(attachment.is_image());
    attachment.file_type = "image/svg+xml".into();
    assert!(
        !attachment.is_image(),
        "SVG is served as a download, never inline"
    );
}

#[test]
fn null_means_the_default_where_servers_leave_things_empty() {
    let conversation: Conversation = serde_json::from_value(json!({
        "id": "c1", "group_id": "g1", "is_pinned": null, "is_muted": null, "created_at": null
    }))
    .expect("decodes");
    assert_eq!(conversation.group_id.as_deref(), Some("g1"));
    assert!(!conversation.is_pinned);
    let group: Group = serde_json::from_value(
        json!({ "id": "g1", "name": "Family", "conversation_id": "c1", "contacts": null }),
    )
    .expect("decodes");
    assert!(group.contacts.is_empty());
    let mut message: Value = serde_json::from_str(DOCS_MESSAGE).expect("valid JSON");
    message["attachments"] = Value::Null;
    message["reactions"] = Value::Null;
    message["contact"]["created_at"] = Value::Null;
    let message: Message = serde_json::from_value(message).expect("decodes");
    assert!(message.attachments.is_empty() && message.reactions.is_empty());
    let deleted: Deleted = serde_json::from_value(json!({ "id": "x" })).expect("decodes");
    assert!(!deleted.deleted);
}

#[test]
fn wrong_types_are_refused_even_where_null_is_allowed() {
    let bad = [
        json!({ "id": "c1", "is_pinned": "yes" }),
        json!({ "id": "c1", "created_at": 1.5 }),
        json!({ "id": "c1", "created_at": "soon" }),
    ];
    for value in bad {
        assert!(
            serde_json::from_value::<Conversation>(value.clone()).is_err(),
            "{value}"
        );
    }
    let attachment = json!({
        "id": "a", "filename": "f", "file_url": "u", "file_type": "t", "file_size": -1
    });
    assert!(serde_json::from_value::<Attachment>(attachment).is_err());
    let event = json!({ "id": "e", "type": "message.exploded", "payload": {} });
    assert!(serde_json::from_value::<Event>(event).is_err());
}

#[test]
fn reaction_changes_stop_decoding_past_the_request_limit() {
    let names = |count: usize| -> String {
        let entries: Vec<String> = (0..count).map(|n| format!("\"r{n}\":[]")).collect();
        format!("{{{}}}", entries.join(","))
    };
    let at_limit: ReactionChanges =
        serde_json::from_str(&names(MAX_REACTION_NAMES_PER_REQUEST)).unwrap();
    assert_eq!(at_limit.0.len(), MAX_REACTION_NAMES_PER_REQUEST);
    let over = serde_json::from_str::<ReactionChanges>(&names(MAX_REACTION_NAMES_PER_REQUEST + 1))
        .unwrap_err();
    assert!(over.to_string().starts_with(TOO_MANY_REACTION_NAMES));
    assert!(TOO_MANY_REACTION_NAMES.contains(&MAX_REACTION_NAMES_PER_REQUEST.to_string()));
    // A name given twice is merged, its usernames once each.
    let merged: ReactionChanges =
        serde_json::from_str(r#"[{"a":["x","y"]},{"a":["y","z"]},{"b":[]}]"#).unwrap();
    assert_eq!(
        merged.0,
        vec![
            (
                "a".to_owned(),
                vec!["x".to_owned(), "y".to_owned(), "z".to_owned()]
            ),
            ("b".to_owned(), vec![])
        ]
    );
}
