"""Screening for the MPP 1.0 class certified in Immigrant Defenders Law Center v. Noem.

A small public API: load the rules, build a record, evaluate it.

>>> import datetime as dt
>>> from eligibility import load_rules, Normalizer, evaluate
>>> rules = load_rules()
>>> person = Normalizer(rules).to_record({"mpp_enrolled": "sí", "mpp_enrollment_date": "julio 2019",
...     "current_country": "Tijuana", "case_status": "orden de deportación en ausencia"})
>>> evaluate(person, rules, as_of=dt.date(2026, 11, 27)).label()
'May be a class member'

The names below load on first use (PEP 562), so importing one light module (the reader, the
field names) does not import the engine and its dependencies first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "Determination": "engine",
    "ElementResult": "engine",
    "evaluate": "engine",
    "EligibilityError": "errors",
    "InputFileError": "errors",
    "MappingError": "errors",
    "RulesError": "errors",
    "FIELDS": "fields",
    "DataIssue": "model",
    "IntakeRecord": "model",
    "Message": "text",
    "PartialDate": "model",
    "Normalizer": "normalize",
    "RuleSet": "rules",
    "load_rules": "rules",
}

__all__ = [
    "FIELDS",
    "DataIssue",
    "Determination",
    "ElementResult",
    "EligibilityError",
    "InputFileError",
    "IntakeRecord",
    "MappingError",
    "Message",
    "Normalizer",
    "PartialDate",
    "RuleSet",
    "RulesError",
    "__version__",
    "evaluate",
    "load_rules",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from .engine import Determination, ElementResult, evaluate
    from .errors import EligibilityError, InputFileError, MappingError, RulesError
    from .fields import FIELDS
    from .model import DataIssue, IntakeRecord, PartialDate
    from .normalize import Normalizer
    from .rules import RuleSet, load_rules
    from .text import Message
