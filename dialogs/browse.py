"""Browse: the list of upcoming activities and one activity's card.

Who: users. Entry: "📅 Aktiviteter", /aktiviteter, after joining a centre, /start a-<id>.
Taps from /start: the list is shown right after choosing a centre; one tap opens a card.
Writes: nothing. Also owns the screens for buttons and links that lead nowhere any more:
the fresh list, with a line saying why.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import N_, Translator
from bot.store.activities import Activity
from bot.store.counter_signups import CounterSignup
from bot.store.signups import ActivityView, SignupStatus
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    pager,
    short,
    show,
    summarise,
    tapped,
)

PAGE_SIZE = 5
DATES_PAGE = 6  # a series' dates per page (📅 Other dates)
NAMED_MAX = 6  # buttons for the activities a typed text names
MAX_PAGE = 1000
MAX_GUEST_BUTTONS = 10
MAX_COUNTER = 3  # a national card: a "sign up without a phone" button for each own centre
GUEST_NAMES_ROOM = 1000  # characters of names on the staff's card (the card stays under 4,096)
ASSUMED_LENGTH_S = 4 * 3600  # how long an activity without an end time is taken to last
_MARK = {SignupStatus.CONFIRMED: " ✅", SignupStatus.WAITLISTED: " ⏳"}
# Leaving the waiting list has these words wherever it is offered (the card, My sign-ups).
LEAVE_WAITING_LIST = N_("❌ Leave the waiting list")


def when(context: BotContext, activity: Activity) -> str:
    """When an activity starts, written the one way, in its centre's time zone."""
    timezone = activity.timezone or context.config.bot.timezone
    return context._.when(activity.starts_at, timezone, context.now())


def short_when(context: BotContext, activity: Activity) -> str:
    """When an activity starts, short enough for a button: 'Tor 17.30'."""
    timezone = activity.timezone or context.config.bot.timezone
    return context._.short_when(activity.starts_at, timezone, context.now())


def render_list(
    items: list[tuple[Activity, SignupStatus, str]],
    page: int,
    has_next: bool,
    _: Translator,
    notice: str = "",
    extra: Sequence[Sequence[InlineKeyboardButton]] = (),
    *,
    intro: bool = False,
) -> Screen:
    """The list screen: one short heading, and the activities as buttons only, each saying
    the day and time ("Tor 17.30 · Fællesspisning"): said once, one way; the card has the rest.
    With `intro`, the notice already says "here is what's on", so there is no heading."""
    lines = [notice] if notice else []
    rows: list[Sequence[InlineKeyboardButton]] = []
    if not items:
        lines.append(_("There are no activities coming up right now. Have a look again soon."))
    elif not (notice and intro):
        lines.append(_("📅 <b>What's on</b> – tap one to see more:"))
    for activity, status, day in items:
        rows.append([activity_button(activity, status, day, page)])
    rows.append(pager(Route.ACTIVITY, page, has_next, _))
    rows += extra
    return Screen("\n\n".join(lines), keyboard(rows))


def activity_button(
    activity: Activity, status: SignupStatus, day: str, page: int = 0
) -> InlineKeyboardButton:
    """An activity's button in a list: day, time and title, and ✅ or ⏳ for the user's place."""
    label = short(f"{day} · {activity.title}") + _MARK.get(status, "")
    return button(label, Route.ACTIVITY, Action.SHOW, activity.id, page)


def render_card(
    view: ActivityView,
    starts: str,
    page: int,
    _: Translator,
    notice: str = "",
    *,
    manage: bool = False,
    guests: Sequence[CounterSignup] = (),
    counter: Sequence[tuple[int, str]] = (),
    speech: bool = False,
    series: bool = False,
    fixed: bool | None = None,
) -> Screen:
    """The activity card: what, when, where, places, the user's own state and one clear button
    (`series`: a date of a series, with a button to its other dates)."""
    a = view.activity
    lines = card_lines(a, starts, _) + ["", "👥 " + _seats(view, _)]
    if manage:
        lines.append(
            _(
                "For staff: {confirmed} signed up, {waiting} waiting.",
                confirmed=view.confirmed,
                waiting=view.waitlisted,
            )
        )
    lines += guest_lines(guests, _)
    if view.my_status is SignupStatus.CONFIRMED:
        lines += ["", _("✅ You're signed up. See you there!")]
        main = button(_("❌ Cancel my place"), Route.ACTIVITY, Action.LEAVE, a.id, page)
    elif view.my_status is SignupStatus.WAITLISTED:
        lines += [
            "",
            _("⏳ You're number {n} on the waiting list.", n=view.my_position),
            _("We'll write to you if a place opens up."),
        ]
        main = button(_(LEAVE_WAITING_LIST), Route.ACTIVITY, Action.LEAVE, a.id, page)
    else:
        main = join_button(view, page, _)
    if fixed:
        lines.append(_("🔁 You have a fixed place every time."))
    if notice:
        lines += ["", notice]
    back = button(_("⬅️ Back to the list"), Route.ACTIVITY, Action.PAGE, page)
    extras = [button(_("📆 To my calendar"), Route.ACTIVITY, Action.CALENDAR, a.id)]
    if speech:
        extras.append(button(_("🔊 Read aloud"), Route.ACTIVITY, Action.SPEAK, a.id))
    rows: list[Sequence[InlineKeyboardButton]] = [[main], extras, [back]]
    if series:
        dates = button(_("📅 Other dates"), Route.ACTIVITY, Action.DATES, a.id, page, 0)
        rows.insert(2, [dates])
    if fixed is not None:  # a date of a running series (fixed places: dialogs/fixed.py)
        label, action = _("🔁 Fixed place every time"), Action.FIXED
        if fixed:
            label, action = _("Stop fixed place"), Action.UNFIX
        rows.insert(len(rows) - 1, [button(label, Route.ACTIVITY, action, a.id, page)])
    if manage:
        rows += staff_rows(a.id, _)
    for centre_id, centre in counter:  # a national activity: for the staff member's centre
        label = _("➕ Sign up a guest")
        if len(counter) > 1:
            label = _("➕ Sign up someone from {centre} without a phone", centre=short(centre))
        rows.append([button(label, Route.STAFF, Action.EDIT, a.id, "g", centre_id)])
    for guest in guests[:MAX_GUEST_BUTTONS]:
        label = _("❌ Take {name} off", name=short(guest.name))
        if guest.waiting:
            label = _("❌ Take {name} off the waiting list", name=short(guest.name))
        rows.append([button(label, Route.STAFF, Action.UNGUEST, guest.signup_id)])
    return Screen("\n".join(lines), keyboard(rows))


def guest_lines(guests: Sequence[CounterSignup], _: Translator) -> list[str]:
    """Those signed up at the counter (no phone), those with a place apart from those waiting,
    as many names as fit: 1,000 counter sign-ups must not break the card."""
    placed = [esc(g.name) for g in guests if not g.waiting]
    waiting = [esc(g.name) for g in guests if g.waiting]
    room = GUEST_NAMES_ROOM // 2 if placed and waiting else GUEST_NAMES_ROOM
    lines = []
    if placed:
        lines.append(_("Guests without a phone: {names}", names=summarise(placed, room, _)))
    if waiting:
        names = summarise(waiting, room, _)
        lines.append(_("Without a phone, on the waiting list: {names}", names=names))
    return lines


def join_button(view: ActivityView, page: int, _: Translator) -> InlineKeyboardButton:
    """Sign up, or, when every place is taken, say plainly that it is the waiting list."""
    full = view.seats_left == 0
    label = _("⏳ Put me on the waiting list") if full else _("✅ Sign me up")
    return button(label, Route.ACTIVITY, Action.JOIN, view.activity.id, page)


def staff_rows(activity_id: int, _: Translator) -> list[list[InlineKeyboardButton]]:
    """The card's extra buttons for the centre's staff."""

    def edit(label: str, field: str) -> InlineKeyboardButton:
        return button(label, Route.STAFF, Action.EDIT, activity_id, field)

    return [
        [edit(_("✏️ Time"), "t"), edit(_("✏️ Place"), "p"), edit(_("✏️ Places"), "c")],
        [
            edit(_("➕ Sign up a guest"), "g"),
            button(_("🖨️ Poster"), Route.STAFF, Action.POSTER, activity_id),
        ],
        [edit(_("🗑️ Cancel the activity"), "x")],
    ]


def card_lines(activity: Activity, starts: str, _: Translator) -> list[str]:
    """What, when, where and whose: the top of every card, also in reminders."""
    lines = [f"<b>{esc(activity.title)}</b>", "📅 " + esc(starts)]
    if activity.place:
        lines.append("📍 " + esc(activity.place))
    lines.append("🏠 " + esc(activity.centre_name or _("National – for all centres")))
    if activity.description:
        lines += ["", esc(activity.description)]
    return lines


def _seats(view: ActivityView, _: Translator) -> str:
    left = view.seats_left
    if left is None:
        return _("Everyone is welcome – there is no limit.")
    if left > 0:
        return _.ngettext("{n} place left", "{n} places left", left)
    if view.my_status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
        return _("All places are taken.")
    return _("All places are taken – you can join the waiting list.")


async def list_screen(
    context: BotContext,
    page: int,
    notice: str = "",
    extra: Sequence[Sequence[InlineKeyboardButton]] = (),
    *,
    intro: bool = False,
) -> Screen:
    """Load one page of the user's upcoming activities and render it (`intro`: the notice
    says "here is what's on" itself)."""
    assert context.user is not None
    store, user_id, now = context.store, context.user.id, context.now()
    rows = await store.signups.upcoming_for(user_id, now, page * PAGE_SIZE, PAGE_SIZE + 1)
    if not rows and page > 0:  # an old "Next" button: the list got shorter since
        page, rows = 0, await store.signups.upcoming_for(user_id, now, 0, PAGE_SIZE + 1)
    extra = list(extra)
    staff = (await context.access()).may_count  # see their centres' activities without joining
    if not staff and not await store.people.has_chosen_centre(user_id):
        from dialogs.onboarding import picker_screen  # onboarding builds on this module

        none = context._("You have not chosen a centre yet.")
        return await picker_screen(context, f"{notice}\n\n{none}" if notice else none)
    if not staff and not await store.people.centres(user_id):  # chose "national"
        label = context._("🏠 Choose your centre")
        extra.append([button(label, Route.SETTINGS, Action.ADD)])
    items = [(a, s, short_when(context, a)) for a, s in rows[:PAGE_SIZE]]
    has_next = len(rows) > PAGE_SIZE
    return render_list(items, page, has_next, context._, notice, extra, intro=intro)


async def named_screen(context: BotContext, text: str) -> Screen | None:
    """Typed text that names activities ("hvornår er fodbold"): when the nearest is, in words
    ("Fodbold er i dag kl. 17.30."), and a button for each (at most 6, the nearest first);
    None when it names none of the user's upcoming activities. A weekly activity is there
    once, at its next date (and the dates the user has a place on), with its rhythm in words
    ("Fællesspisning er torsdag kl. 17.30 – hver uge."); its card has "📅 Other dates"."""
    assert context.user is not None
    _, now = context._, context.now()
    named = await context.store.activities.named_in(context.user.id, now, text, NAMED_MAX)
    found = [(a, SignupStatus(status), every) for a, status, every in named]
    if not found:
        return None
    lines: list[str] = []
    said: set[str] = set()  # a series is said once, by its next date
    for number, (activity, _status, every) in enumerate(found):
        if (number and every is None) or activity.title in said:
            continue  # a one-off: only the nearest is said in words, as before
        said.add(activity.title)
        timezone = activity.timezone or context.config.bot.timezone
        title = "<b>" + esc(activity.title) + "</b>"
        day = esc(_.day_when(activity.starts_at, timezone, now))
        if every == 1:
            lines.append(_("{title} is {when} – every week.", title=title, when=day))
        elif every == 2:
            lines.append(_("{title} is {when} – every other week.", title=title, when=day))
        else:
            lines.append(_("{title} is {when}.", title=title, when=day))
    lines.append(_.ngettext("Tap it to see more.", "Tap one to see more.", len(found)))
    rows = [[activity_button(a, s, short_when(context, a))] for a, s, _every in found]
    return Screen("\n".join(lines), keyboard(rows))


async def view_screen(
    context: BotContext, view: ActivityView | None, page: int, notice: str = ""
) -> Screen | None:
    """Render a loaded activity card (with staff buttons for its staff); None if it is gone,
    cancelled or has started."""
    if view is None or not is_open(view.activity, context.now()):
        return None
    access = await context.access()
    manage = access.can_manage(view.activity.centre_id)
    # A national activity: each centre's staff sign up their own people without a phone.
    own = sorted(access.staff_of) if view.activity.centre_id is None and not manage else []
    centres = [await context.store.centres.get(cid) for cid in own[:MAX_COUNTER]]
    counter = [(c.id, c.name) for c in centres if c is not None]
    shown = manage or counter
    guests = await context.store.counter_signups.of(view.activity.id, own or None) if shown else []
    starts = when(context, view.activity)
    speech = context.services.speech
    user_id = context.user.id if context.user else 0
    series = await context.store.series.of_activity(view.activity.id) is not None
    return render_card(
        view,
        starts,
        page,
        context._,
        notice,
        manage=manage,
        guests=guests,
        counter=counter,
        speech=speech,
        series=series,
        fixed=await context.store.fixed_places.held(view.activity.id, user_id),
    )


async def dates_screen(
    context: BotContext, activity_id: int, list_page: int, page: int
) -> Screen | None:
    """📅 Other dates: the coming dates of the series `activity_id` is a date of, soonest first,
    DATES_PAGE to a page, each a button to its card, the user's own places marked; None when
    it is no date of a series, or the series has no dates left."""
    assert context.user is not None
    store, _, now = context.store, context._, context.now()
    series_id = await store.series.of_activity(activity_id)
    if series_id is None:
        return None
    user_id = context.user.id

    async def load(page: int) -> list[tuple[Activity, SignupStatus]]:
        return await store.series.coming_dates(
            series_id, user_id, now, page * DATES_PAGE, DATES_PAGE + 1
        )

    rows = await load(page)
    if not rows and page > 0:  # an old "Next" button: dates have passed since
        page, rows = 0, await load(0)
    if not rows:
        return None
    title = "<b>" + esc(rows[0][0].title) + "</b>"
    text = _("📅 {title} – the next dates. Tap one to see more:", title=title)
    buttons: list[Sequence[InlineKeyboardButton]] = []
    for a, status in rows[:DATES_PAGE]:
        zone = a.timezone or context.config.bot.timezone
        day = _.short_when(a.starts_at, zone, now, dated=True)  # every date one weekday
        label = day + _MARK.get(status, "")
        buttons.append([button(label, Route.ACTIVITY, Action.SHOW, a.id, list_page)])
    has_next, prefix = len(rows) > DATES_PAGE, (activity_id, list_page)
    buttons.append(pager(Route.ACTIVITY, page, has_next, _, action=Action.DATES, prefix=prefix))
    back = button(_("⬅️ Back"), Route.ACTIVITY, Action.SHOW, activity_id, list_page)
    buttons.append([back])
    return Screen(text, keyboard(buttons))


def is_open(activity: Activity, now: int) -> bool:
    """Whether users can still see, join or leave the activity."""
    return activity.status == "scheduled" and activity.starts_at > now


def gone_notice(context: BotContext, activity: Activity | None, *, link: bool = False) -> str:
    """Why a button or link leads nowhere: cancelled, started, or simply out of date."""
    _ = context._
    if activity is not None and activity.status == "cancelled":
        return _(
            "😔 {title} ({when}) is cancelled. Sorry!",
            title="<b>" + esc(activity.title) + "</b>",
            when=esc(when(context, activity)),
        )
    if activity is not None and activity.starts_at <= context.now():
        title = "<b>" + esc(activity.title) + "</b>"
        ends = activity.ends_at or activity.starts_at + ASSUMED_LENGTH_S
        if context.now() < ends:
            return _("{title} has already started.", title=title)
        return _("{title} is over.", title=title)
    if link:
        return _("That activity no longer exists – here is what's on now.")
    return _("That button is out of date – here is what's on now.")


def gone_says_whats_on(context: BotContext, activity: Activity | None) -> bool:
    """Whether `gone_notice` ends with "here is what's on now" (the list needs no heading)."""
    return activity is None or (
        activity.status != "cancelled" and activity.starts_at > context.now()
    )


async def show_stale(
    update: Update, context: BotContext, activity: Activity | None = None
) -> None:
    """A button that leads nowhere any more: say why, kindly, and show the fresh list."""
    await context.answer_query(update)
    notice, intro = gone_notice(context, activity), gone_says_whats_on(context, activity)
    await show(update, context, await list_screen(context, 0, notice, intro=intro))


async def show_card(
    update: Update, context: BotContext, activity_id: int, page: int, notice: str = ""
) -> None:
    """Show an activity card, or why it cannot be shown."""
    assert context.user is not None
    view = await context.store.signups.view(activity_id, context.user.id)
    screen = await view_screen(context, view, page, notice)
    if screen is None:
        return await show_stale(update, context, view.activity if view else None)
    await show(update, context, screen)


async def cmd_activities(update: Update, context: BotContext) -> None:
    await show(update, context, await list_screen(context, 0))


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None or ids[0] > MAX_PAGE:
        return await show_stale(update, context)
    await show(update, context, await list_screen(context, ids[0]))


async def on_show(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    await show_card(update, context, activity_id, page)


async def on_dates(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 3)
    if ids is None or ids[1] > MAX_PAGE or ids[2] > MAX_PAGE:
        return await show_stale(update, context)
    screen = await dates_screen(context, *ids)
    if screen is None:
        return await show_stale(update, context)
    await show(update, context, screen)


HANDLERS = [
    CommandHandler(["aktiviteter", "activities"], cmd_activities),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.ACTIVITY, Action.PAGE)),
    CallbackQueryHandler(on_show, pattern=callbacks.pattern(Route.ACTIVITY, Action.SHOW)),
    CallbackQueryHandler(on_dates, pattern=callbacks.pattern(Route.ACTIVITY, Action.DATES)),
]
