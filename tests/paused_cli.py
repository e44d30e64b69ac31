"""The command line with one step paused, so a test can catch a build in the middle of it.

    python tests/paused_cli.py build|stamp SIGNAL_FOLDER -- <build.py arguments>

`build`: every build of a PDF (in the workers too) first writes a file named after its process id into
SIGNAL_FOLDER, then waits. `stamp`: moving a `.inputs` stamp into --out first writes `stamp` there, then
waits. Either waits until a file `go` appears in SIGNAL_FOLDER (at most 60 s).
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from healthprint import cli  # noqa: E402

step, folder = sys.argv[1], Path(sys.argv[2])
arguments = sys.argv[sys.argv.index("--") + 1:]


def pause(name: str) -> None:
    (folder / name).touch()
    deadline = time.monotonic() + 60
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


if step == "build":
    build_pdf = cli.build_pdf

    def paused_build(*args, **kwargs):
        pause(str(os.getpid()))
        return build_pdf(*args, **kwargs)

    cli.build_pdf = paused_build
else:
    replace = os.replace

    def paused_replace(source, target, *args, **kwargs):
        if str(target).endswith(".inputs"):
            pause("stamp")
        return replace(source, target, *args, **kwargs)

    os.replace = paused_replace

signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started in the background
sys.exit(cli.main(arguments))
