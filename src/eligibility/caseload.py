"""Working a caseload over time: the earlier screening a file carries, and attorney decisions.

A report of this tool, uploaded again, is recognised as such: when its headers name the screening's
own columns (``determination``, ``rules_version`` and ``as_of`` at least, as the report writes them,
or with the ``_screening`` suffix a report adds when the upload had a column of that name), those
columns are the *earlier screening*. They are never mapped to an intake field and never read by the
rules; the new report replaces them with the new screening, and their values are what the decision
check here and ``compare`` look at. A column that the mapping gives to a field is not an earlier
screening column, whatever its header.

An attorney's decision (``attorney_decision``, ``decision_note``, ``decided_by``, ``decided_on``) is
kept as written in every report, beside the tool's own result, which it never hides or replaces.
It needs another look (``decision_stale``) when, since it was made, the determination, an element
status or the rules changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .cells import cell_text, is_blank
from .engine import SEPARATOR
from .i18n import t
from .mapping import ColumnMatch
from .model import readings_of
from .normalize import Normalizer, fold, quote, read_date
from .rules import RuleSet

EARLIER_STAMP = ("determination", "rules_version", "as_of")
"""The columns every report carries: a sheet with all three is an earlier report of this tool."""
SUFFIX = "_screening"
RULES = "rules"
"""The key of a change of rules in :func:`differences` (element ids and "determination" are the others)."""
Relation = Literal["after", "before", "unclear"]


def earlier_columns(headers: Sequence[str], mapping: Sequence[ColumnMatch], names: Sequence[str]) -> dict[str, int]:
    """The columns of an earlier screening in a sheet: report column name -> column index.

    ``names`` are the columns a report writes (the screening's and the decision check's). A header
    matches a name as written or with any number of ``_screening`` suffixes (the most suffixed one
    is the report's own); a column mapped to a field is never one. Empty unless the stamp columns
    are all there.

    >>> from eligibility.mapping import suggest_mapping
    >>> headers = ["Client ID", "determination", "determination_screening", "rules_version", "as_of"]
    >>> earlier_columns(headers, suggest_mapping(headers), ["determination", "rules_version", "as_of", "reasons"])
    {'determination': 2, 'rules_version': 3, 'as_of': 4}
    """
    mapped = {m.index for m in mapping if m.field}
    folded = [fold(h) for h in headers]
    found: dict[str, int] = {}
    for name in names:
        base = fold(name)
        best, depth = None, -1
        for index, header in enumerate(folded):
            if index in mapped or not header.startswith(base):
                continue
            rest = header[len(base):]
            suffixes = rest.count(" screening")
            if rest == " screening" * suffixes and suffixes > depth:
                best, depth = index, suffixes
        if best is not None:
            found[name] = best
    return found if all(s in found for s in EARLIER_STAMP) else {}


def _text(value: Any) -> str:
    return cell_text(value).strip()


def differences(before: Mapping[str, Any], after: Mapping[str, Any], element_ids: Sequence[str]) -> list[tuple[str, str, str]]:
    """What changed between two screenings of one person: (what, before, after), where what is
    "determination", an element id or "rules". Only what ``before`` records is compared (a report
    of an older version may lack a column)."""
    found = []
    for key in ("determination", *element_ids):
        if key in before and not is_blank(before[key]) and _text(before[key]) != _text(after.get(key)):
            found.append((key, _text(before[key]), _text(after.get(key))))
    old_hash, old_version = _text(before.get("rules_hash")), _text(before.get("rules_version"))
    if (old_hash and old_hash != _text(after.get("rules_hash"))) or (old_version and old_version != _text(after.get("rules_version"))):
        found.append((RULES, _rules_text(old_version, old_hash), _rules_text(_text(after.get("rules_version")), _text(after.get("rules_hash")))))
    return found


def _rules_text(version: str, short_hash: str) -> str:
    return f"{version} ({short_hash})" if short_hash else version


def describe(change: tuple[str, str, str], ruleset: RuleSet, lang: str) -> str:
    """One change in words: "(c) Case no longer active: Needs review → Met"."""
    what, before, after = change
    rules = ruleset.rules
    if what == "determination":
        label = t("caseload.what.determination", lang)
        names = rules.outcomes
    elif what == RULES:
        return t("caseload.change", lang, what=t("caseload.what.rules", lang), before=before, after=after)
    else:
        element = ruleset.elements.get(what)
        label = f"{element.paragraph} {element.title.get(lang)}" if element else what
        names = rules.statuses

    def word(code: str) -> str:
        return names[code].get(lang) if code in names else quote(code) or "-"

    return t("caseload.change", lang, what=label, before=word(before), after=word(after))


def relation(day: Any, as_of: dt.date) -> Relation:
    """Whether a read date lies on or after ``as_of`` ("after"), before it, or either (a month that
    spans it, two readings that disagree)."""
    sides = set()
    for reading in readings_of(day):
        sides.add("after" if reading.start >= as_of else "before" if reading.end < as_of else "unclear")
    return sides.pop() if len(sides) == 1 else "unclear"


def read_day(value: Any) -> dt.date | None:
    """A date a report wrote (ISO text, or a date a spreadsheet made of it), to the day; else None."""
    read = read_date(value).value
    if read is None or len(readings_of(read)) != 1 or readings_of(read)[0].precision != "day":
        return None
    return readings_of(read)[0].start


# ---------------------------------------------------------------------------------- decisions


def decision_columns(
    entered: Mapping[str, Sequence[Any]],
    earlier: Mapping[str, Sequence[Any]],
    new: Mapping[str, Sequence[Any]],
    ruleset: RuleSet,
    normalizer: Normalizer,
    lang: str,
    n: int,
    *,
    here: frozenset[int] = frozenset(),
    as_of: dt.date | None = None,
) -> dict[str, list[str]]:
    """The decision check, row by row: ``decision_category``, ``decision_stale``, ``decision_stale_reason``.

    ``entered``: the decision columns as staff wrote them; ``earlier``: the earlier screening the
    file carries (report column name -> values); ``new``: this screening's columns (as of
    ``as_of``); ``here``: rows whose decision was entered beside this screening, in the app.
    """
    category, stale, reason = [""] * n, [""] * n, [""] * n
    decisions = entered.get("attorney_decision")
    if decisions is None:
        return {"decision_category": category, "decision_stale": stale, "decision_stale_reason": reason}
    ids = ruleset.element_ids
    keys = ("determination", *ids, "rules_version", "rules_hash")
    for i, value in enumerate(decisions):
        if is_blank(value):
            continue
        read = normalizer.read("attorney_decision", value)
        category[i] = read.value
        notes = [t("caseload.unreadable", lang, value=read.reading.text)] if read.reading is not None else []
        before = {k: earlier[k][i] for k in (*keys, "as_of", "decision_stale") if k in earlier}
        after = {k: new[k][i] for k in keys}
        decided = entered.get("decided_on", [None] * n)[i]
        if i in here:
            stale[i], why = "no", t("caseload.stale.entered", lang, as_of=as_of.isoformat() if as_of else "")
        else:
            stale[i], why = _stale(before, after, decided, ruleset, lang)
        reason[i] = SEPARATOR.join([*notes, why])
    return {"decision_category": category, "decision_stale": stale, "decision_stale_reason": reason}


def _stale(before: Mapping[str, Any], after: Mapping[str, Any], decided: Any, ruleset: RuleSet, lang: str) -> tuple[str, str]:
    """Whether one decision needs another look ("yes", "no", "unknown") and why, in ``lang``."""
    if is_blank(before.get("determination")):
        return "unknown", t("caseload.stale.no_earlier", lang)
    changes = differences(before, after, ruleset.element_ids)
    as_of = read_day(before.get("as_of"))
    shown = as_of.isoformat() if as_of else quote(_text(before.get("as_of")))
    if changes:
        listed = "; ".join(describe(c, ruleset, lang) for c in changes)
        return "yes", t("caseload.stale.changed", lang, as_of=shown, changes=listed)
    if as_of is None:
        return "unknown", t("caseload.stale.no_earlier_date", lang, value=shown)
    earlier_verdict = fold(_text(before.get("decision_stale")))
    day = None if is_blank(decided) else read_date(decided).value
    side = relation(day, as_of) if day is not None else None
    if side == "after":
        return "no", t("caseload.stale.current", lang, as_of=shown)
    if earlier_verdict == "no":
        return "no", t("caseload.stale.current_before", lang, as_of=shown)
    if earlier_verdict == "yes":
        return "yes", t("caseload.stale.still_flagged", lang, as_of=shown)
    if is_blank(decided):
        return "unknown", t("caseload.stale.no_date", lang, as_of=shown)
    if day is None:
        return "unknown", t("caseload.stale.bad_date", lang, value=quote(_text(decided)), as_of=shown)
    key = "caseload.stale.before" if side == "before" else "caseload.stale.date_unclear"
    return "unknown", t(key, lang, decided=quote(_text(decided)), as_of=shown)


__all__ = ["EARLIER_STAMP", "RULES", "decision_columns", "describe", "differences", "earlier_columns", "read_day", "relation"]
