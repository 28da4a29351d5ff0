"""Page: about the rules. The class definition, each element with its citation, the status table, the timeline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import eoir_paste
from .common import lang, rules, sidebar, tr


def page() -> None:
    """Render the page."""
    sidebar()
    ruleset = rules()
    definition = ruleset.rules
    language = lang()
    st.title(tr("ui.rules.title"), anchor=False)
    st.markdown(f"**{definition.case.name}**, {definition.case.court}, {definition.case.docket} ({definition.case.appeal})")
    st.caption(" ".join(definition.case.citation.split()))
    st.header(tr("ui.rules.definition"), anchor=False)
    st.markdown(f"> {' '.join(definition.class_definition.split())}")
    if language != "en":
        st.caption(tr("ui.rules.definition_in_english"))
    st.write(definition.class_definition_explained.get(language))

    st.header(tr("ui.rules.elements"), anchor=False)
    for element in definition.elements:
        with st.container(border=True):
            st.markdown(f"**{element.paragraph} {element.title.get(language)}** · `{element.id}`")
            st.markdown(f"> “{element.words}”")
            st.write(" ".join(element.explanation.get(language).split()))
            st.caption(f"{tr('report.rules.citation')}: {' '.join(element.citation.split())}")
            if element.note:
                st.caption(f"{tr('ui.rules.note')}: {' '.join(element.note.get(language).split())}")

    for element in definition.elements:
        zones = getattr(element, "zones", None)
        if zones:
            st.subheader(tr("ui.rules.zones", paragraph=element.paragraph))
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("ui.rules.zone_from"): [z.from_.isoformat() for z in zones],
                        tr("ui.rules.zone_to"): [z.to.isoformat() if z.to else "" for z in zones],
                        tr("ui.rules.status_result"): [definition.statuses[z.status].get(language) for z in zones],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    st.subheader(tr("ui.rules.reading_title"))
    st.markdown(tr("ui.rules.reading"))
    eoir_paste.portal_wording(ruleset)
    for case in ruleset.status_elements:
        st.header(tr("ui.rules.status_table", paragraph=case.paragraph), anchor=False)
        st.dataframe(
            pd.DataFrame(
                {
                    tr("ui.rules.status_code"): list(case.status_table),
                    tr("ui.rules.status_meaning"): [case.status_labels[c].get(language) for c in case.status_table],
                    tr("ui.rules.status_result"): [
                        definition.statuses[row.status].get(language) if row.status else tr("ui.rules.appeal_rule", days=case.appeal_period.days)
                        for row in case.status_table.values()
                    ],
                    tr("ui.rules.if_appeal"): [
                        definition.statuses[row.if_appeal_filed.status].get(language) if row.if_appeal_filed else ""
                        for row in case.status_table.values()
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        period = case.appeal_period
        st.caption(tr("ui.rules.deadline", days=period.days, source=" ".join(period.source.split())))

    st.header(tr("ui.rules.timeline"), anchor=False)
    st.dataframe(
        pd.DataFrame(
            {
                tr("ui.rules.date"): [e.date.isoformat() for e in definition.timeline],
                tr("ui.rules.event"): [e.label.get(language) for e in definition.timeline],
                tr("ui.rules.source"): [e.source for e in definition.timeline],
            }
        ),
        hide_index=True,
        width="stretch",
    )

    st.header(tr("ui.rules.combination"), anchor=False)
    statuses, outcomes = definition.statuses, definition.outcomes
    steps = [
        tr("ui.rules.combination_rule", status=statuses[r.if_any_element_is].get(language), outcome=outcomes[r.outcome].get(language))
        for r in definition.combination.rules
    ]
    steps.append(tr("ui.rules.combination_otherwise", outcome=definition.outcomes[definition.combination.otherwise].get(language)))
    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1)))
    st.header(tr("ui.rules.version_title"), anchor=False)
    st.markdown(tr("ui.rules.version", version=ruleset.version, hash=ruleset.hash))
    st.header(tr("ui.rules.change_title"), anchor=False)
    st.markdown(tr("ui.rules.change"))
    st.caption(definition.disclaimer.get(language))
