-- Contacts, their tokens, conversations and who takes part in them.
CREATE TABLE contacts (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT,
    phone_number   TEXT,
    avatar_url     TEXT,
    last_active_at INTEGER,
    created_at     INTEGER NOT NULL
);

CREATE TABLE tokens (
    token      TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts(id)
) WITHOUT ROWID;

CREATE TABLE conversations (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    group_id          TEXT,
    pinned_message_id TEXT,
    last_active_at    INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    contact_id      TEXT NOT NULL REFERENCES contacts(id),
    is_pinned       INTEGER NOT NULL DEFAULT 0,
    is_muted        INTEGER NOT NULL DEFAULT 0,
    last_opened_at  INTEGER,
    archived_at     INTEGER,
    PRIMARY KEY (conversation_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX participants_by_contact ON participants (contact_id, conversation_id);

CREATE TABLE groups (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    description     TEXT,
    avatar_url      TEXT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    created_at      INTEGER NOT NULL,
    archived_at     INTEGER
);

-- Messages: `seq` is the insertion order that breaks ties of `created_at`.
CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    contact_id      TEXT NOT NULL REFERENCES contacts(id),
    message         TEXT NOT NULL,
    read_at         INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER,
    edited_at       INTEGER,
    revision        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at, seq);
CREATE INDEX messages_by_time ON messages (created_at, seq);

CREATE TABLE reactions (
    seq         INTEGER PRIMARY KEY,
    message_seq INTEGER NOT NULL REFERENCES messages(seq),
    name        TEXT NOT NULL,
    contact_id  TEXT NOT NULL REFERENCES contacts(id),
    UNIQUE (message_seq, name, contact_id)
);

CREATE TABLE attachments (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    contact_id      TEXT NOT NULL REFERENCES contacts(id),
    conversation_id TEXT,
    message_id      TEXT,
    filename        TEXT NOT NULL,
    file_type       TEXT NOT NULL,
    file_size       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX attachments_by_message ON attachments (message_id);
CREATE INDEX attachments_by_conversation ON attachments (conversation_id, created_at, seq);

-- The first answer to an idempotent POST, replayed to retries for 24 hours.
CREATE TABLE idempotency (
    contact_id TEXT NOT NULL,
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    etag       TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, key)
) WITHOUT ROWID;

-- Every message.created/updated/deleted, written with the change; `id` is the SSE id.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX events_by_conversation ON events (conversation_id, id);
