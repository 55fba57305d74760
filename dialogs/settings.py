"""Settings: language, and the centres the user belongs to.

Who: users, and staff (their centres and their switch for users' messages are here too).
Entry: "⚙️ Indstillinger", /indstillinger (also /sprog). Switching language: 2 taps from the
menu (1 on the centre picker). Writes: user.locale, membership, role.line_on.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator
from bot.store.centres import Centre
from dialogs.browse import list_screen, show_stale
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    language_buttons,
    language_name,
    send,
    short,
    show,
    summarise,
    tapped,
    tapped_args,
)
from dialogs.onboarding import picker_screen

# Issue 11: at most 6 buttons on a user's screen besides paging and "Tilbage". Language,
# reminders and "➕" are three; one centre's two buttons fit beside them, more centres get one
# "🏠" button each (3 a page), which opens that centre's own screen.
CENTRES_PER_PAGE = 3
NAMES_ROOM = 1000  # characters of "Your centres: …" (a person may have joined many)


def render_settings(
    memberships: list[tuple[Centre, bool]],
    reminders_on: bool,
    locales: tuple[str, ...],
    _: Translator,
    notice: str = "",
    line: Sequence[tuple[Centre, bool]] = (),
    page: int = 0,
) -> Screen:
    """The settings screen: language, reminders, add a centre, and each centre (its
    announcements and leaving it: here for one centre, on the centre's screen for more); for
    staff, where they are staff and their switch for users' messages (`line`)."""
    centres = [c for c, _on in memberships]
    language = language_name(_.locale)
    names = summarise([esc(c.name) for c in centres], NAMES_ROOM, _) if centres else ""
    lines = [notice, ""] if notice else []
    lines += ["<b>" + _("Settings") + "</b>", "", _("Language: {language}", language=language)]
    if line:  # staff know it is their screen too
        staff_at = summarise(["<b>" + esc(c.name) + "</b>" for c, _on in line], NAMES_ROOM, _)
        lines.append(_("You are staff at {centres}.", centres=staff_at))
    if centres or not line:
        lines.append(_("Your centres: {names}", names=names or _("none yet")))
    lines.append(_("Reminders: on") if reminders_on else _("Reminders: off"))
    rows = [language_buttons(locales, _.locale, back="s")]
    if reminders_on:
        rows.append([button(_("🔕 Turn reminders off"), Route.SETTINGS, Action.REMINDERS, 0)])
    else:
        rows.append([button(_("🔔 Turn reminders on"), Route.SETTINGS, Action.REMINDERS, 1)])
    if centres or line:
        rows.append([button(_("➕ Choose another centre"), Route.SETTINGS, Action.ADD)])
    else:
        rows.append([button(_("🏠 Choose your centre"), Route.SETTINGS, Action.ADD)])
    if len(memberships) == 1:
        rows += centre_rows(*memberships[0], _)
    else:
        first = page * CENTRES_PER_PAGE
        for c, _on in memberships[first : first + CENTRES_PER_PAGE]:
            rows.append([button("🏠 " + short(c.name), Route.SETTINGS, Action.MENU, "c", c.id)])
        paging = []
        if page > 0:
            paging.append(button(_("◀️ Previous"), Route.SETTINGS, Action.MENU, "p", page - 1))
        if first + CENTRES_PER_PAGE < len(memberships):
            paging.append(button(_("Next ▶️"), Route.SETTINGS, Action.MENU, "p", page + 1))
        rows.append(paging)
    for c, on in line:  # staff: messages from the centre's users
        if on:
            label = _("💬 Stop users' messages ({centre})", centre=short(c.name))
        else:
            label = _("💬 Get users' messages ({centre})", centre=short(c.name))
        rows.append([button(label, Route.SETTINGS, Action.LINE_ON, c.id, int(not on))])
    return Screen("\n".join(lines), keyboard(rows))


def centre_rows(
    centre: Centre, announcements: bool, _: Translator
) -> list[list[InlineKeyboardButton]]:
    """One centre's buttons: its announcements on or off, and leaving it (asks first)."""
    if announcements:
        label = _("🔕 No messages from {centre}", centre=short(centre.name))
    else:
        label = _("📣 Messages from {centre}", centre=short(centre.name))
    toggle = button(label, Route.SETTINGS, Action.ANNOUNCE, centre.id, int(not announcements))
    remove = _("🚪 Remove {centre}", centre=short(centre.name))
    return [[toggle], [button(remove, Route.SETTINGS, Action.LEAVE, centre.id)]]


def render_centre(centre: Centre, announcements: bool, _: Translator) -> Screen:
    """One of the user's centres, when they have several: its two buttons, and back."""
    rows = centre_rows(centre, announcements, _)
    rows.append([button(_("⬅️ Back"), Route.SETTINGS, Action.MENU)])
    return Screen("🏠 <b>" + esc(centre.name) + "</b>", keyboard(rows))


def render_leave_question(centre: Centre, _: Translator) -> Screen:
    """Ask once before leaving a centre."""
    text = _(
        "Remove {centre} from your centres? You can always choose it again.",
        centre="<b>" + esc(centre.name) + "</b>",
    )
    yes = button(_("Yes, remove it"), Route.SETTINGS, Action.LEAVE_OK, centre.id)
    no = button(_("No, go back"), Route.SETTINGS, Action.MENU)
    return Screen(text, keyboard([[yes], [no]]))


async def settings_screen(context: BotContext, notice: str = "", page: int = 0) -> Screen:
    """Load and render the settings screen."""
    assert context.user is not None
    memberships = await context.store.people.memberships(context.user.id)
    reminders_on = await context.store.people.reminders_on(context.user.id)
    locales = context.config.bot.locales
    line = await context.store.line.settings(context.user.id)
    if page * CENTRES_PER_PAGE >= len(memberships):  # an old "Next": fewer centres since
        page = 0
    return render_settings(memberships, reminders_on, locales, context._, notice, line, page)


async def cmd_settings(update: Update, context: BotContext) -> None:
    await show(update, context, await settings_screen(context))


async def on_menu(update: Update, context: BotContext) -> None:
    """Settings; with "p" and a number, that page of it; with "c" and a centre id, the
    centre's own screen (for a person of several centres)."""
    args = await tapped_args(update, context)
    kind, number = (args[0], callbacks.number(args[1])) if args and len(args) == 2 else ("", 0)
    if args is None or number is None or (args and kind not in ("p", "c")):
        return await show_stale(update, context)
    if kind != "c":
        return await show(update, context, await settings_screen(context, page=number))
    assert context.user is not None
    for centre, announcements in await context.store.people.memberships(context.user.id):
        if centre.id == number:
            return await show(update, context, render_centre(centre, announcements, context._))
    await show_stale(update, context)  # not one of theirs (any more)


async def on_language(update: Update, context: BotContext) -> None:
    args = await tapped_args(update, context)
    if args is None or len(args) != 2 or args[0] not in context.config.bot.locales:
        return await show_stale(update, context)
    locale, back = args
    assert context.user is not None
    await context.store.people.set_locale(context.user.id, locale)
    context.set_locale(locale)
    if back == "c":
        await show(update, context, await picker_screen(context))
    elif back == "l":
        await show(update, context, await list_screen(context, 0))
    else:
        await show(update, context, await settings_screen(context))
    # Only a new message can carry the menu keyboard in the new language.
    await send(update, context, Screen(context._("👍 I will speak English now.")), menu=True)


async def on_reminders(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None or ids[0] > 1:
        return await show_stale(update, context)
    assert context.user is not None
    on = ids[0] == 1
    await context.store.people.set_reminders(
        context.user.id, on, context.now(), context.services.planner
    )
    context.services.wake_dispatcher()
    notice = context._("🔔 You will get reminders.") if on else context._("🔕 No more reminders.")
    await show(update, context, await settings_screen(context, notice))


async def on_announcements(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None or ids[1] > 1:
        return await show_stale(update, context)
    assert context.user is not None
    centre = await context.store.centres.get(ids[0])
    if centre is None or not await context.store.people.set_announcements(
        context.user.id, ids[0], bool(ids[1])
    ):
        return await show_stale(update, context)
    name = esc(centre.name)
    notice = (
        context._("📣 You get messages from {centre} again.", centre=name)
        if ids[1]
        else context._("🔕 No more messages from {centre}. Reminders still come.", centre=name)
    )
    await show(update, context, await settings_screen(context, notice))


async def on_line_on(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None or ids[1] > 1:
        return await show_stale(update, context)
    assert context.user is not None
    if not await context.store.line.set_on(context.user.id, ids[0], bool(ids[1])):
        return await show_stale(update, context)
    notice = (
        context._("💬 You get messages from users again.")
        if ids[1]
        else context._("💬 No more messages from users.")
    )
    await show(update, context, await settings_screen(context, notice))


async def on_add(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    await show(update, context, await picker_screen(context))


async def on_leave(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    centre = await context.store.centres.get(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    await show(update, context, render_leave_question(centre, context._))


async def on_leave_ok(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    centre = await context.store.centres.get(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    assert context.user is not None
    await context.store.people.leave_centre(context.user.id, centre.id)
    notice = context._("{centre} is no longer on your list.", centre=esc(centre.name))
    await show(update, context, await settings_screen(context, notice))


HANDLERS = [
    CommandHandler(["indstillinger", "settings", "sprog", "language"], cmd_settings),
    CallbackQueryHandler(on_menu, pattern=callbacks.pattern(Route.SETTINGS, Action.MENU)),
    CallbackQueryHandler(on_language, pattern=callbacks.pattern(Route.SETTINGS, Action.LANGUAGE)),
    CallbackQueryHandler(on_add, pattern=callbacks.pattern(Route.SETTINGS, Action.ADD)),
    CallbackQueryHandler(on_line_on, pattern=callbacks.pattern(Route.SETTINGS, Action.LINE_ON)),
    CallbackQueryHandler(
        on_announcements, pattern=callbacks.pattern(Route.SETTINGS, Action.ANNOUNCE)
    ),
    CallbackQueryHandler(
        on_reminders, pattern=callbacks.pattern(Route.SETTINGS, Action.REMINDERS)
    ),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.SETTINGS, Action.LEAVE)),
    CallbackQueryHandler(on_leave_ok, pattern=callbacks.pattern(Route.SETTINGS, Action.LEAVE_OK)),
]
