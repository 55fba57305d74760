-- A centre's week (issue 13): series, closed days. Each part appends its own statements below,
-- under a comment naming the part.

-- Part: closed days. A closure closes a centre from first_day to last_day (local dates,
-- 'YYYY-MM-DD', both included): every date of its activities in the period is cancelled, and
-- series create no dates there. The reason is staff text about the centre, never about a
-- person; who made it is not stored. A removed closure is kept (removed_at set) so notices
-- still waiting to be sent can list the dates it cancelled; it no longer closes anything.
CREATE TABLE closure (
    id          INTEGER PRIMARY KEY,
    centre_id   INTEGER NOT NULL REFERENCES centre(id) ON DELETE CASCADE,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL CHECK (last_day >= first_day),
    reason      TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    created_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX closure_by_centre ON closure(centre_id, last_day);

-- The dates a closure cancelled (so each person can be told about all theirs in one message).
CREATE TABLE closure_activity (
    closure_id   INTEGER NOT NULL REFERENCES closure(id) ON DELETE CASCADE,
    activity_id  INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
    PRIMARY KEY (closure_id, activity_id)
) WITHOUT ROWID;
CREATE INDEX closure_activity_by_activity ON closure_activity(activity_id);

-- Part: series. A weekly (or fortnightly) activity: one record; its dates are ordinary
-- activities, made on a rolling window ahead (bot/store/series.py). Times are the centre's
-- wall clock, so 17.30 stays 17.30 in winter and summer.
CREATE TABLE series (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER NOT NULL REFERENCES centre(id),
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description  TEXT NOT NULL DEFAULT '',
    place        TEXT NOT NULL DEFAULT '',
    capacity     INTEGER CHECK (capacity IS NULL OR capacity >= 0),  -- NULL: no limit
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 Monday … 6 Sunday
    local_time   TEXT NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),  -- HH:MM
    duration_s   INTEGER CHECK (duration_s IS NULL OR duration_s > 0),  -- NULL: no end time
    every_weeks  INTEGER NOT NULL CHECK (every_weeks IN (1, 2)),
    first_date   TEXT NOT NULL,       -- YYYY-MM-DD, local: the first date
    until_date   TEXT,                -- YYYY-MM-DD, local, the last possible date; NULL: indtil videre
    made_through TEXT,                -- YYYY-MM-DD: dates are made up to this day (the window)
    created_by   INTEGER,             -- the staff member (a person: /mine_data, /slet_mig)
    created_at   INTEGER NOT NULL,
    ended_at     INTEGER,             -- when it was ended (until_date then says from when)
    CHECK (until_date IS NULL OR until_date >= first_date OR ended_at IS NOT NULL)
);
CREATE INDEX series_by_centre ON series(centre_id);
CREATE INDEX series_by_creator ON series(created_by);
ALTER TABLE activity ADD COLUMN series_id INTEGER REFERENCES series(id);
ALTER TABLE activity ADD COLUMN series_date TEXT;  -- YYYY-MM-DD, local: the series' day of it
-- One date per series and day, whoever makes it and however often: creating dates is idempotent.
CREATE UNIQUE INDEX activity_series_date ON activity(series_id, series_date);
-- Part: closed days (continued).
-- A 'cancelled' notice with a closure_id is about all the person's dates that closure
-- cancelled (one message each); it hangs on one of their sign-ups.
ALTER TABLE notification ADD COLUMN closure_id INTEGER REFERENCES closure(id) ON DELETE SET NULL;
-- Part: the list with a full programme. A series' next date (📅 Aktiviteter shows a series once)
-- and its coming dates (📅 Andre datoer), without reading its past dates.
CREATE INDEX activity_series_starts ON activity(series_id, starts_at) WHERE series_id IS NOT NULL;
-- Part: series edits. A date edited on its own ("Kun denne gang") is marked, so a later edit of
-- the series ("Denne og alle de næste") leaves it alone (Meetup's rule).
ALTER TABLE activity ADD COLUMN series_override INTEGER NOT NULL DEFAULT 0;
-- A 'changed' or 'cancelled' notice with a series_id is about all the person's dates of that
-- series changed or cancelled from its activity on (one message each); it hangs on the first.
ALTER TABLE notification ADD COLUMN series_id INTEGER REFERENCES series(id) ON DELETE SET NULL;
-- Part: fixed places. A person's "🔁 Fast plads hver gang" on a series: they are signed up to
-- each coming date of it (on the waiting list where full, or where fixed places already hold
-- [programme] fixed_share of the date's places). The sign-ups themselves are ordinary rows of
-- signup. user_id is a person: /mine_data shows it, /slet_mig deletes it.
CREATE TABLE fixed_place (
    series_id   INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (series_id, user_id)
);  -- with a rowid: who took theirs first gets the places first
CREATE INDEX fixed_place_by_user ON fixed_place(user_id);
-- A 'promoted' notice with fixed_wait = 1 is the opposite news: a new date of a fixed place
-- was full, so the person is on its waiting list (the kind's CHECK cannot grow in SQLite).
ALTER TABLE notification ADD COLUMN fixed_wait INTEGER NOT NULL DEFAULT 0;
-- Part: fixed cap. The fixed share ([programme] fixed_share) a date's fixed places were signed up
-- under; set when a fixed-place holder is signed up to the date. Promotion from the waiting list
-- moves a waiting holder up only while the confirmed holders are below int(capacity × share), so
-- the cap follows every change of the date's places. NULL: no holder yet, first come only.
ALTER TABLE activity ADD COLUMN fixed_share REAL CHECK (fixed_share IS NULL OR fixed_share BETWEEN 0 AND 1);
