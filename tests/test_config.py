"""Configuration: defaults, and one clear line naming the key for each mistake."""

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_duration


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("VAERESTED_BOT_TOKEN", raising=False)
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_example_config_loads_with_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAERESTED_BOT_TOKEN", "1:abc")
    config = load_config(Path(__file__).parent.parent / "config.example.toml")
    assert config.telegram.token == "1:abc"
    assert config.bot.default_locale == "da"
    assert config.bot.locales == ("da", "en")
    assert config.reminders.before == (86400, 7200)
    assert config.reminders.quiet_hours == (22 * 60, 8 * 60)
    assert config.broadcast.rate_per_second == 25.0
    assert config.telegram.base_url == "https://api.telegram.org/bot"


def test_missing_token_names_the_key_and_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = error_for(tmp_path, "[bot]\n", monkeypatch)
    assert "[telegram] token" in message and "VAERESTED_BOT_TOKEN" in message


def test_token_from_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAERESTED_BOT_TOKEN", "2:env")
    config = load_config(write(tmp_path, '[telegram]\ntoken = "1:file"\n'))
    assert config.telegram.token == "2:env"


def test_admin_commands_need_no_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VAERESTED_BOT_TOKEN", raising=False)
    config = load_config(write(tmp_path, ""), require_token=False)
    assert config.database.path == tmp_path / "vaerested.db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[bot]\ntimezone = "Europe/Kbh"\n', "[bot] timezone"),
        ('[bot]\nlocales = ["da", "xx-nope"]\n', "[bot] locales"),
        ('[bot]\ndefault_locale = "fr"\n', "[bot] default_locale"),
        ('[bot]\nlocales = ["da"]\ndefault_locale = "en"\n', "[bot] default_locale"),
        ('[reminders]\nbefore = ["24h", "soon"]\n', "[reminders] before"),
        ('[reminders]\nbefore = ["0s"]\n', "[reminders] before"),
        ('[reminders]\nquiet_hours = "22-08"\n', "[reminders] quiet_hours"),
        ("[bot]\ncolour = 1\n", "unknown config key [bot] colour"),
        ("[bots]\nadmins = []\n", "unknown config table [bots]"),
        ('[bot]\nadmins = ["me"]\n', "[bot] admins"),
        ("[broadcast]\nrate_per_second = 0\n", "[broadcast] rate_per_second"),
        ('[telegram]\nbase_url = "ftp://x"\n', "[telegram] base_url"),
        ("[bot\n", "not valid TOML"),
    ],
)
def test_each_bad_value_is_named_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    monkeypatch.setenv("VAERESTED_BOT_TOKEN", "1:abc")
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_a_missing_config_file_given_explicitly_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", require_token=False)


def test_config_path_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[database]\npath = "/tmp/elsewhere.db"\n')
    monkeypatch.setenv("VAERESTED_CONFIG", str(path))
    assert load_config(require_token=False).database.path == Path("/tmp/elsewhere.db")


def test_durations() -> None:
    assert parse_duration("24h") == 86400
    assert parse_duration("90s") == 90
    assert parse_duration("15m") == 900
    assert parse_duration("2d") == 172800
    for bad in ("", "h", "1.5h", "-2h", "2 hours"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_empty_quiet_hours_turn_them_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[reminders]\nquiet_hours = ""\n'), require_token=False)
    assert config.reminders.quiet_hours is None
