"""Imported first by the parse workers' forkserver: it and every worker it forks run at a lower CPU priority.

Reading a file (a scan's OCR, a large PDF) must never slow a dashboard user's page: on a small server the Streamlit
process and the parse workers share the cores, and the scheduler now serves the pages first. The forkserver takes
only module names to preload, so the lowering happens when this module is imported there (and only there:
nothing else imports it). NIANBAO_WORKER_PRIORITY=normal keeps the normal priority.
"""

from __future__ import annotations

import os

NICENESS = 10


def lower_priority() -> None:
    """Lower this process's CPU priority by NICENESS (never raises: a platform without nice keeps its priority)."""
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):
        pass


# Nothing else imports this module: workers.PRELOAD names it, so it runs in the forkserver only.
if os.environ.get("NIANBAO_WORKER_PRIORITY", "low") == "low":
    lower_priority()
