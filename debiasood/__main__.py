"""`python -m debiasood ...` runs the command line, like the `debiasood` console script."""

from debiasood.app.cli import main

main()
