"""Typed errors. Each has a stable ``code``; its sentence lives in the catalogues as ``error.<code>``,
so the CLI and the app show it in the user's language (``error.sentence(lang)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class EligibilityError(Exception):
    """Base class: every error a user can cause. ``str(error)`` is one plain sentence in English."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def sentence(self, lang: str = "en") -> str:
        """The error as one plain sentence in ``lang`` (parameters that are messages render in it too)."""
        from .i18n import msg

        return msg(f"error.{self.code}", **self.params).text(lang)

    def __str__(self) -> str:
        return self.sentence("en")


class RulesError(EligibilityError):
    """The rules file is malformed: names the file, the key and what was expected."""

    def __init__(self, path: Path | str, key: str | None, expected: str) -> None:
        self.path = Path(path)
        self.key = key
        self.expected = expected
        if key:
            super().__init__("rules_invalid_key", file=self.path.name, key=key, expected=expected)
        else:
            super().__init__("rules_invalid", file=self.path.name, expected=expected)


class InputFileError(EligibilityError):
    """A file the tool cannot read as a spreadsheet."""


class MappingError(EligibilityError):
    """A column mapping (or mapping profile) the user gave cannot be applied."""


class UsageError(EligibilityError):
    """A command-line mistake."""


class ReportError(EligibilityError):
    """A report that cannot be written."""
