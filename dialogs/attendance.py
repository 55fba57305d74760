"""Attendance on the day: who came, one tap per name, and "+ 1 uden tilmelding" for walk-ins.

Who: the staff and coordinators of the activity's centre, and admins; at a national activity each
centre's staff and coordinators tick their own people (those the figures count for their centre)
and count their own walk-ins. Entry: "✔️ Fremmøde" on a coordinator's card (dialogs/counts.py).
It can be corrected all day. Writes: attendance.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.access import Access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.activities import Activity
from dialogs.browse import show_stale
from dialogs.common import Screen, button, esc, keyboard, short, show, tapped
from dialogs.staff_steps import deny

MAX_NAME_BUTTONS = 40


def is_today(context: BotContext, activity: Activity) -> bool:
    """Attendance is ticked, and corrected, on the day of the activity."""
    tz = ZoneInfo(activity.timezone or context.config.bot.timezone)
    day = datetime.fromtimestamp(activity.starts_at, tz).date()
    return datetime.fromtimestamp(context.now(), tz).date() == day


async def activity_for(update: Update, context: BotContext, activity_id: int) -> Activity | None:
    """The activity, if the user may see its figures; otherwise say why and return None."""
    activity = await context.store.activities.get(activity_id)
    if activity is None:
        await show_stale(update, context)
        return None
    if not (await context.access()).can_view(activity.centre_id):
        await deny(update, context)
        return None
    return activity


def counts_for(access: Access, activity: Activity) -> list[int] | None:
    """Whose walk-ins ("+ guest") a person counts at an activity. At a centre's own activity
    every walk-in is that centre's: None (all of them). At a national activity, their own
    centres' (0: none, for an admin of no centre); "+ guest" counts for the first of them (the
    lowest id: a card carries no centre, so a person at two centres counts for the same one
    every time), "− guest" takes back the latest of theirs, never another centre's."""
    if activity.centre_id is not None:
        return None
    return sorted(access.staff_of | access.coordinator_of) or [0]


async def attendance_screen(
    context: BotContext, activity: Activity, scope: list[int] | None, notice: str = ""
) -> Screen:
    _ = context._
    people = [
        p for p in await context.store.counts.participants(activity.id, scope) if not p.waitlisted
    ]
    walk_ins = await context.store.attendance.walk_ins(
        activity.id, scope
    )  # as far as they see names
    own = await context.store.attendance.walk_ins(
        activity.id, counts_for(await context.access(), activity)
    )
    came = sum(p.attended for p in people) + walk_ins
    lines = [notice, ""] if notice else []
    lines += [
        _("✔️ Attendance – {title}", title="<b>" + esc(activity.title) + "</b>"),
        _("Tap the people who came."),
        _("Came: {n} (of them {walk_ins} without signing up)", n=came, walk_ins=walk_ins),
    ]
    rows = []
    for p in people[:MAX_NAME_BUTTONS]:
        mark = "✅" if p.attended else "⬜"
        label = f"{mark} {short(p.name)}" + (" " + _("(guest)") if p.guest else "")
        rows.append([button(label, Route.COUNTS, Action.ATTEND, activity.id, p.signup_id)])
    walk = [button(_("+ guest"), Route.COUNTS, Action.WALK_IN, activity.id, 1)]
    if own:
        walk.append(button(_("− guest"), Route.COUNTS, Action.WALK_IN, activity.id, 0))
    rows.append(walk)
    rows.append([button(_("⬅️ Back"), Route.COUNTS, Action.SHOW, activity.id, 0)])
    return Screen("\n".join(lines), keyboard(rows))


async def _attendance_allowed(
    update: Update, context: BotContext, activity_id: int
) -> tuple[Activity, list[int] | None] | None:
    """The activity and whose attendance the user may tick, or None (having said why)."""
    activity = await activity_for(update, context, activity_id)
    if activity is None:
        return None
    scope = (await context.access()).name_scope(activity.centre_id)
    if scope is False:
        await deny(update, context)
        return None
    if not is_today(context, activity) or activity.status != "scheduled":
        notice = context._("Attendance is ticked on the day of the activity.")
        await show(update, context, Screen(notice))
        return None
    return activity, scope


async def on_attendance(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    allowed = await _attendance_allowed(update, context, ids[0]) if ids else None
    if ids is None:
        return await show_stale(update, context)
    if allowed is not None:
        await show(update, context, await attendance_screen(context, *allowed))


async def on_attend(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    allowed = await _attendance_allowed(update, context, ids[0]) if ids else None
    if ids is None:
        return await show_stale(update, context)
    if allowed is None:
        return
    activity, scope = allowed
    visible = {p.signup_id for p in await context.store.counts.participants(activity.id, scope)}
    if ids[1] not in visible:  # someone else's person, or a forged id
        return await deny(update, context)
    assert context.user is not None
    await context.store.attendance.toggle(activity.id, ids[1], context.user.id, context.now())
    await show(update, context, await attendance_screen(context, activity, scope))


async def on_walk_in(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    allowed = await _attendance_allowed(update, context, ids[0]) if ids else None
    if ids is None or ids[1] > 1:
        return await show_stale(update, context)
    if allowed is None:
        return
    activity, scope = allowed
    assert context.user is not None
    centres = counts_for(await context.access(), activity)
    if ids[1]:
        centre = activity.centre_id if centres is None else centres[0] or None
        await context.store.attendance.add_walk_in(
            activity.id, centre, context.user.id, context.now()
        )
    else:
        await context.store.attendance.remove_walk_in(activity.id, centres)
    await show(update, context, await attendance_screen(context, activity, scope))


HANDLERS = [
    CallbackQueryHandler(
        on_attendance, pattern=callbacks.pattern(Route.COUNTS, Action.ATTENDANCE)
    ),
    CallbackQueryHandler(on_attend, pattern=callbacks.pattern(Route.COUNTS, Action.ATTEND)),
    CallbackQueryHandler(on_walk_in, pattern=callbacks.pattern(Route.COUNTS, Action.WALK_IN)),
]
