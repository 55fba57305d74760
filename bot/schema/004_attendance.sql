-- Who came (issue 5): one row per person marked present, or per walk-in without a sign-up.
CREATE TABLE attendance (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activity(id),
    signup_id    INTEGER REFERENCES signup(id),   -- NULL: came without signing up ("+ gæst")
    marked_by    INTEGER NOT NULL,
    marked_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX attendance_once ON attendance(activity_id, signup_id)
    WHERE signup_id IS NOT NULL;
CREATE INDEX attendance_by_activity ON attendance(activity_id);
CREATE INDEX signup_by_activity_status ON signup(activity_id, status, user_id);
