"""Staff: make an activity in a few taps and one typed title; change, cancel, sign up a guest.

Who: staff of a centre (admins: any centre and national). Entry: /ny_aktivitet, the staff
buttons on an activity card. Steps: title (typed) → day → time → place → places → preview →
"Opret"; each step has "Tilbage" and "Fortryd", and typing works where a button would.
State: the draft table (a restart mid-dialog loses nothing). Every tap re-checks the role.
Writes: activity, signup (guests), notifications (through store: changes and cancellations).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks, validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.activities import Activity, NewActivity
from bot.store.drafts import Draft
from bot.store.signups import JoinOutcome
from dialogs.browse import card_lines, is_open, show_card, show_stale, view_screen, when
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    peek,
    reply,
    send,
    show,
    summarise,
    tapped_args,
)

NEW, EDIT = "activity", "edit"
STEPS = {
    NEW: ["centre", "title", "day", "time", "place", "capacity", "preview"],
    "t": ["day", "time"],
    "p": ["place"],
    "c": ["capacity"],
    "g": ["guest"],
}
TIMES = (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
CAPACITIES = (5, 10, 15, 20)
CAPACITY_MAX = 1000
GUESTS_WARNING_ROOM = 500  # characters of names in "… have no phone" above the card
DAYS_AHEAD = 14
EDIT_FIELDS = ("t", "p", "c", "g", "x")  # time, place, capacity, guest, cancel
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
)


def _steps(draft: Draft) -> list[str]:
    steps = STEPS[NEW] if draft.kind == NEW else STEPS[draft.data["field"]]
    if draft.kind == NEW and not draft.data.get("choose_centre"):
        steps = steps[1:]
    return steps


def _next(draft: Draft, data: dict[str, Any]) -> Draft:
    steps = _steps(draft)
    step = draft.step if draft.step != "otherday" else "day"
    return Draft(draft.kind, steps[min(steps.index(step) + 1, len(steps) - 1)], data)


def _tz(context: BotContext, draft: Draft) -> ZoneInfo:
    return ZoneInfo(draft.data.get("tz") or context.config.bot.timezone)


def _today(context: BotContext, draft: Draft) -> date:
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
    if step == "centre":
        lines.append(_("Which centre is it for?"))
        rows += [[button(name, Route.STAFF, Action.CENTRE, cid)] for cid, name in d["centres"]]
    elif step == "title":
        lines.append(_("What is it called? Write a short title."))
    elif step == "day":
        if d.get("same_day"):  # moving the time: a typed time alone keeps the day
            lines.append(
                _("Write the new time, like 18.30. Or tap a day, or write a date like 5/12.")
            )
        else:
            lines.append(_("Which day? Tap one, or write a date like 5/12."))
        today = _today(context, draft)
        days = [today + timedelta(days=n) for n in range(DAYS_AHEAD)]
        labels = [_("Today"), _("Tomorrow")] + [_.day(x) for x in days[2:]]
        flat = [
            button(label, Route.STAFF, Action.DAY, x.strftime("%Y%m%d"))
            for label, x in zip(labels, days, strict=True)
        ]
        rows += [flat[i : i + 2] for i in range(0, len(flat), 2)]
        if d.get("same_day"):  # moving the time only: the day it is on now, first
            same = date.fromisoformat(d["same_day"])
            label = _("Same day ({day})", day=_.day(same))
            rows.insert(0, [button(label, Route.STAFF, Action.DAY, same.strftime("%Y%m%d"))])
        rows.append([button(_("📅 Another date"), Route.STAFF, Action.OTHER_DAY)])
    elif step == "otherday":
        lines.append(_("Write the date, like 5/12 or 5.12.2026."))
    elif step == "time":
        lines.append(_("What time does it start? Tap one, or write it, like 14.30."))
        flat = [button(_.clock(h, 0), Route.STAFF, Action.TIME, f"{h:02d}00") for h in TIMES]
        rows += [flat[i : i + 4] for i in range(0, len(flat), 4)]
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
        rows.append([button(_("✅ Create"), Route.STAFF, Action.CREATE)])
    rows.append(
        [
            button(_("⬅️ Back"), Route.STAFF, Action.BACK),
            button(_("✖️ Stop"), Route.STAFF, Action.ABORT),
        ]
    )
    return Screen("\n".join(lines), keyboard(rows))


def _starts(context: BotContext, draft: Draft) -> int:
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
        _starts(context, draft),
        None,
        d["capacity"] or None,
        "scheduled",
    )


async def deny(update: Update, context: BotContext) -> None:
    """Someone without the role tried a staff action: say so, change nothing."""
    await context.answer_query(update)
    await send(update, context, Screen(context._("Sorry – you don't have access to that.")))


async def cmd_new_activity(update: Update, context: BotContext) -> None:
    access = await context.access()
    if not access.is_staff:
        return await deny(update, context)
    assert context.user is not None
    centres = [c for c in await context.store.centres.all() if access.can_manage(c.id)]
    choices = [(c.id, c.name) for c in centres]
    if access.admin:
        choices.append((0, context._("🌍 National – for all centres")))
    data: dict[str, Any] = {"centres": choices, "choose_centre": len(choices) > 1}
    draft = Draft(NEW, "centre" if len(choices) > 1 else "title", data)
    if len(choices) == 1:
        draft = await _with_centre(context, draft, choices[0][0])
    await context.store.drafts.save(context.user.id, draft, context.now())
    await send(update, context, await render_step(context, draft))


async def _with_centre(context: BotContext, draft: Draft, centre_id: int) -> Draft:
    centre = await context.store.centres.get(centre_id) if centre_id else None
    data = dict(
        draft.data,
        centre=centre.id if centre else None,
        centre_name=centre.name if centre else None,
        tz=centre.timezone if centre else context.config.bot.timezone,
        places=await context.store.activities.recent_places(centre.id if centre else None),
    )
    return Draft(draft.kind, draft.step, data)


async def _load(update: Update, context: BotContext) -> Draft | None:
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


async def _step(update: Update, context: BotContext, draft: Draft, problem: str = "") -> None:
    assert context.user is not None
    await context.store.drafts.save(context.user.id, draft, context.now())
    await reply(update, context, await render_step(context, draft, problem))


async def on_button(update: Update, context: BotContext) -> None:
    """Every tap inside the dialog: check it belongs to the current step, then go on."""
    cb = callbacks.decode(update.callback_query.data if update.callback_query else None)
    if cb is None:
        return await show_stale(update, context)
    draft = await _load(update, context)
    if draft is None:
        return
    await context.answer_query(update)
    args = cb.args
    expected = {
        Action.CENTRE: "centre",
        Action.DAY: "day",
        Action.OTHER_DAY: "day",
        Action.TIME: "time",
        Action.PLACE: "place",
        Action.CAPACITY: "capacity",
        Action.CREATE: "preview",
    }
    if cb.action is Action.ABORT:
        return await abort(update, context)
    if cb.action is Action.BACK:
        return await _back(update, context, draft)
    if expected.get(cb.action) != draft.step:
        notice = context._("That button is out of date – here is where you are.")
        return await _step(update, context, draft, notice)
    await _apply(update, context, draft, cb.action, args)


async def _apply(
    update: Update, context: BotContext, draft: Draft, action: Action, args: tuple[str, ...]
) -> None:
    d = dict(draft.data)
    value = args[0] if args else ""
    if action is Action.CENTRE:
        cid = callbacks.number(value)
        if cid is None or cid not in [c for c, _ in d["centres"]]:
            return await deny(update, context)
        if not (await context.access()).can_manage(cid or None):
            return await deny(update, context)
        chosen = await _with_centre(context, draft, cid)
        return await _step(update, context, _next(chosen, chosen.data))
    if action is Action.OTHER_DAY:
        return await _step(update, context, Draft(draft.kind, "otherday", d))
    if action is Action.DAY:  # a day, or (from "5.12: time or date?") a day and a time
        clock = args[1] if len(args) > 1 else ""
        return await _got_day(update, context, draft, value, typed=False, clock=clock)
    if action is Action.TIME:
        return await _got_time(update, context, draft, f"{value[:2]}:{value[2:]}")
    if action is Action.PLACE:
        index = callbacks.number(value)
        if index is None or index >= len(d["places"]):
            return await _step(update, context, draft)
        return await _got_place(update, context, draft, d["places"][index])
    if action is Action.CAPACITY:
        return await _got_capacity(update, context, draft, value)
    if action is Action.CREATE:
        return await _create(update, context, draft)


async def on_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Typed text while a staff dialog waits: the answer to the current step."""
    assert update.message is not None
    text = update.message.text or ""
    access = await context.access()
    if draft.step != "centre" and not access.can_manage(draft.data.get("centre")):
        return await deny(update, context)
    _ = context._
    if update.message.text is None:  # a sticker, photo, voice message…: ask for words again
        problem = _("Please tap one of the buttons.")
        if draft.step not in ("centre", "preview"):
            problem = _("Please write it as text.")
        return await _step(update, context, draft, problem)
    if draft.step == "title":
        try:
            title = validate.clean_text(text, "title", validate.TITLE_MAX, required=True)
        except ValueError:
            problem = _(
                "The title can be at most {n} characters, on one line. Try again.",
                n=validate.TITLE_MAX,
            )
            return await _step(update, context, draft, problem)
        return await _step(update, context, _next(draft, dict(draft.data, title=title)))
    if draft.step in ("day", "otherday"):
        return await _got_day(update, context, draft, text, typed=True)
    if draft.step == "time":
        try:
            hour, minute = validate.clock_time(text)
        except ValueError:
            return await _step(
                update,
                context,
                draft,
                _("I can't read that time. Write it like 14, 14.30 or 14:30."),
            )
        return await _got_time(update, context, draft, f"{hour:02d}:{minute:02d}")
    if draft.step == "place":
        try:
            place = validate.clean_text(text, "place", validate.PLACE_MAX, required=True)
        except ValueError:
            problem = _(
                "The place can be at most {n} characters, on one line. Try again.",
                n=validate.PLACE_MAX,
            )
            return await _step(update, context, draft, problem)
        return await _got_place(update, context, draft, place)
    if draft.step == "capacity":
        return await _got_capacity(update, context, draft, text.strip())
    if draft.step == "guest":
        return await _got_guest(update, context, draft, text)
    await _step(update, context, draft, _("Please tap one of the buttons."))


async def _got_day(
    update: Update,
    context: BotContext,
    draft: Draft,
    value: str,
    *,
    typed: bool,
    clock: str = "",
) -> None:
    """A day tapped (yyyymmdd, with a time hhmm from the "time or date?" question) or typed
    (a date, a time on the same day, or both): go on to the time, or straight to its end."""
    _ = context._
    today = _today(context, draft)
    hour_minute: tuple[int, int] | None = None
    if typed:
        readings = _readings(draft, value, today)
        if len(readings) > 1:
            return await _ask_day_or_time(update, context, draft, readings)
        if not readings:
            problem = _("I can't read that date. Write it like 5/12 or 5.12.2026.")
            if draft.data.get("same_day"):
                problem = _("I can't read that. Write a time like 18.30, or a date like 5/12.")
            return await _step(update, context, draft, problem)
        chosen, hour_minute = readings[0]
    else:
        try:
            chosen = datetime.strptime(value, "%Y%m%d").date()
            if clock:
                moment = datetime.strptime(clock, "%H%M")
                hour_minute = moment.hour, moment.minute
        except ValueError:
            problem = _("I can't read that date. Write it like 5/12 or 5.12.2026.")
            return await _step(update, context, draft, problem)
    if chosen < today:
        return await _step(update, context, draft, _("That day has passed. Pick another day."))
    if chosen > today + timedelta(days=366):
        return await _step(update, context, draft, _("That is more than a year ahead."))
    data = dict(draft.data, day=chosen.isoformat())
    if hour_minute is not None:
        at = "{:02d}:{:02d}".format(*hour_minute)
        return await _got_time(update, context, Draft(draft.kind, "time", data), at)
    await _step(update, context, _next(Draft(draft.kind, "day", data), data))


def _readings(draft: Draft, value: str, today: date) -> list[tuple[date, tuple[int, int] | None]]:
    """What a text typed at the day step can mean, as (day, time or None). Moving an activity,
    a time alone ('18', '18.30') is on the day it is on now; a new activity has no day yet."""
    same = draft.data.get("same_day") if draft.kind == EDIT else None
    readings = validate.day_or_time(value, today)
    if draft.step == "otherday" and any(day_ for day_, _clock in readings):
        readings = [r for r in readings if r[0] is not None]  # a date was asked for
    return [
        (day_ or date.fromisoformat(str(same)), clock) for day_, clock in readings if day_ or same
    ]


async def _ask_day_or_time(
    update: Update,
    context: BotContext,
    draft: Draft,
    readings: list[tuple[date, tuple[int, int] | None]],
) -> None:
    """'5.12' when moving an activity: 5.12 on the same day, or 5 December? Ask, never guess."""
    assert context.user is not None
    _ = context._
    rows = []
    for day_, clock in readings:
        args = [day_.strftime("%Y%m%d")]
        if clock is None:
            label = "📅 " + _.day(day_)
        else:
            label = _("🕐 Same day at {time}", time=_.clock(*clock))
            args.append("{:02d}{:02d}".format(*clock))
        rows.append([button(label, Route.STAFF, Action.DAY, *args)])
    rows.append([button(_("✖️ Stop"), Route.STAFF, Action.ABORT)])
    text = "✏️ <b>" + esc(draft.data["title"]) + "</b>\n" + _("Do you mean a time or a date?")
    await context.store.drafts.save(context.user.id, draft, context.now())
    await send(update, context, Screen(text, keyboard(rows)))


async def _got_time(update: Update, context: BotContext, draft: Draft, value: str) -> None:
    _ = context._
    data = dict(draft.data, time=value)
    try:
        starts = _starts(context, Draft(draft.kind, draft.step, data))
    except validate.NonexistentTime:
        return await _step(
            update,
            context,
            draft,
            _("That time does not exist that night (the clocks skip an hour). Pick another."),
        )
    except validate.AmbiguousTime:
        return await _step(
            update,
            context,
            draft,
            _("That time happens twice that night (the clocks go back). Pick another."),
        )
    except ValueError:
        return await _step(
            update, context, draft, _("I can't read that time. Write it like 14, 14.30 or 14:30.")
        )
    if starts <= context.now():
        return await _step(update, context, draft, _("That time has passed. Pick a later one."))
    if draft.kind == EDIT:
        return await _finish_edit(update, context, draft, starts=starts)
    await _step(update, context, _next(draft, data))


async def _got_place(update: Update, context: BotContext, draft: Draft, place: str) -> None:
    if draft.kind == EDIT:
        return await _finish_edit(update, context, draft, place=place)
    data = dict(draft.data, place=place)
    await _step(update, context, _next(draft, data))


async def _got_capacity(update: Update, context: BotContext, draft: Draft, value: str) -> None:
    _ = context._
    if not value.isdigit():
        return await _step(update, context, draft, _("Please write a whole number, like 12."))
    places = int(value)
    typed_zero = update.callback_query is None and places == 0
    if typed_zero or places > CAPACITY_MAX:
        return await _step(
            update,
            context,
            draft,
            _("The number of places must be from 1 to {n}.", n=CAPACITY_MAX),
        )
    if draft.kind == EDIT:
        return await _finish_edit(update, context, draft, capacity=places or None)
    await _step(update, context, _next(draft, dict(draft.data, capacity=places)))


async def _got_guest(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    _ = context._
    try:
        name = validate.clean_text(text, "name", 40, required=True)
    except ValueError:
        return await _step(
            update, context, draft, _("Write just a first name (at most 40 characters).")
        )
    assert context.user is not None
    result = await context.store.signups.join_guest(
        draft.data["activity"], name, context.user.id, context.now()
    )
    await context.store.drafts.delete(context.user.id)
    if result.outcome is JoinOutcome.UNAVAILABLE:
        return await show_stale(update, context)
    if result.outcome is JoinOutcome.WAITLISTED:
        notice = _(
            "It was full, so {name} is number {n} on the waiting list.",
            name=esc(name),
            n=result.position,
        )
    else:
        notice = _("{name} is signed up.", name=esc(name))
    await show_card(update, context, draft.data["activity"], 0, notice)


async def _finish_edit(
    update: Update,
    context: BotContext,
    draft: Draft,
    *,
    starts: int | None = None,
    place: str | None = None,
    capacity: int | None = None,
) -> None:
    assert context.user is not None
    store, now, planner = context.store, context.now(), context.services.planner
    activity_id = draft.data["activity"]
    if draft.data["field"] == "c":
        changed = await store.edits.set_capacity(activity_id, capacity, now, planner)
    else:
        changed = await store.edits.change(
            activity_id, now, planner, starts_at=starts, place=place
        )
    await store.drafts.delete(context.user.id)
    if not changed:
        return await show_stale(update, context, await store.activities.get(activity_id))
    context.services.wake_dispatcher()
    notice = context._("Saved. Everyone signed up gets a message.")
    if (
        draft.data["field"] != "c"
    ):  # time or place: one message per burst, see store.change_activity
        told = await store.notifications.pending_changes(activity_id, now)
        notice = context._("Saved. Nobody needs a message.")
        if told:
            notice = context._.ngettext(
                "Saved. {n} person gets a message within 10 minutes.",
                "Saved. {n} people get a message within 10 minutes.",
                told,
            )
    view = await store.signups.view(activity_id, context.user.id)
    if capacity is not None and view is not None and view.confirmed > capacity:
        notice += " " + context._(
            "{n} are signed up already – nobody is taken off.", n=view.confirmed
        )
    notice += await guests_warning(context, activity_id)
    await show_card(update, context, activity_id, 0, notice)


async def guests_warning(context: BotContext, activity_id: int) -> str:
    """Guests signed up at the counter have no phone: staff must tell them themselves."""
    guests = await context.store.signups.guests(activity_id)
    if not guests:
        return ""
    names = summarise([esc(name) for _id, name in guests], GUESTS_WARNING_ROOM, context._)
    return " " + context._("{names} have no phone – tell them yourself.", names=names)


async def _create(update: Update, context: BotContext, draft: Draft) -> None:
    assert context.user is not None
    d = draft.data
    try:
        starts = _starts(context, draft)
    except ValueError:
        return await _step(update, context, Draft(draft.kind, "time", d))
    if starts <= context.now():
        return await _step(
            update,
            context,
            Draft(draft.kind, "time", d),
            context._("That time has passed. Pick a later one."),
        )
    new = NewActivity(
        d["centre"],
        d["title"],
        starts,
        place=d["place"],
        capacity=d["capacity"] or None,
        created_by=context.user.id,
    )
    (activity_id,) = await context.store.activities.add([new], context.now())
    await context.store.drafts.delete(context.user.id)
    link = f"https://t.me/{context.bot.username}?start=a-{activity_id}"
    text = context._(
        "✅ Created! Users find it under 📅 Activities. Link for a poster: {link}", link=link
    )
    await show(update, context, Screen(text))
    await show_card_new(update, context, activity_id)


async def show_card_new(update: Update, context: BotContext, activity_id: int) -> None:
    """The new activity's card as a fresh message, with the staff buttons."""
    assert context.user is not None
    view = await context.store.signups.view(activity_id, context.user.id)
    screen = await view_screen(context, view, 0)
    if screen is not None:
        await send(update, context, screen)


async def _back(update: Update, context: BotContext, draft: Draft) -> None:
    steps = _steps(draft)
    step = "day" if draft.step == "otherday" else draft.step
    index = steps.index(step)
    if draft.step == "otherday":
        return await _step(update, context, Draft(draft.kind, "day", draft.data))
    if index == 0:
        return await abort(update, context)
    await _step(update, context, Draft(draft.kind, steps[index - 1], draft.data))


async def abort(update: Update, context: BotContext) -> None:
    """Stop the dialog; nothing was made or changed."""
    assert context.user is not None
    await context.store.drafts.delete(context.user.id)
    await show(update, context, Screen(context._("OK – nothing was changed.")))


async def on_edit(update: Update, context: BotContext) -> None:
    """A staff button on a card: start changing time, place or places, a guest, or cancel."""
    args = await tapped_args(update, context)
    ids = callbacks.ints(args[:1], 1) if args is not None and len(args) == 2 else None
    if args is None or ids is None or args[1] not in EDIT_FIELDS:
        return await show_stale(update, context)
    activity = await context.store.activities.get(ids[0])
    if activity is None or not is_open(activity, context.now()):
        return await show_stale(update, context, activity)
    if not (await context.access()).can_manage(activity.centre_id):
        return await deny(update, context)
    if args[1] == "x":
        question = context._(
            "Cancel {title} ({when})? Everyone signed up gets a message.",
            title="<b>" + esc(activity.title) + "</b>",
            when=esc(when(context, activity)),
        )
        yes = button(context._("Yes, cancel it"), Route.STAFF, Action.CANCEL_OK, activity.id)
        no = button(context._("No, keep it"), Route.ACTIVITY, Action.SHOW, activity.id, 0)
        return await show(update, context, Screen(question, keyboard([[yes], [no]])))
    tz = activity.timezone or context.config.bot.timezone
    current = {
        "t": when(context, activity),
        "p": activity.place or "–",
        "c": str(activity.capacity) if activity.capacity else context._("No limit"),
        "g": "",
    }[args[1]]
    data = {
        "activity": activity.id,
        "field": args[1],
        "title": activity.title,
        "centre": activity.centre_id,
        "tz": tz,
        "places": await context.store.activities.recent_places(activity.centre_id),
        "current": current,
        "same_day": datetime.fromtimestamp(activity.starts_at, ZoneInfo(tz)).date().isoformat(),
    }
    draft = Draft(EDIT, STEPS[args[1]][0], data)
    await _step(update, context, draft)


async def on_cancel_ok(update: Update, context: BotContext) -> None:
    ids = peek(update, 1)
    activity = await context.store.activities.get(ids[0]) if ids else None
    if activity is None:
        return await show_stale(update, context)
    if not (await context.access()).can_manage(activity.centre_id):
        return await deny(update, context)
    if activity.status == "cancelled":  # a second tap on "Ja, aflys den"
        return await context.answer_query(update, context._("✅ That is done already."))
    await context.answer_query(update)
    if not await context.store.edits.cancel(activity.id, context.now()):
        return await show_stale(update, context, activity)
    context.services.wake_dispatcher()
    text = context._(
        "{title} is cancelled. Everyone signed up gets a message.",
        title="<b>" + esc(activity.title) + "</b>",
    ) + await guests_warning(context, activity.id)
    await show(update, context, Screen(text))


async def on_unguest(update: Update, context: BotContext) -> None:
    """Take a guest (signed up at the counter) off again; the waiting list moves up."""
    ids = peek(update, 1)
    activity = await context.store.signups.guest_activity(ids[0]) if ids else None
    if ids is None or activity is None:
        return await show_stale(update, context)
    if not (await context.access()).can_manage(activity.centre_id):
        return await deny(update, context)
    await context.answer_query(update)
    if (
        await context.store.signups.cancel_guest(ids[0], context.now(), context.services.planner)
        is None
    ):
        return await show_card(update, context, activity.id, 0)
    context.services.wake_dispatcher()
    await show_card(update, context, activity.id, 0, context._("The guest is taken off."))


HANDLERS = [
    CommandHandler(["ny_aktivitet", "new_activity"], cmd_new_activity),
    CallbackQueryHandler(on_unguest, pattern=callbacks.pattern(Route.STAFF, Action.UNGUEST)),
    CallbackQueryHandler(on_edit, pattern=callbacks.pattern(Route.STAFF, Action.EDIT)),
    CallbackQueryHandler(on_cancel_ok, pattern=callbacks.pattern(Route.STAFF, Action.CANCEL_OK)),
    CallbackQueryHandler(on_button, pattern=callbacks.pattern_any(Route.STAFF, *STEP_ACTIONS)),
]
