-- Nobody goes under unnoticed (issue 14), the foundation: consent and staff marks. Signals
-- ("not seen lately", "did not come twice") are computed from sign-ups, attendance and
-- messages to staff the bot keeps anyway (bot/store/care.py); nothing else is tracked.

-- A person said yes: this centre's staff may write to them if not seen for a while. One row
-- per person and centre; no row is no (the default). Shown by /mine_data, erased by /slet_mig.
CREATE TABLE care_consent (
    user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    centre_id  INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    given_at   INTEGER NOT NULL,
    PRIMARY KEY (centre_id, user_id)
) WITHOUT ROWID;
CREATE INDEX care_consent_by_user ON care_consent(user_id);

-- A staff member handled a person: "talked" or "not now" hides them at the centre until
-- `until` (UTC epoch seconds). The latest mark per person and centre counts. marked_by is the
-- staff member (a person: /mine_data shows it, /slet_mig sets it to NULL).
CREATE TABLE care_mark (
    user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    centre_id  INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('talked', 'not_now')),
    until      INTEGER NOT NULL,
    marked_by  INTEGER,
    PRIMARY KEY (centre_id, user_id)
) WITHOUT ROWID;
CREATE INDEX care_mark_by_user ON care_mark(user_id);
CREATE INDEX care_mark_by_marker ON care_mark(marked_by);
