""" "🔊 Læs op" says the card's words, never its HTML (issue 11, "Telegram's own limits"):
"Kaffe & kage" is read as "Kaffe & kage", not "Kaffe amp; kage"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.media import spoken_text
from dialogs.extras import spoken
from tests.conftest import Harness, local

TITLE = "Kaffe & kage <3"


def test_the_spoken_text_is_made_from_plain_text() -> None:
    said = spoken_text([TITLE, "lørdag 5. december kl. 19.30", "Stuen & haven"], "da")
    assert said == "Kaffe & kage 3. lørdag 5. december klokken 19 30. Stuen & haven"
    assert "amp" not in said and "lt" not in said


async def test_the_card_is_spoken_from_the_activitys_own_words(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(
        centre, TITLE, local(2026, 12, 5, 19, 30), place="Stuen & haven", description='"Alle" <b>'
    )
    activity = await bot.store.activities.get(activity_id)
    assert activity is not None

    class Context:
        _ = translator("da")

    said = spoken(activity, "lørdag 5. december kl. 19.30", Context())  # type: ignore[arg-type]
    assert said.startswith("Kaffe & kage 3. lørdag 5. december klokken 19 30. Stuen & haven.")
    assert "&amp;" not in said and "amp;" not in said and "quot" not in said


@pytest.fixture
def espeak_listener(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """espeak-ng as the bot finds it on PATH, but keeping a copy of what it was told to say:
    the real program still speaks (no function of ours is replaced)."""
    real = "/usr/bin/espeak-ng"
    if not os.access(real, os.X_OK):
        pytest.skip("espeak-ng is not installed")
    folder = tmp_path / "bin"
    folder.mkdir()
    said = tmp_path / "said.txt"
    wrapper = folder / "espeak-ng"
    wrapper.write_text(f'#!/bin/sh\ntee "{said}" | exec {real} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return said


async def test_jens_hears_kaffe_og_kage_not_its_html(bot: Harness, espeak_listener: Path) -> None:
    """Jens taps "🔊 Læs op" on "Kaffe & kage <3": what espeak-ng is given to say holds the
    title as staff wrote it, with no "amp;" or "lt;"."""
    centre = await bot.centre()
    await bot.activity(centre, TITLE, local(2026, 12, 5, 19, 30), place="Stuen & haven")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Kaffe")
    await jens.tap("Læs op")
    (voice,) = [m for m in jens.bot_messages() if m.kind == "voice"]
    assert voice.file_bytes.startswith(b"OggS")
    said = espeak_listener.read_text(encoding="utf-8")
    assert "Kaffe & kage" in said and "Stuen & haven" in said
    assert "amp" not in said and "lt;" not in said
