"""Texts that render in a language when shown: the ``Localized`` protocol, ``Message`` and ``CountryName``.

Light to import: no rules, no pydantic. Country names come from babel's CLDR data, loaded only
when a name is first shown, so the engine can carry countries without importing babel.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple, Protocol


class Localized(Protocol):
    """Anything that renders itself in a language (a rules ``Text``, a country name, a message)."""

    def get(self, lang: str) -> str: ...


class Message(NamedTuple):
    """A template in every language plus its parameters; rendered on demand.

    Parameters that are themselves localized (a country name, another message) render in the
    same language. A NamedTuple because the engine builds several per record and tuples are cheap.
    """

    template: Localized
    params: tuple[tuple[str, Any], ...] = ()
    id: str = ""

    def text(self, lang: str = "en", shared: bool = False) -> str:
        """Render the message in ``lang``. ``shared``: the form for a report meant for sharing,
        which never quotes a cell (a :class:`Quoted` template has such a form)."""
        values = {k: (v.get(lang) if hasattr(v, "get") else v) for k, v in self.params}
        template = self.template.shared if shared and isinstance(self.template, Quoted) else self.template
        return template.get(lang).format(**values)

    def get(self, lang: str) -> str:
        """``text``, so a message can be the parameter of another (the ``Localized`` protocol)."""
        return self.text(lang)

    def __str__(self) -> str:
        return self.text("en")


class Quoted(NamedTuple):
    """The template of a message that quotes a cell, and the form of it that does not (for sharing)."""

    full: Localized
    shared: Localized

    def get(self, lang: str) -> str:
        return self.full.get(lang)


class CountryName(NamedTuple):
    """An ISO 3166 alpha-2 code that renders as the country's name in a language."""

    code: str

    def get(self, lang: str) -> str:
        return country_name(self.code, lang)

    def __str__(self) -> str:
        return self.code


@cache
def country_name(code: str, lang: str = "en") -> str:
    """The country's name in ``lang`` (babel's locale data).

    >>> country_name("MX", "es")
    'México'
    """
    from babel import Locale

    return Locale.parse(lang).territories.get(code, code)
