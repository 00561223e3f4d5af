"""`python -m dashboard.cli`, as the shared scoring tool calls it."""

from dashboard.cli import main

main()
