-- The retention sweep deletes processed message ids oldest first, by `processed_at`. Built
-- CONCURRENTLY, alone in its migration, so an inbox that is already large keeps taking writes.
CREATE INDEX CONCURRENTLY "inbox_messages_processed_at_idx" ON "inbox_messages"("processed_at");
