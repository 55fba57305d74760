-- Centres, users, activities and sign-ups: the foundation (issue 2).
CREATE TABLE centre (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    city      TEXT NOT NULL DEFAULT '',
    timezone  TEXT NOT NULL
);

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,          -- the Telegram user id
    first_name    TEXT NOT NULL DEFAULT '',
    locale        TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    onboarded     INTEGER NOT NULL DEFAULT 0   -- chose a centre or "national" at least once
);

CREATE TABLE membership (
    user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    centre_id  INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, centre_id)
) WITHOUT ROWID;
CREATE INDEX membership_by_centre ON membership(centre_id);

CREATE TABLE activity (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER REFERENCES centre(id),   -- NULL: a national activity
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description  TEXT NOT NULL DEFAULT '',
    place        TEXT NOT NULL DEFAULT '',
    starts_at    INTEGER NOT NULL,                -- UTC epoch seconds
    ends_at      INTEGER,
    capacity     INTEGER CHECK (capacity IS NULL OR capacity >= 0),  -- NULL: no limit
    status       TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_by   INTEGER,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX activity_upcoming ON activity(status, starts_at);
CREATE INDEX activity_by_centre ON activity(centre_id, starts_at);

CREATE TABLE signup (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activity(id),
    user_id      INTEGER REFERENCES user(id) ON DELETE SET NULL,  -- NULL: a counter sign-up
    guest_name   TEXT,
    status       TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    queue_seq    INTEGER NOT NULL,                -- order of the latest (re)join: waiting-list order
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    tapped_at    INTEGER NOT NULL DEFAULT 0,      -- the person's own last change (not promotions)
    UNIQUE (activity_id, user_id)
);
CREATE INDEX signup_by_activity ON signup(activity_id, status, queue_seq);
CREATE INDEX signup_by_user ON signup(user_id, status);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
