"""`python -m debiasood ...` runs the command line, like the `debiasood` console script."""

from debiasood.cli import main

main()
