"""The message catalogues and the rules carry every text in English and Spanish, with the same placeholders."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from eligibility.cli import main
from eligibility.i18n import catalog
from eligibility.rules import Text, placeholders

from .conftest import SAMPLES


def test_every_message_id_exists_in_both_catalogues_with_the_same_placeholders():
    """English and Spanish have the same ids; each pair has the same {placeholders}."""
    en, es = catalog("en"), catalog("es")
    assert set(en) == set(es)
    mismatched = [k for k in en if placeholders(en[k]) != placeholders(es[k])]
    assert not mismatched


def test_no_spanish_text_is_just_the_english_copied():
    """A Spanish entry equal to its English one must be a word both languages share."""
    en, es = catalog("en"), catalog("es")
    same = {k for k in en if en[k] == es[k] and len(en[k]) > 8}
    assert not same, same


def _texts(model) -> list[Text]:
    found = []
    if isinstance(model, Text):
        return [model]
    if isinstance(model, dict):
        for value in model.values():
            found += _texts(value)
    elif isinstance(model, list | tuple):
        for value in model:
            found += _texts(value)
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            found += _texts(getattr(model, name))
    return found


def test_every_text_in_the_rules_is_in_both_languages(ruleset):
    """Explanations, questions, reasons, notes and labels in the rules file have English and Spanish."""
    texts = _texts(ruleset.rules)
    assert len(texts) > 80
    assert all(t.en.strip() and t.es.strip() and t.en != t.es for t in texts)


def test_the_command_line_speaks_spanish_with_lang_es(tmp_path, capsys):
    """--lang es turns the command's own lines, the reasons and file errors into Spanish."""
    assert main(["screen", str(SAMPLES / "clean_sample.csv"), "-o", str(tmp_path / "o.csv"), "--lang", "es", "--as-of", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Se evaluaron 12 filas") and "Se escribió" in out
    empty = tmp_path / "vacío.csv"
    empty.write_bytes(b"")
    assert main(["screen", str(empty), "-o", str(tmp_path / "o.csv"), "--lang", "es"]) == 2
    assert capsys.readouterr().err.strip() == 'error: "vacío.csv" está vacío.'


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_element_notes_show_in_the_chosen_language(ruleset, lang):
    """The interpretive notes the Rules page shows exist in both languages."""
    for element in ruleset.rules.elements:
        assert element.note is not None and element.note.get(lang).strip()


def test_one_person_and_the_rules_print_in_spanish(capsys):
    """`person` and `rules show` with --lang es print their own labels in Spanish."""
    assert main(["person", "mpp_enrolled=sí", "a_number=A1", "--lang", "es", "--as-of", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Se necesita más información") and "problema de datos:" in out and "Fecha de la evaluación" in out
    assert main(["rules", "show", "--lang", "es"]) == 0
    shown = capsys.readouterr().out
    assert "Versión de las reglas" in shown and "Cita:" in shown and "Cómo se combinan" in shown
