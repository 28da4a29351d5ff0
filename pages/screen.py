"""Thin page file: see eligibility.ui.screen."""

from eligibility.ui.screen import page

page()
