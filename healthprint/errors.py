"""The errors the tool knows how to explain in one line; anything else is a bug and gets a traceback."""

import errno
from dataclasses import dataclass
from pathlib import Path

QUOTE_CHARS = 40


def quote(value: object) -> str:
    """A value as a message may show it: quoted, control characters escaped, at most QUOTE_CHARS long.

    Content may be hostile or huge; a message must stay one short line and never echo a whole file.
    """
    text = str(value)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:QUOTE_CHARS])
    if len(shown) > QUOTE_CHARS - 2 or len(text) > QUOTE_CHARS - 2:
        shown = shown[:QUOTE_CHARS - 3] + "…"
    return f"'{shown}'"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    file: str
    line: int | None
    column: int | str | None  # a CSV column is named: `clinics.csv:14:phone`
    key: str
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        key = f" {self.key}:" if self.key else ""
        return f"{place}:{key} {self.message}"


class HealthprintError(Exception):
    """A known failure: printed as its message alone, exit code `exit_code`."""

    exit_code = 1


class UsageError(HealthprintError):
    """The command line asked for something that does not exist."""

    exit_code = 2


class ContentError(HealthprintError):
    """The content has problems; all of them are collected before we stop."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        noun = "content error" if len(problems) == 1 else "content errors"
        lines = [str(p) for p in problems] + [f"Aborted with {len(problems)} {noun}."]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Counted:
    """One cause of failures in many places of an output (a campaign colour too pale for every text in
    it): told once for all the outputs it is true of, with how many places."""

    message: str
    places: int
    output: str


def tell_counted(counted: list[Counted]) -> list[str]:
    """A line per message, its places summed, naming its output if it is one, else how many."""
    merged: dict[str, list[Counted]] = {}
    for item in counted:
        merged.setdefault(item.message, []).append(item)
    lines = []
    for message, items in merged.items():
        places = sum(item.places for item in items)
        outputs = items[0].output if len(items) == 1 else f"{len(items)} outputs"
        lines.append(f"{message} ({places} {'place' if places == 1 else 'places'} in {outputs})")
    return lines


class LayoutError(HealthprintError):
    """The content does not fit, or the laid-out PDF breaks a rule (glyphs, fonts, pages)."""

    exit_code = 2

    def __init__(self, lines: list[str], draft: bytes | None = None, notes: list[str] = (),
                 counted: list[Counted] = ()):
        self.lines = lines
        self.draft = draft  # with --draft: the PDF of text that does not fit, marked as a draft
        self.notes = list(notes)  # after the count: what the build did not write because of the errors
        self.counted = list(counted)  # after the lines, merged: a cause shared by outputs is one line
        told = lines + tell_counted(self.counted)
        noun = "layout error" if len(told) == 1 else "layout errors"
        super().__init__("\n".join(told + [f"Aborted with {len(told)} {noun}."] + self.notes))

    def __reduce__(self):  # rebuilt from its lines when it crosses from a worker process
        return type(self), (self.lines, self.draft, self.notes, self.counted)


class MachineError(HealthprintError):
    """The machine stopped the build (disk full, read-only, a folder in the way): the user's environment,
    not a bug, so one line naming the path and what to do."""

    exit_code = 2


# What an OSError means for the user, and the fix when it does not depend on which folder it is.
_REASONS = {
    errno.ENOSPC: ("no space left on the disk", "free some space and build again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space and build again"),
    errno.EISDIR: ("a folder is in the way", "move it away and build again"),
    errno.EROFS: ("read-only file system", None),
    errno.EACCES: ("permission denied", None),
    errno.EPERM: ("permission denied", None),
    errno.ENOTDIR: ("part of the path is not a folder", None),
}


def machine_error(error: OSError, path: Path, remedy: str) -> MachineError:
    """`error` as one line about `path`; `remedy` says what to do unless the error itself does."""
    reason, fix = _REASONS.get(error.errno, (error.strerror or str(error), None))
    return MachineError(f"{path}: {reason}; {fix or remedy}")


class Stopped(BaseException):
    """SIGTERM: like Ctrl-C, it unwinds the build (no partial files) and is not an error of ours."""
