"""``eligibility``: the command line. It parses arguments, calls the library, prints one-line errors.

Every sentence it prints, help included, comes from the catalogues (``locales/``); errors are one
line in the chosen language and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import EligibilityError, UsageError
from .fields import DATE_FIELDS, FIELDS
from .runtime import paused_gc

if TYPE_CHECKING:
    from .rules import RuleSet

# Everything heavy (pydantic, pandas, pyarrow, the rules, the report writers) is imported inside
# the commands, so `screen` starts reading the file on a second core first (python-calamine and
# pyarrow's CSV reader release the GIL while the rest loads).


def t(key: str, lang: str = "en", **params: Any) -> str:
    """A catalogue text (``i18n.t``, imported on first use)."""
    from .i18n import t as text

    return text(key, lang, **params)


def load_rules(folder: Path | None = None) -> RuleSet:
    from .rules import load_rules as load

    return load(folder)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", text=text)) from None


def _common() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name (``screen IN -o OUT --rules-dir DIR``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rules-dir", type=Path, default=argparse.SUPPRESS, help=t("cli.help.rules_dir"))
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eligibility", description=t("cli.help.description"))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--rules-dir", type=Path, default=None, help=t("cli.help.rules_dir"))
    parser.add_argument("--debug", action="store_true", default=False, help=argparse.SUPPRESS)
    common = _common()
    sub = parser.add_subparsers(dest="command", required=True)
    languages = {"choices": ("en", "es"), "default": "en", "help": t("cli.help.lang")}

    screen = sub.add_parser("screen", parents=[common], help=t("cli.help.screen"))
    screen.add_argument("input", type=Path, help=t("cli.help.input"))
    screen.add_argument("-o", "--output", type=Path, required=True, help=t("cli.help.output"))
    screen.add_argument("--as-of", type=_date, default=None, help=t("cli.help.as_of"))
    screen.add_argument("--sheet", help=t("cli.help.sheet"))
    screen.add_argument("--header-row", type=int, help=t("cli.help.header_row"))
    screen.add_argument("--map", action="append", default=[], metavar='"HEADER=field"', help=t("cli.help.map"))
    screen.add_argument("--mapping-file", type=Path, help=t("cli.help.mapping_file"))
    screen.add_argument("--save-mapping", type=Path, help=t("cli.help.save_mapping"))
    screen.add_argument("--date-order", choices=("mdy", "dmy"), help=t("cli.help.date_order"))
    screen.add_argument("--lang", **languages)
    screen.add_argument("--for-sharing", action="store_true", help=t("cli.help.for_sharing"))
    screen.add_argument("--follow-up-column", action="append", default=[], metavar='"HEADER"', help=t("cli.help.follow_up_column"))

    person = sub.add_parser("person", parents=[common], help=t("cli.help.person"))
    person.add_argument("facts", nargs="*", metavar="field=value", help=t("cli.help.facts", fields=", ".join(FIELDS)))
    person.add_argument("--as-of", type=_date, default=None, help=t("cli.help.as_of"))
    person.add_argument("--date-order", choices=("mdy", "dmy"), help=t("cli.help.date_order"))
    person.add_argument("--lang", **languages)
    person.add_argument("--pdf", type=Path, help=t("cli.help.pdf"))
    person.add_argument("--screener", default="", help=t("cli.help.screener"))

    template = sub.add_parser("template", parents=[common], help=t("cli.help.template"))
    template.add_argument("-o", "--output", type=Path, required=True, help=t("cli.help.output"))
    template.add_argument("--lang", **languages)

    rules = sub.add_parser("rules", parents=[common], help=t("cli.help.rules"))
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    show = rules_sub.add_parser("show", parents=[common], help=t("cli.help.rules_show"))
    show.add_argument("--lang", **languages)
    rules_sub.add_parser("test", parents=[common], help=t("cli.help.rules_test"))
    return parser


def _check_output(args: argparse.Namespace) -> None:
    if args.output.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError("bad_output_suffix", name=args.output.name)
    if not args.output.parent.exists():
        raise UsageError("no_output_folder", folder=str(args.output.parent))


def _orders(args: argparse.Namespace) -> dict[str, str] | None:
    return dict.fromkeys(DATE_FIELDS, args.date_order) if args.date_order else None


def _screen(args: argparse.Namespace, ruleset: RuleSet, pending: Future | None = None) -> int:
    from .batch import OUTCOME_ORDER, missing_fields, screen_table
    from .mapping import apply_overrides, dump_profile, load_profile, parse_map_options, suggest_mapping
    from .read import Limits, read_table
    from .report import batch_csv, batch_workbook
    from .report.rows import column_indices

    _check_output(args)
    suffix = args.output.suffix.lower()
    table = pending.result() if pending is not None else read_table(args.input, sheet=args.sheet, header_row=args.header_row, limits=Limits())
    mapping = suggest_mapping(table.headers)
    overrides: dict[str, str | None] = {}
    if args.mapping_file:
        overrides.update(load_profile(args.mapping_file))
    overrides.update(parse_map_options(args.map))
    if overrides:
        mapping = apply_overrides(mapping, overrides)
    as_of = args.as_of or dt.date.today()
    result = screen_table(table, ruleset, as_of=as_of, mapping=mapping, date_orders=_orders(args), lang=args.lang)
    extra = column_indices(result, args.follow_up_column)
    if extra and args.for_sharing:
        raise UsageError("follow_up_not_shared")
    if extra and suffix != ".xlsx":
        raise UsageError("follow_up_needs_xlsx")
    if suffix == ".xlsx":
        batch_workbook(result, ruleset, redact=args.for_sharing, target=args.output, follow_up_columns=extra)
    else:
        batch_csv(result, redact=args.for_sharing, target=args.output)
    if args.save_mapping:
        args.save_mapping.write_text(dump_profile(mapping, args.input.stem), encoding="utf-8")
    counts = result.counts()
    lang = args.lang
    parts = ", ".join(f"{counts.get(k, 0)} {k}" for k in OUTCOME_ORDER)
    print(t("cli.screened", lang, rows=len(result), source=table.source, as_of=as_of, version=ruleset.version, parts=parts))
    missing = missing_fields(mapping, ruleset)
    if missing:
        print(t("cli.missing", lang, fields=", ".join(missing)))
    for column in result.date_columns:
        if column.source == "column" and column.decision.ambiguous:
            print(t("cli.date_order_settled", lang, header=column.header, order=column.order, values=", ".join(column.decision.deciding)))
    issues = len(result.issues)
    if issues:
        print(t("cli.issues", lang, count=issues))
    print(t("cli.wrote", lang, path=args.output))
    return 0


def _person(args: argparse.Namespace, ruleset: RuleSet) -> int:
    from .engine import evaluate
    from .normalize import normalizer_for
    from .report.pdf import screening_pdf

    raw: dict[str, str] = {}
    for fact in args.facts:
        name, sep, value = fact.partition("=")
        if not sep or name not in FIELDS:
            raise UsageError("bad_fact", fact=fact, fields=", ".join(FIELDS))
        raw[name] = value
    record = normalizer_for(ruleset).to_record(raw, _orders(args))
    det = evaluate(record, ruleset, as_of=args.as_of or dt.date.today())
    lang = args.lang
    print(f"{det.label(lang)} ({det.outcome})")
    for element in det.elements:
        print(f"  {element.element_id}: {element.status} - {element.reason(lang)}")
    for question in det.questions:
        print(f"  ? {question.text(lang)}")
    for note in det.notes:
        print(f"  {t('cli.note', lang)}: {note.text(lang)}")
    if det.recheck_on:
        print(f"  {t('cli.recheck', lang, date=det.recheck_on.isoformat())}")
    for document in det.documents:
        print(f"  {t('cli.bring', lang)}: {document.get(lang)}")
    for issue in det.data_issues:
        print(f"  {t('cli.data_issue', lang)}: {issue.message.text(lang)}")
    print("  " + t("ui.stamp", lang, as_of=det.as_of, version=det.rules_version, hash=det.rules_hash[:12]))
    if args.pdf:
        args.pdf.write_bytes(screening_pdf(record, det, ruleset, lang, screener=args.screener))
        print(t("cli.wrote", lang, path=args.pdf))
    return 0


def _rules_show(args: argparse.Namespace, ruleset: RuleSet) -> int:
    rules, lang = ruleset.rules, args.lang
    print(f"{rules.case.name}, {rules.case.court}, {rules.case.docket}")
    print(t("cli.rules_version", lang, version=ruleset.version, hash=ruleset.hash))
    print(f"\n{t('report.rules.class_definition', lang)} ({rules.case.citation}):\n  \"{' '.join(rules.class_definition.split())}\"")
    for element in rules.elements:
        print(f"\n{element.paragraph} {element.id}: \"{element.words}\"")
        print(f"    {t('report.rules.citation', lang)}: {' '.join(element.citation.split())}")
        print(f"    {' '.join(element.explanation.get(lang).split())}")
    steps = [t("ui.rules.combination_rule", lang, status=r.if_any_element_is, outcome=r.outcome) for r in rules.combination.rules]
    steps.append(t("ui.rules.combination_otherwise", lang, outcome=rules.combination.otherwise))
    print(f"\n{t('ui.rules.combination', lang)}: {' '.join(steps)}")
    return 0


def _rules_test(ruleset: RuleSet) -> int:
    from .cases import run_all

    results = run_all(ruleset)
    failed = 0
    for result in results:
        mark = "PASS" if result.passed else "FAIL"
        print(f"{mark}  {result.case.file}: {result.case.name}")
        for failure in result.failures:
            print(f"        {failure}")
        failed += not result.passed
    print(t("cli.cases", passed=len(results) - failed, failed=failed))
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 rule cases failed or unexpected error, 2 user error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    pool = ThreadPoolExecutor(max_workers=1) if args.command == "screen" else None
    try:
        if pool is not None:
            from .read import Limits, read_table

            _check_output(args)
            with paused_gc():
                pending = pool.submit(read_table, args.input, sheet=args.sheet, header_row=args.header_row, limits=Limits())
                return _screen(args, load_rules(args.rules_dir), pending)
        ruleset = load_rules(args.rules_dir)
        if args.command == "person":
            return _person(args, ruleset)
        if args.command == "template":
            from .template import template_workbook

            args.output.write_bytes(template_workbook(args.lang, ruleset))
            print(t("cli.wrote", args.lang, path=args.output))
            return 0
        if args.rules_command == "show":
            return _rules_show(args, ruleset)
        return _rules_test(ruleset)
    except EligibilityError as error:
        print(f"error: {error.sentence(getattr(args, 'lang', 'en'))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as error:
        problem = error.strerror or error.__class__.__name__
        print(f"error: {t('cli.os_error', getattr(args, 'lang', 'en'), problem=problem, path=error.filename or '')}", file=sys.stderr)
        return 2
    except Exception as error:  # never a traceback for a user; --debug shows it
        if args.debug:
            raise
        print(f"error: {t('cli.unexpected', getattr(args, 'lang', 'en'), kind=error.__class__.__name__)}", file=sys.stderr)
        return 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


if __name__ == "__main__":
    sys.exit(main())
