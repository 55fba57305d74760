-- Staff and coordinators, their half-made work, and announcements (issue 4).
CREATE TABLE role (
    user_id     INTEGER NOT NULL,                               -- a Telegram id (may not have written yet)
    centre_id   INTEGER REFERENCES centre(id) ON DELETE CASCADE, -- NULL: national
    role        TEXT NOT NULL CHECK (role IN ('staff', 'coordinator', 'admin')),
    granted_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX role_once ON role(user_id, IFNULL(centre_id, 0), role);

CREATE TABLE invitation (
    token       TEXT PRIMARY KEY,
    centre_id   INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    created_by  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_by     INTEGER,
    used_at     INTEGER
) WITHOUT ROWID;

-- One dialog in progress per person (an activity being made, an announcement being written),
-- so a restart in the middle loses nothing.
CREATE TABLE draft (
    user_id     INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    step        TEXT NOT NULL,
    data        TEXT NOT NULL,   -- JSON
    updated_at  INTEGER NOT NULL
);

ALTER TABLE membership ADD COLUMN announcements INTEGER NOT NULL DEFAULT 1;

CREATE TABLE broadcast (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER REFERENCES centre(id),     -- NULL: national
    activity_id  INTEGER REFERENCES activity(id),   -- set: to that activity's participants
    author_id    INTEGER NOT NULL,
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

CREATE TABLE delivery (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcast(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN
                  ('pending', 'sending', 'sent', 'blocked', 'failed', 'unknown', 'skipped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
CREATE INDEX delivery_pending ON delivery(state, broadcast_id) WHERE state IN ('pending', 'sending');
