"""python -m evals [--out DIR] [--baseline FILE] [--gate]: the same as `dualuse eval`."""
import sys

from evals.command import main

if __name__ == "__main__":
    sys.exit(main())
