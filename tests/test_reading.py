"""Reading staff wording (contract version 2, "never guess"): case statuses, places and answers.

Each table row is a cell as real intake sheets and EOIR's portal write it, and the reading a
careful immigration attorney would give it. A status cell is read as one status only when every
status phrase in it points to the same row; a place only when it leaves exactly one country.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eligibility.model import CaseStatus, PlaceSet

# (cell, expected): a tuple of status codes (several -> review), or the reason the cell is not read
# ("unread" -> unknown, quoted, with a data issue), or None (a cell that says only "unknown").
STATUS_PHRASES = [
    # one status, in English
    ("terminated", ("terminated",)),
    ("Terminated", ("terminated",)),
    ("Proceedings terminated", ("terminated",)),
    ("Case terminated by IJ", ("terminated",)),
    ("This case has been terminated.", ("terminated",)),
    ("terminated without prejudice", ("terminated",)),
    ("Motion to terminate granted", ("terminated",)),
    ("DHS motion to terminate granted", ("terminated",)),
    ("dismissed", ("dismissed",)),
    ("Dismissed (PD)", ("dismissed",)),
    ("case dismissed", ("dismissed",)),
    ("dismissed without prejudice", ("dismissed",)),
    ("DHS motion to dismiss granted", ("dismissed",)),
    ("motion to dismiss granted 2022", ("dismissed",)),
    ("IA order", ("removal_order_in_absentia",)),
    ("IA", ("removal_order_in_absentia",)),
    ("In Absentia Order", ("removal_order_in_absentia",)),
    ("in absentia", ("removal_order_in_absentia",)),
    ("ordered removed in absentia", ("removal_order_in_absentia",)),
    ("Ordered removed in absentia 2019", ("removal_order_in_absentia",)),
    ("removal order in absentia", ("removal_order_in_absentia",)),
    ("The immigration judge ordered removal in absentia.", ("removal_order_in_absentia",)),
    ("IA order, MTR denied", ("removal_order_in_absentia",)),
    ("in absentia order; stay denied", ("removal_order_in_absentia",)),
    ("final removal order", ("removal_order_final",)),
    ("Final order of removal", ("removal_order_final",)),
    ("appeal waived", ("removal_order_final",)),
    ("Removal order; appeal waived", ("removal_order_final",)),
    ("Removal order - appeal waived", ("removal_order_final",)),
    ("IJ ordered removal, BIA dismissed appeal", ("removal_order_final",)),
    ("IJ ordered removal 9/2020, BIA dismissed 5/2021", ("removal_order_final",)),
    ("BIA dismissed the appeal", ("removal_order_final",)),
    ("BIA affirmed", ("removal_order_final",)),
    ("appeal dismissed", ("removal_order_final",)),
    ("removal order", ("removal_order",)),
    ("Removal order", ("removal_order",)),
    ("ordered removed", ("removal_order",)),
    ("IJ ordered removal", ("removal_order",)),
    ("The immigration judge ordered removal.", ("removal_order",)),
    ("deportation order", ("removal_order",)),
    ("removal order, no appeal", ("removal_order",)),
    ("withholding of removal granted", ("withholding_or_cat_granted",)),
    ("Withholding granted", ("withholding_or_cat_granted",)),
    ("CAT granted", ("withholding_or_cat_granted",)),
    ("CAT deferral granted", ("withholding_or_cat_granted",)),
    ("pending", ("pending",)),
    ("This case is pending.", ("pending",)),
    ("Pending - next MCH 3/3/27", ("pending",)),
    ("next hearing scheduled", ("pending",)),
    ("active", ("pending",)),
    ("BIA appeal pending", ("appeal_pending",)),
    ("appeal pending", ("appeal_pending",)),
    ("appealed", ("appeal_pending",)),
    ("on appeal at the BIA", ("appeal_pending",)),
    ("reopened", ("reopened",)),
    ("Case reopened", ("reopened",)),
    ("motion to reopen granted", ("reopened",)),
    ("MTR granted", ("reopened",)),
    ("asylum granted", ("relief_granted",)),
    ("Asylum granted", ("relief_granted",)),
    ("IJ granted asylum", ("relief_granted",)),
    ("cancellation of removal granted", ("relief_granted",)),
    ("motion to reopen pending", ("motion_to_reopen_pending",)),
    ("MTR pending", ("motion_to_reopen_pending",)),
    ("MTR filed", ("motion_to_reopen_pending",)),
    ("admin closed", ("administratively_closed",)),
    ("Admin closed", ("administratively_closed",)),
    ("administratively closed", ("administratively_closed",)),
    ("voluntary departure", ("voluntary_departure",)),
    ("VD granted", ("voluntary_departure",)),
    ("petition for review pending", ("petition_for_review_pending",)),
    ("PFR pending 9th Cir", ("petition_for_review_pending",)),
    ("No case found", ("no_eoir_record",)),
    ("no case information found for this A-number", ("no_eoir_record",)),
    ("not found in EOIR", ("no_eoir_record",)),
    # one status, in Spanish
    ("Terminado", ("terminated",)),
    ("terminada", ("terminated",)),
    ("caso terminado", ("terminated",)),
    ("terminación del procedimiento", ("terminated",)),
    ("Desestimado", ("dismissed",)),
    ("sobreseído", ("dismissed",)),
    ("Orden de deportación en ausencia", ("removal_order_in_absentia",)),
    ("orden en ausencia", ("removal_order_in_absentia",)),
    ("deportado en ausencia", ("removal_order_in_absentia",)),
    ("Orden de deportación final", ("removal_order_final",)),
    ("orden de deportación, renunció a la apelación", ("removal_order_final",)),
    ("apelación desestimada", ("removal_order_final",)),
    ("orden de deportación", ("removal_order",)),
    ("orden de deportación, sin apelación", ("removal_order",)),
    ("Pendiente", ("pending",)),
    ("caso pendiente", ("pending",)),
    ("audiencia programada", ("pending",)),
    ("Apelación pendiente", ("appeal_pending",)),
    ("caso reabierto", ("reopened",)),
    ("asilo otorgado", ("relief_granted",)),
    ("asilo concedido", ("relief_granted",)),
    ("moción para reabrir pendiente", ("motion_to_reopen_pending",)),
    ("Cierre administrativo", ("administratively_closed",)),
    ("salida voluntaria", ("voluntary_departure",)),
    ("petición de revisión pendiente", ("petition_for_review_pending",)),
    ("no se encontró el caso", ("no_eoir_record",)),
    # several events: every status is kept (the rules send it to review)
    ("ordered removed in absentia 2019, reopened 2021", ("removal_order_in_absentia", "reopened")),
    ("IA order 2019, reopened 2021", ("removal_order_in_absentia", "reopened")),
    ("in absentia order, MTR pending", ("removal_order_in_absentia", "motion_to_reopen_pending")),
    ("terminated, later reopened", ("terminated", "reopened")),
    ("terminated; DHS appealed", ("terminated", "appeal_pending")),
    ("reopened and terminated", ("reopened", "terminated")),
    ("caso reabierto y terminado", ("reopened", "terminated")),
    ("IA order 2019 - MTR filed 2021, pending", ("removal_order_in_absentia", "motion_to_reopen_pending", "pending")),
    ("Orden en ausencia, moción para reabrir pendiente", ("removal_order_in_absentia", "motion_to_reopen_pending")),
    ("removal order, appeal pending", ("removal_order", "appeal_pending")),
    ("dismissed, then admin closed", ("dismissed", "administratively_closed")),
    ("asylum granted, DHS appealed", ("relief_granted", "appeal_pending")),
    ("in absentia order; BIA dismissed appeal", ("removal_order_in_absentia", "removal_order_final")),
    ("removal order, voluntary departure", ("removal_order", "voluntary_departure")),
    ("terminado, luego reabierto", ("terminated", "reopened")),
    ("voluntary departure, granted withholding", ("voluntary_departure", "withholding_or_cat_granted")),
    # bare words, events that are not statuses, negations, hedges, unfinished mentions: not read
    ("granted", "bare_word"),
    ("Granted", "bare_word"),
    ("otorgado", "bare_word"),
    ("concedido", "bare_word"),
    ("denied", "bare_word"),
    ("closed", "bare_word"),
    ("Closed", "bare_word"),
    ("archivado", "bare_word"),
    ("case closed", "bare_word"),
    ("parole granted", "no_status"),
    ("continuance granted", "no_status"),
    ("change of venue", "no_status"),
    ("MTR denied", "no_status"),
    ("not terminated", "negated"),
    ("was not terminated", "negated"),
    ("never ordered removed", "negated"),
    ("sin orden de deportación", "negated"),
    ("no se terminó", "hedged"),
    ("probably terminated", "hedged"),
    ("terminated?", "hedged"),
    ("creo que terminado", "hedged"),
    ("tal vez orden en ausencia", "hedged"),
    ("IA order, MTR", "incomplete"),
    ("appeal", "incomplete"),
    ("see file", "unrecognised"),
    ("ask client", "unrecognised"),
    ("hearing missed", "unrecognised"),
    # only says the status is not known: unknown, nothing to report
    ("unknown", None),
    ("TBD", None),
    ("desconocido", None),
    ("no sé", None),
    ("?", None),
]


@pytest.mark.parametrize(("cell", "expected"), STATUS_PHRASES, ids=[c for c, _ in STATUS_PHRASES])
def test_a_status_cell_is_read_not_matched(cell, expected, normalizer):
    """Each status cell gets the reading a careful attorney would give it, and nothing is guessed."""
    codes, appeal, why = normalizer.statuses.statuses(cell)
    read = normalizer.read("case_status", cell)
    if expected is None:
        assert read.value is None and read.issue is None
    elif isinstance(expected, tuple):
        assert why is None and codes == expected
        assert read.value == CaseStatus(expected, appeal)
    else:
        assert why == expected
        assert read.value == CaseStatus((), appeal) and read.issue is not None
        assert read.reading.text == cell and read.reading.reading is None  # quoted, never a status


def test_the_status_table_has_at_least_120_phrases():
    """The contract asks for at least 120 real-world status phrases, in English and Spanish."""
    assert len(STATUS_PHRASES) >= 120


@pytest.mark.parametrize(
    ("cell", "appeal"),
    [("removal order, no appeal", "no"), ("orden de deportación, sin apelación", "no"), ("Removal order; appeal waived", "no"),
     ("removal order, DHS did not appeal", "no"), ("terminated", None), ("removal order", None)],
)
def test_no_appeal_in_a_status_cell_answers_the_appeal_question(cell, appeal, normalizer):
    """"No appeal" / "appeal waived" / "sin apelación" in a status cell answer appeal_filed = no."""
    assert normalizer.statuses.statuses(cell)[1] == appeal


def _phrases_by_row(ruleset):
    return {code: phrases for code, phrases in ruleset.vocabulary.case_status.phrases.items()}


@given(data=st.data())
def test_two_status_phrases_of_different_rows_are_never_one_status(data, ruleset, normalizer):
    """A cell holding phrases of two different rows keeps both (review), except a plain removal
    order with the phrase that says which kind of order it is (the one declared refinement)."""
    rows = _phrases_by_row(ruleset)
    first, second = data.draw(st.sampled_from([p for p in itertools.permutations(sorted(rows), 2)]))
    left = data.draw(st.sampled_from(rows[first]))
    right = data.draw(st.sampled_from(rows[second]))
    joiner = data.draw(st.sampled_from([", ", "; ", " - ", ", later ", " y luego ", " / "]))
    codes, _, why = normalizer.statuses.statuses(f"{left}{joiner}{right}")
    refinements = {p: set(k) for e in ruleset.status_elements for p, k in e.refinements.items()}
    if why is not None:
        return  # the cell was not read at all (a phrase ran into the next one): unknown, never one status
    if {first, second} & set(refinements) and {first, second} - set(refinements) <= refinements.get("removal_order", set()):
        assert len(codes) in (1, 2)
    else:
        assert len(codes) >= 2, (left, right, codes)


# (cell, expected): an ISO code, "OUT" (outside the United States, no single country), or the
# reason it is not placed (unknown, quoted, with a data issue).
PLACE_PHRASES = [
    ("Mexico", "MX"), ("México", "MX"), ("MX", "MX"), ("mx", "MX"), ("Tijuana", "MX"), ("Tijuana, B.C.", "MX"),
    ("in Tijuana", "MX"), ("lives in Tijuana with her sister", "MX"), ("Cd. Juárez", "MX"), ("Ciudad Juárez, Chihuahua", "MX"),
    ("Matamoros, Tamps.", "MX"), ("Reynosa", "MX"), ("Nuevo Laredo", "MX"), ("Nogales, Sonora", "MX"), ("Piedras Negras", "MX"),
    ("Mexicali", "MX"), ("Monterrey, Nuevo León", "MX"), ("Tijuana, Mexico", "MX"), ("Mexico, not US", "MX"),
    ("Honduras", "HN"), ("Guatemala", "GT"), ("Guatemala City, Guatemala", "GT"), ("El Salvador", "SV"), ("San Salvador", "SV"),
    ("GT", "GT"), ("Cuba", "CU"), ("Venezuela", "VE"), ("Colombia", "CO"), ("Brasil", "BR"), ("España", "ES"),
    ("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("EE.UU.", "US"), ("EEUU", "US"), ("Estados Unidos", "US"),
    ("Houston", "US"), ("Houston, TX", "US"), ("Houston TX", "US"), ("El Paso", "US"), ("Brownsville", "US"), ("San Diego", "US"),
    ("Los Angeles, CA", "US"), ("Laredo, TX", "US"), ("New Mexico", "US"), ("Nuevo México", "US"), ("Texas", "US"), ("TX", "US"),
    ("fuera de EE.UU.", "OUT"), ("not in US", "OUT"), ("not in the United States", "OUT"), ("outside the US", "OUT"),
    ("no está en EE.UU.", "OUT"), ("fuera de Estados Unidos", "OUT"), ("abroad", "OUT"), ("Central America", "OUT"),
    ("Centroamérica", "OUT"), ("South America", "OUT"),
    ("LA", "both_sides"), ("CA", "both_sides"), ("GA", "both_sides"), ("IL", "both_sides"), ("AZ", "both_sides"),
    ("CO", "both_sides"), ("IN", "both_sides"), ("MA", "both_sides"), ("Nogales", "both_sides"), ("Laredo", "both_sides"),
    ("Naco", "both_sides"), ("Georgia", "both_sides"),
    ("probably Mexico", "hedged"), ("creo que en Tijuana", "hedged"), ("?", "hedged"), ("Mexico?", "hedged"),
    ("tal vez Honduras", "hedged"),
    ("Honduras, deported from Mexico", "several_places"), ("Tijuana / US", "several_places"), ("Mexico or USA", "several_places"),
    ("America", "not_one_country"), ("not in Mexico", "not_one_country"), ("North America", "not_one_country"),
    ("Narnia", "unrecognised"), ("con su tía", "unrecognised"),
]


@pytest.mark.parametrize(("cell", "expected"), PLACE_PHRASES, ids=[c for c, _ in PLACE_PHRASES])
def test_a_place_cell_is_placed_only_with_certainty(cell, expected, normalizer):
    """A place is one country only when the cell leaves exactly one; "outside the U.S." is never the
    United States; twins, state codes, hedges and several places stay unknown, quoted."""
    read = normalizer.read("current_country", cell)
    if len(expected) == 2 and expected.isupper():
        assert read.value == expected
        assert read.issue is None
    elif expected == "OUT":
        assert isinstance(read.value, PlaceSet) and not read.value.may_be("US")
        assert read.issue is None and read.reading.reading is not None
    else:
        assert isinstance(read.value, PlaceSet) and read.value.may_be("US"), read.value
        assert read.issue is not None
        assert read.reading.text == cell and read.reading.reading is None
        assert read.reading.why == normalizer.vocabulary.why[expected]


def test_the_place_table_has_at_least_60_phrases():
    """The contract asks for at least 60 place phrases."""
    assert len(PLACE_PHRASES) >= 60


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("sí, parole 2021, regresó a México 2023", "yes"), ("no, se quedó en Tijuana", "no"), ("Yes - in 2022", "yes"),
     ("N (never crossed)", "no"), ("no sé si entró", "unknown"), ("yes?", None), ("creo que sí", None), ("maybe", None),
     ("probablemente no", None), ("crossed once", None), ("t", "yes"), ("true", "yes")],
)
def test_an_answer_that_starts_with_a_clear_yes_or_no_is_that_answer(cell, expected, normalizer):
    """A cell that starts with a clear yes or no is that answer (quoted when it goes on); one that
    does not, or hedges, is never blank: its text is kept for the reasons to quote."""
    read = normalizer.read("entered_us_since_mpp", cell)
    if expected is None:
        assert read.value == "unknown" and read.issue.code == "unreadable_yes_no"
        assert read.reading.reading is None and read.reading.text == cell
    else:
        assert read.value == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Mexican", "MX"), ("mexicana", "MX"), ("hondureña", "HN"), ("Guatemalan", "GT"), ("salvadoreño", "SV"),
     ("Cuban", "CU"), ("Mexico", "MX")],
)
def test_nationalities_are_read_from_demonyms_and_country_names(cell, expected, normalizer):
    """Nationality words in English and Spanish, and country names, are one country."""
    assert normalizer.read("nationality", cell).value == expected


@pytest.mark.parametrize(
    ("field", "cell", "expected"),
    [("appeal_filed", "waived", "no"), ("appeal_filed", "Appeal waived", "no"), ("appeal_filed", "Renunció", "no"),
     ("appeal_filed", "waived, 2020", "no"), ("appeal_filed", "waived?", None), ("appeal_filed", "probably waived", None),
     ("entered_us_since_mpp", "waived", None), ("other_case_pending", "waived", None)],
)
def test_waived_answers_the_appeal_question_only(field, cell, expected, normalizer):
    """"Waived" in the appeal column says no appeal was filed (quoted, read as No); in any other
    yes/no column it is not an answer, and a hedge keeps it unread there too."""
    read = normalizer.read(field, cell)
    if expected is None:
        assert read.value == "unknown" and read.issue.code == "unreadable_yes_no"
    else:
        assert read.value == expected and read.issue is None
        assert read.reading.text == cell
