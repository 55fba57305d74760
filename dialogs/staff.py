"""Staff: make an activity in a few taps and one typed title (/ny_aktivitet).

Who: staff of a centre (admins: any centre and national). Entry: /ny_aktivitet. Steps: centre
(if more than one) → title (typed) → day → time → repeat (every week, every other week, only
once) → for a series its end (until further notice, or a typed date) → place → places → preview
(a series: its next four dates) → "Opret"; each
step has "Tilbage" and "Fortryd", and typing works where a button would. The same step
handlers (on_button, on_text) run the card's ✏️ changes (dialogs/card_edits.py); what each step
shows is dialogs/staff_steps.py render_step.
State: the draft table (a restart mid-dialog loses nothing). Every tap re-checks the role.
Writes: activity; a series (bot/store/series.py) with its dates on the window.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks, validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.activities import NewActivity
from bot.store.drafts import Draft
from dialogs.browse import show_stale, view_screen
from dialogs.card_edits import finish_edit, got_guest
from dialogs.common import (
    PAGE_SIZE,
    Screen,
    button,
    esc,
    keyboard,
    search_centres,
    send,
    show,
    turn_page,
)
from dialogs.staff_steps import (
    EDIT,
    NEW,
    STEP_ACTIONS,
    abort,
    deny,
    draft_starts,
    go_back,
    got_until,
    load_draft,
    new_series,
    next_step,
    render_step,
    repeat_text,
    show_step,
    today_in,
)


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


async def on_button(update: Update, context: BotContext) -> None:
    """Every tap inside the dialog: check it belongs to the current step, then go on."""
    cb = callbacks.decode(update.callback_query.data if update.callback_query else None)
    if cb is None:
        return await show_stale(update, context)
    draft = await load_draft(update, context)
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
        Action.REPEAT: "repeat",
        Action.UNTIL: "until",
    }
    if cb.action is Action.ABORT:
        return await abort(update, context)
    if cb.action is Action.BACK:
        return await go_back(update, context, draft)
    another_day = cb.action is Action.OTHER_DAY and draft.step == "time"  # a series' one date
    if expected.get(cb.action) != draft.step and not another_day:
        notice = context._("That button is out of date – here is where you are.")
        return await show_step(update, context, draft, notice)
    await _apply(update, context, draft, cb.action, args)


async def _apply(
    update: Update, context: BotContext, draft: Draft, action: Action, args: tuple[str, ...]
) -> None:
    d = dict(draft.data)
    value = args[0] if args else ""
    if action is Action.CENTRE and value == "p":  # another page of the centres (ends a search)
        page = callbacks.number(args[1]) if len(args) > 1 else None
        return await show_step(update, context, Draft(draft.kind, "centre", turn_page(d, page)))
    if action is Action.CENTRE:
        cid = callbacks.number(value)
        if cid is None or cid not in [c for c, _ in d["centres"]]:
            return await deny(update, context)
        if not (await context.access()).can_manage(cid or None):
            return await deny(update, context)
        chosen = await _with_centre(context, draft, cid)
        return await show_step(update, context, next_step(chosen, chosen.data))
    if action is Action.OTHER_DAY:
        step = "day" if draft.step == "time" else "otherday"  # from the time: the day buttons
        return await show_step(update, context, Draft(draft.kind, step, d))
    if action is Action.DAY:  # a day, or (from "5.12: time or date?") a day and a time
        clock = args[1] if len(args) > 1 else ""
        return await _got_day(update, context, draft, value, typed=False, clock=clock)
    if action is Action.TIME:
        return await _got_time(update, context, draft, f"{value[:2]}:{value[2:]}")
    if action is Action.PLACE:
        index = callbacks.number(value)
        if index is None or index >= len(d["places"]):
            return await show_step(update, context, draft)
        return await _got_place(update, context, draft, d["places"][index])
    if action is Action.CAPACITY:
        return await _got_capacity(update, context, draft, value)
    if action is Action.REPEAT:
        every = callbacks.number(value)
        if every not in (0, 1, 2):
            return await show_step(update, context, draft)
        data = dict(d, every=every, until=None)
        return await show_step(update, context, next_step(draft, data))
    if action is Action.UNTIL:
        return await show_step(update, context, next_step(draft, dict(d, until=None)))
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
        if draft.step not in ("centre", "repeat", "preview"):
            problem = _("Please write it as text.")
        return await show_step(update, context, draft, problem)
    if draft.step == "title":
        try:
            title = validate.clean_text(text, "title", validate.TITLE_MAX, required=True)
        except ValueError:
            problem = _(
                "The title can be at most {n} characters, on one line. Try again.",
                n=validate.TITLE_MAX,
            )
            return await show_step(update, context, draft, problem)
        return await show_step(update, context, next_step(draft, dict(draft.data, title=title)))
    if draft.step in ("day", "otherday"):
        return await _got_day(update, context, draft, text, typed=True)
    if draft.step == "time":
        try:
            hour, minute = validate.clock_time(text)
        except ValueError:
            return await show_step(
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
            return await show_step(update, context, draft, problem)
        return await _got_place(update, context, draft, place)
    if draft.step == "capacity":
        return await _got_capacity(update, context, draft, text.strip())
    if draft.step == "until":
        return await got_until(update, context, draft, text)
    if draft.step == "guest":
        return await got_guest(update, context, draft, text)
    if draft.step == "centre" and len([c for c in draft.data["centres"] if c[0]]) > PAGE_SIZE:
        d, notice = await search_centres(context, text, draft.data)
        return await show_step(update, context, Draft(draft.kind, "centre", d), notice)
    await show_step(update, context, draft, _("Please tap one of the buttons."))


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
    today = today_in(context, draft)
    hour_minute: tuple[int, int] | None = None
    if typed:
        readings = _readings(draft, value, today)
        if len(readings) > 1:
            return await _ask_day_or_time(update, context, draft, readings)
        if not readings:
            problem = _("I can't read that date. Write it like 5/12 or 5.12.2026.")
            if draft.data.get("same_day"):
                problem = _("I can't read that. Write a time like 18.30, or a date like 5/12.")
            return await show_step(update, context, draft, problem)
        chosen, hour_minute = readings[0]
    else:
        try:
            chosen = datetime.strptime(value, "%Y%m%d").date()
            if clock:
                moment = datetime.strptime(clock, "%H%M")
                hour_minute = moment.hour, moment.minute
        except ValueError:
            problem = _("I can't read that date. Write it like 5/12 or 5.12.2026.")
            return await show_step(update, context, draft, problem)
    if chosen < today:
        return await show_step(update, context, draft, _("That day has passed. Pick another day."))
    if chosen > today + timedelta(days=validate.AHEAD_MAX_DAYS):
        return await show_step(update, context, draft, _("That is more than a year ahead."))
    data = dict(draft.data, day=chosen.isoformat())
    if hour_minute is not None:
        at = "{:02d}:{:02d}".format(*hour_minute)
        return await _got_time(update, context, Draft(draft.kind, "time", data), at)
    await show_step(update, context, next_step(Draft(draft.kind, "day", data), data))


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
        starts = draft_starts(context, Draft(draft.kind, draft.step, data))
    except validate.NonexistentTime:
        return await show_step(
            update,
            context,
            draft,
            _("That time does not exist that night (the clocks skip an hour). Pick another."),
        )
    except validate.AmbiguousTime:
        return await show_step(
            update,
            context,
            draft,
            _("That time happens twice that night (the clocks go back). Pick another."),
        )
    except ValueError:
        return await show_step(
            update, context, draft, _("I can't read that time. Write it like 14, 14.30 or 14:30.")
        )
    if starts <= context.now():
        return await show_step(
            update, context, draft, _("That time has passed. Pick a later one.")
        )
    if draft.kind == EDIT:
        return await finish_edit(update, context, draft, starts=starts)
    await show_step(update, context, next_step(draft, data))


async def _got_place(update: Update, context: BotContext, draft: Draft, place: str) -> None:
    if draft.kind == EDIT:
        return await finish_edit(update, context, draft, place=place)
    data = dict(draft.data, place=place)
    await show_step(update, context, next_step(draft, data))


async def _got_capacity(update: Update, context: BotContext, draft: Draft, value: str) -> None:
    _ = context._
    if not value.isdigit():
        return await show_step(update, context, draft, _("Please write a whole number, like 12."))
    places = int(value)
    typed_zero = update.callback_query is None and places == 0
    if typed_zero or places > validate.CAPACITY_MAX:
        return await show_step(
            update,
            context,
            draft,
            _("The number of places must be from 1 to {n}.", n=validate.CAPACITY_MAX),
        )
    if draft.kind == EDIT:
        return await finish_edit(update, context, draft, capacity=places or None)
    await show_step(update, context, next_step(draft, dict(draft.data, capacity=places)))


async def _create(update: Update, context: BotContext, draft: Draft) -> None:
    assert context.user is not None
    d = draft.data
    try:
        starts = draft_starts(context, draft)
    except ValueError:
        return await show_step(update, context, Draft(draft.kind, "time", d))
    if starts <= context.now():
        return await show_step(
            update,
            context,
            Draft(draft.kind, "time", d),
            context._("That time has passed. Pick a later one."),
        )
    if d.get("every"):
        return await _create_series(update, context, draft)
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


async def _create_series(update: Update, context: BotContext, draft: Draft) -> None:
    """Make the series and its dates within the window; say how it repeats."""
    assert context.user is not None
    _ = context._
    new = new_series(draft, context.user.id)
    if new.until_date is not None and new.until_date < new.first_date:
        first = _.day(new.first_date)
        problem = _(
            "The last time can't be before the first ({day}). Write a later date.", day=first
        )
        return await show_step(update, context, Draft(draft.kind, "until", draft.data), problem)
    weeks = context.config.programme.weeks_ahead
    try:
        _series_id, ids = await context.store.series.create(new, context.now(), weeks)
    except ValueError:  # the time is skipped or doubled by summer time on one of its days
        problem = _("That time does not work on one of the days (summer time). Pick another.")
        return await show_step(update, context, Draft(draft.kind, "time", draft.data), problem)
    await context.store.drafts.delete(context.user.id)
    repeat = repeat_text(context, draft)
    text = _("✅ Created! {title} {repeat}.", title=esc(new.title), repeat=repeat)
    window_last = today_in(context, draft) + timedelta(days=7 * weeks - 1)
    if new.until_date is not None and new.until_date <= window_last:  # all its dates are made
        text += " " + _.ngettext("{n} date is ready.", "{n} dates are ready.", len(ids))
    else:
        text += " " + _.ngettext("The next week is ready.", "The next {n} weeks are ready.", weeks)
    await show(update, context, Screen(text))
    if ids:
        await show_card_new(update, context, ids[0])


async def show_card_new(update: Update, context: BotContext, activity_id: int) -> None:
    """The new activity's card as a fresh message, with the staff buttons."""
    assert context.user is not None
    view = await context.store.signups.view(activity_id, context.user.id)
    screen = await view_screen(context, view, 0)
    if screen is not None:
        await send(update, context, screen)


HANDLERS = [
    CommandHandler(["ny_aktivitet", "new_activity"], cmd_new_activity),
    CallbackQueryHandler(on_button, pattern=callbacks.pattern_any(Route.STAFF, *STEP_ACTIONS)),
]
