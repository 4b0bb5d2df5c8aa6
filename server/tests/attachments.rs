//! Attachments: upload, linking on send and update, serving headers, limits.

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::*;
use protocol_server::seed;
use serde_json::{json, Value};

#[tokio::test]
async fn upload_then_send_links_and_serves_the_file() {
    let h = Harness::demo();
    let bytes = b"hello, plain text file\n";
    let up = upload(&h, KEVIN, "notes.txt", "text/plain", bytes, Some(MAIN)).await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.json);
    assert_eq!(up.json["message_id"], Value::Null);
    assert_eq!(up.json["filename"], "notes.txt");
    assert_eq!(up.json["file_type"], "text/plain");
    assert_eq!(up.json["file_size"], bytes.len());
    let id = up.json["id"].as_str().unwrap().to_owned();
    assert_eq!(up.json["file_url"], format!("/files/{id}/notes.txt"));
    assert_eq!(
        h.get(&format!("/v1/attachments/{id}"), KEVIN).await.json,
        up.json
    );

    // Attachments alone may make a message.
    let sent = h
        .json(
            Method::POST,
            "/v1/messages",
            KEVIN,
            json!({ "conversation_id": MAIN, "message": "", "attachments": [id] }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    let files = sent.json["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["message_id"], sent.json["id"]);
    // Now linked: cannot be sent again.
    let again = h
        .json(
            Method::POST,
            "/v1/messages",
            KEVIN,
            json!({ "conversation_id": MAIN, "message": "x", "attachments": [id] }),
        )
        .await;
    again.assert_error(400, "invalid_request");
    assert_eq!(again.param(), "attachments");

    let served = h.get(files[0]["file_url"].as_str().unwrap(), KATE).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(&served.body[..], bytes);
    assert_eq!(served.header("content-type"), "text/plain; charset=utf-8");
    assert_eq!(served.header("x-content-type-options"), "nosniff");
    assert_eq!(served.header("content-security-policy"), "sandbox");
    assert!(served
        .header("content-disposition")
        .starts_with("inline; filename=\"notes.txt\""));

    let listed = h
        .get(&format!("/v1/attachments?conversation_id={MAIN}"), FRANK)
        .await;
    assert_eq!(listed.ids()[0], id);
    h.get(&format!("/v1/attachments/{id}"), KATE)
        .await
        .assert_error(404, "not_found_error");

    // Deleting the message unlinks and removes its files.
    let uri = format!("/v1/messages/{}", sent.json["id"].as_str().unwrap());
    let deleted = h
        .call(Method::DELETE, &uri, Some(KEVIN), &[], None, Body::empty())
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    h.get(files[0]["file_url"].as_str().unwrap(), KEVIN)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn html_and_svg_are_served_as_downloads() {
    let h = Harness::demo();
    for (name, declared, stored) in [
        ("evil.html", "text/html", "text/html"),
        ("evil.svg", "image/svg+xml", "image/svg+xml"),
        (
            "evil.bin",
            "application/octet-stream",
            "application/octet-stream",
        ),
        ("\u{e9}t\u{e9}.html", "", "text/html"),
    ] {
        let up = upload(
            &h,
            FRANK,
            name,
            if declared.is_empty() {
                "application/octet-stream"
            } else {
                declared
            },
            b"<script>alert(1)</script>",
            None,
        )
        .await;
        assert_eq!(up.status, StatusCode::CREATED);
        assert_eq!(up.json["file_type"], stored);
        let served = h.get(up.json["file_url"].as_str().unwrap(), KEVIN).await;
        assert_eq!(served.status, StatusCode::OK);
        assert!(served.header("content-type").starts_with(stored));
        let disposition = served.header("content-disposition");
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert_eq!(served.header("x-content-type-options"), "nosniff");
        assert_eq!(served.header("content-security-policy"), "sandbox");
    }
}

#[tokio::test]
async fn foreign_or_unknown_attachment_ids_are_rejected() {
    let h = Harness::demo();
    let franks = upload(&h, FRANK, "a.png", "image/png", b"\x89PNG", None).await;
    let id = franks.json["id"].as_str().unwrap();
    for ids in [
        json!([id]),
        json!(["unknownUnknown00"]),
        json!([seed::PNG_ATTACHMENT]),
    ] {
        let reply = h
            .json(
                Method::POST,
                "/v1/messages",
                KEVIN,
                json!({ "conversation_id": MAIN, "message": "x", "attachments": ids }),
            )
            .await;
        reply.assert_error(400, "invalid_request");
        assert_eq!(reply.param(), "attachments");
    }
    // Uploaded for another conversation: not usable here.
    let other = upload(
        &h,
        KEVIN,
        "b.png",
        "image/png",
        b"\x89PNG",
        Some(seed::KEVIN_KATE),
    )
    .await;
    let reply = h
        .json(
            Method::POST,
            "/v1/messages",
            KEVIN,
            json!({ "conversation_id": MAIN, "message": "x", "attachments": [other.json["id"]] }),
        )
        .await;
    assert_eq!(reply.param(), "attachments");
    // Uploading for a conversation the caller is not in.
    upload(
        &h,
        KEVIN,
        "c.png",
        "image/png",
        b"x",
        Some(seed::FRANK_KATE),
    )
    .await
    .assert_error(404, "not_found_error");
    // No file field.
    let (content_type, body) = multipart("x", "text/plain", b"x", None);
    let body = String::from_utf8(body)
        .unwrap()
        .replace("name=\"file\"", "name=\"other\"");
    let reply = h
        .call(
            Method::POST,
            "/v1/attachments",
            Some(KEVIN),
            &[],
            Some(&content_type),
            body,
        )
        .await;
    reply.assert_error(400, "invalid_request");
    assert_eq!(reply.param(), "file");
    // Others cannot delete my upload; I can.
    let mine = upload(&h, KEVIN, "d.txt", "text/plain", b"d", Some(MAIN)).await;
    let uri = format!("/v1/attachments/{}", mine.json["id"].as_str().unwrap());
    h.call(Method::DELETE, &uri, Some(FRANK), &[], None, Body::empty())
        .await
        .assert_error(403, "permission_error");
    let deleted = h
        .call(Method::DELETE, &uri, Some(KEVIN), &[], None, Body::empty())
        .await;
    assert_eq!(deleted.json["deleted"], true);
    h.get(&uri, KEVIN)
        .await
        .assert_error(404, "not_found_error");
}

#[tokio::test]
async fn attachments_are_added_by_update_by_the_sender_only() {
    let h = Harness::demo();
    let message = h.post_message(KEVIN, MAIN, "see attached").await;
    let uri = format!("/v1/messages/{}", message["id"].as_str().unwrap());
    let up = upload(&h, KEVIN, "plan.pdf", "application/pdf", b"%PDF-1.4", None).await;
    let id = up.json["id"].as_str().unwrap();
    let updated = h
        .form(Method::PUT, &uri, KEVIN, &format!("attachments[]={id}"))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.json);
    assert_eq!(updated.json["attachments"][0]["id"], id);
    assert_eq!(updated.json["attachments"][0]["conversation_id"], MAIN);
    assert_eq!(updated.json["edited_at"], Value::Null);
}

#[tokio::test]
async fn uploads_over_25_mib_are_413() {
    let h = Harness::demo();
    let big = vec![b'a'; 25 * 1024 * 1024 + 1];
    let reply = upload(&h, KEVIN, "big.bin", "application/octet-stream", &big, None).await;
    reply.assert_error(413, "invalid_request");
    let exact = vec![b'a'; 25 * 1024 * 1024];
    let reply = upload(
        &h,
        KEVIN,
        "exact.bin",
        "application/octet-stream",
        &exact,
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let leftovers: Vec<_> = std::fs::read_dir(h.dir.path().join("files"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty());
}
