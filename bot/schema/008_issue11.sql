-- Issue 11 (what users stumbled on). Each part appends its own statements below, under a
-- comment naming the part.

-- Part: change notices (point 5). A 'changed' notice says what changed: the time and/or the
-- place, each as it was before the first change of a burst and as it is now (NULL: that part
-- did not change). Changes within the burst update the pending row instead of adding one.
ALTER TABLE notification ADD COLUMN old_starts_at INTEGER;
ALTER TABLE notification ADD COLUMN new_starts_at INTEGER;
ALTER TABLE notification ADD COLUMN old_place TEXT;
ALTER TABLE notification ADD COLUMN new_place TEXT;

-- Part: line to staff. A message is kept until a staff member of the centre has it
-- (delivered_at NULL: waiting for one of them to use the bot); a voice message keeps only
-- Telegram's file_id, never the audio.
ALTER TABLE line_message ADD COLUMN voice TEXT;  -- Telegram file_id of a voice message
ALTER TABLE line_message ADD COLUMN delivered_at INTEGER;
UPDATE line_message SET delivered_at = created_at;  -- earlier messages were sent at once
CREATE INDEX line_waiting ON line_message(centre_id) WHERE delivered_at IS NULL;

-- Part: no silent taps (point 1). signup.tapped_at (the person's own last change of the
-- sign-up, for the double-tap guard) now counts milliseconds: a guard of 1 s needs them.
UPDATE signup SET tapped_at = tapped_at * 1000;
