"""Thin page file: see eligibility.ui.batch."""

from eligibility.ui.batch import page

page()
