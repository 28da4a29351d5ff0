"""``eligibility``: the command line. It parses arguments, calls the library, prints one-line errors.

Every sentence it prints, help included, comes from the catalogues (``locales/``); errors are one
line in the chosen language and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
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
    _screen_options(screen, languages)

    compare = sub.add_parser("compare", parents=[common], help=t("cli.help.compare"))
    compare.add_argument("earlier", type=Path, help=t("cli.help.earlier"))
    compare.add_argument("input", type=Path, help=t("cli.help.new_input"))
    compare.add_argument("-o", "--output", type=Path, required=True, help=t("cli.help.compare_output"))
    _screen_options(compare, languages)

    person = sub.add_parser("person", parents=[common], help=t("cli.help.person"))
    person.add_argument("facts", nargs="*", metavar="field=value", help=t("cli.help.facts", fields=", ".join(FIELDS)))
    person.add_argument("--as-of", type=_date, default=None, help=t("cli.help.as_of"))
    person.add_argument("--date-order", choices=("mdy", "dmy"), help=t("cli.help.date_order"))
    person.add_argument("--lang", **languages)
    person.add_argument("--pdf", type=Path, help=t("cli.help.pdf"))
    person.add_argument("--facts", dest="facts_file", metavar="FILE", help=t("cli.help.facts_file"))
    person.add_argument("--screener", default="", help=t("cli.help.screener"))

    read_eoir = sub.add_parser("read-eoir", parents=[common], help=t("cli.help.read_eoir"))
    read_eoir.add_argument("file", metavar="FILE", help=t("cli.help.eoir_file"))
    read_eoir.add_argument("--lang", **languages)

    template = sub.add_parser("template", parents=[common], help=t("cli.help.template"))
    template.add_argument("-o", "--output", type=Path, required=True, help=t("cli.help.output"))
    template.add_argument("--lang", **languages)

    rules = sub.add_parser("rules", parents=[common], help=t("cli.help.rules"))
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    show = rules_sub.add_parser("show", parents=[common], help=t("cli.help.rules_show"))
    show.add_argument("--lang", **languages)
    rules_sub.add_parser("test", parents=[common], help=t("cli.help.rules_test"))
    return parser


def _screen_options(command: argparse.ArgumentParser, languages: dict[str, Any]) -> None:
    """The options of every command that screens a file (``screen``, ``compare``)."""
    command.add_argument("--as-of", type=_date, default=None, help=t("cli.help.as_of"))
    command.add_argument("--sheet", help=t("cli.help.sheet"))
    command.add_argument("--header-row", type=int, help=t("cli.help.header_row"))
    command.add_argument("--map", action="append", default=[], metavar='"HEADER=field"', help=t("cli.help.map"))
    command.add_argument("--mapping-file", type=Path, help=t("cli.help.mapping_file"))
    command.add_argument("--save-mapping", type=Path, help=t("cli.help.save_mapping"))
    command.add_argument("--date-order", choices=("mdy", "dmy"), help=t("cli.help.date_order"))
    command.add_argument("--lang", **languages)
    command.add_argument("--for-sharing", action="store_true", help=t("cli.help.for_sharing"))
    command.add_argument("--calendar", type=Path, metavar="RECHECK.ics", help=t("cli.help.calendar"))
    command.add_argument("--follow-up-column", action="append", default=[], metavar='"HEADER"', help=t("cli.help.follow_up_column"))


def _check_output(args: argparse.Namespace) -> None:
    if args.output.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError("bad_output_suffix", name=args.output.name)
    for path in (args.output, getattr(args, "calendar", None)):
        if path is not None and not path.parent.exists():
            raise UsageError("no_output_folder", folder=str(path.parent))


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
    changes = None
    if args.command == "compare":
        from .compare import compare

        earlier = read_table(args.earlier, limits=Limits())
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
    if args.command == "compare":
        changes = compare(earlier, result)
        result.changes = changes
    if suffix == ".xlsx":
        batch_workbook(result, ruleset, redact=args.for_sharing, target=args.output, follow_up_columns=extra)
    elif changes is not None:
        from .report.csvfile import write_csv
        from .report.rows import change_table

        write_csv(*change_table(result, args.for_sharing), args.output)
    else:
        batch_csv(result, redact=args.for_sharing, target=args.output)
    if args.calendar:
        from .report import recheck_calendar

        recheck_calendar(result, target=args.calendar)
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
            if args.for_sharing:  # a report for sharing quotes no cell, and neither does its command
                print(t("cli.date_order_settled_shared", lang, header=column.header, order=column.order))
            else:
                print(t("cli.date_order_settled", lang, header=column.header, order=column.order, values=", ".join(column.decision.deciding)))
    issues = len(result.issues)
    if issues:
        print(t("cli.issues", lang, count=issues))
    _caseload_lines(result, lang)
    if changes is not None:
        from .report.rows import change_summary

        print(t("cli.compared", lang, source=changes.earlier.source, summary=change_summary(changes, lang)))
    print(t("cli.wrote", lang, path=args.output))
    if args.calendar:
        print(t("cli.wrote", lang, path=args.calendar))
    return 0


def _caseload_lines(result: Any, lang: str) -> None:
    """Say when the file carried an earlier screening, and how its attorney decisions stand."""
    earlier = result.earlier_values()
    if earlier:
        first = next((i for i, v in enumerate(earlier["as_of"]) if str(v or "").strip()), 0)
        print(t("cli.earlier_found", lang, source=result.table.source, as_of=earlier["as_of"][first], version=earlier["rules_version"][first]))
    check = result.decision_check
    count = sum(1 for c in check["decision_category"] if c)
    if count:
        stale = check["decision_stale"]
        print(t("cli.decisions", lang, count=count, stale=stale.count("yes"), unknown=stale.count("unknown"),
                unreadable=check["decision_category"].count("unreadable")))


def _person(args: argparse.Namespace, ruleset: RuleSet) -> int:
    from .engine import evaluate
    from .normalize import normalizer_for
    from .report.pdf import screening_pdf

    raw: dict[str, str] = {}
    given: list[tuple[str, str]] = []
    if args.facts_file:
        name = "stdin" if args.facts_file == "-" else args.facts_file
        for number, line in enumerate(_text(args.facts_file).splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            field, sep, value = line.partition("=")
            if not sep or field.strip() not in FIELDS:
                raise UsageError("bad_fact_line", line=number, name=name, text=line[:80])
            given.append((field.strip(), value.strip()))
    for fact in args.facts:
        name, sep, value = fact.partition("=")
        if not sep or name not in FIELDS:
            raise UsageError("bad_fact", fact=fact, fields=", ".join(FIELDS))
        given.append((name, value))
    for name, value in given:
        if name in raw and raw[name] != value:
            raise UsageError("fact_twice", field=name, first=raw[name], second=value)
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


def _text(path: str) -> str:
    """A text file's content (``-``: standard input), UTF-8 or else Windows-1252, as staff save them."""
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_eoir(args: argparse.Namespace, ruleset: RuleSet) -> int:
    """Print what text from EOIR's portal says, as field=value lines with the sentences they rest on."""
    from .fields import PORTAL_FIELDS
    from .normalize import normalizer_for

    lang = args.lang
    reading = normalizer_for(ruleset).portal.read_text(_text(args.file))
    print(t("cli.eoir.header", lang, version=ruleset.version))
    found = reading.fields
    for field in PORTAL_FIELDS:
        item = found.get(field)
        if item is None:
            continue
        print(f"{field}={item.written}")
        if not item.written and item.read.reading is not None and item.read.reading.why is not None:
            print(t("cli.eoir.not_read", lang, field=field, why=item.read.reading.why.get(lang)))
        for sentence in item.sentences:
            print(t("cli.eoir.from", lang, text=" ".join(sentence.split())))
    left = [f for f in PORTAL_FIELDS if f not in found]
    if left:
        print(t("cli.eoir.nothing", lang, fields=", ".join(left)))
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
    pool = ThreadPoolExecutor(max_workers=1) if args.command in ("screen", "compare") else None
    try:
        if pool is not None:
            from .read import Limits, read_table

            _check_output(args)
            with paused_gc():
                parsing = threading.Event()  # the file's checks (Python) are done; its parsing (not Python) begins
                pending = pool.submit(
                    read_table, args.input, sheet=args.sheet, header_row=args.header_row, limits=Limits(), on_parse=parsing.set
                )
                parsing.wait()  # loading the rules now would only slow the checks down (one Python lock)
                ruleset = load_rules(args.rules_dir)
                if not pending.done():  # the parsing leaves this core free: build the screening's tables now
                    from .batch import prepare

                    prepare(ruleset)
                return _screen(args, ruleset, pending)
        ruleset = load_rules(args.rules_dir)
        if args.command == "person":
            return _person(args, ruleset)
        if args.command == "read-eoir":
            return _read_eoir(args, ruleset)
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
