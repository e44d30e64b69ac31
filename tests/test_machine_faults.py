"""A hostile machine: concurrent builds, kills and signals, full and read-only disks, folders in the way.
Nothing lost (the last good PDF stays), nothing left behind, never a traceback: the user's environment
gets one line naming the path and what to do, exit 2."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from healthprint import cli, fonts, write
from healthprint.pipeline import plan

ROOT = Path(__file__).resolve().parent.parent
PAUSED = Path(__file__).resolve().parent / "paused_cli.py"
POSTER = ("--format", "poster", "--size", "a3", "--order", "en+zh-Hans")
NAME = "stem-cell-safety_poster-a3_en+zh-Hans.pdf"


def _build(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def _paused(step: str, signals: Path, *args: str) -> subprocess.Popen:
    signals.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, str(PAUSED), step, str(signals), "--", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a parent (a container's init may never reap it)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _workers(signals: Path, count: int) -> list[int]:
    """The process ids of the first `count` builds paused by paused_cli.py."""
    _wait_for(lambda: len([p for p in signals.iterdir() if p.name.isdigit()]) >= count)
    return [int(p.name) for p in signals.iterdir() if p.name.isdigit()]


def _kill(pids: list[int]) -> None:
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _last_good(out: Path) -> Path:
    out.mkdir()
    target = out / NAME
    target.write_bytes(b"last good build")
    return target


def _deny(monkeypatch, under: Path, error: int) -> None:
    """Files opened by write.py under `under` fail with `error`, as on a full or read-only disk."""
    real = open

    def failing(file, *args, **kwargs):
        path = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) else os.path.abspath(file)
        if path.startswith(str(under)):
            if isinstance(file, int):
                os.close(file)
            raise OSError(error, os.strerror(error))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(write, "open", failing, raising=False)


# 3. Two builds into one folder never mix their files.

def test_a_second_build_into_the_same_folder_is_refused_and_stamps_never_lie(scenario, tmp_path):
    """Build A is held just before its stamp lands; build B of other content into the same --out is
    refused while A writes, and afterwards the PDF that says "up to date" for A is A's."""
    content_a = scenario()
    content_b = tmp_path / "other"
    shutil.copytree(content_a, content_b)
    english = content_b / "campaign" / "en.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("safety first", "safety comes first"),
                       encoding="utf-8")
    out, signals = tmp_path / "out", tmp_path / "signals"
    reference = _build("--content", str(content_a), "--out", str(tmp_path / "reference"), *POSTER)
    assert reference.returncode == 0
    a = _paused("stamp", signals, "--content", str(content_a), "--out", str(out), *POSTER)
    try:
        _wait_for(lambda: (signals / "stamp").exists())
        b = _build("--content", str(content_b), "--out", str(out), *POSTER)
    finally:
        (signals / "go").touch()
        a.communicate(timeout=60)
    assert a.returncode == 0
    assert (b.returncode, b.stderr) == (2, f"another build is writing to {out} (pid {a.pid}); "
                                           "wait for it or use another --out\n")
    again = _build("--content", str(content_a), "--out", str(out), *POSTER)
    assert "up to date" in again.stdout
    assert (out / NAME).read_bytes() == (tmp_path / "reference" / NAME).read_bytes()
    assert sorted(p.name for p in out.iterdir()) == [f".{NAME}.inputs", NAME]


def test_a_pdf_replaced_behind_the_stamp_is_not_up_to_date(run_cli, tmp_path):
    """The stamp names the PDF's own bytes: a PDF that is not the one built is built again."""
    args = ("--out", str(tmp_path), *POSTER)
    assert run_cli(*args)[0] == 0
    good = (tmp_path / NAME).read_bytes()
    (tmp_path / NAME).write_bytes(b"another build's PDF")
    code, out, _ = run_cli(*args)
    assert code == 0 and "up to date" not in out
    assert (tmp_path / NAME).read_bytes() == good


# 5. Nothing left behind.

# The leaflet's flap over-full: three long questions, each within its 200-character limit.
TOO_LONG = {"en.yaml": ('    - "What was approved: the lab, or the effect?"\n    - "Can I ask my own doctor first?"',
                        "\n".join(f'    - "{"Ask your doctor. " * 11}"' for _ in range(2)))}

@pytest.mark.parametrize("fails", [False, True], ids=["passing", "failing"])
def test_parallel_build_leaves_nothing_in_the_temp_folder(scenario, tmp_path, fails):
    """WeasyPrint's font folders of -j 2 workers are removed, whether the build passes or fails."""
    edits = TOO_LONG if fails else {}
    temp = tmp_path / "temp"
    temp.mkdir()
    result = _build("--content", str(scenario(edits)), "--out", str(tmp_path / "out"), "--format", "poster",
                    "--format", "leaflet", "-j", "2", env={"TMPDIR": str(temp)})
    assert result.returncode == (2 if fails else 0), result.stderr
    assert list(temp.iterdir()) == []
    assert not list((tmp_path / "out").glob(".staging-*"))


def test_workers_remove_weasyprint_temp_folders_themselves(campaign, tmp_path, monkeypatch):
    """The root cause, apart from the build's own temp folder: each worker deletes the font folders of
    the documents it laid out before it exits (WeasyPrint deletes them only when they are collected)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    jobs = plan([campaign], formats={"poster"})
    assert all(not isinstance(built, Exception) for built, _ in cli._build_all(jobs, tmp_path / "cache", 2, False))
    assert list(tmp_path.iterdir()) == [tmp_path / "cache"]


def test_workers_die_with_their_parent(tmp_path):
    """kill -9 of the build: its workers (140 MB each) are gone within 5 s instead of waiting forever."""
    signals = tmp_path / "signals"
    build = _paused("build", signals, "--out", str(tmp_path / "out"), "--format", "poster", "-j", "2")
    workers = _workers(signals, 2)
    try:
        build.kill()
        build.wait(timeout=10)  # not communicate(): workers left alive would hold its pipes open
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers))
    finally:
        (signals / "go").touch()
        _kill(workers)
        build.stdout.close()
        build.stderr.close()


@pytest.mark.parametrize("stop, code, message", [(signal.SIGINT, 130, "Interrupted.\n"),
                                                 (signal.SIGTERM, 143, "Stopped (SIGTERM).\n")],
                         ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_whole_build_and_writes_nothing(tmp_path, stop, code, message):
    """Ctrl-C or SIGTERM while -j 2 workers build: exit 130 or 143, workers gone, --out as before."""
    signals = tmp_path / "signals"
    target = _last_good(tmp_path / "out")
    build = _paused("build", signals, "--out", str(target.parent), "--format", "poster", "-j", "2")
    workers = _workers(signals, 2)
    try:
        build.send_signal(stop)
        _, err = build.communicate(timeout=30)
        assert (build.returncode, err) == (code, message)
        _wait_for(lambda: not any(map(_alive, workers)), 5)
        assert [p.name for p in target.parent.iterdir()] == [NAME]
        assert target.read_bytes() == b"last good build"
    finally:
        (signals / "go").touch()
        _kill(workers)


def test_leftovers_of_a_killed_build_are_removed(run_cli, tmp_path):
    """A `.part` file of ours and a staging folder left by kill -9 go at the next build; other files stay."""
    part = tmp_path / f".{NAME}.x7_kq2ab.part"
    part.write_bytes(b"half a PDF")
    an_hour_ago = time.time() - 3600
    os.utime(part, (an_hour_ago, an_hour_ago))
    (tmp_path / ".staging-4194304" / "tmp").mkdir(parents=True)
    (tmp_path / "notes.part").write_text("the user's own file")
    assert run_cli("--out", str(tmp_path), *POSTER)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".{NAME}.inputs", NAME, "notes.part"])


# 7. The machine says no: one line naming the path and what to do, exit 2, the last good PDF kept.

def test_read_only_out(run_cli, tmp_path, monkeypatch):
    target = _last_good(tmp_path / "out")
    real_mkdir, real_open = os.mkdir, os.open

    def read_only(call):
        def fail(path, *args, **kwargs):
            creates = call is real_mkdir or args[0] & os.O_CREAT
            if creates and str(path).startswith(str(target.parent)):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
            return call(path, *args, **kwargs)
        return fail

    monkeypatch.setattr(os, "mkdir", read_only(real_mkdir))
    monkeypatch.setattr(os, "open", read_only(real_open))
    code, _, err = run_cli("--out", str(target.parent), *POSTER)
    assert (code, err) == (2, f"{target.parent}: read-only file system; choose another --out\n")
    assert target.read_bytes() == b"last good build"


def test_full_disk(run_cli, tmp_path, monkeypatch):
    target = _last_good(tmp_path / "out")
    _deny(monkeypatch, target.parent, errno.ENOSPC)
    code, _, err = run_cli("--out", str(target.parent), *POSTER)
    assert (code, err) == (2, f"{target}: no space left on the disk; free some space and build again\n")
    assert [p.name for p in target.parent.iterdir()] == [NAME]
    assert target.read_bytes() == b"last good build"


def test_out_inside_a_device(run_cli):
    code, _, err = run_cli("--out", "/dev/full/x", *POSTER)
    assert (code, err) == (2, "/dev/full/x: part of the path is not a folder; choose another --out\n")


def test_a_folder_where_a_pdf_goes_stops_the_whole_campaign(run_cli, tmp_path):
    """Neither order of the poster is written: the campaign is moved into place whole or not at all."""
    (tmp_path / NAME).mkdir()
    code, _, err = run_cli("--out", str(tmp_path), "--format", "poster", "--size", "a3", "--campaign", "stem-cell-safety")
    assert (code, err) == (2, f"{tmp_path / NAME}: a folder is in the way; move it away and build again\n")
    assert [p.name for p in tmp_path.iterdir()] == [NAME]


@pytest.mark.parametrize("damage", ["garbage", "unreadable", "folder"])
def test_a_damaged_stamp_means_build_again(run_cli, tmp_path, monkeypatch, damage):
    """A stamp that can't be read is no claim that the PDF is up to date: the PDF is built again (a folder
    in its place can't be replaced, which is said in one line)."""
    target = _last_good(tmp_path / "out")
    stamp = target.parent / f".{NAME}.inputs"
    if damage == "folder":
        stamp.mkdir()
    else:
        stamp.write_bytes(b"\xff\xfe\x00 not a fingerprint")
    if damage == "unreadable":
        _deny(monkeypatch, stamp, errno.EACCES)
    code, out, err = run_cli("--out", str(target.parent), *POSTER)
    if damage == "folder":
        assert (code, err) == (2, f"{stamp}: a folder is in the way; move it away and build again\n")
        assert target.read_bytes() == b"last good build"
    else:
        assert (code, err) == (0, "") and "up to date" not in out
        assert target.read_bytes().startswith(b"%PDF-")


def test_unusable_font_cache_means_building_without_it(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HEALTHPRINT_CACHE", "/dev/full/fonts")
    code, _, err = run_cli("--out", str(tmp_path), *POSTER)
    assert (code, err) == (0, "warning: /dev/full/fonts: part of the path is not a folder; give --cache (or "
                              "HEALTHPRINT_CACHE) a writable folder (this build goes without the font cache)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{NAME}.inputs", NAME]


def test_font_cache_filling_up_during_the_build(run_cli, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("HEALTHPRINT_CACHE", str(cache))
    target = _last_good(tmp_path / "out")
    _deny(monkeypatch, cache, errno.ENOSPC)
    code, _, err = run_cli("--out", str(target.parent), *POSTER)
    assert (code, err) == (2, f"{cache}: no space left on the disk; free some space and build again\n")
    assert [p.name for p in target.parent.iterdir()] == [NAME]


def test_garbage_cache_checksum_is_rebuilt(tmp_path):
    """A checksum file of random bytes (not even text) is a damaged entry: the subset is made again."""
    font = fonts.FONTS[0]
    good = fonts.subset(font, "骨 Hello", tmp_path).read_bytes()
    checksum = fonts.subset(font, "骨 Hello", tmp_path).with_suffix(".sha256")
    checksum.write_bytes(b"\x8f\xff\x00")
    assert fonts.subset(font, "骨 Hello", tmp_path).read_bytes() == good


# 8. One build, one version.

def test_a_campaign_is_written_whole_or_not_at_all(scenario, run_cli, tmp_path):
    """The posters pass but the leaflets do not fit: the posters are not written (the last good ones
    stay, so out/ never holds two versions of the text), the drafts are, and the summary says so."""
    content = scenario(TOO_LONG)
    target = _last_good(tmp_path / "out")
    code, out, err = run_cli("--content", str(content), "--out", str(target.parent), "--format", "poster",
                             "--format", "leaflet", "--size", "a4", "--size", "a3", "--draft")
    assert code == 2
    assert err.endswith("Aborted with 2 layout errors.\nNot written: 2 PDFs of stem-cell-safety passed but were "
                        "not written because 2 others failed; fix the errors above and build again.\n")
    drafts = [f"stem-cell-safety_leaflet-a4_{order}_DRAFT.pdf" for order in ("en+zh-Hans", "zh-Hans+en")]
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([NAME, *drafts])
    assert target.read_bytes() == b"last good build"
