"""The one callback-data codec: versioned ASCII `v1:<route>:<action>[:<arg>…]`, at most 64 bytes.

Button data comes back from the user's phone, so `decode` trusts nothing: anything that is not
exactly a known route and action with well-formed arguments decodes to None (a stale button).
A changed meaning gets a new action name, never a new meaning for an old one.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_ARG = re.compile(r"^[a-z0-9_-]{1,20}$")
# The largest number button data may carry. Numbers on buttons are our SQLite row ids (counting
# up from 1), pages, days (yyyymmdd) and times (hhmm); Telegram's ids have at most 52
# significant bits. All fit well under 2**53, the largest integer a double (and so JSON in
# JavaScript) holds exactly, which is itself far under SQLite's INTEGER limit (2**63 - 1). A
# bigger number is forged: it must never reach a query (OverflowError), so it makes the whole
# button stale, whatever handler it is for.
MAX_NUMBER = 2**53 - 1


class Route(enum.StrEnum):
    CENTRE = "ctr"
    ACTIVITY = "act"
    MINE = "my"
    SETTINGS = "set"
    REMINDER = "rem"
    STAFF = "stf"
    BROADCAST = "bc"
    COUNTS = "tal"
    LINE = "line"
    CLOSED = "luk"  # closed days (/lukket)


class Action(enum.StrEnum):
    PAGE = "page"  # a page of a list: page number
    JOIN = "join"  # centre: centre id; activity: activity id, list page
    NATIONAL = "nat"  # choose "national" instead of a centre
    GROUP = "grp"  # a group of the centre picker: first index and end, in the picker's order
    SHOW = "show"  # activity card: activity id, list page
    LEAVE = "leave"  # activity: activity id, list page; centre: centre id (asks first)
    LEAVE_OK = "leaveok"  # centre: centre id (confirmed)
    LANGUAGE = "lang"  # locale code
    MENU = "menu"
    ADD = "add"
    COMING = "yes"  # a reminder's "I'm coming": activity id
    NOT_COMING = "no"  # a reminder's "I can't come" (asks first): activity id
    GIVE_AWAY = "give"  # reminder: yes, give my place to someone else: activity id
    # Undo giving a place away, only while it is still free: activity id (card: and list page)
    REJOIN = "rejoin"
    REMINDERS = "rem"  # settings: reminders on (1) or off (0)
    ANNOUNCE = "ann"  # settings: a centre's announcements on/off: centre id, 0/1
    ERASE = "erase"  # erase everything about me (after /slet_mig asked)
    KEEP = "keep"  # /slet_mig: no, keep my data
    # Staff dialogs (the state itself is in the draft table):
    CENTRE = "ctr"  # choose the centre: centre id (0: national)
    DAY = "day"  # a day: yyyymmdd
    OTHER_DAY = "oday"  # type a date instead
    TIME = "time"  # hhmm
    PLACE = "place"  # index into the draft's list of recent places
    CAPACITY = "cap"  # places (0: no limit)
    CREATE = "create"
    BACK = "back"
    ABORT = "abort"
    REPEAT = "repeat"  # /ny_aktivitet: every 1 or 2 weeks (0: only once)
    UNTIL = "until"  # /ny_aktivitet: a series "until further notice" (an end date is typed)
    EDIT = "edit"  # activity id, field: t(ime) p(lace) c(apacity) g(uest) x (cancel)
    CANCEL_OK = "cancelok"  # activity id
    # A date of a series: "Kun denne gang" / "Denne og alle de næste": activity id, field
    EDIT_ONE = "edit1"
    EDIT_ALL = "editall"
    END_OK = "endok"  # stop a series from this date (confirmed): activity id
    AUDIENCE = "aud"  # broadcast: c(entre) id | a(ctivity) id | all
    SEND = "send"
    STOP = "stop"  # broadcast id
    INVITE = "inv"  # a staff invitation for a centre: centre id
    INVITES = "invs"  # an admin's open invitation links: page
    WITHDRAW = "wd"  # ask before withdrawing an invitation: its tag (a hash of the token)
    WITHDRAW_OK = "wdok"  # withdraw it (confirmed): its tag
    UNGUEST = "unguest"  # take a counter sign-up off: sign-up id
    ATTENDANCE = "att"  # the attendance list: activity id
    ATTEND = "mark"  # tick or untick one person: activity id, sign-up id
    WALK_IN = "walk"  # one more (1) or one less (0) without a sign-up: activity id
    EXPORT = "exp"  # a(ctivities) or m(onthly), and a period code
    CALENDAR = "ics"  # an activity as a calendar file: activity id
    SPEAK = "say"  # an activity's card read aloud: activity id
    DATES = "dates"  # a series' coming dates, from a date's card: activity id, page, list page
    POSTER = "poster"  # a poster with a QR code: activity id (0: the staff member's centre)
    WEEK = "week"  # the week's programme on A4: centre id, the week's Monday (yyyymmdd)
    WRITE = "write"  # write to the staff of a centre (0: choose)
    REPLY = "reply"  # staff answer a message: message id
    LINE_ON = "lineon"  # settings (staff): messages from users on/off: centre id, 0/1
    SKIP = "skip"  # closed days: no reason
    REMOVE = "rm"  # closed days: remove a closure: closure id
    FIXED = "fixed"  # activity card: take a fixed place on its series: activity id, list page
    UNFIX = "unfix"  # activity card: stop the fixed place on its series: activity id, list page
    UNFIX_OK = "unfixok"  # "Ja, stop den" (asked first): activity id, list page


_ALLOWED = {
    Route.CENTRE: {Action.PAGE, Action.JOIN, Action.NATIONAL, Action.GROUP},
    Route.ACTIVITY: {
        Action.PAGE,
        Action.SHOW,
        Action.JOIN,
        Action.LEAVE,
        Action.REJOIN,
        Action.CALENDAR,
        Action.SPEAK,
        Action.FIXED,
        Action.UNFIX,
        Action.UNFIX_OK,
        Action.DATES,
    },
    Route.MINE: {Action.PAGE, Action.LEAVE, Action.JOIN},
    Route.SETTINGS: {
        Action.MENU,
        Action.LANGUAGE,
        Action.ADD,
        Action.LEAVE,
        Action.LEAVE_OK,
        Action.REMINDERS,
        Action.ANNOUNCE,
        Action.ERASE,
        Action.KEEP,
        Action.LINE_ON,
    },
    Route.REMINDER: {Action.COMING, Action.NOT_COMING, Action.GIVE_AWAY, Action.REJOIN},
    Route.STAFF: {
        Action.CENTRE,
        Action.DAY,
        Action.OTHER_DAY,
        Action.TIME,
        Action.PLACE,
        Action.CAPACITY,
        Action.CREATE,
        Action.BACK,
        Action.ABORT,
        Action.EDIT,
        Action.CANCEL_OK,
        Action.EDIT_ONE,
        Action.EDIT_ALL,
        Action.END_OK,
        Action.INVITE,
        Action.INVITES,
        Action.WITHDRAW,
        Action.WITHDRAW_OK,
        Action.PAGE,
        Action.UNGUEST,
        Action.POSTER,
        Action.WEEK,
        Action.REPEAT,
        Action.UNTIL,
    },
    Route.COUNTS: {
        Action.PAGE,
        Action.SHOW,
        Action.ATTENDANCE,
        Action.ATTEND,
        Action.WALK_IN,
        Action.EXPORT,
    },
    Route.LINE: {Action.WRITE, Action.REPLY, Action.ABORT},
    Route.CLOSED: {
        Action.CENTRE,
        Action.PAGE,
        Action.SKIP,
        Action.CREATE,
        Action.ABORT,
        Action.REMOVE,
    },
    Route.BROADCAST: {
        Action.AUDIENCE,
        Action.PAGE,
        Action.SEND,
        Action.BACK,
        Action.ABORT,
        Action.STOP,
    },
}


@dataclass(frozen=True)
class Callback:
    route: Route
    action: Action
    args: tuple[str, ...]

    def ints(self, count: int) -> tuple[int, ...] | None:
        """Exactly `count` non-negative integer arguments, or None."""
        return ints(self.args, count)


def ints(args: tuple[str, ...], count: int) -> tuple[int, ...] | None:
    """Exactly `count` non-negative integers (each at most MAX_NUMBER) from `args`, or None."""
    numbers = tuple(number(a) for a in args)
    if len(numbers) != count or None in numbers:
        return None
    return tuple(n for n in numbers if n is not None)


def number(arg: str) -> int | None:
    """One argument as a number from 0 to MAX_NUMBER, or None (not digits, or too big)."""
    if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(MAX_NUMBER)):
        return None
    value = int(arg)
    return value if value <= MAX_NUMBER else None


def encode(route: Route, action: Action, *args: int | str) -> str:
    """Build callback data; raise ValueError if it would not be valid."""
    parts = [str(a) for a in args]
    if action not in _ALLOWED[route] or not all(_ARG.match(p) for p in parts):
        raise ValueError(f"bad callback {route}:{action}:{parts}")
    if any(p.isdigit() and number(p) is None for p in parts):
        raise ValueError(f"number over {MAX_NUMBER} in callback {route}:{action}:{parts}")
    data = ":".join([VERSION, route, action, *parts])
    if len(data.encode("ascii")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data}")
    return data


def decode(data: object) -> Callback | None:
    """Parse untrusted callback data; None for anything unknown, malformed or outdated."""
    if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION:
        return None
    try:
        route, action = Route(parts[1]), Action(parts[2])
    except ValueError:
        return None
    args = tuple(parts[3:])
    if action not in _ALLOWED[route] or not all(_ARG.match(a) for a in args):
        return None
    if any(a.isdigit() and number(a) is None for a in args):
        return None  # a number over MAX_NUMBER: forged
    return Callback(route, action, args)


def pattern(route: Route, action: Action) -> str:
    """The handler pattern for one route and action."""
    return rf"^{VERSION}:{route}:{action}(:|$)"


def pattern_any(route: Route, *actions: Action) -> str:
    """The handler pattern for several actions of one route."""
    return rf"^{VERSION}:{route}:({'|'.join(actions)})(:|$)"
