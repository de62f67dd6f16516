"""Move the flat ``bot/`` modules into packages by role, and rewrite every reference to them.

Usage:
    python tools/relayout.py --move            # git mv the modules (once), then rewrite the repo
    python tools/relayout.py --rewrite PATH…   # rewrite old module names in files/directories only

The rewrite is idempotent, so a branch started before the move can merge the move and then
rewrite the files it added (``--rewrite bot handlers tests``). Kept for that purpose until every
branch of the second wave has merged; it only knows the old→new names below.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# old dotted module → new dotted module
MOVES: dict[str, str] = {
    # core: configuration, database, time, errors, texts, the work calendar
    "bot.clock": "bot.core.clock",
    "bot.config": "bot.core.config",
    "bot.db": "bot.core.db",
    "bot.migrate": "bot.core.migrate",
    "bot.runtime": "bot.core.runtime",
    "bot.errors": "bot.core.errors",
    "bot.i18n": "bot.core.i18n",
    "bot.workcalendar": "bot.core.workcalendar",
    "bot.holiday_file": "bot.core.holiday_file",
    "bot.calendar_cli": "bot.core.calendar_cli",
    "bot.sqlutil": "bot.core.sqlutil",
    "bot.chunks": "bot.core.chunks",
    "bot.cli_types": "bot.core.cli_types",
    # pipeline: neutral events, inbox, dispatch, outbox and their jobs/CLI
    "bot.events": "bot.pipeline.events",
    "bot.dispatch": "bot.pipeline.dispatch",
    "bot.inbox": "bot.pipeline.inbox",
    "bot.inbox_executor": "bot.pipeline.inbox_executor",
    "bot.inbox_jobs": "bot.pipeline.inbox_jobs",
    "bot.outbox": "bot.pipeline.outbox",
    "bot.outbox_jobs": "bot.pipeline.outbox_jobs",
    "bot.outbox_pacing": "bot.pipeline.outbox_pacing",
    "bot.payloads": "bot.pipeline.payloads",
    "bot.ratelimit": "bot.pipeline.ratelimit",
    # people: directory, sync, access, audit, finding a person
    "bot.access": "bot.people.access",
    "bot.audit": "bot.people.audit",
    "bot.directory": "bot.people.directory",
    "bot.directory_sync": "bot.people.directory_sync",
    "bot.people_lookup": "bot.people.lookup",
    # intake: imports and the metric catalogue
    "bot.imports": "bot.intake.imports",
    "bot.metric_catalogue": "bot.intake.metric_catalogue",
    "bot.metric_input": "bot.intake.metric_input",
    "bot.metrics": "bot.intake.metrics",
    "bot.data_cli": "bot.intake.cli",
    "bot.input_errors": "bot.intake.input_errors",
    "bot.input_values": "bot.intake.input_values",
    # features: each one's jobs inside its package
    "bot.attendance_jobs": "bot.attendance.jobs",
    "bot.journeys_jobs": "bot.journeys.jobs",
    "bot.reminders_jobs": "bot.reminders.jobs",
    "bot.surveys_jobs": "bot.surveys.jobs",
    "bot.privacy_jobs": "bot.privacy.jobs",
    "bot.rulebook": "bot.tags.rulebook",
    "bot.rules_jobs": "bot.tags.jobs",
    # ops: the command line, the scheduler, doctor, the demo
    "bot.cli": "bot.ops.cli",
    "bot.scheduler": "bot.ops.scheduler",
    "bot.jobs": "bot.ops.jobs",
    "bot.doctor": "bot.ops.doctor",
    "bot.demo": "bot.ops.demo.company",
    "bot.demo_journeys": "bot.ops.demo.journeys",
    "bot.demo_loader": "bot.ops.demo.loader",
    "bot.demo_replay": "bot.ops.demo.replay",
    "bot.demo_story": "bot.ops.demo.story",
    # platforms: one package per platform
    "bot.platforms.dingtalk": "bot.platforms.dingtalk.platform",
    "bot.platforms.dingtalk_client": "bot.platforms.dingtalk.client",
    "bot.platforms.dingtalk_fields": "bot.platforms.dingtalk.fields",
    "bot.platforms.dingtalk_inbound": "bot.platforms.dingtalk.inbound",
    "bot.platforms.dingtalk_inbound_chat": "bot.platforms.dingtalk.inbound_chat",
    "bot.platforms.wecom": "bot.platforms.wecom.platform",
    "bot.platforms.wecom_cards": "bot.platforms.wecom.cards",
    "bot.platforms.wecom_client": "bot.platforms.wecom.client",
    "bot.platforms.wecom_inbound": "bot.platforms.wecom.inbound",
    "bot.platforms.local": "bot.platforms.local.platform",
    "bot.platforms.local_inbound": "bot.platforms.local.inbound",
    # every configuration section's model sits with the config that composes them (no core → feature import)
    "bot.voice.settings": "bot.core.settings.voice",
    "bot.security.settings": "bot.core.settings.security",
    "bot.privacy.scopes": "bot.core.settings.scopes",
    "bot.journeys.settings": "bot.core.settings.onboarding",
    "bot.evaluation.settings": "bot.core.settings.evaluation",
    "bot.intake.metric_catalogue": "bot.core.settings.metric_catalogue",
    # doctor's checks run in ops, which may look at every package
    "bot.security.doctor_checks": "bot.ops.security_checks",
    # low-level helpers every package uses go to core, so no feature package is needed underneath another
    "bot.ops.scheduler": "bot.pipeline.scheduler",
    "bot.security.logsafe": "bot.core.logsafe",
    "bot.security.input_guard": "bot.core.input_guard",
    "bot.intake.input_values": "bot.core.input_values",
    "bot.intake.input_errors": "bot.core.input_errors",
    "bot.reminders.window": "bot.core.send_window",
    "bot.journeys.definition": "bot.core.journey_file",
    # shared between features: who is on leave; journey sends counted in the reminders' budget
    "bot.reminders.leave": "bot.people.leave",
    "bot.journeys.budget": "bot.reminders.journey_sends",
    # org changes from the platforms drive people, attendance and journeys: data from outside
    "bot.people.directory_sync": "bot.intake.directory_sync",
    # the pipeline defines what platforms plug into (outbound Platform protocol and message shapes)
    # and keeps the record of cards it sent: platforms import the pipeline, never the reverse
    "bot.platforms.base": "bot.pipeline.platform",
    "bot.security.sent_cards": "bot.pipeline.sent_cards",
    # delivery commands check each configured platform: they sit in ops, above the platforms
    "bot.outbox_cli": "bot.ops.outbox_cli",
    "bot.pipeline.outbox_cli": "bot.ops.outbox_cli",
}

PACKAGE_DOCS = {
    "bot/core": "The core every package uses: configuration, database, clock, errors, texts, work calendar.",
    "bot/pipeline": "Inbound and outbound plumbing: neutral events, the inbox, dispatch, the outbox and pacing.",
    "bot/people": "People: the directory and its sync, roles and access, the audit trail, finding a person.",
    "bot/intake": "Data from outside: CSV imports, the metric catalogue, validated input values.",
    "bot/ops": "Operations: the ``carebot`` command line, the scheduler, ``doctor`` and the demo.",
    "bot/core/settings": "The models of the configuration sections, composed by ``bot.core.config.Settings``.",
    "bot/ops/demo": "The demo organisation: its people, its history replayed, its chat and its journeys.",
    "bot/tags": "Care tags from the rule library: scheduled evaluation and the rulebook texts use.",
    "bot/platforms/dingtalk": "DingTalk (钉钉): outbound client and platform, inbound events, robot messages, cards.",
    "bot/platforms/wecom": "WeCom (企业微信): outbound client and platform, template cards, inbound XML.",
    "bot/platforms/local": "The ``local`` platform: the simulator's chat, stored in the database.",
}

TEXT_SUFFIXES = {".py", ".md", ".toml", ".ini", ".cfg", ".txt", ".mako", ".sh", ""}
SKIP_DIRS = {".git", ".venv", "instance", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def _path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _submodules(new_package: str) -> set[str]:
    """Names of the modules now inside a package that replaced a module of the same name."""
    folder = ROOT / new_package.replace(".", "/")
    return {p.stem for p in folder.glob("*.py")} | {p.name for p in folder.iterdir() if p.is_dir()}


def _rewrite_from_imports(text: str) -> str:
    """``from P import a, b as c`` where ``P.a`` moved → one import line per new parent."""
    pattern = re.compile(r"^(?P<indent>[ \t]*)from (?P<pkg>bot(?:\.\w+)*) import (?P<names>\([^)]*\)|[^\n]*)", re.M)

    def repl(m: re.Match[str]) -> str:
        pkg, raw, indent = m.group("pkg"), m.group("names"), m.group("indent")
        body = raw[1:-1] if raw.startswith("(") else raw
        comment = ""
        if not raw.startswith("(") and "#" in body:
            body, comment = body.split("#", 1)
            comment = "  #" + comment
        items = [i.strip() for i in re.sub(r"#[^\n]*", "", body).replace("\n", " ").split(",") if i.strip()]
        moved = [i for i in items if f"{pkg}.{i.split(' as ')[0].strip()}" in MOVES]
        if not moved:
            return m.group(0)
        kept = [i for i in items if i not in moved]
        lines: list[str] = []
        if kept:
            lines.append(f"{indent}from {pkg} import {', '.join(kept)}")
        for item in moved:
            name, _, alias = item.partition(" as ")
            name, alias = name.strip(), alias.strip() or name.strip()
            parent, _, leaf = MOVES[f"{pkg}.{name}"].rpartition(".")
            lines.append(f"{indent}from {parent} import {leaf}" + ("" if leaf == alias else f" as {alias}"))
        # A noqa comment covers every line it was on; any other comment stays on the first line.
        for i in range(len(lines) if "noqa" in comment else 1):
            lines[i] += comment
        return "\n".join(lines)

    return pattern.sub(repl, text)


def _rewrite_dotted(text: str) -> str:
    """Every remaining ``bot.old`` dotted name (imports, patch targets) and ``bot/old.py`` path."""
    for old in sorted(MOVES, key=len, reverse=True):
        new = MOVES[old]
        guard = ""
        if new.startswith(old + "."):
            # A module replaced by a package of the same name: leave names already inside it alone.
            inner = "|".join(sorted(_submodules(new.rpartition(".")[0]), key=len, reverse=True))
            guard = rf"(?!\.(?:{inner})\b)(?! import \(?\s*(?:{inner})\b)" if inner else ""
        text = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w]){guard}", new, text)
        old_path, new_path = _path(old), _path(new)
        text = re.sub(rf"(?<![\w/]){re.escape(old_path)}", new_path, text)
    return text


def rewrite_file(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    new = _rewrite_dotted(_rewrite_from_imports(text)) if path.suffix == ".py" else _rewrite_dotted(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
            continue
        for f in p.rglob("*"):
            wanted = f.is_file() and f.suffix in TEXT_SUFFIXES and not SKIP_DIRS & set(f.parts)
            if wanted and f.resolve() != Path(__file__).resolve():
                out.append(f)
    return out


def move() -> None:
    for old, new in MOVES.items():
        src, dst = ROOT / _path(old), ROOT / _path(new)
        if not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if new.startswith(old + "."):
            tmp = src.with_suffix(".moving")
            subprocess.run(["git", "mv", str(src), str(tmp)], check=True, cwd=ROOT)
            src = tmp
        subprocess.run(["git", "mv", str(src), str(dst)], check=True, cwd=ROOT)
    for folder, doc in PACKAGE_DOCS.items():
        init = ROOT / folder / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], check=True, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--move", action="store_true", help="git mv the modules, then rewrite the whole repository")
    parser.add_argument("--rewrite", nargs="*", type=Path, help="rewrite references in these files or folders")
    args = parser.parse_args(argv)
    if args.move:
        move()
        targets = [ROOT]
    elif args.rewrite:
        targets = args.rewrite
    else:
        parser.print_help()
        return 2
    changed = [f for f in _files(targets) if rewrite_file(f)]
    print(f"rewrote {len(changed)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
