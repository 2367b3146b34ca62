"""python -m evals [--out DIR] [--baseline FILE] [--gate]: the same as `dualuse eval`."""
from interfaces.cli import cli

if __name__ == "__main__":
    cli(["eval", *__import__("sys").argv[1:]])
