-- A line to staff (issue 7): a person's message, kept only as long as a reply may need it.
ALTER TABLE role ADD COLUMN line_on INTEGER NOT NULL DEFAULT 1;  -- staff: messages from users

CREATE TABLE line_message (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    centre_id   INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    replied_at  INTEGER
);
CREATE INDEX line_by_user ON line_message(user_id, created_at);
CREATE INDEX line_created ON line_message(created_at);
