"""Message catalogues: every user-facing string outside the rules file, keyed by stable ids.

``locales/en.yaml`` and ``locales/es.yaml`` hold the same ids with the same placeholders (a
test checks this). Legal terms come from ``locales/glossary.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .text import Message

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "es")


@cache
def catalog(lang: str) -> dict[str, str]:
    """Return the message catalogue for ``lang`` (``en`` or ``es``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    data = yaml.load((LOCALES_DIR / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {str(k): str(v) for k, v in data.items()}


@dataclass(frozen=True, slots=True)
class CatalogText:
    """A catalogue entry looked up at render time, so one message renders in any language."""

    key: str

    def get(self, lang: str) -> str:
        return catalog(lang)[self.key]


def msg(key: str, /, **params: Any) -> Message:
    """Build a ``Message`` from a catalogue id.

    >>> msg("issue.unreadable_date", value="32/13/2020").text("en")
    '"32/13/2020" is not a date the tool can read; treated as unknown.'
    """
    if key not in catalog("en"):
        raise KeyError(f"no message {key!r} in the catalogue")
    return Message(CatalogText(key), tuple(params.items()), key)


def t(key: str, lang: str = "en", **params: Any) -> str:
    """Render catalogue entry ``key`` in ``lang``."""
    text = catalog(lang)[key]
    return text.format(**params) if params else text
