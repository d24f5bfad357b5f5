"""Lets ``python -m bpograph`` run the command line."""

from .cli import main

main(prog_name="bpograph")
