"""The Streamlit edge: one thin module per page plus shared widgets. The only package that imports streamlit."""
