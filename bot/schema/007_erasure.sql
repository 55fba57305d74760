-- Erasure that erases (issue 10). A staff member's id in what they made or ticked can be set
-- to nothing when they are erased (the counts stay); a used invitation stays used without
-- saying by whom; walk-ins belong to the centre that counted them; the limit on messages to
-- staff outlives an erasure without knowing who it was. SQLite cannot drop NOT NULL in place:
-- the three tables are rebuilt (foreign keys are off while migrations run, see _migrate).
CREATE TABLE invitation_new (
    token       TEXT PRIMARY KEY,
    centre_id   INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    created_by  INTEGER,                -- the admin who made it; NULL once they are erased
    expires_at  INTEGER NOT NULL,
    used_by     INTEGER,                -- NULL once the person who used it is erased
    used_at     INTEGER                 -- set: used, for ever (the non-identifying mark)
) WITHOUT ROWID;
INSERT INTO invitation_new SELECT token, centre_id, created_by, expires_at, used_by,
    CASE WHEN used_by IS NOT NULL AND used_at IS NULL THEN expires_at ELSE used_at END
    FROM invitation;
DROP TABLE invitation;
ALTER TABLE invitation_new RENAME TO invitation;
CREATE INDEX invitation_by_creator ON invitation(created_by);

CREATE TABLE broadcast_new (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER REFERENCES centre(id),     -- NULL: national
    activity_id  INTEGER REFERENCES activity(id),   -- set: to that activity's participants
    author_id    INTEGER,                           -- NULL once the author is erased
    audience     TEXT NOT NULL CHECK (audience IN ('centre', 'activity', 'all')),
    text         TEXT NOT NULL DEFAULT '',          -- the message, or a photo's/voice's caption
    media_kind   TEXT CHECK (media_kind IN ('photo', 'voice')),
    media_id     TEXT,                              -- Telegram's file_id
    state        TEXT NOT NULL DEFAULT 'sending' CHECK (state IN ('sending', 'stopped', 'done')),
    report_chat  INTEGER,                           -- where the progress message is
    report_msg   INTEGER,
    reported_at  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
INSERT INTO broadcast_new SELECT id, centre_id, activity_id, author_id, audience, text,
    media_kind, media_id, state, report_chat, report_msg, reported_at, created_at, finished_at
    FROM broadcast;
DROP TABLE broadcast;
ALTER TABLE broadcast_new RENAME TO broadcast;
CREATE INDEX broadcast_created ON broadcast(created_at);
CREATE INDEX broadcast_by_author ON broadcast(author_id);

CREATE TABLE attendance_new (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activity(id),
    signup_id    INTEGER REFERENCES signup(id),   -- NULL: came without signing up ("+ gæst")
    centre_id    INTEGER REFERENCES centre(id),   -- a walk-in: the centre that counted them
    marked_by    INTEGER,                         -- NULL once the staff member is erased
    marked_at    INTEGER NOT NULL
);
INSERT INTO attendance_new SELECT t.id, t.activity_id, t.signup_id,
    CASE WHEN t.signup_id IS NULL THEN a.centre_id END, t.marked_by, t.marked_at
    FROM attendance t JOIN activity a ON a.id = t.activity_id;
DROP TABLE attendance;
ALTER TABLE attendance_new RENAME TO attendance;
CREATE UNIQUE INDEX attendance_once ON attendance(activity_id, signup_id)
    WHERE signup_id IS NOT NULL;
CREATE INDEX attendance_by_activity ON attendance(activity_id, centre_id);
CREATE INDEX attendance_by_marker ON attendance(marked_by);

CREATE INDEX activity_by_creator ON activity(created_by);

-- Messages to staff per person per hour, by a keyed hash of the id (the key lives in
-- `setting`); rows older than an hour are deleted, so who wrote is never kept.
CREATE TABLE line_quota (
    tag         TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX line_quota_by_tag ON line_quota(tag, created_at);
