import sys

from ._entry import main

code = main()
# CPython (3.11, 3.12) remembers a KeyboardInterrupt that left an eval() or exec() of a string
# (dataclasses and typing generate code that way) even when it was caught, and then ends
# `python -m` by SIGINT whatever the exit code; evaluating a string again clears that flag.
eval("0")
sys.exit(code)
