"""Configuration: one TOML file into frozen dataclasses; every bad key fails with one line naming it."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

TOKEN_ENV = "VAERESTED_BOT_TOKEN"
CONFIG_ENV = "VAERESTED_CONFIG"
DEFAULT_PATH = Path("config.toml")
SUPPORTED_LOCALES = ("da", "en")

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DIGEST_AT = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun)\s+([01]\d|2[0-3]):([0-5]\d)\s*$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class ConfigError(Exception):
    """A configuration problem, explained in one line."""


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str
    base_file_url: str


@dataclass(frozen=True)
class DatabaseConfig:
    path: Path


@dataclass(frozen=True)
class BotConfig:
    timezone: str
    default_locale: str
    locales: tuple[str, ...]
    admins: tuple[int, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class RemindersConfig:
    before: tuple[int, ...]  # seconds before start, largest first
    quiet_hours: tuple[int, int] | None  # minutes after local midnight: (start, end)


@dataclass(frozen=True)
class BroadcastConfig:
    rate_per_second: float


@dataclass(frozen=True)
class PrivacyConfig:
    forget_after: int  # seconds without contact after which a person is erased


@dataclass(frozen=True)
class ProgrammeConfig:
    weeks_ahead: int  # a series' dates are made this many weeks ahead
    fixed_share: float = 0.67  # fixed places take at most this share of a date's places


@dataclass(frozen=True)
class CareConfig:
    """Noticing who has not been seen for a while (issue 14); durations in seconds."""

    regular_visits: int = 3  # a regular: seen in at least this many different weeks …
    regular_window: int = 70 * 86400  # … of this last stretch of time
    quiet_after: int = 21 * 86400  # a regular not seen for this long is "not seen lately"
    digest_at: tuple[int, int] = (0, 600)  # the weekly digest: (weekday 0 = Monday, minutes)
    greeting_every: int = 28 * 86400  # at most one greeting per person and centre this often


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig
    database: DatabaseConfig
    bot: BotConfig
    reminders: RemindersConfig
    broadcast: BroadcastConfig
    privacy: PrivacyConfig
    programme: ProgrammeConfig = ProgrammeConfig(weeks_ahead=8)
    care: CareConfig = CareConfig()


_SCHEMA: dict[str, dict[str, object]] = {
    "telegram": {
        "token": "",
        "base_url": "https://api.telegram.org/bot",
        "base_file_url": "https://api.telegram.org/file/bot",
    },
    "database": {"path": "vaerested.db"},
    "bot": {
        "timezone": "Europe/Copenhagen",
        "default_locale": "da",
        "locales": ["da", "en"],
        "admins": [],
    },
    "reminders": {"before": ["24h", "2h"], "quiet_hours": "22:00-08:00"},
    "broadcast": {"rate_per_second": 25},
    "privacy": {"forget_after": "365d"},
    "programme": {"weeks_ahead": 8, "fixed_share": 0.67},
    "care": {
        "regular_visits": 3,
        "regular_window": "70d",
        "quiet_after": "21d",
        "digest_at": "mon 10:00",
        "greeting_every": "28d",
    },
}


def parse_duration(text: str) -> int:
    """Turn '24h', '90s', '15m' or '2d' into seconds; raise ValueError otherwise."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match or int(match.group(1)) <= 0:
        raise ValueError(text)
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def resolve_path(path: str | os.PathLike[str] | None) -> Path | None:
    """The config file to read: the given one, else $VAERESTED_CONFIG, else ./config.toml if any."""
    if path:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_PATH if DEFAULT_PATH.exists() else None


def load_config(
    path: str | os.PathLike[str] | None = None, *, require_token: bool = True
) -> Config:
    """Read and check the configuration; defaults apply where the file is silent."""
    file = resolve_path(path)
    raw: dict[str, object] = {}
    if file is not None:
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {file}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    values = _merge(raw)
    base = file.parent if file is not None else Path.cwd()
    return _build(values, base, require_token)


def _merge(raw: dict[str, object]) -> dict[str, dict[str, object]]:
    merged = {table: dict(keys) for table, keys in _SCHEMA.items()}
    for table, keys in raw.items():
        if table not in _SCHEMA:
            raise ConfigError(f"unknown config table [{table}]")
        if not isinstance(keys, dict):
            raise ConfigError(f"[{table}] must be a table")
        for key, value in keys.items():
            if key not in _SCHEMA[table]:
                raise ConfigError(f"unknown config key [{table}] {key}")
            merged[table][key] = value
    return merged


def _build(v: dict[str, dict[str, object]], base: Path, require_token: bool) -> Config:
    token = os.environ.get(TOKEN_ENV) or _str(v, "telegram", "token")
    if require_token and not token:
        raise ConfigError(f"[telegram] token is missing: set it or the {TOKEN_ENV} variable")
    db_path = Path(_str(v, "database", "path")).expanduser()
    if not db_path.is_absolute():
        db_path = base / db_path
    return Config(
        telegram=TelegramConfig(
            token=token,
            base_url=_url(v, "base_url"),
            base_file_url=_url(v, "base_file_url"),
        ),
        database=DatabaseConfig(path=db_path),
        bot=_bot(v["bot"]),
        reminders=_reminders(v["reminders"]),
        broadcast=BroadcastConfig(rate_per_second=_rate(v["broadcast"]["rate_per_second"])),
        privacy=PrivacyConfig(forget_after=_forget_after(v["privacy"]["forget_after"])),
        programme=ProgrammeConfig(
            weeks_ahead=_weeks_ahead(v["programme"]["weeks_ahead"]),
            fixed_share=_fixed_share(v["programme"]["fixed_share"]),
        ),
        care=_care(v["care"]),
    )


def _care(c: dict[str, object]) -> CareConfig:
    visits = c["regular_visits"]
    if isinstance(visits, bool) or not isinstance(visits, int) or not 1 <= visits <= 52:
        raise ConfigError("[care] regular_visits must be a whole number of weeks from 1 to 52")
    durations = {}
    for key in ("regular_window", "quiet_after", "greeting_every"):
        try:
            durations[key] = parse_duration(c[key])  # type: ignore[arg-type]
        except ValueError:
            raise ConfigError(
                f'[care] {key}: cannot read duration {c[key]!r} (use e.g. "21d", "90s")'
            ) from None
    if durations["quiet_after"] >= durations["regular_window"]:
        raise ConfigError("[care] quiet_after must be shorter than [care] regular_window")
    text = c["digest_at"]
    match = _DIGEST_AT.match(text) if isinstance(text, str) else None
    if not match:
        raise ConfigError(f'[care] digest_at: cannot read {text!r} (use e.g. "mon 10:00")')
    day, hour, minute = match.groups()
    return CareConfig(
        regular_visits=visits,
        regular_window=durations["regular_window"],
        quiet_after=durations["quiet_after"],
        digest_at=(_WEEKDAYS.index(day), int(hour) * 60 + int(minute)),
        greeting_every=durations["greeting_every"],
    )


def _weeks_ahead(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 26:
        raise ConfigError("[programme] weeks_ahead must be a whole number of weeks from 1 to 26")
    return value


def _fixed_share(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError("[programme] fixed_share must be a number from 0 to 1, like 0.67")
    return float(value)


def _forget_after(value: object) -> int:
    try:
        seconds = parse_duration(value)  # type: ignore[arg-type]
    except ValueError:
        raise ConfigError(
            f'[privacy] forget_after: cannot read duration {value!r} (use e.g. "365d")'
        ) from None
    if seconds < 30 * 86400:
        raise ConfigError('[privacy] forget_after must be at least 30 days ("30d")')
    return seconds


def _str(v: dict[str, dict[str, object]], table: str, key: str) -> str:
    value = v[table][key]
    if not isinstance(value, str):
        raise ConfigError(f"[{table}] {key} must be a string")
    return value


def _url(v: dict[str, dict[str, object]], key: str) -> str:
    value = _str(v, "telegram", key)
    if not re.match(r"^https?://\S+$", value):
        raise ConfigError(f"[telegram] {key} must be an http(s) URL, got {value!r}")
    return value


def _bot(b: dict[str, object]) -> BotConfig:
    tz = b["timezone"]
    try:
        if not isinstance(tz, str):
            raise ValueError  # noqa: TRY004 - caught just below, one ConfigError for both
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[bot] timezone is not a known time zone: {tz!r}") from None
    locales = b["locales"]
    if not isinstance(locales, list) or not locales:
        raise ConfigError('[bot] locales must be a non-empty list, e.g. ["da", "en"]')
    for loc in locales:
        _check_locale("locales", loc)
    default = b["default_locale"]
    _check_locale("default_locale", default)
    if default not in locales:
        raise ConfigError(f"[bot] default_locale {default!r} must be one of [bot] locales")
    admins = b["admins"]
    if not isinstance(admins, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in admins
    ):
        raise ConfigError("[bot] admins must be a list of Telegram user ids (numbers)")
    return BotConfig(
        timezone=tz,
        default_locale=str(default),
        locales=tuple(str(x) for x in locales),
        admins=tuple(admins),
    )


def _check_locale(key: str, loc: object) -> None:
    try:
        if not isinstance(loc, str):
            raise ValueError  # noqa: TRY004 - caught just below, one ConfigError for both
        Locale.parse(loc)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(f"[bot] {key}: unknown locale {loc!r}") from None
    if loc not in SUPPORTED_LOCALES:
        raise ConfigError(
            f"[bot] {key}: no catalogue for locale {loc!r} (have: {', '.join(SUPPORTED_LOCALES)})"
        )


def _reminders(r: dict[str, object]) -> RemindersConfig:
    before = r["before"]
    if not isinstance(before, list):
        raise ConfigError('[reminders] before must be a list of durations, e.g. ["24h", "2h"]')
    seconds = []
    for item in before:
        try:
            seconds.append(parse_duration(item))
        except ValueError:
            raise ConfigError(
                f'[reminders] before: cannot read duration {item!r} (use e.g. "24h", "90s")'
            ) from None
    quiet = r["quiet_hours"]
    if not isinstance(quiet, str):
        raise ConfigError('[reminders] quiet_hours must be a string like "22:00-08:00" or ""')
    return RemindersConfig(
        before=tuple(sorted(set(seconds), reverse=True)), quiet_hours=_quiet(quiet)
    )


def _quiet(text: str) -> tuple[int, int] | None:
    if text == "":
        return None
    match = _QUIET.match(text)
    if not match:
        raise ConfigError(f'[reminders] quiet_hours: cannot read {text!r} (use "22:00-08:00")')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return h1 * 60 + m1, h2 * 60 + m2


def _rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1000:
        raise ConfigError("[broadcast] rate_per_second must be a number between 0 and 1000")
    return float(value)
