"""Step 6 of the pipeline: write the files, never half of one, and a build's outputs into --out all of a
campaign or none of it, one build at a time, leaving nothing behind."""

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

from .errors import MachineError, machine_error

_UMASK = os.umask(0)
os.umask(_UMASK)  # reading the umask means setting it; put it straight back

# write_atomic's temporary names, `.<name>.<8 random characters>.part`: what a kill -9 can leave behind.
_PART = re.compile(r"\..+\.[a-z0-9_]{8}\.part")
_STAGING = ".staging-"
_OUT = "choose another --out"
_STOPS = {signal.SIGINT, signal.SIGTERM}


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new one, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private (0600); a finished file gets the usual permissions.
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _stamp(name: str) -> str:
    """The stamp of `name` (`org/file.pdf`) beside it: `org/.file.pdf.inputs`."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/.{base}.inputs" if folder else f".{base}.inputs"


def _fingerprint(digest: str, pdf: bytes) -> bytes:
    """A PDF's stamp: the fingerprint of its inputs and the hash of the PDF itself. Bound to the bytes, so a
    PDF replaced by anything else (another build, a copy, a crash between two renames) is never "up to date"."""
    return f"{digest} {hashlib.sha256(pdf).hexdigest()}".encode()


class Output:
    """The --out folder while a build writes to it.

    A build holds a lock on the folder, so two builds never mix their files. It writes into its own
    staging folder inside --out (same file system: moving a file into place is one atomic rename) and
    moves a campaign's files into place only when all of them passed. The staging folder is also the
    build's temporary folder (tempfile's, inherited by forked workers) and is removed at the end; one
    left by a killed build is removed by the next build, with the `.part` files of write_atomic.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.staging = folder / f"{_STAGING}{os.getpid()}"
        self.temp = self.staging / "tmp"
        self._started = time.time()
        self._tempdir = tempfile.tempdir
        self._lock: int | None = None
        self._made = False

    def __enter__(self) -> "Output":
        try:
            self._made = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._made = False  # the other build may have made it: its folder, not ours to remove
            self.__exit__()
            raise MachineError(f"another build is writing to {self.folder}{self._holder()}; "
                               f"wait for it or use another --out") from None
        except OSError as error:
            self.__exit__()
            raise machine_error(error, self.folder, _OUT) from None
        try:
            self._remove_leftovers()
            self.temp.mkdir(parents=True)
        except OSError as error:
            self.__exit__()
            raise machine_error(error, self.folder, _OUT) from None
        tempfile.tempdir = str(self.temp)
        return self

    def __exit__(self, *_) -> None:
        tempfile.tempdir = self._tempdir
        if self._lock is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            if self._made:
                with contextlib.suppress(OSError):  # fails unless empty: a build that wrote nothing leaves no folder
                    self.folder.rmdir()
            os.close(self._lock)  # releases the lock
            self._lock = None

    def _holder(self) -> str:
        """` (pid N)`: the build holding the lock, from the name of its staging folder (if made yet)."""
        try:
            return next(f" (pid {entry.name.removeprefix(_STAGING)})" for entry in self.folder.iterdir()
                        if entry.name.startswith(_STAGING))
        except (OSError, StopIteration):
            return ""

    def _remove_leftovers(self) -> None:
        """What killed builds left: their staging folders (no one else writes there while we hold the lock)
        and write_atomic's `.part` files from before this build started."""
        for entry in self.folder.iterdir():
            if entry.name.startswith(_STAGING) and entry.is_dir():
                shutil.rmtree(entry)
            elif _PART.fullmatch(entry.name) and entry.is_file() and entry.stat().st_mtime < self._started:
                entry.unlink()

    def up_to_date(self, name: str, digest: str) -> bool:
        """Whether `name` is the PDF made from inputs with fingerprint `digest`."""
        try:
            with open(self.folder / _stamp(name), "rb") as stream:
                stamp = stream.read()
            with open(self.folder / name, "rb") as stream:
                pdf = stream.read()
        except OSError:  # missing, unreadable, a folder: build it again
            return False
        return stamp == _fingerprint(digest, pdf)

    def stage(self, name: str, data: bytes) -> None:
        """Write `name` into the staging folder; nothing in --out changes yet."""
        try:
            (self.staging / name).parent.mkdir(parents=True, exist_ok=True)  # an organisation's folder
            with open(self.staging / name, "wb") as stream:
                stream.write(data)
        except OSError as error:
            raise machine_error(error, self.folder / name, _OUT) from None

    def stage_pdf(self, name: str, pdf: bytes, digest: str) -> list[str]:
        """Stage a PDF and its stamp; the names to commit."""
        self.stage(name, pdf)
        self.stage(_stamp(name), _fingerprint(digest, pdf))
        return [name, _stamp(name)]

    def commit(self, names: list[str], obsolete: list[str]) -> None:
        """Move the staged `names` into place and delete `obsolete`; Ctrl-C and SIGTERM wait until done."""
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            for name in names:  # before anything moves, so a folder in the way stops all of it
                if (self.folder / name).is_dir():
                    raise machine_error(OSError(errno.EISDIR, os.strerror(errno.EISDIR)), self.folder / name, _OUT)
            for name in names:
                (self.folder / name).parent.mkdir(exist_ok=True)  # an organisation's folder
                os.replace(self.staging / name, self.folder / name)
            for name in obsolete:
                (self.folder / name).unlink(missing_ok=True)
        except OSError as error:
            raise machine_error(error, self.folder / name, _OUT) from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
