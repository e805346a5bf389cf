"""`python -m graphcrm` runs the command line."""

from graphcrm.cli import main

main(prog_name="graphcrm")
