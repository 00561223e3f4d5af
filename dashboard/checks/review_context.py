"""What the review rules may read besides the report and the same unit's previous year (CheckContext).

`ReviewContext` adds the other units' reports of the same year (SAME_TEXT across units), the page's publication
date when the report was collected from a portal (LATE), and deadlines the office configured (townships follow
provincial rules). Every rule reads these with getattr, so a plain CheckContext still works: the rule is silent
where it has nothing to compare.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.checks.model import CheckContext, Report


@dataclass
class ReviewContext(CheckContext):
    """CheckContext plus same-year peers, the page's publication date and configured deadlines."""

    peers: list[Report] = field(default_factory=list)  # other units' current reports of the same year
    published: dt.date | None = None  # the portal page's date (collect), preferred over the record's page_date
    deadlines: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (month, day) the office set
