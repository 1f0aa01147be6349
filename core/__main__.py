"""``python -m credbridge``."""

from .cli import main

main()
