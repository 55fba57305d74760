-- Fixes after the persona walk-through (issue 11). Each part appends its own statements below,
-- under a comment naming the part.

-- Line to staff (walk-through: an answer keeps its context): who answered a message to staff
-- last (emptied when that staff member is erased) and the first words of that answer (kept as
-- long as the message, 7 days, and erased with the person who wrote it).
ALTER TABLE line_message ADD COLUMN reply_by INTEGER REFERENCES user(id) ON DELETE SET NULL;
ALTER TABLE line_message ADD COLUMN reply_start TEXT;

-- Part: counter sign-ups at national activities. The centre a person signed up at the counter
-- (no phone) counts for: the signing staff member's centre (at a national activity the figures
-- per centre count them there). A centre, not a person: nothing to show or erase.
ALTER TABLE signup ADD COLUMN guest_centre_id INTEGER REFERENCES centre(id);
