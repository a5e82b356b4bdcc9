"""The one error of the nbgrader course builder."""

from __future__ import annotations

from ...engine.grade import GradingError


class CourseError(GradingError):
    """The nbgrader course could not be built (nothing was written)."""
