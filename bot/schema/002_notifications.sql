-- Reminders and other messages to a participant (issue 3): rows, not jobs, decide what is sent.
ALTER TABLE user ADD COLUMN reminders_on INTEGER NOT NULL DEFAULT 1;

CREATE TABLE notification (
    id          INTEGER PRIMARY KEY,
    signup_id   INTEGER NOT NULL REFERENCES signup(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'promoted', 'changed', 'cancelled')),
    offset_s    INTEGER NOT NULL DEFAULT 0,   -- a reminder: how long before the start
    due_at      INTEGER NOT NULL,             -- UTC epoch seconds, quiet hours applied
    -- pending → sending (claimed) → sent | failed | unknown (a crash or an ambiguous timeout
    -- after the claim: never sent again); skipped: no longer wanted.
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'skipped', 'failed', 'unknown')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL
);
-- Planning a sign-up's reminders twice never doubles them; a moved activity gets new ones.
CREATE UNIQUE INDEX notification_one_reminder ON notification(signup_id, offset_s, due_at)
    WHERE kind = 'reminder';
CREATE INDEX notification_due ON notification(due_at) WHERE state = 'pending';
CREATE INDEX notification_by_signup ON notification(signup_id, state);
