"""Configuration: file, environment overrides, and one-line errors naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.config import load_settings
from bot.core.errors import ConfigError
from tests.wallclock import subprocess_env


def test_defaults_without_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./carebot.toml here
    s = load_settings(environ={})
    assert s.app.timezone == "Asia/Shanghai"
    assert s.app.locale == "zh-CN"
    assert s.platform.default == "local"
    assert s.database.url.startswith("sqlite:///")
    assert s.dingtalk.api_base == "https://api.dingtalk.com"
    assert s.wecom.api_base == "https://qyapi.weixin.qq.com"
    assert s.api.tokens == []


def test_file_then_env_override(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text('[app]\nlocale = "en"\n[wecom]\ncorp_id = "ww1"\n[api]\ntokens = ["a"]\n')
    s = load_settings(f, environ={"CAREBOT_WECOM__CORP_ID": "ww2", "CAREBOT_API__TOKENS": "x, y"})
    assert s.app.locale == "en"
    assert s.wecom.corp_id == "ww2"
    assert s.api.tokens == ["x", "y"]


def test_env_names_config_file(tmp_path: Path) -> None:
    f = tmp_path / "other.toml"
    f.write_text("[server]\nport = 9001\n")
    assert load_settings(environ={"CAREBOT_CONFIG": str(f)}).server.port == 9001


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CAREBOT_SERVER__PORT": "eighty"}, "[server].port"),
        ({"CAREBOT_APP__TIMEZONE": "Mars/Olympus"}, "[app].timezone"),
        ({"CAREBOT_APP__LOCALE": "fr"}, "[app].locale"),
        ({"CAREBOT_PLATFORM__DEFAULT": "slack"}, "[platform].default"),
        ({"CAREBOT_APP__TIMEZEON": "UTC"}, "[app].timezeon: unknown key"),
        ({"CAREBOT_ATTENDANCE__DAY_BOUNDARY": "5 o'clock"}, "[attendance].day_boundary"),
        ({"CAREBOT_DINGTALK__MODE": "websocket"}, "[dingtalk].mode"),
        (
            {"CAREBOT_DINGTALK__STREAM_BACKOFF_MIN_SECONDS": "10", "CAREBOT_DINGTALK__STREAM_BACKOFF_MAX_SECONDS": "5"},
            "[dingtalk].stream_backoff_max_seconds",
        ),
    ],
)
def test_invalid_value_names_the_key(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(environ=env)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_unreadable_file_is_one_line_error(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("[app\nlocale=")
    with pytest.raises(ConfigError, match="cannot read configuration file"):
        load_settings(f, environ={})


def test_named_but_missing_file_uses_defaults(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Issue 2: "A missing config file uses defaults"; the warning catches a mistyped path.
    s = load_settings(environ={"CAREBOT_CONFIG": str(tmp_path / "nope.toml"), "CAREBOT_SERVER__PORT": "9001"})
    assert s.server.port == 9001 and s.platform.default == "local"
    assert "nope.toml does not exist" in caplog.text


def test_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('[server]\nport = "x"\n')
    proc = subprocess.run(
        [sys.executable, "-c", "from bot.ops.cli import main; main()", "db", "upgrade"],
        env=subprocess_env({"CAREBOT_CONFIG": str(f), "PATH": "/usr/bin:/bin"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "[server].port" in lines[0]


def test_example_config_is_valid_and_complete() -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    s = load_settings(example, environ={})
    text = example.read_text()
    for section, model in s:
        for key in type(model).model_fields:
            assert f"{key} =" in text or f"# {key} =" in text, f"[{section}].{key} undocumented"
