"""Catalogues: complete, not fuzzy, in step with the code, placeholders intact; dates one way."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, translator
from tests.conftest import local

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
TAGS = re.compile(r"</?[a-z]+>")


def catalogue(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def code_msgids() -> set[str]:
    found = set()
    for folder in ("bot", "dialogs"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["da", "en"])
def test_catalogue_is_complete_and_not_fuzzy(locale: str) -> None:
    missing = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("locale", ["da", "en"])
def test_catalogue_matches_the_code(locale: str) -> None:
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
    in_code = code_msgids()
    assert in_code - in_catalogue == set(), "run locales/update.sh and translate"
    assert in_catalogue - in_code == set(), "obsolete entries: run locales/update.sh"


@pytest.mark.parametrize("locale", ["da", "en"])
def test_placeholders_and_tags_survive_translation(locale: str) -> None:
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected, (message.id, string)
            assert sorted(TAGS.findall(string)) == sorted(TAGS.findall(ids[0])), message.id
        if len(ids) == 1:
            assert set(PLACEHOLDER.findall(strings[0])) == expected, (message.id, strings[0])


def test_the_pot_template_is_in_step_with_the_code() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert template == code_msgids(), "run locales/update.sh"


def test_dates_are_written_one_way_in_danish_and_english() -> None:
    saturday = local(2026, 12, 5, 10)
    assert translator("da").when(saturday, "Europe/Copenhagen") == "lørdag 5. december kl. 10.00"
    assert translator("en").when(saturday, "Europe/Copenhagen") == "Saturday 5 December at 10:00"


def test_dates_on_daylight_saving_days_show_the_local_wall_clock() -> None:
    da = translator("da")
    assert da.when(local(2026, 3, 29, 10), "Europe/Copenhagen") == "søndag 29. marts kl. 10.00"
    assert da.when(local(2026, 10, 25, 10), "Europe/Copenhagen") == "søndag 25. oktober kl. 10.00"
    # 01:30 UTC on 25 October is 02:30 summer time, the first of the two 02:30s.
    first = local(2026, 10, 25, 1, 30) + 3600
    assert da.when(first, "Europe/Copenhagen") == "søndag 25. oktober kl. 02.30"
    assert da.when(first + 3600, "Europe/Copenhagen") == "søndag 25. oktober kl. 02.30"


def test_plural_forms() -> None:
    da = translator("da")
    assert da.ngettext("{n} place left", "{n} places left", 1) == "1 ledig plads"
    assert da.ngettext("{n} place left", "{n} places left", 3) == "3 ledige pladser"
