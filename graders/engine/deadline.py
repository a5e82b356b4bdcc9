"""Deadlines and the late policy, applied in one place.

``--deadline 2026-12-05T23:59:00+01:00`` (ISO 8601; no zone means UTC) and, per student,
when the work was handed in (``--submitted-at times.csv``, a ``submitted_at`` roster
column, or what a recipe recorded: the commit time) give the days late, rounded up.
``--late-penalty "10%/day,max=50%"`` takes that many percent of the score per late day,
at most the cap. The report says both (``late by 2 day(s); 10%/day, max 50%``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .results import SubmissionResult

_POLICY = re.compile(r"^\s*(?P<rate>\d+(?:\.\d+)?)\s*%?\s*/\s*day\s*"
                     r"(?:,\s*max\s*=\s*(?P<cap>\d+(?:\.\d+)?)\s*%?)?\s*$")


def parse_time(text: str, what: str = "--deadline") -> datetime:
    """ISO 8601; a time without a zone is UTC; a bare date means the end of that day."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value += "T23:59:59"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not an ISO 8601 time "
                         "(e.g. 2026-12-05T23:59:00+01:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LatePolicy:
    percent_per_day: float
    cap: float = 100.0

    @classmethod
    def parse(cls, text: str) -> LatePolicy:
        match = _POLICY.match(text or "")
        if not match:
            raise ValueError(f"--late-penalty: {text!r}; expected e.g. '10%/day' or "
                             "'10%/day,max=50%'")
        cap = float(match["cap"]) if match["cap"] else 100.0
        return cls(float(match["rate"]), min(cap, 100.0))

    def penalty(self, late_days: int | None) -> float:
        if not late_days:
            return 0.0
        return min(self.cap, self.percent_per_day * late_days)

    def describe(self) -> str:
        cap = "" if self.cap >= 100 else f", max {self.cap:g}%"
        return f"{self.percent_per_day:g}%/day{cap}"


def late_days(submitted: datetime | None, deadline: datetime | None) -> int | None:
    """Whole days late, rounded up: 0 on time, None when either time is unknown."""
    if submitted is None or deadline is None:
        return None
    return max(0, math.ceil((submitted - deadline).total_seconds() / 86400))


def apply_lateness(result: SubmissionResult, submitted: datetime | None,
                   deadline: datetime | None, policy: LatePolicy | None) -> None:
    """The one place a late penalty is applied (the score becomes raw * (1 - penalty))."""
    result.late_days = late_days(submitted, deadline)
    result.penalty_percent = policy.penalty(result.late_days) if policy else 0
    result.late_policy = policy.describe() if policy else ""
