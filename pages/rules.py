"""Thin page file: see eligibility.ui.rules_page."""

from eligibility.ui.rules_page import page

page()
