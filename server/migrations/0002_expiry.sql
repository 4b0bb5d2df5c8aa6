-- What the janitor looks up every few minutes: rows older than a cut-off.
CREATE INDEX idempotency_by_time ON idempotency (created_at);
CREATE INDEX events_by_time ON events (created_at);
CREATE INDEX attachments_unlinked ON attachments (created_at) WHERE message_id IS NULL;
