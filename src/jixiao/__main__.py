"""`python -m jixiao` runs the command line."""

from .cli.main import main

main()
