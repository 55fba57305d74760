"""Series (issue 13): a weekly activity is one record; its dates are ordinary activities made on
a rolling window ahead, idempotently, at the same wall-clock time in winter and summer."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import extend_series
from bot.store import Store
from bot.store.series import NewSeries
from bot.validate import AmbiguousTime, NonexistentTime
from tests.cli_support import run
from tests.conftest import CPH, NOW, Harness, local

DAY = 86400
WEEKS = 8


def wall(instant: int) -> str:
    """An instant as Copenhagen's wall clock reads it."""
    return datetime.fromtimestamp(instant, CPH).strftime("%Y-%m-%d %H:%M")


def rows(bot: Harness, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(bot.config.database.path) as c:
        return [tuple(r) for r in c.execute(sql, params)]


def thursdays(bot: Harness) -> NewSeries:
    """Fællesspisning every Thursday at 17.30, from Thursday 3 December 2026."""
    return NewSeries(0, "Fællesspisning", date(2026, 12, 3), "17:30", place="Køkkenet")


async def make(bot: Harness, new: NewSeries, now: int = NOW) -> tuple[int, list[int]]:
    centre = await bot.centre()
    new = NewSeries(**{**new.__dict__, "centre_id": centre.id})
    return await bot.store.series.create(new, now, WEEKS)


async def test_a_series_makes_eight_weeks_of_dates_at_once(bot: Harness) -> None:
    series_id, ids = await make(bot, thursdays(bot))
    assert len(ids) == 8
    dates = [a for a, _ in await bot.store.activities.all() if a.id in ids]
    assert [wall(a.starts_at) for a in dates][:2] == ["2026-12-03 17:30", "2026-12-10 17:30"]
    assert wall(dates[-1].starts_at) == "2027-01-21 17:30"
    assert {(a.title, a.place, a.status) for a in dates} == {
        ("Fællesspisning", "Køkkenet", "scheduled")
    }
    (listed,) = await bot.store.series.all(None, NOW)
    assert (listed.id, listed.next_id, listed.weekday) == (series_id, ids[0], 3)


async def test_every_other_week_until_a_date(bot: Harness) -> None:
    new = NewSeries(
        0, "Tur", date(2026, 12, 1), "10:00", every_weeks=2, until_date=date(2027, 1, 1)
    )
    _, ids = await make(bot, new)
    starts = [a.starts_at for a, _ in await bot.store.activities.all() if a.id in ids]
    assert [wall(s) for s in starts] == [
        "2026-12-01 10:00",
        "2026-12-15 10:00",
        "2026-12-29 10:00",
    ]


async def test_the_wall_clock_time_holds_across_daylight_saving(bot: Harness) -> None:
    autumn = local(2026, 10, 10, 12)
    _, ids = await make(bot, NewSeries(0, "Spisning", date(2026, 10, 15), "17:30"), autumn)
    times = [wall(a.starts_at) for a, _ in await bot.store.activities.all() if a.id in ids]
    assert times[:3] == ["2026-10-15 17:30", "2026-10-22 17:30", "2026-10-29 17:30"]
    starts = [a.starts_at for a, _ in await bot.store.activities.all() if a.id in ids]
    assert starts[2] - starts[1] == 7 * DAY + 3600  # the clocks went back on 25 October
    spring = local(2027, 3, 1, 12)
    centre = (await bot.store.centres.all())[0]
    _, ids = await bot.store.series.create(
        NewSeries(centre.id, "Fodbold", date(2027, 3, 21), "10:00"), spring, WEEKS
    )
    starts = [a.starts_at for a, _ in await bot.store.activities.all() if a.id in ids]
    assert [wall(s) for s in starts[:3]] == [
        "2027-03-21 10:00",
        "2027-03-28 10:00",
        "2027-04-04 10:00",
    ]
    assert starts[1] - starts[0] == 7 * DAY - 3600  # the clocks went forward on 28 March
    # A time the clocks skip or pass twice on the series' weekday cannot make a series.
    with pytest.raises(NonexistentTime):
        await bot.store.series.create(
            NewSeries(centre.id, "Nat", date(2027, 3, 21), "02:30"), spring, WEEKS
        )
    with pytest.raises(AmbiguousTime):
        await bot.store.series.create(
            NewSeries(centre.id, "Nat", date(2026, 10, 18), "02:30"), autumn, WEEKS
        )


async def test_making_dates_is_idempotent_even_after_a_crash_half_way(bot: Harness) -> None:
    series_id, ids = await make(bot, thursdays(bot))
    assert await bot.store.series.extend(NOW, WEEKS) == 0  # the job right after: nothing new
    assert await bot.store.series.extend(NOW, WEEKS) == 0
    # A crash half-way: half the window made, the mark not moved on (as if lost with it).
    with sqlite3.connect(bot.config.database.path) as c:
        c.execute("PRAGMA foreign_keys = ON")
        c.execute(
            "DELETE FROM activity WHERE series_id = ? AND series_date > '2026-12-24'", (series_id,)
        )
        c.execute("UPDATE series SET made_through = NULL WHERE id = ?", (series_id,))
    assert await bot.store.series.extend(NOW, WEEKS) == 4
    assert await bot.store.series.extend(NOW, WEEKS) == 0
    days = rows(bot, "SELECT series_date FROM activity WHERE series_id = ? ORDER BY 1", series_id)
    assert len(days) == 8 and len(set(days)) == 8
    # The schema itself refuses a second date of the series on the same day.
    with sqlite3.connect(bot.config.database.path) as c, pytest.raises(sqlite3.IntegrityError):
        c.execute(
            "INSERT INTO activity(centre_id, title, starts_at, updated_at, series_id, series_date)"
            " SELECT centre_id, title, starts_at, updated_at, series_id, series_date"
            " FROM activity WHERE id = ?",
            (ids[0],),
        )


async def test_the_daily_job_moves_the_window_on_as_the_clock_moves(bot: Harness) -> None:
    series_id, _ = await make(bot, thursdays(bot))
    last = rows(bot, "SELECT max(series_date) FROM activity WHERE series_id = ?", series_id)
    assert last == [("2027-01-21",)]
    bot.clock.now = lambda: NOW + 5 * DAY  # type: ignore[method-assign]  # Thursday 3 December
    assert await extend_series(bot.services) == 0  # 3 December to 21 January: still 8 dates
    bot.clock.now = lambda: NOW + 6 * DAY  # type: ignore[method-assign]
    assert await extend_series(bot.services) == 1
    assert await extend_series(bot.services) == 0  # twice on the same day: nothing twice
    bot.clock.now = lambda: NOW + 40 * DAY  # type: ignore[method-assign]
    await bot.restart()  # the job also runs at start-up
    ahead = rows(
        bot,
        "SELECT count(*), max(series_date) FROM activity WHERE series_id = ? AND starts_at > ?",
        series_id,
        NOW + 40 * DAY,
    )
    assert ahead == [(8, "2027-02-25")]  # 7 January to 25 February


async def test_ending_a_series_cancels_its_dates_and_tells_those_signed_up(bot: Harness) -> None:
    series_id, ids = await make(bot, thursdays(bot))
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    for activity_id in (ids[0], ids[2]):
        await bot.store.signups.join(activity_id, 1, NOW, bot.services.planner)
    cancelled = await bot.store.series.end(series_id, date(2026, 12, 17), NOW)
    assert cancelled == ids[2:]
    assert await bot.store.series.end(series_id, date(2026, 12, 17), NOW) is None
    await bot.dispatch()
    assert (
        jens.last_text()
        == "😔 Fællesspisning (torsdag 17. december kl. 17.30) er desværre aflyst."
    )
    statuses = [a.status for a, _ in await bot.store.activities.all() if a.id in ids]
    assert statuses == ["scheduled", "scheduled"] + ["cancelled"] * 6
    bot.clock.now = lambda: NOW + 30 * DAY  # type: ignore[method-assign]
    assert await extend_series(bot.services) == 0  # an ended series makes no more dates
    (listed,) = await bot.store.series.all(None, NOW)
    assert listed.ended_at == NOW and listed.until_date == date(2026, 12, 16)


# The command line and CSV files (on the real clock, as the admin runs them).


def series_dates(path: Path) -> list[tuple[str, str, str]]:
    """(title, local start, status) of every series date, in order."""

    async def read() -> list[tuple[str, str, str]]:
        store = await Store.open(path)
        try:
            return [
                (a.title, wall(a.starts_at), a.status)
                for a, _ in await store.activities.all()
                if a.id in await store.series.date_ids(None, 0)
            ]
        finally:
            await store.close()

    return asyncio.run(read())


def next_weekday(weekday: int) -> date:
    """The first such weekday after tomorrow (the real clock)."""
    day = datetime.now(CPH).date() + timedelta(days=2)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_activity_add_every_week_makes_a_series(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    first = next_weekday(3)
    base = ["activity", "add", "--config", str(config), "--centre", "p", "--title", "Spisning"]
    base += ["--starts", f"{first} 17:30"]
    code, out, err = run([*base, "--every", "week"], capsys)
    assert code == 0, err
    window = datetime.now(CPH).date() + timedelta(weeks=8)  # from today: 8 weeks of days
    n = len([w for w in range(9) if first + timedelta(weeks=w) < window])
    assert out.startswith(f"Added series 1: Spisning, every week\nMade {n} dates up to 8 weeks")
    made = series_dates(config.parent / "admin.db")
    assert [s for _, s, _ in made] == [f"{first + timedelta(weeks=w)} 17:30" for w in range(n)]
    code, _, err = run([*base, "--every", "week"], capsys)  # run twice by mistake
    assert code == 2 and "nothing was added" in err
    code, _, err = run([*base, "--until", "2030-01-01"], capsys)
    assert code == 2 and "--until is for a series" in err
    code, out, _ = run(["series", "list", "--config", str(config)], capsys)
    assert out.startswith(f"1\tP\tSpisning\tThursday 17:30\tevery week\tfrom {first}")
    assert f"until further notice\tnext: {first} 17:30 (activity 1)" in out
    code, out, _ = run(["activity", "list", "--config", str(config)], capsys)
    assert out == f"1\t{first} 17:30\tP\tSpisning\t0/-\t[series 1: next date]\n"
    end = first + timedelta(weeks=2)
    code, out, _ = run(["series", "end", "1", "--config", str(config), "--from", str(end)], capsys)
    assert out.startswith(f"Ended series 1 (Spisning) from {end}: cancelled {n - 2} dates")
    statuses = [s for _, _, s in series_dates(config.parent / "admin.db")]
    assert statuses == ["scheduled"] * 2 + ["cancelled"] * (n - 2)
    code, _, err = run(["series", "end", "1", "--config", str(config)], capsys)
    assert code == 2 and "has ended already" in err


def test_import_takes_repeat_and_until_columns(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    first = next_weekday(5)
    until = first + timedelta(weeks=4)
    sheet = tmp_path / "programme.csv"
    sheet.write_text(
        "centre;title;starts;repeat;until\n"
        f"p;Fodbold;{first} 10:00;2weeks;{until}\n"
        f"p;Banko;{first} 14:00;;\n",
        encoding="utf-8",
    )
    code, out, err = run(["activity", "import", "--config", str(config), str(sheet)], capsys)
    assert code == 0, err
    assert out == (
        f"Imported 2 activities from {sheet}\n1 of them repeat (series): made 3 dates for now\n"
    )
    assert [s for t, s, _ in series_dates(config.parent / "admin.db")] == [
        f"{first + timedelta(weeks=n)} 10:00" for n in (0, 2, 4)
    ]
    code, out, _ = run(["activity", "import", "--config", str(config), str(sheet)], capsys)
    assert out == f"Imported 0 activities from {sheet}; 2 were there already and were skipped\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "centre;title;starts;repeat;until\n"
        f"p;A;{first} 10:00;month;\n"
        f"p;B;{first} 10:00;;{until}\n"
        f"p;C;{first} 10:00;week;{first - timedelta(days=1)}\n",
        encoding="utf-8",
    )
    code, _, err = run(["activity", "import", "--config", str(config), str(bad)], capsys)
    assert code == 2
    assert "line 2: repeat 'month' must be one of: 2weeks, week (or empty)" in err
    assert "line 3: until is only for a series" in err
    assert "line 4: until is before the first date" in err


async def test_closed_days_get_no_dates_and_come_back_when_reopened(bot: Harness) -> None:
    centre = await bot.centre()
    closure, _ = await bot.store.closures.add(
        centre.id, date(2026, 12, 24), date(2027, 1, 1), "Jul", NOW
    )
    series_id, ids = await bot.store.series.create(
        NewSeries(centre.id, "Fællesspisning", date(2026, 12, 3), "17:30"), NOW, WEEKS
    )
    days = [
        d for (d,) in rows(bot, "SELECT series_date FROM activity WHERE series_id = ?", series_id)
    ]
    assert len(ids) == 6 and "2026-12-24" not in days and "2026-12-31" not in days
    await bot.store.closures.remove(closure.id, NOW)  # makes the two skipped dates itself
    days = [
        d for (d,) in rows(bot, "SELECT series_date FROM activity WHERE series_id = ?", series_id)
    ]
    assert "2026-12-24" in days and "2026-12-31" in days
    assert await bot.store.series.remake(centre.id, date(2026, 12, 24), date(2027, 1, 1), NOW) == 0
    assert await bot.store.series.extend(NOW, WEEKS) == 0


async def test_dates_a_closure_cancelled_are_on_again_when_it_is_removed(bot: Harness) -> None:
    centre = await bot.centre()
    series_id, _ = await bot.store.series.create(
        NewSeries(centre.id, "Fællesspisning", date(2026, 12, 3), "17:30"), NOW, WEEKS
    )
    ((christmas,),) = rows(
        bot,
        "SELECT id FROM activity WHERE series_id = ? AND series_date = '2026-12-24'",
        series_id,
    )
    await bot.user(1).send("/start c-parasollen")
    await bot.store.signups.join(christmas, 1, NOW, bot.services.planner)
    closure, _ = await bot.store.closures.add(
        centre.id, date(2026, 12, 24), date(2026, 12, 24), "Jul", NOW
    )
    other, _ = await bot.store.closures.add(
        centre.id, date(2026, 12, 31), date(2026, 12, 31), "Nytår", NOW
    )
    await bot.store.closures.remove(closure.id, NOW)
    activity = await bot.store.activities.get(christmas)
    assert activity is not None and activity.status == "scheduled"
    view = await bot.store.signups.view(christmas, 1)  # he was told it was cancelled
    assert view is not None and view.my_status != "confirmed"
    ((new_year,),) = rows(
        bot,
        "SELECT status FROM activity WHERE series_id = ? AND series_date = '2026-12-31'",
        series_id,
    )
    assert new_year == "cancelled"  # still closed for New Year
    assert other.id != closure.id
