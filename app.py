"""MPP 1.0 class screening: the Streamlit entry point. Two roles, one command (`streamlit run app.py`):

- imported by `streamlit run` (no script context yet): ``app`` is the web server, Streamlit's
  ``st.App`` with this project's guards (eligibility.ui.server), and it runs this file as the script;
- run as that script (or by AppTest): it sets the page up and routes; pages do the rest.
"""

from pathlib import Path

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    from streamlit.starlette import App

    from eligibility.ui.server import lifespan, middleware

    app = App(__file__, middleware=middleware(), lifespan=lifespan)
else:
    import streamlit as st

    import eligibility
    from eligibility.i18n import t

    # The icon ships with the package: ':material/gavel:' made every page load fetch it from a font CDN.
    icon = Path(eligibility.__file__).parent / "static" / "gavel.svg"
    st.set_page_config(page_title="MPP 1.0 class screening", page_icon=str(icon), layout="wide")
    lang = st.session_state.get("lang", "en")
    navigation = st.navigation(
        [
            st.Page("pages/screen.py", title=t("nav.screen", lang), icon=":material/person_search:", default=True),
            st.Page("pages/batch.py", title=t("nav.batch", lang), icon=":material/table_view:"),
            st.Page("pages/rules.py", title=t("nav.rules", lang), icon=":material/gavel:"),
        ]
    )
    navigation.run()
