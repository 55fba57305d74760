"""What the command-line tests share: an admin's config file and running `vaerested-bot` in
this process (exit status, standard output, standard error)."""

from pathlib import Path

import pytest

from bot.cli import main

CONFIG = '[database]\npath = "admin.db"\n[bot]\ntimezone = "Europe/Copenhagen"\n'


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VAERESTED_BOT_TOKEN", raising=False)
    monkeypatch.delenv("VAERESTED_CONFIG", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
