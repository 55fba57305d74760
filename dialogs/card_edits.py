"""Staff buttons on an activity card: ✏️ Tid, ✏️ Sted, ✏️ Pladser, a sign-up without a phone,
taking such a sign-up off again, and 🗑️ Aflys.

Who: staff of the activity's centre (admins: any). Entry: the staff buttons on a card
(dialogs/browse.py). The steps themselves run in dialogs/staff.py (on_button, on_text), on a
draft of kind EDIT. Every tap re-checks the role.
Writes: signup (sign-ups without a phone), notifications (through store: changes, cancellations).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks, validate
from bot.access import Access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator
from bot.store.activities import Activity
from bot.store.drafts import Draft
from bot.store.edits import SeriesEdit
from bot.store.signups import JoinOutcome, MovedUp
from dialogs import series_edits
from dialogs.browse import is_open, show_card, show_stale, when
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    peek,
    plain_length,
    show,
    summarise,
    tapped_args,
)
from dialogs.staff_steps import EDIT, STEPS, deny, show_step

GUESTS_WARNING_ROOM = 500  # characters of names in "… have no phone" above the card
EDIT_FIELDS = ("t", "p", "c", "g", "x")  # time, place, capacity, guest, cancel


async def on_edit(update: Update, context: BotContext, scope: str = "") -> None:
    """A staff button on a card: start changing time, place or places, a guest, or cancel.
    A sign-up without a phone ("g") may name the centre the person counts for (a national
    activity: any centre's staff sign up their own people, counted for their centre). On a
    date of a series, time, place, places and cancel first ask `scope`: "one" (Kun denne
    gang) or "all" (Denne og alle de næste)."""
    args = await tapped_args(update, context)
    size = len(args) if args is not None else 0
    ids = callbacks.ints(args[:1], 1) if args is not None and size in (2, 3) else None
    if args is None or ids is None or args[1] not in EDIT_FIELDS:
        return await show_stale(update, context)
    if size == 3 and (args[1] != "g" or scope):  # only a sign-up without a phone names a centre
        return await show_stale(update, context)
    if scope and args[1] == "g":
        return await show_stale(update, context)
    activity = await context.store.activities.get(ids[0])
    if activity is None or not is_open(activity, context.now()):
        return await show_stale(update, context, activity)
    access = await context.access()
    counted_for = activity.centre_id
    if args[1] == "g" and activity.centre_id is None:
        counted_for = counter_centre(access, args[2] if size == 3 else "")
        if counted_for is None and not access.can_manage(None):
            return await deny(update, context)
    elif not access.can_manage(activity.centre_id):
        return await deny(update, context)
    following = (
        None if args[1] == "g" else await context.store.edits.following(ids[0], context.now())
    )
    if following is None and scope:  # not (any more) a date of a running series
        return await show_stale(update, context, activity)
    if following is not None and not scope:
        return await show(
            update, context, series_edits.scope_question(context, activity, args[1], following)
        )
    if scope == "all" and args[1] == "x":
        return await show(update, context, series_edits.end_question(context, activity, following))
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
        "centre": counted_for,  # whose staff may go on (a national activity: the signer's)
        "counted_for": counted_for,
        "tz": tz,
        "places": await context.store.activities.recent_places(activity.centre_id),
        "current": current,
        "same_day": datetime.fromtimestamp(activity.starts_at, ZoneInfo(tz)).date().isoformat(),
    }
    step = STEPS[args[1]][0]
    if scope == "all":  # the series: the weekday stays, so a time alone
        data.update(
            scope="all",
            day=data["same_day"],
            current=context._("{when}, and all the following", when=current),
        )
        step = STEPS[args[1]][-1]
    elif scope == "one" and args[1] == "t":  # the same time buttons, on its day ("📅 Another day")
        data.update(scope="one", day=data["same_day"])
        step = STEPS["t"][-1]
    draft = Draft(EDIT, step, data)
    await show_step(update, context, draft)


async def on_edit_one(update: Update, context: BotContext) -> None:
    """ "Kun denne gang": change just this date (it keeps its change when the series changes)."""
    await on_edit(update, context, "one")


async def on_edit_all(update: Update, context: BotContext) -> None:
    """ "Denne og alle de næste": change the series from this date on."""
    await on_edit(update, context, "all")


async def _to_cancel(update: Update, context: BotContext) -> Activity | None:
    """The activity a "Ja, aflys den" / "Ja, stop den" tap is about, when it may be cancelled
    now; None once the tap is answered otherwise (an old button, no rights, a second tap)."""
    ids = peek(update, 1)
    activity = await context.store.activities.get(ids[0]) if ids else None
    if activity is None:
        await show_stale(update, context)
        return None
    if not (await context.access()).can_manage(activity.centre_id):
        await deny(update, context)
        return None
    if activity.status == "cancelled":  # a second tap
        await context.answer_query(update, context._("✅ That is done already."))
        return None
    await context.answer_query(update)
    return activity


async def on_end_ok(update: Update, context: BotContext) -> None:
    """ "Ja, stop den": the series ends from this date; each person is told once."""
    activity = await _to_cancel(update, context)
    if activity is None:
        return
    ended = await context.store.edits.end_following(activity.id, context.now())
    if ended is None:
        return await show_stale(update, context, activity)
    context.services.wake_dispatcher()
    _ = context._
    text = _.ngettext(
        "{title} stops. {n} date is cancelled.",
        "{title} stops. {n} dates are cancelled.",
        ended.dates,
        title="<b>" + esc(activity.title) + "</b>",
    )
    text += " " + series_edits.told_line(context, ended.told)
    await show(
        update, context, Screen(text + await guests_warning(context, activity.id, waiting=True))
    )


async def finish_series(
    update: Update,
    context: BotContext,
    draft: Draft,
    starts: int | None,
    place: str | None,
    capacity: int | None,
) -> None:
    """The end of an edit of "Denne og alle de næste": the series and its dates change."""
    assert context.user is not None
    store, now, planner, _ = context.store, context.now(), context.services.planner, context._
    activity_id = draft.data["activity"]
    result: SeriesEdit | None
    if draft.data["field"] == "c":
        result = await store.edits.capacity_following(activity_id, capacity, now, planner)
    else:
        local_time = None
        if starts is not None:
            local_time = datetime.fromtimestamp(starts, ZoneInfo(draft.data["tz"])).strftime(
                "%H:%M"
            )
        try:
            result = await store.edits.change_following(
                activity_id, now, planner, local_time=local_time, place=place
            )
        except ValueError:  # a later date falls in the hour the clocks skip or repeat
            problem = _(
                "That time does not exist on one of the dates (the clocks change). Pick another."
            )
            return await show_step(update, context, draft, problem)
    await store.drafts.delete(context.user.id)
    if result is None:
        return await show_stale(update, context, await store.activities.get(activity_id))
    context.services.wake_dispatcher()
    notice = _.ngettext("Saved for {n} date.", "Saved for {n} dates.", result.dates)
    if draft.data["field"] != "c":
        notice += " " + series_edits.told_line(context, result.told)
    elif result.moved_up:
        notice += " " + _.ngettext(
            "{n} moves up from the waiting list and gets a message.",
            "{n} move up from the waiting list and get a message.",
            len(result.moved_up),
        )
    if result.guests:
        names = [esc(name) for name in result.guests]
        notice += " " + no_phone_line(names, GUESTS_WARNING_ROOM, _, moved=True)
    await show_card(update, context, activity_id, 0, notice)


def counter_centre(access: Access, tapped: str) -> int | None:
    """The centre a person signed up at the counter for a national activity counts for: the
    tapped one, or the staff member's only centre; None if neither is theirs."""
    if tapped:
        centre = callbacks.number(tapped)
        return centre if centre in access.staff_of else None
    return next(iter(access.staff_of)) if len(access.staff_of) == 1 else None


async def on_cancel_ok(update: Update, context: BotContext) -> None:
    activity = await _to_cancel(update, context)
    if activity is None:
        return
    if not await context.store.edits.cancel(activity.id, context.now()):
        return await show_stale(update, context, activity)
    context.services.wake_dispatcher()
    text = context._(
        "{title} is cancelled. Everyone signed up gets a message.",
        title="<b>" + esc(activity.title) + "</b>",
    ) + await guests_warning(context, activity.id, waiting=True)
    await show(update, context, Screen(text))


async def on_unguest(update: Update, context: BotContext) -> None:
    """Take a guest (signed up at the counter) off again; the waiting list moves up."""
    ids = peek(update, 1)
    found = await context.store.counter_signups.activity_of(ids[0]) if ids else None
    if ids is None or found is None:
        return await show_stale(update, context)
    activity, counted_for = found
    access = await context.access()
    theirs = activity.centre_id is None and counted_for in access.staff_of
    if not (access.can_manage(activity.centre_id) or theirs):
        return await deny(update, context)
    await context.answer_query(update)
    if (
        await context.store.counter_signups.cancel(ids[0], context.now(), context.services.planner)
        is None
    ):
        return await show_card(update, context, activity.id, 0)
    context.services.wake_dispatcher()
    await show_card(update, context, activity.id, 0, context._("The guest is taken off."))


async def got_guest(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    _ = context._
    try:
        name = validate.clean_text(text, "name", 40, required=True)
    except ValueError:
        return await show_step(
            update, context, draft, _("Write just a first name (at most 40 characters).")
        )
    assert context.user is not None
    result = await context.store.counter_signups.join(
        draft.data["activity"], name, context.user.id, context.now(), draft.data.get("counted_for")
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


async def finish_edit(
    update: Update,
    context: BotContext,
    draft: Draft,
    *,
    starts: int | None = None,
    place: str | None = None,
    capacity: int | None = None,
) -> None:
    assert context.user is not None
    if draft.data.get("scope") == "all":
        return await finish_series(update, context, draft, starts, place, capacity)
    store, now, planner = context.store, context.now(), context.services.planner
    activity_id = draft.data["activity"]
    _ = context._
    moved: MovedUp | None = None
    if draft.data["field"] == "c":
        moved = await store.edits.set_capacity(activity_id, capacity, now, planner)
        changed = moved is not None
    else:
        changed = await store.edits.change(
            activity_id, now, planner, starts_at=starts, place=place
        )
    await store.drafts.delete(context.user.id)
    if not changed:
        return await show_stale(update, context, await store.activities.get(activity_id))
    context.services.wake_dispatcher()
    if moved is not None:  # places: only those who move up are told (the rest keep theirs)
        notice = _("Saved.")
        if moved.told:
            notice += " " + _.ngettext(
                "{n} moves up from the waiting list and gets a message.",
                "{n} move up from the waiting list and get a message.",
                len(moved.told),
            )
        if moved.guests:
            names = [esc(name) for name in moved.guests]
            notice += " " + no_phone_line(names, GUESTS_WARNING_ROOM, _, moved=True)
    else:  # time or place: one message per burst, see store.change_activity
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
    if moved is None:  # a new time or place: those with a place get a message
        notice += await guests_warning(context, activity_id, waiting=False)
    await show_card(update, context, activity_id, 0, notice)


async def guests_warning(context: BotContext, activity_id: int, *, waiting: bool) -> str:
    """People signed up at the counter have no phone: staff must tell them themselves. Those
    who would have got the message with a phone: with a place (and with `waiting`, those on
    the waiting list too, marked so)."""
    _ = context._
    guests = await context.store.counter_signups.of(activity_id)
    names = [
        _("{name} (waiting)", name=esc(g.name)) if g.waiting else esc(g.name)
        for g in guests
        if waiting or not g.waiting
    ]
    return " " + no_phone_line(names, GUESTS_WARNING_ROOM, _) if names else ""


def no_phone_line(names: Sequence[str], room: int, _: Translator, *, moved: bool = False) -> str:
    """ "1 person has no phone. Tell Hans yourself." / "3 people have no phone. Tell them
    yourself: Ole, Bent, Hans." (`moved`: they moved up from the waiting list) with as many of
    `names` (HTML) as fit in `room` characters."""

    def line(listed: str) -> str:
        if moved:
            return _.ngettext(
                "{n} person without a phone moves up from the waiting list. Tell {names} yourself.",
                "{n} people without a phone move up from the waiting list. Tell them yourself:"
                " {names}.",
                len(names),
                names=listed,
            )
        return _.ngettext(
            "{n} person has no phone. Tell {names} yourself.",
            "{n} people have no phone. Tell them yourself: {names}.",
            len(names),
            names=listed,
        )

    return line(summarise(names, room - plain_length(line("")), _))


HANDLERS = [
    CallbackQueryHandler(on_unguest, pattern=callbacks.pattern(Route.STAFF, Action.UNGUEST)),
    CallbackQueryHandler(on_edit, pattern=callbacks.pattern(Route.STAFF, Action.EDIT)),
    CallbackQueryHandler(on_cancel_ok, pattern=callbacks.pattern(Route.STAFF, Action.CANCEL_OK)),
    CallbackQueryHandler(on_edit_one, pattern=callbacks.pattern(Route.STAFF, Action.EDIT_ONE)),
    CallbackQueryHandler(on_edit_all, pattern=callbacks.pattern(Route.STAFF, Action.EDIT_ALL)),
    CallbackQueryHandler(on_end_ok, pattern=callbacks.pattern(Route.STAFF, Action.END_OK)),
]
