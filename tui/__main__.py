"""`python -m tui` is the `hushdesk` command."""

from .cli import main

main()
