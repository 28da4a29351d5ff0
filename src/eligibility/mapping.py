"""Sheet headers -> canonical fields: synonyms in English and Spanish, fuzzy matching, overrides.

Each suggestion carries a confidence (1.0 for a known header word, the RapidFuzz score for a
fuzzy match). Staff can override any mapping; a saved mapping profile is a small YAML file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from rapidfuzz import fuzz, process

from .errors import MappingError
from .fields import COLUMN_FIELDS
from .normalize import cell_text, fold

FUZZY_CUTOFF = 82.0
IGNORE = ""
HEADERS_FILE = resources.files(__package__).joinpath("data", "headers.yaml")
Method = Literal["exact", "fuzzy", "user", "none"]
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """One sheet column and the canonical field it maps to (``field`` None: kept, not read)."""

    index: int
    header: str
    field: str | None
    confidence: float
    method: Method


@cache
def _header_words() -> dict[str, Any]:
    return yaml.safe_load(HEADERS_FILE.read_text(encoding="utf-8"))


@cache
def given_name_words() -> frozenset[str]:
    """Folded headers that name a whole name alone, but only the given names beside a last-name column."""
    return frozenset(fold(str(w)) for w in _header_words().get("given_names_beside_last_name", []))


@cache
def synonyms() -> dict[str, str]:
    """Folded header word -> canonical field, from ``data/headers.yaml`` plus the field names (the
    intake fields and the attorney-decision columns)."""
    data = _header_words()
    table: dict[str, str] = {}
    for field in COLUMN_FIELDS:
        table[fold(field.replace("_", " "))] = field
        for word in data.get(field, []):
            table[fold(str(word))] = field
    return table


def score_header(header: str) -> tuple[str | None, float, Method]:
    """Best canonical field for one header: ``(field, confidence, method)``.

    >>> score_header("Fecha de regreso a México")
    ('mpp_enrollment_date', 1.0, 'exact')
    """
    table = synonyms()
    header = header.replace("#", " number ").replace("Nº", " numero ").replace("N°", " numero ")  # "Case #", "A#"
    full = fold(header).replace("?", " ").strip()
    bare = fold(_PARENTHESES.sub(" ", header)).replace("?", " ").strip()  # "Order date (IJ)" -> "order date"
    candidates = [c for c in dict.fromkeys((" ".join(full.split()), " ".join(bare.split()))) if c]
    for candidate in candidates:
        if candidate in table:
            return table[candidate], 1.0, "exact"
    best_field, best_score = None, 0.0
    for candidate in candidates:
        found = process.extractOne(candidate, table.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF)
        if found is not None and found[1] > best_score:
            best_field, best_score = table[found[0]], found[1]
    if best_field is None:
        return None, 0.0, "none"
    return best_field, round(best_score / 100.0, 2), "fuzzy"


def suggest_mapping(headers: Sequence[str]) -> list[ColumnMatch]:
    """Suggest a field for every column; each field goes to the column that matches it best."""
    scored = [(i, h, *score_header(h)) for i, h in enumerate(headers)]
    taken: dict[str, int] = {}
    for i, _, field, confidence, _ in sorted(scored, key=lambda s: (-s[3], s[0])):
        if field is not None and field not in taken and confidence > 0:
            taken[field] = i
    matches = []
    for i, header, field, confidence, method in scored:
        if field is not None and taken.get(field) == i:
            matches.append(ColumnMatch(i, header, field, confidence, method))
        else:
            matches.append(ColumnMatch(i, header, None, 0.0, "none"))
    return _given_names_beside_last_name(matches)


def _given_names_beside_last_name(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    """Beside a last-name column, a "Nombre(s)" or "Name" column holds the given names, not the whole name.

    >>> [m.field for m in suggest_mapping(["Apellidos", "Nombre(s)"])]
    ['last_name', 'first_name']
    """
    fields = {m.field for m in matches}
    if "last_name" not in fields or "first_name" in fields:
        return matches
    words = given_name_words()

    def given(header: str) -> bool:
        return fold(header).strip() in words or fold(_PARENTHESES.sub(" ", header)).strip() in words

    return [replace(m, field="first_name") if m.field == "full_name" and given(m.header) else m for m in matches]


def apply_overrides(matches: Sequence[ColumnMatch], overrides: Mapping[str, str | None]) -> list[ColumnMatch]:
    """Apply ``{header: field}`` overrides (field ``""`` or ``None`` means: do not read it).

    A field given to one column is taken away from any other column.
    """
    headers = {m.header for m in matches}
    folded_headers = {fold(m.header): m.header for m in matches}
    resolved: dict[str, str | None] = {}
    for header, field in overrides.items():
        target = header if header in headers else folded_headers.get(fold(header))
        if target is None:
            raise MappingError("unknown_column", header=shown(header))
        if field not in (None, IGNORE) and field not in COLUMN_FIELDS:
            raise MappingError("unknown_field", field=shown(field), fields=", ".join(COLUMN_FIELDS))
        resolved[target] = field or None
    claimed = {f for f in resolved.values() if f}
    out = []
    for m in matches:
        if m.header in resolved:
            field = resolved[m.header]
            out.append(replace(m, field=field, confidence=1.0 if field else 0.0, method="user" if field else "none"))
        elif m.field in claimed:
            out.append(replace(m, field=None, confidence=0.0, method="none"))
        else:
            out.append(m)
    return out


def parse_map_options(options: Iterable[str]) -> dict[str, str | None]:
    """Parse ``--map "Header=field"`` options (``"Header="`` ignores a column).

    >>> parse_map_options(["Estado del caso=case_status", "Notas="])
    {'Estado del caso': 'case_status', 'Notas': None}
    """
    parsed: dict[str, str | None] = {}
    for option in options:
        header, sep, field = option.rpartition("=")
        if not sep or not header.strip():
            raise MappingError("bad_map_option", option=shown(option))
        parsed[header.strip()] = field.strip() or None
    return parsed


PROFILE_MAX_BYTES = 128 * 1024  # a profile is one short "header: field" line per column: a few KB
PROFILE_MAX_DEPTH = 8  # a profile nests two deep ({columns: {header: field}})
SHOWN_CHARS = 40  # of a header, field or option, at most this much goes into a message


def shown(text: object) -> str:
    r"""Text from a file or the command line as a message may quote it: one line, at most a few dozen characters.

    >>> shown("Fecha   de\nregreso"), shown("x" * 50)
    ('Fecha de regreso', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…')
    """
    line = " ".join(str(text)[: SHOWN_CHARS * 4].split())
    return line if len(line) <= SHOWN_CHARS else line[: SHOWN_CHARS - 1] + "…"


def load_profile(source: Path | bytes | str) -> dict[str, str | None]:
    """Read a saved mapping profile (YAML or JSON: ``{columns: {header: field}}``).

    A profile is small and flat, so anything else is refused with one sentence before it is
    built: more than PROFILE_MAX_BYTES, YAML anchors or aliases (which can multiply a few hundred
    bytes into gigabytes), nesting deeper than PROFILE_MAX_DEPTH, entries that are not text.
    """
    try:
        if isinstance(source, Path):
            if source.stat().st_size > PROFILE_MAX_BYTES:
                raise MappingError("profile_too_large", limit_kb=PROFILE_MAX_BYTES // 1024)
            source = source.read_bytes()
        raw = source.encode("utf-8") if isinstance(source, str) else source
        if len(raw) > PROFILE_MAX_BYTES:
            raise MappingError("profile_too_large", limit_kb=PROFILE_MAX_BYTES // 1024)
        text = raw.decode("utf-8")
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # events only: nothing is built yet
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise MappingError("profile_aliases")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > PROFILE_MAX_DEPTH:
                    raise MappingError("profile_too_deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        raise MappingError("profile_unreadable") from None
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict):
        raise MappingError("profile_no_columns")
    scalar = (str, int, float, bool)
    profile: dict[str, str | None] = {}
    for header, field in columns.items():
        if not isinstance(header, scalar) or not (field is None or isinstance(field, scalar)):
            raise MappingError("profile_bad_entry", header=shown(header))
        profile[str(header)] = str(field) if field else None
    return profile


def dump_profile(matches: Sequence[ColumnMatch], name: str = "") -> str:
    """Write the mapping as a profile to reuse for the next export from the same system."""
    data: dict[str, Any] = {"profile": name or "mapping", "columns": {m.header: m.field or "" for m in matches}}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def mapping_json(matches: Sequence[ColumnMatch]) -> str:
    """The mapping as JSON (for logs of what was read, never of values)."""
    return json.dumps([{"header": m.header, "field": m.field, "confidence": m.confidence} for m in matches])


def detect_header_row(grid: Sequence[Sequence[Any]], scan: int = 30) -> int:
    """Index of the header row: the first of the top rows whose cells map to the most fields.

    Title rows and blank rows above the header are skipped. Without any recognisable header,
    the first row with at least two non-empty cells is used.

    >>> detect_header_row([["Client list 2024"], [], ["Name", "A#", "Estado del caso"], ["Ana", "1", "x"]])
    2
    """
    best_index, best_score = None, 0
    for i, row in enumerate(grid[:scan]):
        score = sum(1 for cell in row if score_header(cell_text(cell))[0] is not None)
        if score > best_score:
            best_index, best_score = i, score
    if best_index is not None and best_score >= 2:
        return best_index
    for i, row in enumerate(grid[:scan]):
        if sum(1 for cell in row if cell_text(cell).strip()) >= 2:
            return i
    return 0
