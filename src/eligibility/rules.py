"""The rule-file schema (pydantic) and loader: ``load_rules() -> RuleSet``.

The rules file is the certified class definition as data. Loading validates every key and
raises :class:`RulesError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import RulesError

STATUSES = ("met", "not_met", "unknown", "review")
OUTCOMES = ("likely_member", "not_member", "needs_info", "needs_review")
LANGUAGES = ("en", "es")
ELEMENT_IDS = ("subjected_to_mpp1", "outside_us", "case_inactive")

Status = Literal["met", "not_met", "unknown", "review"]
Outcome = Literal["likely_member", "not_member", "needs_info", "needs_review"]


def default_rules_dir() -> Path:
    """The rules folder: ``$ELIGIBILITY_RULES_DIR``; else the rules inside an installed package
    (``eligibility/rules_data``); else, in a source checkout, the repository's ``rules/``."""
    import os
    from importlib import resources

    env = os.environ.get("ELIGIBILITY_RULES_DIR")
    if env:
        return Path(env)
    packaged = resources.files(__package__).joinpath("rules_data")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text shown to people, in every supported language."""

    en: str
    es: str

    @model_validator(mode="after")
    def _same_placeholders(self) -> Text:
        if placeholders(self.en) != placeholders(self.es):
            raise ValueError(
                f"English and Spanish placeholders differ: {sorted(placeholders(self.en))} "
                f"vs {sorted(placeholders(self.es))}"
            )
        return self

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` (English when the language is not known)."""
        return self.es if lang == "es" else self.en


def placeholders(template: str) -> set[str]:
    """Return the ``{name}`` placeholders of a format string.

    >>> sorted(placeholders("From {from} to {to}"))
    ['from', 'to']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Case(_Strict):
    name: str
    earlier_names: list[str] = []
    court: str
    docket: str
    appeal: str
    order: str
    order_date: dt.date
    citation: str
    note: str = ""


class TimelineEntry(_Strict):
    id: str
    date: dt.date
    label: Text
    source: str


class Zone(_Strict):
    from_: dt.date = Field(alias="from")
    to: dt.date | None
    status: Status
    reason: str


class ExceptionWhen(_Strict):
    field: str
    in_: list[str] = Field(alias="in")


class ElementException(_Strict):
    """A fact that turns a ``met`` element into ``review`` (never anything else)."""

    id: str
    when: ExceptionWhen
    source: str
    note: str = ""


class StatusRow(_Strict):
    status: Status | None = None
    reason: str | None = None
    note: str | None = None
    rule: Literal["appeal_period"] | None = None

    @model_validator(mode="after")
    def _status_or_rule(self) -> StatusRow:
        if (self.rule is None) == (self.status is None):
            raise ValueError("each status row needs either `status` and `reason`, or `rule`")
        if self.status is not None and self.reason is None:
            raise ValueError("a status row with `status` needs a `reason`")
        return self


class AppealPeriod(_Strict):
    days: int = Field(gt=0)
    source: str
    note: str = ""


class _ElementBase(_Strict):
    id: Literal["subjected_to_mpp1", "outside_us", "case_inactive"]
    words: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    title: Text
    explanation: Text
    facts: list[str]
    note: Text | None = None
    """The interpretive choice a lawyer should know about, in both languages."""
    exceptions: list[ElementException] = []
    questions: dict[str, Text] = Field(min_length=1)
    reasons: dict[str, Text]
    notes: dict[str, Text] = {}


class EnrollmentWindowElement(_ElementBase):
    kind: Literal["enrollment_window"]
    program_start: dt.date
    zones: list[Zone] = Field(min_length=1)

    @model_validator(mode="after")
    def _zones_contiguous(self) -> EnrollmentWindowElement:
        if self.zones[0].from_ != self.program_start:
            raise ValueError("the first zone must start on program_start")
        for left, right in zip(self.zones, self.zones[1:], strict=False):
            if left.to is None or right.from_ != left.to + dt.timedelta(days=1):
                raise ValueError(f"zones must be contiguous: {left.to} is not followed by {right.from_}")
        if self.zones[-1].to is not None:
            raise ValueError("the last zone must be open-ended (to: null)")
        return self


class CurrentLocationElement(_ElementBase):
    kind: Literal["current_location"]
    united_states: str = Field(pattern=r"^[A-Z]{2}$")


class CaseStatusElement(_ElementBase):
    kind: Literal["case_status"]
    appeal_period: AppealPeriod
    status_table: dict[str, StatusRow]
    status_labels: dict[str, Text]

    @model_validator(mode="after")
    def _labels_for_every_status(self) -> CaseStatusElement:
        missing = set(self.status_table) - set(self.status_labels)
        if missing:
            raise ValueError(f"status_labels lacks {sorted(missing)}")
        return self


Element = Annotated[
    EnrollmentWindowElement | CurrentLocationElement | CaseStatusElement,
    Field(discriminator="kind"),
]


class CombinationRule(_Strict):
    if_any_element_is: Status
    outcome: Outcome


class Combination(_Strict):
    rules: list[CombinationRule]
    otherwise: Outcome
    note: str = ""


class RuleFile(_Strict):
    """The whole rules file, as validated on load."""

    schema_: Literal[1] = Field(alias="schema")
    version: str = Field(min_length=1)
    effective: dt.date
    case: Case
    class_definition: str
    class_definition_explained: Text
    disclaimer: Text
    timeline: list[TimelineEntry]
    elements: list[Element]
    combination: Combination
    outcomes: dict[Outcome, Text]
    statuses: dict[Status, Text]

    @model_validator(mode="after")
    def _elements_in_order(self) -> RuleFile:
        ids = tuple(e.id for e in self.elements)
        if ids != ELEMENT_IDS:
            raise ValueError(f"elements must be {list(ELEMENT_IDS)} in the order of the class definition, got {list(ids)}")
        for element in self.elements:
            if element.words not in " ".join(self.class_definition.split()):
                raise ValueError(f"element {element.id}: `words` must quote the class definition exactly")
        return self


class Vocabulary(_Strict):
    """Words people write, mapped onto canonical values (see ``rules/vocabulary.yaml``)."""

    version: str
    yes_no: dict[Literal["yes", "no", "unknown"], list[str]]
    case_status: dict[str, list[str]]
    places: dict[str, Any]


class RuleSet:
    """The loaded rules: the validated file, its vocabulary, version and content hash."""

    def __init__(self, rules: RuleFile, vocabulary: Vocabulary, content_hash: str, source: Path) -> None:
        self.rules = rules
        self.vocabulary = vocabulary
        self.hash = content_hash
        self.source = source
        self.version = rules.version
        self.compiled: dict[str, Any] = {}
        """Lookup structures the engine derives from the rules once (never client data)."""
        self.enrollment = _one(rules.elements, EnrollmentWindowElement)
        self.location = _one(rules.elements, CurrentLocationElement)
        self.case_status = _one(rules.elements, CaseStatusElement)
        unknown_codes = set(vocabulary.case_status) - set(self.case_status.status_table) - {"unknown"}
        if unknown_codes:
            raise RulesError(source, "case_status", f"vocabulary codes that are in the status table, not {sorted(unknown_codes)}")

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, as printed on reports."""
        return self.hash[:12]

    @cached_property
    def elements(self) -> dict[str, EnrollmentWindowElement | CurrentLocationElement | CaseStatusElement]:
        """The elements by id, in the order of the class definition."""
        return {e.id: e for e in self.rules.elements}

    @cached_property
    def timeline(self) -> dict[str, dt.date]:
        """The dated values by id."""
        return {t.id: t.date for t in self.rules.timeline}

    def __repr__(self) -> str:
        return f"RuleSet(version={self.version!r}, hash={self.short_hash!r})"


def _one(elements: list[Any], kind: type) -> Any:
    return next(e for e in elements if isinstance(e, kind))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(path, None, "a rules file at this path") from None
    except yaml.YAMLError as exc:
        raise RulesError(path, None, f"valid YAML ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from None


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or None
        raise RulesError(path, key, first["msg"]) from None


def load_rules(rules_dir: Path | str | None = None) -> RuleSet:
    """Load and validate ``mpp1_class.yaml`` and ``vocabulary.yaml`` from ``rules_dir``.

    The content hash covers both files' bytes, so any change to the rules changes it.
    """
    folder = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    rules_path = folder / "mpp1_class.yaml"
    vocab_path = folder / "vocabulary.yaml"
    digest = hashlib.sha256()
    for path in (rules_path, vocab_path):
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            raise RulesError(path, None, "a rules file at this path") from None
    rules = _validate(RuleFile, _read_yaml(rules_path), rules_path)
    vocabulary = _validate(Vocabulary, _read_yaml(vocab_path), vocab_path)
    return RuleSet(rules, vocabulary, digest.hexdigest(), folder)
