"""Erasure that erases: no row, no file byte, no reset limit is left of a person after
/slet_mig or retention; /mine_data shows every row that points at them."""

import json
import sqlite3
from datetime import date
from pathlib import Path

from bot.fake_telegram import FakeUser
from bot.store.activities import NewActivity
from bot.store.care import MarkKind
from bot.store.roles import RoleName
from bot.store.series import NewSeries
from dialogs.privacy import run_retention
from tests.conftest import NOW, Harness, local

DAY = 86400
ZED = 987_654_321  # an id no counter or row id in these tests comes near
NAME = "Zebulonia"
SECRET = "hemmelig-tekst-qwx"  # a text the person wrote to the staff
TITLE = "Zebulonias-udkast"  # a half-made activity's title, in the person's own draft

# Every column of the schema, sorted into what it holds. A new column fails
# test_every_column_is_classified until it is put here — and a column that can point at a
# person must be shown by /mine_data (the JSON key) and emptied by /slet_mig (checked below).
POINTS_AT_PERSON = {
    ("user", "id"): "telegram_id",
    ("membership", "user_id"): "centres",
    ("role", "user_id"): "roles",
    ("draft", "user_id"): "draft",
    ("signup", "user_id"): "signups",
    ("delivery", "user_id"): "announcements",
    ("line_message", "user_id"): "messages",
    ("line_message", "reply_by"): "answers_written",  # the staff member who answered last
    ("activity", "created_by"): "activities_created",
    ("series", "created_by"): "series_created",
    ("fixed_place", "user_id"): "fixed_places",
    ("attendance", "marked_by"): "attendance_ticked",
    ("broadcast", "author_id"): "announcements_written",
    ("broadcast", "report_chat"): "announcements_written",
    ("invitation", "created_by"): "invitations_made",
    ("invitation", "used_by"): "invitations_used",
    ("care_consent", "user_id"): "care_consents",
    ("care_mark", "user_id"): "care_marks",
    ("care_mark", "marked_by"): "care_marks_made",
}
# Rows reached through one of the above (shown with it, erased with it).
THROUGH_PERSON = {
    ("user", c): "the person's own row"
    for c in (
        "first_name",
        "locale",
        "active",
        "created_at",
        "last_seen_at",
        "onboarded",
        "reminders_on",
        "notice_shown",
    )
} | {
    ("fixed_place", "series_id"): "fixed_places",
    ("fixed_place", "created_at"): "fixed_places",
    ("membership", "centre_id"): "centres",
    ("membership", "joined_at"): "centres",
    ("membership", "announcements"): "centres",
    ("role", "centre_id"): "roles",
    ("role", "role"): "roles",
    ("role", "granted_at"): "roles",
    ("role", "line_on"): "roles",
    ("draft", "kind"): "draft",
    ("draft", "step"): "draft",
    ("draft", "data"): "draft",
    ("draft", "updated_at"): "draft",
    ("signup", "status"): "signups",
    ("signup", "created_at"): "signups",
    ("signup", "updated_at"): "signups",
    ("signup", "tapped_at"): "signups",
    ("signup", "queue_seq"): "signups",
    ("signup", "activity_id"): "signups",
    ("notification", "signup_id"): "notifications",
    ("notification", "kind"): "notifications",
    ("notification", "due_at"): "notifications",
    ("notification", "state"): "notifications",
    ("notification", "sent_at"): "notifications",
    ("attendance", "signup_id"): "signups (came)",
    ("delivery", "broadcast_id"): "announcements",
    ("delivery", "state"): "announcements",
    ("delivery", "updated_at"): "announcements",
    ("line_message", "text"): "messages",
    ("line_message", "centre_id"): "messages",
    ("line_message", "created_at"): "messages",
    ("line_message", "replied_at"): "messages",
    ("line_message", "voice"): "messages",
    ("line_message", "delivered_at"): "messages",
    ("line_message", "reply_start"): "messages",  # an answer's first words, to the person
    ("invitation", "used_at"): "invitations_used (kept as a mark, without the person)",
    ("care_consent", "centre_id"): "care_consents",
    ("care_consent", "given_at"): "care_consents",
    ("care_mark", "centre_id"): "care_marks",
    ("care_mark", "kind"): "care_marks",
    ("care_mark", "until"): "care_marks",
}
# Never about one person: the centre's and activity's own data, counters, bookkeeping.
# signup.guest_name names someone without a phone (no user): blanked when taken off and
# 30 days after the activity (test below). line_quota.tag is a keyed hash with the key only in
# the running process, kept for an hour.
NOT_PERSONAL = (
    {
        ("activity", c)
        for c in (
            "id",
            "centre_id",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "status",
            "updated_at",
            "series_id",
            "series_date",
            "series_override",
            "fixed_share",
        )
    }
    | {
        ("series", c)
        for c in (
            "id",
            "centre_id",
            "title",
            "description",
            "place",
            "capacity",
            "weekday",
            "local_time",
            "duration_s",
            "every_weeks",
            "first_date",
            "until_date",
            "made_through",
            "created_at",
            "ended_at",
        )
    }
    | {("attendance", c) for c in ("id", "activity_id", "centre_id", "marked_at")}
    | {
        ("broadcast", c)
        for c in (
            "id",
            "centre_id",
            "activity_id",
            "audience",
            "text",
            "media_kind",
            "media_id",
            "state",
            "report_msg",
            "reported_at",
            "created_at",
            "finished_at",
        )
    }
    | {("centre", c) for c in ("id", "slug", "name", "city", "timezone")}
    | {
        ("delivery", "attempts"),
        ("delivery", "last_error"),
        ("invitation", "token"),
        ("invitation", "centre_id"),
        ("invitation", "expires_at"),
        ("line_message", "id"),
        ("line_quota", "tag"),
        ("line_quota", "created_at"),
        ("notification", "id"),
        ("notification", "offset_s"),
        ("notification", "attempts"),
        ("notification", "last_error"),
        ("notification", "created_at"),
        # What changed about the activity (its time and place before and after).
        ("notification", "old_starts_at"),
        ("notification", "new_starts_at"),
        ("notification", "old_place"),
        ("notification", "new_place"),
        ("setting", "key"),
        ("setting", "value"),
        ("signup", "id"),
        ("signup", "guest_name"),
        # The centre a counter sign-up (no phone) counts for: a centre, not a person.
        ("signup", "guest_centre_id"),
        # Closed days: about a centre, never a person (who closed it is not stored).
        ("notification", "closure_id"),
        # Series edits: one notice about a series' dates (a series, not a person).
        ("notification", "series_id"),
        # Fixed places: a flag on a notice (the person is reached through its signup_id).
        ("notification", "fixed_wait"),
        ("closure", "id"),
        ("closure", "centre_id"),
        ("closure", "first_day"),
        ("closure", "last_day"),
        ("closure", "reason"),
        ("closure", "created_at"),
        ("closure", "removed_at"),
        ("closure_activity", "closure_id"),
        ("closure_activity", "activity_id"),
    }
)


def columns(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {(t, r[1]) for t in tables for r in c.execute(f"PRAGMA table_info({t})")}


def traces(path: Path) -> list[str]:
    """Every cell anywhere in the database that holds ZED's id, name or a text they wrote."""
    found = []
    with sqlite3.connect(path) as c:
        for table, column in sorted(columns(path)):
            for (value,) in c.execute(f"SELECT {column} FROM {table}"):
                text = str(value)
                if value == ZED or any(word in text for word in (NAME, SECRET, TITLE)):
                    found.append(f"{table}.{column} = {text[:40]}")
    return found


def db_path(bot: Harness) -> Path:
    return Path(bot.config.database.path)


async def everything(bot: Harness) -> tuple[FakeUser, FakeUser, int]:
    """ZED is a user and staff who has done everything once; Lene is staff and admin too."""
    centre = await bot.centre()
    held = await bot.activity(centre, "Før", starts_at=local(2026, 11, 27, 12))
    ahead = await bot.activity(centre, "Tur")
    await bot.store.activities.add(
        [NewActivity(centre.id, "Lavet af Z", local(2026, 12, 6, 10), created_by=ZED)], NOW
    )
    _, dates = await bot.store.series.create(
        NewSeries(centre.id, "Z's fællesspisning", date(2026, 12, 10), "17:30", created_by=ZED),
        NOW,
        8,
    )
    await bot.store.roles.grant(50, RoleName.ADMIN, None, NOW)
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, zed = bot.user(50, "Lene"), bot.user(ZED, NAME)
    await lene.send("/start")
    await bot.user(2, "Maria").send("/start c-parasollen")
    # An invitation made by Lene, used by ZED; one made by ZED.
    await bot.store.roles.create_invitation("tok-lene", centre.id, 50, NOW + 7 * DAY)
    await zed.send("/start c-parasollen")
    await zed.send("/start s-tok-lene")
    await bot.store.roles.create_invitation("tok-zed", centre.id, ZED, NOW + 7 * DAY)
    # Signed up for the coming trip; came to yesterday's (and ticked someone present there).
    await bot.store.signups.join(held, ZED, NOW - 2 * DAY, bot.services.planner)
    await bot.store.signups.join(ahead, ZED, NOW, bot.services.planner)
    # A fixed place on the weekly activity (signed up to each of its dates).
    await bot.store.fixed_places.take(dates[0], ZED, NOW, bot.services.planner, 0.67)
    (present,) = await bot.store.counts.participants(held)
    await bot.store.attendance.toggle(held, present.signup_id, ZED, NOW)
    # As staff, an answer to Maria's message to the staff.
    maria = bot.user(2, "Maria")
    await maria.send("/hjaelp")
    await maria.tap("Skriv til personalet")
    await maria.send("Må jeg tage min hund med?")
    await zed.tap("Svar")
    await zed.send("Ja, hvis den er i snor.")
    # A message to the staff (Lene starts answering it), an announcement from Lene it got,
    # one ZED wrote, and a half-made activity.
    await zed.send("/hjaelp")
    await zed.tap("Skriv til personalet")
    await zed.send(SECRET)
    for author in (lene, zed):
        await author.send("/besked")
        await author.tap("Alle på Café Parasollen")
        await author.send("Husk kaffen på lørdag.")
        await author.tap("Send")
    await bot.dispatch()
    await zed.send("/ny_aktivitet")
    await zed.send(TITLE)
    await lene.tap("Svar")  # and leaves the answer half-written
    # Care: ZED said yes to the centre, Lene marked ZED, ZED marked Maria (who said yes too).
    await bot.store.care.give_consent(ZED, centre.id, NOW)
    await bot.store.care.give_consent(2, centre.id, NOW)
    await bot.store.care.mark(ZED, centre.id, MarkKind.TALKED, NOW + 28 * DAY, 50)
    await bot.store.care.mark(2, centre.id, MarkKind.NOT_NOW, NOW + 7 * DAY, ZED)
    return zed, lene, ahead


async def test_every_column_is_classified(bot: Harness) -> None:
    known = set(POINTS_AT_PERSON) | set(THROUGH_PERSON) | NOT_PERSONAL
    actual = columns(db_path(bot))
    assert actual - known == set(), "classify these columns (and cover them in /mine_data)"
    assert known - actual == set()


async def test_my_data_shows_every_row_that_points_at_the_person(bot: Harness) -> None:
    zed, _, _ = await everything(bot)
    with sqlite3.connect(db_path(bot)) as c:
        for (table, column), key in POINTS_AT_PERSON.items():
            (n,) = c.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (ZED,)).fetchone()
            assert n > 0, f"the scenario leaves {table}.{column} empty"
    await zed.send("/mine_data")
    (document,) = [m for m in zed.bot_messages() if m.kind == "document"]
    data = json.loads(document.file_bytes)
    for key in set(POINTS_AT_PERSON.values()) | {"notifications"}:
        assert data[key], f"/mine_data shows nothing under {key}"
    assert data["messages"][0]["text"] == SECRET
    assert data["draft"]["data"]["title"] == TITLE
    assert data["announcements"][0]["text"] == "Husk kaffen på lørdag."
    # Yesterday's, the coming trip and the 7 dates of the fixed place.
    assert [s["came"] for s in data["signups"]] == [True] + [False] * 8
    assert data["attendance_ticked"][0]["ticks"] == 1
    text = [m.text for m in zed.bot_messages() if m.kind == "text"][-1]
    for line in (
        "   – Tur, lørdag 5. december kl. 10.00: tilmeldt",
        "   – Før, fredag 27. november kl. 12.00: du kom",
        f"   – «{SECRET}»",
        "• Det, dine væresteder har sendt dig (vi sletter det efter 90 dage): 1",
        "• Noget, du var i gang med, men ikke blev færdig med (slettes efter en dag)",
        "• Aktiviteter, du har oprettet: 1",
        "• Aktiviteter hver uge, som du har lavet: 1",
        "• Aktiviteter, hvor du har krydset af, hvem der kom: 1",
        "• Beskeder, du har sendt ud med /besked: 1",
        "• Invitationslinks, du har lavet: 1",
        "• Invitationslinks, du har brugt: 1",
        "• Svar, du har givet til brugere: 1",
        "• Væresteder, der må skrive til dig: Café Parasollen",
        "• Personer, du har sat til «talt sammen» eller «ikke nu»: 1",
    ):
        assert line in text.split("\n"), line


async def test_erasing_leaves_no_trace_in_any_row_nor_on_disk(bot: Harness) -> None:
    zed, lene, ahead = await everything(bot)
    before = await bot.store.counts.of(ahead)
    await zed.send("/slet_mig")
    await zed.tap("Ja, slet mig")
    assert zed.last_text().startswith("Alt om dig er slettet.")
    await zed.block()  # what people do next: block the bot or delete the chat
    assert traces(db_path(bot)) == []
    raw = db_path(bot).read_bytes()
    wal = Path(str(db_path(bot)) + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    for word in (NAME, SECRET, TITLE):
        assert word.encode() not in raw, f"{word} is still in the database file"
    # The counts stay: what ZED made and ticked is still there, without ZED.
    (made,) = [a for a, _ in await bot.store.activities.all() if a.title == "Lavet af Z"]
    assert made.status == "scheduled"
    after = await bot.store.counts.of(ahead)
    assert before is not None and after is not None and after.confirmed == before.confirmed - 1
    # Lene's half-written answer pointed at the erased message: it is gone, not dangling.
    assert await bot.store.drafts.get(50, bot.clock.now()) is None
    await lene.send("Det kan du godt.")
    assert "💬" not in zed.last_text()


async def test_a_block_from_someone_unknown_stores_nobody(bot: Harness) -> None:
    await bot.centre()
    stranger = bot.user(ZED, NAME)
    await stranger.block()
    await stranger.block("member")
    assert await bot.store.privacy.personal_data(ZED) is None
    assert traces(db_path(bot)) == []


async def test_retention_erases_staff_ids_too(bot: Harness) -> None:
    await everything(bot)
    bot.clock.advance(400 * DAY)
    await bot.user(50, "Lene").send("/start")  # Lene stays; ZED has not been seen for a year
    await run_retention(bot.services)
    assert traces(db_path(bot)) == []
    assert await bot.store.privacy.personal_data(50) is not None


async def test_old_drafts_are_deleted_not_just_ignored(bot: Harness) -> None:
    await everything(bot)
    bot.clock.advance(DAY + 1)
    assert await bot.store.drafts.get(ZED, bot.clock.now()) is None
    with sqlite3.connect(db_path(bot)) as c:
        assert c.execute("SELECT count(*) FROM draft").fetchone()[0] == 2  # ignored, still held
    await run_retention(bot.services)
    with sqlite3.connect(db_path(bot)) as c:
        assert c.execute("SELECT count(*) FROM draft").fetchone()[0] == 0


async def test_guest_names_go_when_taken_off_and_30_days_after(bot: Harness) -> None:
    centre = await bot.centre()
    ahead = await bot.activity(centre, "Tur", starts_at=local(2026, 12, 5, 10))
    for name in ("Poul", "Hanne"):
        await bot.store.counter_signups.join(ahead, name, 50, NOW)
    (poul, _hanne) = await bot.store.counter_signups.of(ahead)
    await bot.store.counter_signups.cancel(poul.signup_id, NOW, bot.services.planner)

    def names() -> list[str]:
        with sqlite3.connect(db_path(bot)) as c:
            return [r[0] for r in c.execute("SELECT guest_name FROM signup ORDER BY id")]

    assert names() == ["", "Hanne"]
    bot.clock.now = lambda: local(2026, 12, 5, 10) + 29 * DAY  # type: ignore[method-assign]
    await run_retention(bot.services)
    assert names() == ["", "Hanne"]
    bot.clock.now = lambda: local(2026, 12, 5, 10) + 31 * DAY  # type: ignore[method-assign]
    await run_retention(bot.services)
    assert names() == ["", ""]
    counts = await bot.store.counts.of(ahead)
    assert counts is not None and counts.guests == 1 and counts.confirmed == 1


async def test_erasing_does_not_reset_the_limit_on_messages_to_staff(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens = bot.user(50, "Lene"), bot.user(1, "Jens")
    await lene.send("/start")
    bot.services.flood.limit = 10**9  # 20 updates in a few ms is this test, not a person

    async def write(text: str) -> None:
        await jens.send("/start c-parasollen")
        await jens.send("/hjaelp")
        await jens.tap("Skriv til personalet")
        await jens.send(text)

    for n in range(3):
        await write(f"Besked {n}")
    await jens.send("/slet_mig")
    await jens.tap("Ja, slet mig")
    await write("Besked 4")
    assert any(t.startswith("Du har sendt 3 beskeder den sidste time.") for t in jens.texts())
    assert not any("Besked 4" in t for t in lene.texts())
    bot.clock.advance(3601)
    await write("Besked 5")
    assert jens.last_text().startswith("✅ Sendt til personalet"), jens.texts()[-3:]
    with sqlite3.connect(db_path(bot)) as c:  # the count names nobody, and keeps an hour
        tags = [r[0] for r in c.execute("SELECT tag FROM line_quota")]
        assert len(tags) == 1 and len(tags[0]) == 32 and tags[0] != "1"


async def test_my_data_never_calls_a_cancelled_activity_signed_up(bot: Harness) -> None:
    centre = await bot.centre()
    trip = await bot.activity(centre, "Tur")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await bot.store.signups.join(trip, 1, NOW, bot.services.planner)
    await bot.store.edits.cancel(trip, NOW)
    await jens.send("/mine_data")
    text = [m.text for m in jens.bot_messages() if m.kind == "text"][-1]
    assert "   – Tur, lørdag 5. december kl. 10.00: aktiviteten blev aflyst" in text
    assert "tilmeldt" not in text
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    assert json.loads(document.file_bytes)["signups"][0]["status"] == "activity cancelled"


async def test_my_data_fits_one_message_for_a_long_history(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.grant(1, RoleName.STAFF, centre.id, NOW)
    jens = bot.user(1, "J" * 64)
    await jens.send("/start c-parasollen")
    title = "Ø&<" * 33  # 99 characters, each escaped to several
    for day in range(80):
        starts = local(2026, 12, 5, 10) + (day - 40) * DAY
        activity = await bot.activity(centre, title + str(day % 10), starts_at=starts)
        await bot.store.signups.join(activity, 1, starts - DAY, bot.services.planner)
    for n in range(3):
        await bot.store.line.add(1, centre.id, "&" * 1000, NOW + n)
    await jens.send("/mine_data")
    message = [m for m in jens.bot_messages() if m.kind == "text"][-1]
    assert len(message.text) <= 4096  # the fake refuses longer messages outright, too
    assert "… og 70 mere – de står alle sammen i filen." in message.text
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    assert len(json.loads(document.file_bytes)["signups"]) == 80


async def test_my_data_names_a_voice_message_to_the_staff(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    await bot.user(50, "Lene").send("/start")
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send_voice()
    await jens.send("/mine_data")
    text = [m.text for m in jens.bot_messages() if m.kind == "text"][-1]
    assert "   – 🎤 talebesked" in text.split("\n")
