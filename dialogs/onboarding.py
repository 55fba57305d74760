"""Onboarding: /start, deep links, and choosing a centre.

Who: users; staff and coordinators get their own start screen. Entry: /start, /start
c-<slug> (the centre's QR poster), /start a-<id> (an activity's poster), "➕" in settings, the
activity list of someone with no centre chosen. Taps from /start: choosing a centre (1) shows
its activities at once; among many centres, any one is at most 3 taps away (groups by town),
or found by typing part of its name or town while the picker is open. The first /start
speaks the phone's language when we have it. Writes: user (by the middleware), user.locale
(the first /start), membership, draft (kind PICK while the picker is open).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.access import Access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator
from bot.store.centres import Centre, fold
from bot.store.drafts import Draft
from dialogs import privacy, roles
from dialogs.browse import gone_notice, gone_says_whats_on, list_screen, show_stale, view_screen
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    language_buttons,
    send,
    short,
    show,
    summarise,
    tapped,
)

CENTRE_NAMES_ROOM = 600  # characters of "You are staff at …" above the start screen's list
FAN = 6  # choices on one picker screen (besides "national", the language and "Tilbage")
PICK = "pick"  # the draft kind while the picker is open: typed text searches the centres
_CENTRE_LINK = re.compile(r"^c-([a-z0-9][a-z0-9-]{0,39})$")
_ACTIVITY_LINK = re.compile(r"^a-(\d{1,12})$")
_INVITATION_LINK = re.compile(r"^s-([A-Za-z0-9_-]{8,40})$")


def render_picker(
    centres: list[Centre],
    locales: tuple[str, ...],
    _: Translator,
    notice: str = "",
) -> Screen:
    """The centre picker's first screen: up to FAN centres at once, or groups of them (by town,
    then name) that reach any centre in three taps; 'national' always; a language switch."""
    lines = [notice, ""] if notice else []
    if any(c.city for c in centres):  # one sentence, and how to find it by typing
        lines.append(_("<b>Which centre do you go to?</b> Tap it, or write its name or town."))
    else:
        lines.append(_("<b>Which centre do you go to?</b> Tap it, or write its name."))
    if len(centres) <= FAN:
        rows = [[button("🏠 " + short(c.name), Route.CENTRE, Action.JOIN, c.id)] for c in centres]
    else:
        rows = _choices(centres, 0, len(centres))
    rows.append([button(_("🌍 National – for all centres"), Route.CENTRE, Action.NATIONAL)])
    rows.append(language_buttons(locales, _.locale, back="c"))
    return Screen("\n".join(lines), keyboard(rows))


def render_group(centres: list[Centre], lo: int, hi: int, _: Translator) -> Screen:
    """One group of the picker (centres[lo:hi] in picker order): its groups or centres, and
    "Tilbage" to the group it is part of."""
    parent = _parent(centres, lo, hi)
    lines = [
        "<b>" + esc(_group_label(centres, lo, hi)) + "</b>",
        _("Tap your centre, or write part of its name or town."),
    ]
    rows = _choices(centres, lo, hi)
    if parent is None or parent == (0, len(centres)):
        back = button(_("⬅️ Back"), Route.CENTRE, Action.PAGE, 0)
    else:
        back = button(_("⬅️ Back"), Route.CENTRE, Action.GROUP, *parent)
    rows.append([back])
    return Screen("\n".join(lines), keyboard(rows))


def render_found(text: str, found: list[Centre], centres: list[Centre], _: Translator) -> Screen:
    """What a typed search found: its centres, or their group in the picker."""
    asked = "<b>" + esc(short(text.strip())) + "</b>"
    if len(found) <= FAN:
        lines = [_("This is what I found for {text}:", text=asked)]
        rows = [[_centre_button(c, centres)] for c in found]
    else:
        place = {c.id: i for i, c in enumerate(centres)}
        where = sorted(place[c.id] for c in found)
        lines = [_.ngettext("I found {n} centre.", "I found {n} centres.", len(found))]
        if where[-1] - where[0] + 1 == len(found):  # side by side in the picker: its group
            rows = _choices(centres, where[0], where[-1] + 1)
        else:
            lines.append(_("Write a bit more of the name or town to find yours."))
            rows = [[_centre_button(centres[i], centres)] for i in where[:FAN]]
    rows.append([button(_("⬅️ Back"), Route.CENTRE, Action.PAGE, 0)])
    return Screen("\n".join(lines), keyboard(rows))


def picker_order(centres: list[Centre]) -> list[Centre]:
    """The picker's order: by town (or name, when a centre has no town), then by name."""
    return sorted(centres, key=lambda c: (_sort_text(c.city or c.name), _sort_text(c.name), c.id))


def _sort_text(text: str) -> str:
    """Alphabetical as in Danish: case and accents ignored, æ ø å after z."""
    text = text.casefold().replace("æ", "{").replace("ø", "|").replace("å", "}")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _initial(centre: Centre) -> str:
    first = _sort_text(centre.city or centre.name)[:1]
    return {"{": "Æ", "|": "Ø", "}": "Å"}.get(first, first.upper())


def _town(centre: Centre) -> str:
    return centre.city or centre.name


def _levels(n: int) -> int:
    """How many taps reach any of n centres, FAN choices a screen."""
    levels = 1
    while FAN**levels < n:
        levels += 1
    return levels


def _chunks(centres: list[Centre], lo: int, hi: int) -> list[tuple[int, int]]:
    """Split centres[lo:hi] into at most FAN runs, each small enough to be reached in one tap
    fewer; a run ends where the initial letter (or else the town) changes, when it can."""
    n = hi - lo
    cap = FAN ** (_levels(n) - 1)
    runs, start = [], lo
    for left in range(-(-n // cap), 1, -1):
        ideal = start + -(-(hi - start) // left)
        first, last = max(start + 1, hi - cap * (left - 1)), min(start + cap, hi - (left - 1))
        end = min(range(first, last + 1), key=lambda e: _break_cost(centres, e, ideal, cap))
        runs.append((start, end))
        start = end
    runs.append((start, hi))
    return runs


def _break_cost(centres: list[Centre], end: int, ideal: int, cap: int) -> float:
    """How bad a run ending before centres[end] is: far from even, or inside a letter or town."""
    before, after = centres[end - 1], centres[end]
    if _initial(before) != _initial(after):
        return float(abs(end - ideal))
    if _sort_text(_town(before)) != _sort_text(_town(after)):
        return abs(end - ideal) + cap / 4
    return abs(end - ideal) + cap / 2


def _parent(centres: list[Centre], lo: int, hi: int) -> tuple[int, int] | None:
    """The group that holds the group centres[lo:hi] (None if it is no group of the picker)."""
    node = (0, len(centres))
    while node[1] - node[0] > FAN:
        children = _chunks(centres, *node)
        if (lo, hi) in children:
            return node
        inside = [c for c in children if c[0] <= lo and hi <= c[1]]
        if not inside:
            return None
        node = inside[0]
    return None


def _choices(centres: list[Centre], lo: int, hi: int) -> list[list[InlineKeyboardButton]]:
    """The buttons for centres[lo:hi]: the centres themselves (FAN or fewer), else groups."""
    if hi - lo <= FAN:
        return [[_centre_button(c, centres)] for c in centres[lo:hi]]
    rows = []
    runs = _chunks(centres, lo, hi)
    one_town = _sort_text(_town(centres[lo])) == _sort_text(_town(centres[hi - 1]))
    for start, end in runs:
        if end - start == 1:
            rows.append([_centre_button(centres[start], centres)])
        else:
            label = _group_label(centres, start, end)
            if one_town:  # the town is said already: "Café Ankeret – Café Engen"
                label = label.split(": ", 1)[-1]
            label = short(label)
            rows.append([button(label, Route.CENTRE, Action.GROUP, start, end)])
    return rows


def _group_label(centres: list[Centre], lo: int, hi: int) -> str:
    """What a group holds, in names people know (never letter ranges like 'K–V'): 'Aalborg –
    Esbjerg' (its first and last town), or 'København: Café Parasollen – Kofoeds Skole' inside
    one town."""
    first, last = centres[lo], centres[hi - 1]
    if _sort_text(_town(first)) != _sort_text(_town(last)):
        return f"{_town(first)} – {_town(last)}"
    return f"{_town(first)}: {first.name} – {last.name}"


def _centre_button(centre: Centre, centres: list[Centre]) -> InlineKeyboardButton:
    """A centre's button; with its town when there are many centres (names repeat)."""
    label = centre.name
    if len(centres) > FAN and centre.city and fold(centre.city) not in fold(centre.name):
        label = f"{centre.name} · {centre.city}"
    return button("🏠 " + short(label), Route.CENTRE, Action.JOIN, centre.id)


async def picker_screen(context: BotContext, notice: str = "") -> Screen:
    """Load the centres and render the picker's first screen; typed text now searches them."""
    await _open_picker(context)
    centres = picker_order(await context.store.centres.all())
    return render_picker(centres, context.config.bot.locales, context._, notice)


async def _open_picker(context: BotContext) -> None:
    """While the picker is open, typed text is a search (a draft of kind PICK says so); a staff
    dialog waiting for typed text is never replaced."""
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None or draft.kind == PICK:
        await context.store.drafts.save(context.user.id, Draft(PICK, "search", {}), context.now())


async def _close_picker(context: BotContext) -> None:
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is not None and draft.kind == PICK:
        await context.store.drafts.delete(context.user.id)


async def on_search(update: Update, context: BotContext, draft: Draft) -> None:
    """Typed text while the picker is open: the centres whose name or town holds it."""
    assert update.message is not None and update.message.text is not None
    text = update.message.text
    found = picker_order(await context.store.centres.search(text))
    await _open_picker(context)  # typing again searches again, for another day
    if not found:
        asked = "<b>" + esc(short(text)) + "</b>"
        notice = "\n".join(
            [
                context._("I can't find a centre with {text} in its name or town.", text=asked),
                context._("Try another word, or tap the buttons."),
            ]
        )
        await send(update, context, await picker_screen(context, notice))
        return
    centres = picker_order(await context.store.centres.all())
    await send(update, context, render_found(text, found, centres, context._))


async def cmd_start(update: Update, context: BotContext) -> None:
    assert context.user is not None
    payload = context.args[0] if context.args else ""
    first = await context.store.people.mark_notice_shown(context.user.id)  # the first /start only
    if first:
        await _follow_phone(update, context)
    hello = context._("Hi {name}! 👋", name=esc(context.user.first_name))
    intro = context._("Here you can see what's on at your centre and sign up with one tap.")
    welcome = f"{hello}\n{intro}"
    if first:
        welcome += "\n\n" + privacy.notice_text(context)
    await send(update, context, Screen(welcome), menu=True)
    if match := _CENTRE_LINK.match(payload):
        centre = await context.store.centres.by_slug(match.group(1))
        if centre is not None:
            return await _joined(update, context, centre)
        notice = context._("I can't find that centre. Please choose it here:")
        return await show(update, context, await picker_screen(context, notice))
    if match := _ACTIVITY_LINK.match(payload):
        return await _open_activity(update, context, int(match.group(1)))
    if match := _INVITATION_LINK.match(payload):
        return await roles.accept(update, context, match.group(1))
    access = await context.access()
    if access.may_count:  # staff, coordinators, admins: their own start screen
        await roles.set_staff_menu(context, context.user.id, context._.locale)
        return await show(update, context, await _staff_screen(context, access, update))
    if await context.store.people.has_chosen_centre(context.user.id):
        return await show(
            update, context, await list_screen(context, 0, extra=_offer(context, update))
        )
    await show(update, context, await picker_screen(context))


async def _follow_phone(update: Update, context: BotContext) -> None:
    """A new person whose phone is in a language we have: speak it from the first word."""
    assert context.user is not None
    phone = _phone_language(update)
    bot = context.config.bot
    if phone in bot.locales and phone != context.user.locale == bot.default_locale:
        await context.store.people.set_locale(context.user.id, phone)
        context.user = dataclasses.replace(context.user, locale=phone)
        context.set_locale(phone)


def _phone_language(update: Update) -> str:
    """The language Telegram says the phone is in ("en" for "en-GB"), or ""."""
    user = update.effective_user
    return ((user.language_code if user else None) or "").split("-")[0].lower()


async def _staff_screen(context: BotContext, access: Access, update: Update) -> Screen:
    """Staff and coordinators at /start: who they are here, their commands, and the next
    activities (of their centres, and national ones) — each card with the staff buttons."""
    _ = context._
    names = {c.id: c.name for c in await context.store.centres.all()}

    def at(ids: frozenset[int]) -> str:  # someone may be staff at many: what fits (issue 11)
        found = ["<b>" + esc(names[i]) + "</b>" for i in sorted(ids) if i in names]
        return summarise(found, CENTRE_NAMES_ROOM, _)

    lines = []
    if access.staff_of:
        lines.append(_("You are staff at {centres}.", centres=at(access.staff_of)))
    if access.coordinator_of - access.staff_of:
        centres = at(access.coordinator_of - access.staff_of)
        lines.append(_("You are a coordinator at {centres}.", centres=centres))
    if access.national_coordinator:
        lines.append(_("You are a coordinator for the whole country."))
    if access.admin:
        lines.append(_("You are an admin: you may do everything."))
    if access.is_staff:
        lines += [_("/ny_aktivitet – make an activity."), _("/besked – write to the users.")]
    lines += [
        _("/tal – sign-ups today and the next 14 days; tick attendance on the card."),
        _("/eksport – a spreadsheet for Excel."),
    ]
    if access.admin:
        lines.append(_("/inviter – a link that makes someone staff."))
    if access.is_staff:
        lines.append(_("Tap an activity to change it."))
    notice, offer = "\n".join(lines), _offer(context, update)
    return await list_screen(context, 0, notice, offer, intro=access.is_staff)


def _offer(context: BotContext, update: Update) -> list[list[InlineKeyboardButton]]:
    """A language button on the first screen: for a phone in a language we do not speak, the
    languages we do; for one we followed, the way back to Danish."""
    assert update.effective_user is not None
    phone, current = _phone_language(update), context._.locale
    if (current == context.config.bot.default_locale) == (phone == current):
        return []
    return [language_buttons(context.config.bot.locales, current, back="l")]


async def _joined(update: Update, context: BotContext, centre: Centre) -> None:
    assert context.user is not None
    await context.store.people.join_centre(context.user.id, centre.id, context.now())
    notice = context._(
        "Welcome to {centre}! Here is what's on:", centre="<b>" + esc(centre.name) + "</b>"
    )
    extra = _offer(context, update) if update.message else []
    await _close_picker(context)
    await show(update, context, await list_screen(context, 0, notice, extra, intro=True))


async def _open_activity(update: Update, context: BotContext, activity_id: int) -> None:
    assert context.user is not None
    activity = await context.store.activities.get(activity_id)
    if activity is not None and activity.centre_id is not None:
        await context.store.people.join_centre(context.user.id, activity.centre_id, context.now())
    view = await context.store.signups.view(activity_id, context.user.id)
    screen = await view_screen(context, view, 0)
    if screen is None:
        notice = gone_notice(context, activity, link=True)
        intro = gone_says_whats_on(context, activity)
        return await show(update, context, await list_screen(context, 0, notice, intro=intro))
    await show(update, context, screen)


async def on_page(update: Update, context: BotContext) -> None:
    """The picker's first screen (also from an old picker's paging button)."""
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    await show(update, context, await picker_screen(context))


async def on_group(update: Update, context: BotContext) -> None:
    """One group of the picker; a group that no longer fits the centres: the first screen."""
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    lo, hi = ids
    centres = picker_order(await context.store.centres.all())
    if not 0 <= lo < hi <= len(centres) or len(centres) <= FAN:
        return await show(update, context, await picker_screen(context))
    await _open_picker(context)
    await show(update, context, render_group(centres, lo, hi, context._))


async def on_join(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    centre = await context.store.centres.get(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    await _joined(update, context, centre)


async def on_national(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    assert context.user is not None
    await context.store.people.choose_national(context.user.id)
    await _close_picker(context)
    notice = context._("Here are the national activities – for everyone, from all centres:")
    await show(update, context, await list_screen(context, 0, notice, intro=True))


HANDLERS = [
    CommandHandler("start", cmd_start),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.CENTRE, Action.PAGE)),
    CallbackQueryHandler(on_group, pattern=callbacks.pattern(Route.CENTRE, Action.GROUP)),
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.CENTRE, Action.JOIN)),
    CallbackQueryHandler(on_national, pattern=callbacks.pattern(Route.CENTRE, Action.NATIONAL)),
]
