"""Staff drafts: what each step shows, and loading, saving and leaving a draft.

Shared by /ny_aktivitet (dialogs/staff.py) and the staff buttons on a card
(dialogs/card_edits.py: ✏️ Tid, ✏️ Sted, ✏️ Pladser, a sign-up without a phone).
State: the draft table (a restart mid-dialog loses nothing). Every tap re-checks the role.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from telegram import InlineKeyboardButton, Update

from bot import validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.activities import Activity
from bot.store.drafts import Draft
from bot.store.series import NewSeries, next_dates
from dialogs.browse import card_lines, when
from dialogs.common import Screen, button, centre_choices, esc, keyboard, reply, send, show

NEW, EDIT = "activity", "edit"
STEPS = {
    NEW: ["centre", "title", "day", "time", "repeat", "until", "place", "capacity", "preview"],
    "t": ["day", "time"],
    "p": ["place"],
    "c": ["capacity"],
    "g": ["guest"],
}
TIMES = (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
CAPACITIES = (5, 10, 15, 20)
DAYS_AHEAD = 7  # a week of day buttons; any other day is typed ("5/12", "mandag")
STEP_ACTIONS = (
    Action.CENTRE,
    Action.DAY,
    Action.OTHER_DAY,
    Action.TIME,
    Action.PLACE,
    Action.CAPACITY,
    Action.CREATE,
    Action.BACK,
    Action.ABORT,
    Action.REPEAT,
    Action.UNTIL,
)


def _steps(draft: Draft) -> list[str]:
    steps = STEPS[NEW] if draft.kind == NEW else STEPS[draft.data["field"]]
    if draft.kind == NEW and not draft.data.get("choose_centre"):
        steps = steps[1:]
    if draft.kind == NEW and draft.step != "centre" and not draft.data.get("centre"):
        steps = [s for s in steps if s not in ("repeat", "until")]  # national: only once
    if draft.kind == NEW and not draft.data.get("every"):
        steps = [s for s in steps if s != "until"]  # only once: no end to ask for
    return steps


def next_step(draft: Draft, data: dict[str, Any]) -> Draft:
    steps = _steps(Draft(draft.kind, draft.step, data))
    step = draft.step if draft.step != "otherday" else "day"
    return Draft(draft.kind, steps[min(steps.index(step) + 1, len(steps) - 1)], data)


def _tz(context: BotContext, draft: Draft) -> ZoneInfo:
    return ZoneInfo(draft.data.get("tz") or context.config.bot.timezone)


def today_in(context: BotContext, draft: Draft) -> date:
    return datetime.fromtimestamp(context.now(), _tz(context, draft)).date()


async def render_step(context: BotContext, draft: Draft, problem: str = "") -> Screen:
    """The screen for the draft's current step (with a line about what was wrong, if so)."""
    _, d = context._, draft.data
    head = ("✏️ <b>" + esc(d["title"]) + "</b>") if draft.kind == EDIT else _("<b>New activity</b>")
    lines = [problem, ""] if problem else []
    lines.append(head)
    if draft.kind == EDIT and d.get("current"):
        lines.append(_("Now: {current}", current=esc(d["current"])))
    rows: list[list[InlineKeyboardButton]] = []
    step = draft.step
    if step == "centre":  # an admin's 200 centres: a page at a time (or typed part of a name)
        lines.append(_("Which centre is it for?"))
        more, centre_rows = centre_choices(
            [c for c in d["centres"] if c[0]],
            d,
            _,
            lambda cid, name: button(name, Route.STAFF, Action.CENTRE, cid),
            (Route.STAFF, Action.CENTRE, ("p",)),
        )
        lines += more
        rows += centre_rows
        national = [name for cid, name in d["centres"] if not cid]
        rows += [[button(name, Route.STAFF, Action.CENTRE, 0)] for name in national]
    elif step == "title":
        lines.append(_("What is it called? Write a short title."))
    elif step == "day":
        if d.get("same_day"):  # moving the time: a typed time alone keeps the day
            lines.append(
                _("Write the new time, like 18.30. Or tap a day, or write a date like 5/12.")
            )
        else:
            lines.append(_("Which day? Tap one, or write it, like 5/12 or Monday."))
        today = today_in(context, draft)
        same = date.fromisoformat(d["same_day"]) if d.get("same_day") else None
        days = [today + timedelta(days=n) for n in range(DAYS_AHEAD)]
        labels = [_("Today"), _("Tomorrow")] + [_.day(x) for x in days[2:]]
        flat = [
            button(label, Route.STAFF, Action.DAY, x.strftime("%Y%m%d"))
            for label, x in zip(labels, days, strict=True)
            if x != same  # its own button, first
        ]
        rows += [flat[i : i + 2] for i in range(0, len(flat), 2)]
        if same is not None:  # moving the time only: the day it is on now, first
            label = _("Same day ({day})", day=_.day(same))
            rows.insert(0, [button(label, Route.STAFF, Action.DAY, same.strftime("%Y%m%d"))])
        rows.append([button(_("📅 Another date"), Route.STAFF, Action.OTHER_DAY)])
    elif step == "otherday":
        lines.append(_("Write the date, like 5/12 or 5.12.2026."))
    elif step == "time":
        lines.append(_("What time does it start? Tap one, or write it, like 14.30."))
        flat = [button(_.clock(h, 0), Route.STAFF, Action.TIME, f"{h:02d}00") for h in TIMES]
        rows += [flat[i : i + 4] for i in range(0, len(flat), 4)]
        if d.get("scope") == "one":  # one date of a series: it may move to another day too
            rows.append([button(_("📅 Another day"), Route.STAFF, Action.OTHER_DAY)])
    elif step == "repeat":
        lines.append(_("Does it repeat?"))
        rows += [
            [button(_("🔁 Every week"), Route.STAFF, Action.REPEAT, 1)],
            [button(_("🔁 Every other week"), Route.STAFF, Action.REPEAT, 2)],
            [button(_("Only once"), Route.STAFF, Action.REPEAT, 0)],
        ]
    elif step == "until":
        lines.append(_("When is the last time? Tap the button, or write a date, like 5/3."))
        rows.append([button(_("Until further notice"), Route.STAFF, Action.UNTIL)])
    elif step == "place":
        lines.append(_("Where? Tap a place, or write it."))
        rows += [[button(p, Route.STAFF, Action.PLACE, i)] for i, p in enumerate(d["places"])]
    elif step == "capacity":
        lines.append(_("How many places? Tap one, or write a number."))
        rows.append([button(str(n), Route.STAFF, Action.CAPACITY, n) for n in CAPACITIES])
        rows.append([button(_("No limit"), Route.STAFF, Action.CAPACITY, 0)])
    elif step == "guest":
        lines.append(_("Write the first name of the person you sign up. No phone needed."))
    elif step == "preview":
        activity = _preview_activity(context, draft)
        lines += [_("Check it, then tap Create:"), ""]
        lines += card_lines(activity, when(context, activity), _)
        places = d["capacity"]
        lines.append(
            "👥 "
            + (
                _.ngettext("{n} place", "{n} places", places)
                if places
                else _("No limit on places")
            )
        )
        lines += series_lines(context, draft)
        rows.append([button(_("✅ Create"), Route.STAFF, Action.CREATE)])
    rows.append(
        [
            button(_("⬅️ Back"), Route.STAFF, Action.BACK),
            button(_("✖️ Stop"), Route.STAFF, Action.ABORT),
        ]
    )
    return Screen("\n".join(lines), keyboard(rows))


def repeat_text(context: BotContext, draft: Draft) -> str:
    """How a series repeats, in a sentence: 'every Thursday at 17:30'."""
    _, d = context._, draft.data
    weekday = format_date(date.fromisoformat(d["day"]), "EEEE", locale=_.locale)
    hour, minute = (int(x) for x in d["time"].split(":"))
    if d.get("every") == 2:
        return _("every other {weekday} at {time}", weekday=weekday, time=_.clock(hour, minute))
    return _("every {weekday} at {time}", weekday=weekday, time=_.clock(hour, minute))


def new_series(draft: Draft, created_by: int | None) -> NewSeries:
    """The series a draft with a repeat describes."""
    d = draft.data
    return NewSeries(
        d["centre"],
        d["title"],
        date.fromisoformat(d["day"]),
        d["time"],
        every_weeks=d["every"],
        until_date=date.fromisoformat(d["until"]) if d.get("until") else None,
        place=d["place"],
        capacity=d["capacity"] or None,
        created_by=created_by,
    )


def series_lines(context: BotContext, draft: Draft) -> list[str]:
    """The preview of a series: how it repeats, until when, and its next four dates."""
    _, d = context._, draft.data
    if not d.get("every"):
        return []
    text = repeat_text(context, draft)
    lines = ["🔁 " + text[:1].upper() + text[1:]]
    if d.get("until"):
        lines.append(_("🔚 Last time {day}", day=_.day(date.fromisoformat(d["until"]))))
    else:
        lines.append("🔚 " + _("Until further notice"))
    tz = str(_tz(context, draft))
    now = context.now()
    upcoming = next_dates(new_series(draft, None), tz, now, 4)
    lines += ["", _("The next dates:")]
    lines += ["• " + _.when(instant, tz, now) for instant in upcoming]
    return lines


def draft_starts(context: BotContext, draft: Draft) -> int:
    day_ = date.fromisoformat(draft.data["day"])
    hour, minute = (int(x) for x in draft.data["time"].split(":"))
    naive = datetime(day_.year, day_.month, day_.day, hour, minute)
    return validate.local_instant(naive, str(_tz(context, draft)))


def _preview_activity(context: BotContext, draft: Draft) -> Activity:
    d = draft.data
    return Activity(
        0,
        d["centre"],
        d.get("centre_name"),
        d.get("tz"),
        d["title"],
        "",
        d["place"],
        draft_starts(context, draft),
        None,
        d["capacity"] or None,
        "scheduled",
    )


async def deny(update: Update, context: BotContext) -> None:
    """Someone without the role tried a staff action: say so, change nothing."""
    await context.answer_query(update)
    await send(update, context, Screen(context._("Sorry – you don't have access to that.")))


async def load_draft(update: Update, context: BotContext) -> Draft | None:
    """The caller's staff draft, if they may still work on it; else answer and say why."""
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None or draft.kind not in (NEW, EDIT):
        # A second tap on Create (or any step of a finished dialog): leave the result alone.
        await context.answer_query(update, context._("✅ That is done already."))
        return None
    access = await context.access()
    if draft.step != "centre" and not access.can_manage(draft.data.get("centre")):
        await deny(update, context)
        return None
    if draft.step == "centre" and not access.is_staff:
        await deny(update, context)
        return None
    return draft


async def show_step(update: Update, context: BotContext, draft: Draft, problem: str = "") -> None:
    assert context.user is not None
    await context.store.drafts.save(context.user.id, draft, context.now())
    await reply(update, context, await render_step(context, draft, problem))


async def got_until(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    """A typed last date of a series: not before its first date, within a year from today."""
    _ = context._
    first = date.fromisoformat(draft.data["day"])
    try:
        last = validate.day(text, first)
    except ValueError:
        problem = _("I can't read that date. Write it like 5/12 or 5.12.2026.")
        return await show_step(update, context, draft, problem)
    if last < first:
        problem = _(
            "The last time can't be before the first ({day}). Write a later date.",
            day=_.day(first),
        )
        return await show_step(update, context, draft, problem)
    if last > today_in(context, draft) + timedelta(days=validate.AHEAD_MAX_DAYS):
        return await show_step(update, context, draft, _("That is more than a year ahead."))
    data = dict(draft.data, until=last.isoformat())
    await show_step(update, context, next_step(draft, data))


async def go_back(update: Update, context: BotContext, draft: Draft) -> None:
    steps = _steps(draft)
    step = "day" if draft.step == "otherday" else draft.step
    index = steps.index(step)
    if draft.step == "otherday":
        return await show_step(update, context, Draft(draft.kind, "day", draft.data))
    if index == 0:
        return await abort(update, context)
    await show_step(update, context, Draft(draft.kind, steps[index - 1], draft.data))


async def abort(update: Update, context: BotContext) -> None:
    """Stop the dialog; nothing was made or changed."""
    assert context.user is not None
    await context.store.drafts.delete(context.user.id)
    await show(update, context, Screen(context._("OK – nothing was changed.")))
