"""Configuration contract: CAREBOT_CONFIG, CAREBOT_<SECTION>__<KEY> overrides, one-line errors with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.cli import carebot, sqlite_env


def test_missing_config_file_uses_defaults(tmp_path: Path) -> None:
    env = {
        "CAREBOT_CONFIG": str(tmp_path / "does-not-exist.toml"),
        "CAREBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}",
    }
    proc = carebot("db", "upgrade", env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "x.db").exists()
    assert "does-not-exist.toml does not exist" in proc.stderr  # a mistyped path is still visible


def test_no_config_at_all_uses_defaults_in_the_working_directory(tmp_path: Path) -> None:
    proc = carebot("db", "upgrade", env={}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "instance" / "carebot.db").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "not a database URL"),
        ("", "not a database URL"),
        ("mysql://root@db/carebot", "unsupported database 'mysql'"),
    ],
)
def test_bad_database_url_is_one_line_and_exit_2(tmp_path: Path, url: str, expected: str) -> None:
    proc = carebot("db", "upgrade", env=sqlite_env(tmp_path, CAREBOT_DATABASE__URL=url))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "[database].url" in lines[0] and expected in lines[0]
    assert "Traceback" not in proc.stderr


def test_heroku_style_postgres_url_is_accepted() -> None:
    from bot.core.config import load_settings

    s = load_settings(overrides={"database": {"url": "postgres://u:p@127.0.0.1:5432/db"}}, environ={})
    assert s.database.url == "postgresql://u:p@127.0.0.1:5432/db"


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"CAREBOT_SERVER__PORT": "eighty"}, "[server].port"),
        ({"CAREBOT_APP__TIMEZONE": "Mars/Olympus"}, "[app].timezone"),
        ({"CAREBOT_PLATFORM__DEFAULT": "slack"}, "[platform].default"),
        ({"CAREBOT_APP__LOCALE": "fr"}, "[app].locale"),
    ],
)
def test_invalid_env_override_names_the_key(tmp_path: Path, env: dict[str, str], key: str) -> None:
    proc = carebot("db", "upgrade", env=sqlite_env(tmp_path, **env))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and key in proc.stderr


def test_unparseable_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "carebot.toml"
    config.write_text("[database\nurl = ", encoding="utf-8")
    proc = carebot("db", "upgrade", env={"CAREBOT_CONFIG": str(config)})
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "carebot.toml" in proc.stderr


def test_lists_in_the_environment_may_be_comma_separated(tmp_path: Path) -> None:
    # config.example.toml: "Lists in the environment: JSON or comma-separated" — for every list key.
    env = sqlite_env(tmp_path, CAREBOT_RULES__DISABLED="birthday_tomorrow, silent", CAREBOT_REMINDERS__HR_USERIDS="hr1")
    proc = carebot("rules", "check", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "disabled: birthday_tomorrow, silent" in proc.stdout
    json_env = sqlite_env(tmp_path, CAREBOT_RULES__DISABLED='["silent"]', CAREBOT_API__TOKENS="a,b")
    assert "disabled: silent" in carebot("rules", "check", env=json_env).stdout
