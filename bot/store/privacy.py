"""Privacy: everything held about a person, and erasing it (every column that can point at a
person; tests/test_erasure.py walks the schema to keep it so)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.store.activities import _ACTIVITY, _activity
from bot.store.database import Domain
from bot.store.notifications import Planner
from bot.store.signups import _promote


class Privacy(Domain):
    async def personal_data(self, user_id: int) -> dict[str, Any] | None:
        """Everything stored about one person (None if nothing): what they are, chose, signed up
        for and came to, wrote to staff, received, have half-made, and, as staff, made and
        ticked. Every column that can point at a person is read here (tests/test_privacy.py
        walks the schema to keep it so). Instants are UTC epoch seconds; signups hold Activity."""

        def rows(c: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
            return [dict(r) for r in c.execute(sql, {"u": user_id}).fetchall()]

        def work(c: sqlite3.Connection) -> dict[str, Any] | None:
            user = c.execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
            if user is None:
                return None
            centres = rows(
                c,
                "SELECT c.name, m.announcements AS messages, m.joined_at FROM membership m"
                " JOIN centre c ON c.id = m.centre_id WHERE m.user_id = :u ORDER BY c.name",
            )
            signups = c.execute(
                f"SELECT {_ACTIVITY}, s.status AS my_status, s.created_at AS signed_up_at,"
                " EXISTS (SELECT 1 FROM attendance t WHERE t.signup_id = s.id) AS came"
                " FROM signup s JOIN activity a ON a.id = s.activity_id LEFT JOIN centre c"
                " ON c.id = a.centre_id WHERE s.user_id = ? ORDER BY a.starts_at, a.id",
                (user_id,),
            ).fetchall()
            draft = c.execute(
                "SELECT kind, step, data, updated_at FROM draft WHERE user_id = ?", (user_id,)
            ).fetchone()
            return {
                "telegram_id": user["id"],
                "first_name": user["first_name"],
                "language": user["locale"],
                "first_seen": user["created_at"],
                "last_seen": user["last_seen_at"],
                "reminders": bool(user["reminders_on"]),
                "reachable": bool(user["active"]),
                "centres": [dict(r, messages=bool(r["messages"])) for r in centres],
                "signups": [
                    (_activity(r), str(r["my_status"]), bool(r["came"]), r["signed_up_at"])
                    for r in signups
                ],
                "notifications": rows(
                    c,
                    "SELECT a.title AS activity, n.kind, n.due_at, n.state, n.sent_at"
                    " FROM notification n JOIN signup s ON s.id = n.signup_id"
                    " JOIN activity a ON a.id = s.activity_id WHERE s.user_id = :u"
                    " ORDER BY n.due_at",
                ),
                "messages": rows(
                    c,
                    "SELECT c.name AS centre, m.text, m.voice IS NOT NULL AS voice_message,"
                    " m.voice AS voice_file_id, m.created_at, m.delivered_at, m.replied_at,"
                    " m.reply_start AS answer_start"
                    " FROM line_message m JOIN centre c ON c.id = m.centre_id"
                    " WHERE m.user_id = :u ORDER BY m.created_at",
                ),
                # As staff: that they answered a user's message (not to whom, nor what).
                "answers_written": rows(
                    c,
                    "SELECT c.name AS centre, m.replied_at FROM line_message m"
                    " JOIN centre c ON c.id = m.centre_id WHERE m.reply_by = :u"
                    " ORDER BY m.replied_at",
                ),
                "announcements": rows(
                    c,
                    "SELECT b.text, b.media_kind, b.created_at, d.state, d.updated_at"
                    " FROM delivery d JOIN broadcast b ON b.id = d.broadcast_id"
                    " WHERE d.user_id = :u ORDER BY b.created_at",
                ),
                "draft": None if draft is None else dict(draft, data=json.loads(draft["data"])),
                "roles": rows(
                    c,
                    "SELECT r.role, c.name AS centre, r.line_on AS messages_from_users,"
                    " r.granted_at FROM role r LEFT JOIN centre c ON c.id = r.centre_id"
                    " WHERE r.user_id = :u ORDER BY r.granted_at",
                ),
                "activities_created": rows(
                    c,
                    "SELECT title, starts_at, status FROM activity WHERE created_by = :u"
                    " ORDER BY starts_at",
                ),
                "fixed_places": rows(
                    c,
                    "SELECT s.title, s.weekday, s.local_time, c.name AS centre, f.created_at"
                    " FROM fixed_place f JOIN series s ON s.id = f.series_id"
                    " JOIN centre c ON c.id = s.centre_id WHERE f.user_id = :u"
                    " ORDER BY f.created_at",
                ),
                "series_created": rows(
                    c,
                    "SELECT title, weekday, local_time, first_date, until_date, created_at"
                    " FROM series WHERE created_by = :u ORDER BY created_at",
                ),
                "attendance_ticked": rows(
                    c,
                    "SELECT a.title AS activity, a.starts_at, count(*) AS ticks"
                    " FROM attendance t JOIN activity a ON a.id = t.activity_id"
                    " WHERE t.marked_by = :u GROUP BY a.id ORDER BY a.starts_at",
                ),
                "announcements_written": rows(
                    c,
                    "SELECT text, media_kind, audience, state, created_at,"
                    " report_chat IS NOT NULL AS report_here FROM broadcast"
                    " WHERE author_id = :u OR report_chat = :u ORDER BY created_at",
                ),
                "invitations_made": rows(
                    c,
                    "SELECT c.name AS centre, i.expires_at, i.used_at IS NOT NULL AS used"
                    " FROM invitation i JOIN centre c ON c.id = i.centre_id"
                    " WHERE i.created_by = :u ORDER BY i.expires_at",
                ),
                # Care: the centres that may write to them; staff marks about them, and (as
                # staff) marks they made (which centre and kind, not about whom).
                "care_consents": rows(
                    c,
                    "SELECT c.name AS centre, k.given_at FROM care_consent k"
                    " JOIN centre c ON c.id = k.centre_id WHERE k.user_id = :u ORDER BY c.name",
                ),
                "care_marks": rows(
                    c,
                    "SELECT c.name AS centre, m.kind, m.until FROM care_mark m"
                    " JOIN centre c ON c.id = m.centre_id WHERE m.user_id = :u ORDER BY m.until",
                ),
                "care_marks_made": rows(
                    c,
                    "SELECT c.name AS centre, m.kind, m.until FROM care_mark m"
                    " JOIN centre c ON c.id = m.centre_id WHERE m.marked_by = :u"
                    " ORDER BY m.until",
                ),
                "invitations_used": rows(
                    c,
                    "SELECT c.name AS centre, i.used_at FROM invitation i"
                    " JOIN centre c ON c.id = i.centre_id WHERE i.used_by = :u",
                ),
            }

        return await self._read(work)

    async def forget(self, user_id: int, now: int, planner: Planner) -> bool:
        """Erase a person: places still ahead are given back (the waiting list moves up), past
        sign-ups stay only as anonymous counts; centres, roles, reminders, deliveries, the
        half-made dialog and the person go. False if nothing was stored."""

        def work(c: sqlite3.Connection) -> bool:
            if c.execute("SELECT 1 FROM user WHERE id = ?", (user_id,)).fetchone() is None:
                return False
            ahead = c.execute(
                "UPDATE signup SET status = 'cancelled', updated_at = :now WHERE user_id = :u"
                " AND status IN ('confirmed', 'waitlisted') AND activity_id IN"
                "   (SELECT id FROM activity WHERE starts_at > :now)"
                " RETURNING activity_id",
                {"u": user_id, "now": now},
            ).fetchall()
            c.execute(
                "DELETE FROM notification WHERE signup_id IN"
                " (SELECT id FROM signup WHERE user_id = ?)",
                (user_id,),
            )
            # A staff member's answer being written to this person (it quotes nothing, but it
            # points at their message, which goes with them).
            c.execute(
                "DELETE FROM draft WHERE kind = 'reply' AND json_extract(data, '$.message') IN"
                " (SELECT id FROM line_message WHERE user_id = ?)",
                (user_id,),
            )
            for table in (
                "delivery",
                "membership",
                "role",
                "draft",
                "fixed_place",
                "care_consent",
                "care_mark",
            ):
                c.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            # What a staff member made or ticked stays (the counts add up), without them; a
            # used invitation stays used (used_at), without saying by whom.
            for sql in (
                "UPDATE invitation SET used_by = NULL WHERE used_by = :u",
                "UPDATE invitation SET created_by = NULL WHERE created_by = :u",
                "UPDATE activity SET created_by = NULL WHERE created_by = :u",
                "UPDATE series SET created_by = NULL WHERE created_by = :u",
                "UPDATE broadcast SET author_id = NULL WHERE author_id = :u",
                "UPDATE broadcast SET report_chat = NULL, report_msg = NULL WHERE report_chat = :u",
                "UPDATE attendance SET marked_by = NULL WHERE marked_by = :u",
                "UPDATE line_message SET reply_by = NULL WHERE reply_by = :u",
                "UPDATE care_mark SET marked_by = NULL WHERE marked_by = :u",
            ):
                c.execute(sql, {"u": user_id})
            c.execute("DELETE FROM user WHERE id = ?", (user_id,))  # sign-ups: user_id → NULL
            for row in ahead:
                _promote(c, row["activity_id"], now, planner)
            return True

        found = await self._write(work)
        self._db.users.pop(user_id, None)
        if found:
            await self._db.checkpoint()
        return found
