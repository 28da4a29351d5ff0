"""Typed errors. Edges (CLI, app) turn each into one plain sentence."""

from __future__ import annotations

from pathlib import Path


class EligibilityError(Exception):
    """Base class: every error a user can cause. ``str(error)`` is one plain sentence."""


class RulesError(EligibilityError):
    """The rules file is malformed: names the file, the key and what was expected."""

    def __init__(self, path: Path | str, key: str | None, expected: str) -> None:
        self.path = Path(path)
        self.key = key
        self.expected = expected
        where = f" at key `{key}`" if key else ""
        super().__init__(f"The rules file {self.path.name}{where} is not valid: expected {expected}.")


class InputFileError(EligibilityError):
    """A file the tool cannot read as a spreadsheet. ``code`` is a stable id for translation."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(message)


class MappingError(EligibilityError):
    """A column mapping the user gave cannot be applied."""
