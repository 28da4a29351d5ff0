"""Screening for the MPP 1.0 class certified in Immigrant Defenders Law Center v. Noem.

A small public API: load the rules, build a record, evaluate it.

>>> import datetime as dt
>>> from eligibility import load_rules, Normalizer, evaluate
>>> rules = load_rules()
>>> person = Normalizer(rules).to_record({"mpp_enrolled": "sí", "mpp_enrollment_date": "julio 2019",
...     "current_country": "Tijuana", "case_status": "orden de deportación en ausencia"})
>>> evaluate(person, rules, as_of=dt.date(2026, 11, 27)).label()
'May be a class member'
"""

from .engine import Determination, ElementResult, evaluate
from .errors import EligibilityError, InputFileError, MappingError, RulesError
from .model import FIELDS, DataIssue, IntakeRecord, Message, PartialDate
from .normalize import Normalizer
from .rules import RuleSet, load_rules

__version__ = "0.1.0"

__all__ = [
    "FIELDS",
    "DataIssue",
    "Determination",
    "EligibilityError",
    "ElementResult",
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
