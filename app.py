"""MPP 1.0 class screening: the Streamlit entry point. It sets the page up and routes; pages do the rest."""

import streamlit as st

from eligibility.i18n import t

st.set_page_config(page_title="MPP 1.0 class screening", page_icon=":material/gavel:", layout="wide")
lang = st.session_state.get("lang", "en")
navigation = st.navigation(
    [
        st.Page("pages/screen.py", title=t("nav.screen", lang), icon=":material/person_search:", default=True),
        st.Page("pages/batch.py", title=t("nav.batch", lang), icon=":material/table_view:"),
        st.Page("pages/rules.py", title=t("nav.rules", lang), icon=":material/gavel:"),
    ]
)
navigation.run()
