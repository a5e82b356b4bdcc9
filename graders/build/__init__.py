"""Builders: the student copy, the Gradescope bundle, the nbgrader course."""
