"""`python -m dashboard` is the `nianbao` command."""

from dashboard.cli import main

main()
