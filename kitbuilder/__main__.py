"""``python -m kitbuilder``."""

from .cli import main

main()
