-- Privacy (issue 6): the notice is shown once; a forgotten person's past sign-ups stay only as
-- anonymous counts (no user, no name), so the statistics still add up.
ALTER TABLE user ADD COLUMN notice_shown INTEGER NOT NULL DEFAULT 0;
CREATE INDEX user_last_seen ON user(last_seen_at);
CREATE INDEX broadcast_created ON broadcast(created_at);
