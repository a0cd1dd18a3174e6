"""``python -m clearance`` runs the CLI."""

from clearance.cli.main import main

main()
