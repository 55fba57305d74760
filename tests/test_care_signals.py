"""Nobody goes under unnoticed (issue 14), the foundation: with a person's consent, who a centre
has not seen lately or who did not come twice — computed from sign-ups, attendance and
messages to staff only, per centre, hidden by staff marks for their time."""

from pathlib import Path

import pytest

from bot.config import CareConfig, ConfigError, load_config
from bot.store.care import MarkKind
from bot.store.centres import Centre
from tests.conftest import NOW, Harness, local, write_config

DAY = 86400
RULES = CareConfig()  # 3 weeks of the last 70 days; quiet after 21 days
JENS, MARIA, ALI, LENE = 1, 2, 3, 50


async def people(bot: Harness) -> None:
    for uid, name in ((JENS, "Jens"), (MARIA, "Maria"), (ALI, "Ali"), (LENE, "Lene")):
        await bot.store.people.touch(uid, name, "da", NOW - 90 * DAY)


async def came(bot: Harness, centre: Centre, starts_at: int, *who: int, tick: bool = True) -> int:
    """A past activity at the centre: `who` signed up the day before and were ticked present."""
    activity = await bot.activity(centre, "Fællesspisning", starts_at=starts_at)
    for uid in who:
        await bot.store.signups.join(activity, uid, starts_at - DAY, bot.services.planner)
    if tick:
        for p in await bot.store.counts.participants(activity):
            await bot.store.attendance.toggle(activity, p.signup_id, LENE, starts_at)
    return activity


async def regular(bot: Harness, centre: Centre, *who: int) -> None:
    """Four Tuesdays in a row, the last on 10 November (18 days before NOW)."""
    for day in (20, 27):
        await came(bot, centre, local(2026, 10, day, 17), *who)
    for day in (3, 10):
        await came(bot, centre, local(2026, 11, day, 17), *who)


async def names(bot: Harness, centre: Centre) -> list[str]:
    return [
        p.first_name for p in await bot.store.care.quiet_people(centre.id, bot.clock.now(), RULES)
    ]


async def test_a_regular_who_stops_coming_appears_after_quiet_after_not_before(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    await people(bot)
    await regular(bot, centre, JENS, MARIA)
    for uid in (JENS, MARIA):
        await bot.store.care.give_consent(uid, centre.id, NOW)
    # Maria comes once more, two weeks ago (a place is enough: she was not ticked).
    await came(bot, centre, local(2026, 11, 17, 17), MARIA, tick=False)
    assert await names(bot, centre) == []  # 18 days since Jens was here
    bot.clock.advance(local(2026, 12, 1, 17) - NOW - 60)  # a minute before 21 days
    assert await names(bot, centre) == []
    bot.clock.advance(60)
    (jens,) = await bot.store.care.quiet_people(centre.id, bot.clock.now(), RULES)
    assert (jens.first_name, jens.last_seen) == ("Jens", local(2026, 11, 10, 17))
    assert jens.not_seen_lately and jens.no_shows == 0
    bot.clock.advance(7 * DAY)  # Maria's turn too; longest unseen first
    assert await names(bot, centre) == ["Jens", "Maria"]
    # A place ahead is being seen: Jens signs up again and is off the list at once.
    ahead = await bot.activity(centre, "Tur", starts_at=bot.clock.now() + 3 * DAY)
    await bot.store.signups.join(ahead, JENS, bot.clock.now(), bot.services.planner)
    assert await names(bot, centre) == ["Maria"]
    # So is a message to the staff.
    await bot.store.line.add(MARIA, centre.id, "Hej", bot.clock.now())
    assert await names(bot, centre) == []


async def test_someone_who_came_in_too_few_weeks_is_not_a_regular(bot: Harness) -> None:
    centre = await bot.centre()
    await people(bot)
    await came(bot, centre, local(2026, 11, 3, 17), JENS)
    await came(bot, centre, local(2026, 11, 5, 17), JENS)  # the same week
    await came(bot, centre, local(2026, 11, 10, 17), JENS)
    await bot.store.care.give_consent(JENS, centre.id, NOW)
    bot.clock.advance(30 * DAY)
    assert await names(bot, centre) == []
    # A cancelled place is not being seen.
    activity = await came(bot, centre, local(2026, 10, 20, 17), JENS, tick=False)
    await bot.store.signups.cancel(activity, JENS, local(2026, 10, 19, 18), bot.services.planner)
    assert await names(bot, centre) == []


async def test_only_people_who_said_yes_appear_even_as_a_count(bot: Harness) -> None:
    centre = await bot.centre()
    other = await bot.centre("reden", "Reden")
    await people(bot)
    await regular(bot, centre, JENS, MARIA)
    await bot.store.care.give_consent(MARIA, centre.id, NOW)
    await bot.store.care.give_consent(JENS, other.id, NOW)  # yes to another centre only
    bot.clock.advance(10 * DAY)
    assert await names(bot, centre) == ["Maria"]
    assert await bot.store.care.quiet_counts(bot.clock.now(), RULES) == {centre.id: 1}
    await bot.store.care.give_consent(JENS, centre.id, bot.clock.now())
    assert await names(bot, centre) == ["Jens", "Maria"]
    assert await bot.store.care.quiet_counts(bot.clock.now(), RULES) == {centre.id: 2}


async def test_two_centres_are_kept_apart(bot: Harness) -> None:
    parasollen = await bot.centre()
    reden = await bot.centre("reden", "Reden")
    await people(bot)
    await regular(bot, parasollen, JENS)
    await regular(bot, reden, MARIA)
    for uid in (JENS, MARIA):
        for centre in (parasollen, reden):
            await bot.store.care.give_consent(uid, centre.id, NOW)
    # Jens goes on coming to Reden: that does not count as being seen at Parasollen.
    for day in (17, 24, 27):
        await came(bot, reden, local(2026, 11, day, 17), JENS)
    bot.clock.advance(10 * DAY)
    assert await names(bot, parasollen) == ["Jens"]
    assert await names(bot, reden) == ["Maria"]
    await bot.store.care.mark(
        JENS, parasollen.id, MarkKind.TALKED, bot.clock.now() + 28 * DAY, LENE
    )
    assert await names(bot, parasollen) == []
    assert await names(bot, reden) == ["Maria"]  # a mark at one centre hides nobody elsewhere
    counts = await bot.store.care.quiet_counts(bot.clock.now(), RULES)
    assert counts == {reden.id: 1}


async def test_a_place_not_taken_twice_in_a_row_is_noticed(bot: Harness) -> None:
    centre = await bot.centre()
    await people(bot)
    await bot.store.care.give_consent(ALI, centre.id, NOW)
    # Ali came once, then had a place twice and was not ticked, where Jens was.
    first = await came(bot, centre, local(2026, 11, 10, 17), ALI, JENS)
    assert first
    for day in (17, 24):
        activity = await came(bot, centre, local(2026, 11, day, 17), ALI, JENS, tick=False)
        for p in await bot.store.counts.participants(activity):
            if p.name == "Jens":
                await bot.store.attendance.toggle(activity, p.signup_id, LENE, NOW)
    # A date where nobody ticked anyone does not count either way.
    await came(bot, centre, local(2026, 11, 26, 17), ALI, tick=False)
    (ali,) = await bot.store.care.quiet_people(centre.id, NOW, RULES)
    assert (ali.first_name, ali.no_shows, ali.not_seen_lately) == ("Ali", 2, False)
    # Once is not twice: after one miss Ali is not on the list.
    assert [
        p.first_name
        for p in await bot.store.care.quiet_people(centre.id, local(2026, 11, 20, 12), RULES)
    ] == []
    # Ticked at the next one: off the list.
    await came(bot, centre, local(2026, 11, 27, 17), ALI)
    assert await names(bot, centre) == []


async def test_marks_hide_for_their_time(bot: Harness) -> None:
    centre = await bot.centre()
    await people(bot)
    await regular(bot, centre, JENS, MARIA)
    await bot.store.care.give_consent(JENS, centre.id, NOW)
    bot.clock.advance(10 * DAY)
    now = bot.clock.now()
    assert await bot.store.care.mark(JENS, centre.id, MarkKind.NOT_NOW, now + 7 * DAY, LENE)
    assert await names(bot, centre) == []
    bot.clock.advance(7 * DAY - 1)
    assert await names(bot, centre) == []
    bot.clock.advance(1)
    assert await names(bot, centre) == ["Jens"]
    # "Talked" replaces the mark, for four weeks.
    await bot.store.care.mark(JENS, centre.id, MarkKind.TALKED, bot.clock.now() + 28 * DAY, LENE)
    bot.clock.advance(27 * DAY)
    assert await names(bot, centre) == []
    # No mark about someone who has not said yes.
    assert not await bot.store.care.mark(MARIA, centre.id, MarkKind.TALKED, NOW + DAY, LENE)


async def test_withdrawing_consent_removes_the_person_at_once(bot: Harness) -> None:
    centre = await bot.centre()
    await people(bot)
    await regular(bot, centre, JENS)
    await bot.store.care.give_consent(JENS, centre.id, NOW)
    bot.clock.advance(10 * DAY)
    assert await names(bot, centre) == ["Jens"]
    await bot.store.care.mark(JENS, centre.id, MarkKind.NOT_NOW, NOW, LENE)  # already over
    assert await bot.store.care.withdraw_consent(JENS, centre.id)
    assert await names(bot, centre) == []
    assert await bot.store.care.quiet_counts(bot.clock.now(), RULES) == {}
    data = await bot.store.privacy.personal_data(JENS)
    assert data is not None and data["care_consents"] == [] and data["care_marks"] == []
    assert not await bot.store.care.withdraw_consent(JENS, centre.id)
    # Saying yes again counts again.
    await bot.store.care.give_consent(JENS, centre.id, bot.clock.now())
    assert await bot.store.care.consents(JENS) == [centre.id]
    assert await names(bot, centre) == ["Jens"]


async def test_erasure_takes_consent_and_marks_and_the_staff_id(bot: Harness) -> None:
    centre = await bot.centre()
    await people(bot)
    await regular(bot, centre, JENS, MARIA)
    for uid in (JENS, MARIA):
        await bot.store.care.give_consent(uid, centre.id, NOW)
    await bot.store.care.mark(JENS, centre.id, MarkKind.TALKED, NOW + 28 * DAY, LENE)
    await bot.store.care.mark(MARIA, centre.id, MarkKind.NOT_NOW, NOW + 7 * DAY, JENS)
    mine = await bot.store.privacy.personal_data(JENS)
    assert mine is not None
    assert [c["centre"] for c in mine["care_consents"]] == ["Café Parasollen"]
    assert [m["kind"] for m in mine["care_marks"]] == ["talked"]
    assert [m["kind"] for m in mine["care_marks_made"]] == ["not_now"]
    assert await bot.store.privacy.forget(JENS, NOW, bot.services.planner)
    assert await bot.store.care.consents(JENS) == []
    lene = await bot.store.privacy.personal_data(LENE)
    assert lene is not None and [m["kind"] for m in lene["care_marks_made"]] == []
    # Maria's mark stays (she is still hidden for its week), without who made it.
    assert await names(bot, centre) == []
    bot.clock.advance(10 * DAY)
    assert await names(bot, centre) == ["Maria"]


async def test_the_care_settings_read_the_usual_durations_and_fail_in_one_line(
    tmp_path: Path,
) -> None:
    path = write_config(
        tmp_path,
        '[care]\nregular_visits = 4\nregular_window = "12w"\n',
    )
    with pytest.raises(ConfigError, match=r"^\[care\] regular_window: cannot read duration"):
        load_config(path)
    path = write_config(
        tmp_path,
        '[care]\nregular_visits = 4\nregular_window = "84d"\nquiet_after = "90s"\n'
        'digest_at = "fri 09:30"\ngreeting_every = "30d"\n',
    )
    care = load_config(path).care
    assert care == CareConfig(4, 84 * DAY, 90, (4, 570), 30 * DAY)
    assert load_config(write_config(tmp_path)).care == CareConfig(
        3, 70 * DAY, 21 * DAY, (0, 600), 28 * DAY
    )
    for extra, message in (
        ("regular_visits = 0", r"^\[care\] regular_visits must"),
        ('regular_visits = "3"', r"^\[care\] regular_visits must"),
        ('quiet_after = "3 weeks"', r"^\[care\] quiet_after: cannot read"),
        ('quiet_after = "70d"', r"^\[care\] quiet_after must be shorter"),
        ('digest_at = "monday 10:00"', r"^\[care\] digest_at: cannot read"),
        ('digest_at = "mon 25:00"', r"^\[care\] digest_at: cannot read"),
        ('greeting_every = "0d"', r"^\[care\] greeting_every: cannot read"),
        ("often = 1", r"^unknown config key \[care\] often"),
    ):
        with pytest.raises(ConfigError, match=message):
            load_config(write_config(tmp_path, f"[care]\n{extra}\n"))
