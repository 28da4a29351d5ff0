"""The rule-file schema (pydantic) and loader: ``load_rules() -> RuleSet``.

The rules file is the certified class definition as data. Loading validates every key and
raises :class:`RulesError` naming the file, the key and what was expected.

Each element has a ``kind``: the shape of its test, implemented once in the engine. A kind
declares here, beside its schema, the fields its test reads (``READS``) and which of them it
reads only for some values of another (``reads_only_when``). An element's ``facts:`` must list
exactly the fields its kind reads plus the fields its exceptions read; the loader refuses
anything else, so the batch (which groups rows by ``facts:``) and ``evaluate`` cannot drift
apart. Element ids, paragraph letters and their order come from the file alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import RulesError
from .fields import COUNTRY_FIELDS, DATE_FIELDS, FIELDS, YES_NO_FIELDS

STATUSES = ("met", "not_met", "unknown", "review")
OUTCOMES = ("likely_member", "not_member", "needs_info", "needs_review")
LANGUAGES = ("en", "es")

Status = Literal["met", "not_met", "unknown", "review"]
YesNoField = Literal[YES_NO_FIELDS]  # type: ignore[valid-type]  # the yes/no questions, from fields.py
Outcome = Literal["likely_member", "not_member", "needs_info", "needs_review"]
RULES_FILE = "mpp1_class.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
HOLIDAYS_FILE = "federal_holidays.yaml"
PORTAL_FILE = "eoir_portal.yaml"
"""How text pasted from EOIR's case portal is read (its sentences, headings, labels and furniture)."""


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

    def __hash__(self) -> int:
        # Equal texts hash equal, as pydantic's own hash does, from the two strings' cached hashes
        # (the batch keys its memos by messages, whose templates these are: pydantic's hash
        # rebuilt from every field cost a tenth of the screening).
        return hash((self.en, self.es))


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


class Quotes(_Strict):
    """How a reason quotes the free-text cell it rests on (and the forms for a shared report)."""

    read_as: Text
    read_as_shared: Text
    unreadable: Text
    unreadable_shared: Text


class Zone(_Strict):
    from_: dt.date = Field(alias="from")
    to: dt.date | None
    status: Status
    reason: str


class ExceptionWhen(_Strict):
    """When an exception applies: the field's value is one of ``in``, or the field's date lies
    wholly before the date in the field ``before``."""

    field: str
    in_: list[str] | None = Field(default=None, alias="in")
    before: str | None = None

    @model_validator(mode="after")
    def _one_test(self) -> ExceptionWhen:
        if (self.in_ is None) == (self.before is None):
            raise ValueError("an exception's `when` needs either `in` or `before`")
        if self.field not in FIELDS:
            raise ValueError(f"`{self.field}` is not a canonical field")
        if self.in_ is not None and self.field not in YES_NO_FIELDS + COUNTRY_FIELDS:
            raise ValueError(f"`in` tests a yes/no or country field, not `{self.field}`")
        if self.before is not None and not (self.field in DATE_FIELDS and self.before in DATE_FIELDS):
            raise ValueError("`before` compares two date fields")
        return self

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields this test reads."""
        return (self.field,) if self.before is None else (self.field, self.before)


class ElementException(_Strict):
    """A fact that turns a ``met`` element into ``review`` (never anything else). Its reason has
    the exception's id; ``unreadable_reason`` is used when the field was written but could not be
    read with certainty (a written cell is never treated as blank)."""

    id: str
    when: ExceptionWhen
    unreadable_reason: str | None = None
    source: str
    note: str = ""


class _ElementBase(_Strict):
    READS: ClassVar[tuple[str, ...]] = ()
    """The fields the kind's own test reads (its exceptions may read more)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    paragraph: str = Field(min_length=1)
    """The element's letter in the class definition, as printed: "(a)"."""
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
    review_documents: Text
    """What to bring to the attorney when this element needs review."""

    def reads_only_when(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Fields the kind reads only for some values of another: ``{field: (control, values)}``."""
        return {}

    def _reason_ids(self) -> set[str]:
        """Every reason id the element's data names (checked against ``reasons``)."""
        ids = {x.id for x in self.exceptions}
        ids |= {x.unreadable_reason for x in self.exceptions if x.unreadable_reason}
        return ids

    @model_validator(mode="after")
    def _facts_are_what_the_kind_reads(self) -> _ElementBase:
        exception_fields = {f for x in self.exceptions for f in x.when.fields}
        wanted = set(self.READS) | exception_fields
        if set(self.facts) != wanted or len(self.facts) != len(set(self.facts)):
            raise ValueError(
                f"`facts` must list exactly the fields the kind reads ({', '.join(self.READS)}) plus the fields its "
                f"exceptions read ({', '.join(sorted(exception_fields - set(self.READS))) or 'none'}), each once; "
                f"got {', '.join(self.facts)}"
            )
        missing = sorted(self._reason_ids() - set(self.reasons))
        if missing:
            raise ValueError(f"`reasons` lacks {missing}")
        return self


class NotEnrolledButDate(_Strict):
    """Enrolled "no" with a date that may fall in a zone of ``zone_status``: the answers contradict."""

    zone_status: Status
    status: Status
    reason: str


class EnrollmentWindowElement(_ElementBase):
    """Was the person returned under the program, and when first: zones of dates decide."""

    READS: ClassVar[tuple[str, ...]] = ("mpp_enrolled", "mpp_enrollment_date")

    kind: Literal["enrollment_window"]
    program_start: dt.date
    zones: list[Zone] = Field(min_length=1)
    not_enrolled_but_date_in: NotEnrolledButDate | None = None

    def _reason_ids(self) -> set[str]:
        ids = super()._reason_ids() | {z.reason for z in self.zones}
        ids |= {"enrolled_unknown", "not_enrolled", "date_missing", "date_before_program", "date_spans_zones"}
        if self.not_enrolled_but_date_in:
            ids.add(self.not_enrolled_but_date_in.reason)
        return ids

    @model_validator(mode="after")
    def _zones_contiguous(self) -> EnrollmentWindowElement:
        if self.zones[0].from_ != self.program_start:
            raise ValueError("the first zone must start on program_start")
        for left, right in zip(self.zones, self.zones[1:], strict=False):
            if left.to is None or right.from_ != left.to + dt.timedelta(days=1):
                raise ValueError(f"zones must be contiguous: {left.to} is not followed by {right.from_}")
        if self.zones[-1].to is not None:
            raise ValueError("the last zone must be open-ended (to: null)")
        for key in ("ask_enrolled", "ask_enrollment_date", "ask_precise_enrollment_date"):
            if key not in self.questions:
                raise ValueError(f"`questions` lacks {key}")
        return self


class CurrentLocationElement(_ElementBase):
    """Where the person is now: the United States, anywhere else, or not known."""

    READS: ClassVar[tuple[str, ...]] = ("current_country",)

    kind: Literal["current_location"]
    united_states: str = Field(pattern=r"^[A-Z]{2}$")

    def _reason_ids(self) -> set[str]:
        return super()._reason_ids() | {
            "location_unknown", "location_unreadable", "in_united_states", "outside_united_states", "outside_no_country"
        }

    @model_validator(mode="after")
    def _question(self) -> CurrentLocationElement:
        if "ask_current_country" not in self.questions:
            raise ValueError("`questions` lacks ask_current_country")
        return self


class IfAppealFiled(_Strict):
    status: Status
    reason: str
    questions: list[str] = []


class StatusRow(_Strict):
    status: Status | None = None
    reason: str | None = None
    note: str | None = None
    rule: Literal["appeal_period"] | None = None
    if_appeal_filed: IfAppealFiled | None = None

    @model_validator(mode="after")
    def _status_or_rule(self) -> StatusRow:
        if (self.rule is None) == (self.status is None):
            raise ValueError("each status row needs either `status` and `reason`, or `rule`")
        if self.status is not None and self.reason is None:
            raise ValueError("a status row with `status` needs a `reason`")
        return self


class HolidayTable(_Strict):
    """The federal legal holidays that move a deadline (``rules/federal_holidays.yaml``), with their source."""

    source: str
    covers: dict[Literal["from", "to"], dt.date]
    holidays: dict[dt.date, str]


class AppealPeriod(_Strict):
    days: int = Field(gt=0)
    rolls_past: list[Literal["saturday", "sunday", "federal_holiday"]] = []
    source: str
    note: str = ""


class CaseStatusElement(_ElementBase):
    """The court case: a status table, the appeal period for an order whose finality is not recorded."""

    READS: ClassVar[tuple[str, ...]] = ("case_status", "order_date", "appeal_filed")
    SEVERAL: ClassVar[str] = "several"
    """The row for a cell that names several statuses."""

    kind: Literal["case_status"]
    appeal_period: AppealPeriod
    status_table: dict[str, StatusRow]
    refinements: dict[str, list[str]] = {}
    status_labels: dict[str, Text]

    def reads_only_when(self) -> dict[str, tuple[str, frozenset[str]]]:
        """The order date is read only by rows that apply the appeal period; the appeal answer
        only by those and by rows that say what an appeal changes."""
        period = frozenset(c for c, r in self.status_table.items() if r.rule == "appeal_period")
        appeal = period | frozenset(c for c, r in self.status_table.items() if r.if_appeal_filed)
        return {"order_date": ("case_status", period), "appeal_filed": ("case_status", appeal)}

    def _reason_ids(self) -> set[str]:
        ids = super()._reason_ids() | {r.reason for r in self.status_table.values() if r.reason}
        ids |= {r.if_appeal_filed.reason for r in self.status_table.values() if r.if_appeal_filed}
        if any(r.rule == "appeal_period" for r in self.status_table.values()):
            ids |= {"order_final_by_time", "order_not_final_yet", "order_finality_unknown", "order_date_after_as_of"}
        return ids | {"status_unknown", "status_unreadable"}

    @model_validator(mode="after")
    def _table(self) -> CaseStatusElement:
        missing = set(self.status_table) - set(self.status_labels)
        if missing:
            raise ValueError(f"status_labels lacks {sorted(missing)}")
        if self.SEVERAL not in self.status_table:
            raise ValueError(f"status_table needs a `{self.SEVERAL}` row (a cell that names several statuses)")
        for plain, kinds in self.refinements.items():
            unknown = {plain, *kinds} - set(self.status_table)
            if unknown:
                raise ValueError(f"refinements name statuses not in the table: {sorted(unknown)}")
        notes = {r.note for r in self.status_table.values() if r.note}
        if notes - set(self.notes):
            raise ValueError(f"`notes` lacks {sorted(notes - set(self.notes))}")
        asked = {q for r in self.status_table.values() if r.if_appeal_filed for q in r.if_appeal_filed.questions}
        asked |= {"ask_case_status", "ask_appeal_filed", "ask_order_date", "ask_precise_order_date"}
        if asked - set(self.questions):
            raise ValueError(f"`questions` lacks {sorted(asked - set(self.questions))}")
        if any(r.rule == "appeal_period" for r in self.status_table.values()):
            needed = {"recheck_after_appeal_period", "deadline_moved", "day_saturday", "day_sunday", "day_holiday"}
            if needed - set(self.notes):
                raise ValueError(f"`notes` lacks {sorted(needed - set(self.notes))}")
        return self

    @property
    def codes(self) -> list[str]:
        """The status codes a person can have (the table's rows but the one for several)."""
        return [c for c in self.status_table if c != self.SEVERAL]


Element = Annotated[
    EnrollmentWindowElement | CurrentLocationElement | CaseStatusElement,
    Field(discriminator="kind"),
]
KINDS: tuple[type[_ElementBase], ...] = (EnrollmentWindowElement, CurrentLocationElement, CaseStatusElement)


class CombinationRule(_Strict):
    if_any_element_is: Status
    outcome: Outcome


class Combination(_Strict):
    rules: list[CombinationRule]
    otherwise: Outcome
    note: str = ""


class SourcesDisagree(_Strict):
    """Two sources of one fact that disagree (a column and the text pasted from EOIR's portal):
    neither value is taken, and every element that reads the fact gets ``status``, quoting both."""

    status: Literal["review", "unknown"]
    reason: Text
    note: str = ""


class RuleFile(_Strict):
    """The whole rules file, as validated on load."""

    schema_: Literal[2] = Field(alias="schema")
    version: str = Field(min_length=1)
    effective: dt.date
    contract: int
    case: Case
    class_definition: str
    class_definition_explained: Text
    disclaimer: Text
    timeline: list[TimelineEntry]
    quotes: Quotes
    elements: list[Element] = Field(min_length=1)
    combination: Combination
    outcomes: dict[Outcome, Text]
    statuses: dict[Status, Text]
    sources_disagree: SourcesDisagree

    @model_validator(mode="after")
    def _elements(self) -> RuleFile:
        ids = [e.id for e in self.elements]
        if len(set(ids)) != len(ids):
            raise ValueError(f"element ids must be unique, got {ids}")
        paragraphs = [e.paragraph for e in self.elements]
        if len(set(paragraphs)) != len(paragraphs):
            raise ValueError(f"element paragraphs must be unique, got {paragraphs}")
        definition = " ".join(self.class_definition.split())
        positions = []
        for element in self.elements:
            if element.words not in definition:
                raise ValueError(f"element {element.id}: `words` must quote the class definition exactly")
            positions.append(definition.index(element.words))
        if positions != sorted(positions):
            raise ValueError("elements must be in the order of the class definition")
        return self


class BothSides(_Strict):
    name: str
    codes: list[str] = Field(min_length=2)


class Region(_Strict):
    names: list[str] = Field(min_length=1)
    codes: list[str] = Field(min_length=1)


class Places(_Strict):
    united_states: list[str]
    aliases: dict[str, list[str]] = {}
    mexican_places: list[str] = []
    both_sides: list[BothSides] = []
    us_state_codes: list[str] = []
    regions: list[Region] = []
    outside_markers: list[str] = []
    abroad: list[str] = []
    demonyms: dict[str, list[str]] = {}


class StatusVocabulary(_Strict):
    phrases: dict[str, list[str]]
    no_status: list[str] = []
    bare_words: list[str] = []
    incomplete: list[str] = []
    appeal_answers: dict[Literal["yes", "no"], list[str]] = {}
    unknown: list[str] = []


class Vocabulary(_Strict):
    """Words people write, and how each is read (see ``rules/vocabulary.yaml``)."""

    version: str
    answers: dict[Literal["yes", "no", "unknown"], list[str]]
    field_answers: dict[YesNoField, dict[Literal["yes", "no"], list[str]]] = {}
    """Answers that hold for one yes/no question only ("waived" for ``appeal_filed``)."""
    hedges: list[str]
    negations: list[str]
    negation_gap: list[str] = []
    case_status: StatusVocabulary
    places: Places
    attorney_decisions: dict[Literal["member", "not_member", "more_info"], list[str]]
    readings: dict[Literal["abroad", "region", "dates", "several"], Text]
    why: dict[
        Literal["hedged", "negated", "bare_word", "incomplete", "unrecognised", "several_places", "both_sides",
                "not_one_country", "no_clear_answer", "no_status"],
        Text,
    ]


class PortalSource(_Strict):
    """Where the portal's wording was seen, and whether that confirms the live portal's own words."""

    what: str = Field(min_length=1)
    where: str = Field(min_length=1)
    confirmed: bool


class _Seen(_Strict):
    seen: list[str] = Field(min_length=1)
    """Ids of ``sources``: where this wording was seen."""
    note: str = ""


class PortalSection(_Seen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    headings: list[str] = Field(min_length=1)


class PortalLabel(_Seen):
    names: list[str] = Field(min_length=1)
    value: Literal["ignore", "decision_date"]
    lines: int = Field(default=1, ge=1, le=5)


class PortalFurniture(_Seen):
    lines: list[str] = Field(min_length=1)


class PortalReads(_Strict):
    """What a portal sentence says: a status code, an appeal answer, another-case answer, or nothing."""

    status: str | None = None
    appeal: Literal["yes", "no"] | None = None
    other_case: Literal["yes", "no"] | None = None


class PortalSentence(_Seen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    phrases: list[str] = Field(min_length=1)
    reads: PortalReads = PortalReads()
    sections: list[str] | None = None
    """Read so only under these headings; elsewhere the phrase leaves its sentence unread."""


class PortalOrderDate(_Strict):
    statuses: list[str] = Field(min_length=1)
    note: str = ""


class EoirPortal(_Strict):
    """``eoir_portal.yaml``: the wording of EOIR's Automated Case Information portal and how it is read."""

    version: str = Field(min_length=1)
    sources: dict[str, PortalSource] = Field(min_length=1)
    sections: list[PortalSection] = Field(min_length=1)
    labels: list[PortalLabel] = []
    furniture: list[PortalFurniture] = []
    sentences: list[PortalSentence] = Field(min_length=1)
    order_date: PortalOrderDate
    why: dict[Literal["unknown_sentence", "several_dates", "both_answers", "unreadable_date", "sources_disagree"], Text]

    @model_validator(mode="after")
    def _references(self) -> EoirPortal:
        groups: list[_Seen] = [*self.sections, *self.labels, *self.furniture, *self.sentences]
        unknown = sorted({s for g in groups for s in g.seen} - set(self.sources))
        if unknown:
            raise ValueError(f"`seen` names sources not listed under `sources`: {unknown}")
        section_ids = {s.id for s in self.sections}
        named = sorted({s for x in self.sentences for s in (x.sections or ())} - section_ids)
        if named:
            raise ValueError(f"`sentences` name sections that are not defined: {named}")
        if len(self.why) != 5:
            raise ValueError("`why` needs unknown_sentence, several_dates, both_answers, unreadable_date and sources_disagree")
        return self

    def status_codes(self) -> set[str]:
        """Every status code the file names (checked against the status table on load)."""
        return {x.reads.status for x in self.sentences if x.reads.status} | set(self.order_date.statuses)


class RuleSet:
    """The loaded rules: the validated file, its vocabulary, the portal's wording, version and content hash."""

    def __init__(
        self, rules: RuleFile, vocabulary: Vocabulary, content_hash: str, source: Path, holidays: HolidayTable, portal: EoirPortal
    ) -> None:
        self.rules = rules
        self.vocabulary = vocabulary
        self.holidays = holidays
        self.portal = portal
        self.hash = content_hash
        self.source = source
        self.version = rules.version
        self.compiled: dict[str, Any] = {}
        """Lookup structures derived from the rules once (never client data)."""
        known = {code for e in self.status_elements for code in e.status_table}
        unknown_codes = set(vocabulary.case_status.phrases) - known
        if unknown_codes:
            raise RulesError(source / VOCABULARY_FILE, "case_status.phrases", f"codes of the status table, not {sorted(unknown_codes)}")
        portal_codes = portal.status_codes() - (known - {CaseStatusElement.SEVERAL})
        if portal_codes:
            raise RulesError(source / PORTAL_FILE, "sentences", f"codes of the status table, not {sorted(portal_codes)}")

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash, as printed on reports."""
        return self.hash[:12]

    @cached_property
    def elements(self) -> dict[str, EnrollmentWindowElement | CurrentLocationElement | CaseStatusElement]:
        """The elements by id, in the order of the class definition."""
        return {e.id: e for e in self.rules.elements}

    @cached_property
    def element_ids(self) -> tuple[str, ...]:
        """The element ids, in the order of the class definition."""
        return tuple(self.elements)

    @cached_property
    def status_elements(self) -> list[CaseStatusElement]:
        """The elements that read the case status."""
        return [e for e in self.rules.elements if isinstance(e, CaseStatusElement)]

    @cached_property
    def status_codes(self) -> list[str]:
        """Every case-status code a person can have, in the order of the status tables."""
        return list(dict.fromkeys(c for e in self.status_elements for c in e.codes))

    def status_label(self, code: str) -> Text:
        """A case-status code in plain words."""
        return next(e.status_labels[code] for e in self.status_elements if code in e.status_labels)

    @cached_property
    def read_fields(self) -> tuple[str, ...]:
        """Every field the rules read, in the order of the intake fields."""
        read = {f for e in self.rules.elements for f in e.facts}
        return tuple(f for f in FIELDS if f in read)

    @cached_property
    def timeline(self) -> dict[str, dt.date]:
        """The dated values by id."""
        return {t.id: t.date for t in self.rules.timeline}

    def __repr__(self) -> str:
        return f"RuleSet(version={self.version!r}, hash={self.short_hash!r})"


SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster), else the pure-Python one."""


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
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
        raise RulesError(path, key, first["msg"].removeprefix("Value error, ")) from None


def load_rules(rules_dir: Path | str | None = None) -> RuleSet:
    """Load and validate ``mpp1_class.yaml``, ``vocabulary.yaml``, ``federal_holidays.yaml`` and
    ``eoir_portal.yaml`` from ``rules_dir``.

    The content hash covers every file's bytes, so any change to the rules changes it.
    """
    folder = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    paths = [folder / RULES_FILE, folder / VOCABULARY_FILE, folder / HOLIDAYS_FILE, folder / PORTAL_FILE]
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise RulesError(path, None, "a rules file at this path") from None
    rules = _validate(RuleFile, _read_yaml(paths[0]), paths[0])
    vocabulary = _validate(Vocabulary, _read_yaml(paths[1]), paths[1])
    holidays = _validate(HolidayTable, _read_yaml(paths[2]), paths[2])
    portal = _validate(EoirPortal, _read_yaml(paths[3]), paths[3])
    return RuleSet(rules, vocabulary, digest.hexdigest(), folder, holidays, portal)
