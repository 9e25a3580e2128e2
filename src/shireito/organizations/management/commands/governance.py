"""`shireito governance show|check`: a governance model's relations, or a model file checked."""

import json
import unicodedata
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from shireito.organizations.choices import OpenQuestionSetting
from shireito.organizations.governance import (
    GovernanceModelError,
    available_model_keys,
    load_model,
    parse_model,
)
from shireito.organizations.mandates import governance_settings
from shireito.organizations.relations import model_relations, relation_rows


class Command(BaseCommand):
    help = (
        "Governance models: `governance show [--model KEY] [--format json|table]`, "
        "`governance check FILE`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="print a model's relations (the active one by default)")
        show.add_argument("--model", help=f"one of: {', '.join(available_model_keys())}")
        show.add_argument("--format", choices=["table", "json"], default="table")
        show.add_argument("--open-question", choices=OpenQuestionSetting.values)
        show.add_argument("--language", choices=["ja", "en"], default="ja")
        check = sub.add_parser(
            "check", help="validate a governance model file and list its problems"
        )
        check.add_argument("file")

    def handle(self, *args, action, **options):
        if action == "check":
            return self._check(Path(options["file"]))
        key = options["model"] or governance_settings().active_model
        if key not in available_model_keys():
            raise CommandError(
                f"No governance model {key!r}; choose one of {available_model_keys()}"
            )
        model = load_model(key)
        setting = options["open_question"] or (
            governance_settings().open_question
            if key == governance_settings().active_model
            else None
        )
        relations = model_relations(model, setting)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "key": model.key,
                        "version": model.version,
                        "open_question": setting,
                        "relations": [asdict(r) for r in relations],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        with translation.override(options["language"]):
            rows = relation_rows(model, relations)
            title = model.title_en if options["language"] == "en" else model.title
        self.stdout.write(
            f"{title} ({model.key} v{model.version}), open question: {setting or '-'}"
        )
        columns = ("subject", "relation", "object")
        widths = [max(_width(r[c]) for r in rows) for c in columns]
        for row in rows:
            cells = [_pad(row[c], width) for c, width in zip(columns, widths, strict=True)]
            self.stdout.write("  ".join(cells) + (f"  [{row['detail']}]" if row["detail"] else ""))

    def _check(self, path: Path):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            model = parse_model(text, source=path.name)
        except GovernanceModelError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise SystemExit(1) from exc
        self.stdout.write(f"{path.name}: valid model {model.key!r} version {model.version}")


def _width(text: str) -> int:
    """Columns on a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
