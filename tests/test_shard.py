"""--shard I/N: N machines share one build. The shards of the real plan (every example campaign) are a
partition of it, the same in any process and on any machine; bad values are one-line usage errors; a
shard with nothing to build is not an error; a shard's build writes exactly its own PDFs."""

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from healthprint.campaign import load_campaign
from healthprint.pipeline import plan
from healthprint.shard import Shard

ROOT = Path(__file__).resolve().parent.parent
COUNTS = range(1, 6)
ONE_OUTPUT = ("--campaign", "stem-cell-safety", "--format", "poster", "--size", "a3", "--order", "zh-Hans+en")

# Prints every shard's `--list` of the real plan as {"I/N": [file name, ...]}: run in this process and in
# fresh interpreters.
_LISTS = f"""
import contextlib, io, json
from healthprint.cli import main
lists = {{}}
for count in {list(COUNTS)}:
    for index in range(1, count + 1):
        stream = io.StringIO()
        with contextlib.redirect_stdout(stream):
            assert main(["--list", "--shard", f"{{index}}/{{count}}"]) == 0
        lists[f"{{index}}/{{count}}"] = [line.rsplit("/", 1)[1] for line in stream.getvalue().splitlines()]
print(json.dumps(lists))
"""


@pytest.fixture(scope="module")
def whole_plan() -> list[str]:
    """The file names of the default build of every campaign in content/, in plan order."""
    contents = [load_campaign(folder.parent) for folder in sorted((ROOT / "content").glob("*/campaign.yaml"))]
    assert len(contents) >= 3
    return [job.filename for job in plan(contents)]


def _listed(run_cli, *args: str) -> list[str]:
    """The file names `--list` prints (its format: `<label>  → out/<file name>`), in order."""
    code, out, err = run_cli("--list", *args)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert all(re.fullmatch(r"\S+ \S+ \S+\s+→ out/\S+\.pdf", line) for line in lines), out
    return [line.rsplit("/", 1)[1] for line in lines]


@pytest.fixture(scope="module")
def shard_lists() -> dict[str, list[str]]:
    """What `--list --shard I/N` prints for N = 1 … 5, in this process: {"I/N": [file name, ...]}."""
    stream = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(stream):
        patch.chdir(ROOT)  # the default --content
        exec(_LISTS, {})
    return json.loads(stream.getvalue())


@pytest.mark.parametrize("count", COUNTS)
def test_the_shards_partition_the_plan(shard_lists, whole_plan, count):
    """Every output of the plan is in exactly one of the N shards, and a shard lists its outputs in plan
    order; with N > 1 no shard is the whole plan."""
    shards = [shard_lists[f"{index}/{count}"] for index in range(1, count + 1)]
    every = [name for shard in shards for name in shard]
    assert sorted(every) == sorted(whole_plan)  # union = plan, and nothing listed twice: disjoint
    assert len(set(every)) == len(every) == len(whole_plan)
    for shard in shards:
        assert shard == [name for name in whole_plan if name in shard]
        assert count == 1 or len(shard) < len(whole_plan)


def test_an_output_is_in_the_shard_its_name_hashes_to(shard_lists, whole_plan):
    """The rule of healthprint/shard.py, and no other: SHA-256 of the file name, modulo N. It depends on
    the name alone, so an output stays in its shard when other outputs come or go."""
    for key, names in shard_lists.items():
        index, count = map(int, key.split("/"))
        expected = [name for name in whole_plan
                    if int(hashlib.sha256(name.encode()).hexdigest(), 16) % count == index - 1]
        assert names == expected, key
        assert all(Shard(index, count).holds(name) for name in names)


def test_the_partition_is_the_same_under_another_hash_seed(shard_lists):
    """Computed in fresh interpreters with other PYTHONHASHSEEDs (string hashing salted otherwise), the
    shards are the same: nothing depends on hash(), set order, time or host."""
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", _LISTS], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == shard_lists, f"PYTHONHASHSEED={seed}"


def test_list_with_shard_prints_the_list_format(run_cli, whole_plan, monkeypatch):
    """`--list --shard` prints the lines of `--list` that belong to the shard, unchanged."""
    monkeypatch.chdir(ROOT)
    code, everything, _ = run_cli("--list")
    assert code == 0
    for index in (1, 2, 3):
        code, out, err = run_cli("--list", "--shard", f"{index}/3")
        assert (code, err) == (0, "")
        assert out.splitlines() == [line for line in everything.splitlines()
                                    if Shard(index, 3).holds(line.rsplit("/", 1)[1])]


@pytest.mark.parametrize(("value", "message"), [
    ("0/4", "--shard '0/4': I must be from 1 to 4"),
    ("5/4", "--shard '5/4': I must be from 1 to 4"),
    ("2/0", "--shard '2/0': N is the number of shards, at least 1"),
    ("0/0", "--shard '0/0': N is the number of shards, at least 1"),
    ("a/b", "--shard 'a/b': give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
    ("2", "--shard '2': give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
    ("-1/4", "--shard '-1/4': give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
    ("2/4/8", "--shard '2/4/8': give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
    ("２/4", "--shard '２/4': give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
    ("1/" + "9" * 5000, "--shard '1/99999999999999999999999999999999999…': give I/N, shard I of N "
                        "(whole numbers, 1 ≤ I ≤ N), e.g. 2/4"),
])
def test_bad_shard_is_a_usage_error(run_cli, tmp_path, value, message):
    """One line, exit 2, before any content is read (here there is none) and nothing written. (`=`: a
    value that starts with a hyphen is otherwise taken for an option.)"""
    for mode in ((), ("--list",)):
        code, out, err = run_cli(*mode, f"--shard={value}", "--content", str(tmp_path / "none"),
                                 "--out", str(tmp_path / "out"))
        assert (code, out, err) == (2, "", message + "\n")
    assert list(tmp_path.iterdir()) == []


def test_a_shard_with_nothing_to_build_says_so_and_succeeds(run_cli, tmp_path, monkeypatch):
    """More shards than outputs (one output, two shards): the empty shard prints one line and exits 0,
    listing or building, and makes no --out folder; the other shard has the output."""
    monkeypatch.chdir(ROOT)
    out = str(tmp_path / "out")
    lists = {index: run_cli("--list", *ONE_OUTPUT, "--shard", f"{index}/2", "--out", out) for index in (1, 2)}
    assert sorted(len(printed.splitlines()) for _, printed, _ in lists.values()) == [1, 1]
    empty = next(index for index, (_, printed, _) in lists.items() if "nothing to build" in printed)
    other = 3 - empty
    message = f"Shard {empty}/2 (0 of 1 output): nothing to build\n"
    assert lists[empty] == (0, message, "")
    assert lists[other][0] == 0 and lists[other][1].endswith(f"{out}/stem-cell-safety_poster-a3_zh-Hans+en.pdf\n")
    assert run_cli(*ONE_OUTPUT, "--shard", f"{empty}/2", "--out", out) == (0, message, "")
    assert run_cli(*ONE_OUTPUT, "--shard", f"{empty}/2", "--out", out, "-q") == (0, "", "")
    assert not (tmp_path / "out").exists()


def test_a_shard_builds_exactly_its_outputs(run_cli, tmp_path, monkeypatch):
    """A real build of one shard (the A3 posters of every campaign, in two shards) writes its outputs'
    PDFs and no others, and says which shard it was; built again, they are up to date (a shard resumes).
    With the other shard's folder copied beside them, the whole build is up to date in the merged folder."""
    monkeypatch.chdir(ROOT)
    posters = ("--format", "poster", "--size", "a3")
    everything = _listed(run_cli, *posters)
    shards = {index: _listed(run_cli, *posters, "--shard", f"{index}/2") for index in (1, 2)}
    index = next((index for index in shards if 0 < len(shards[index]) < len(everything)), None)
    assert index is not None, shards  # the test needs a shard that is neither empty nor everything
    mine = shards[index]
    out = tmp_path / "out"
    code, printed, err = run_cli(*posters, "--shard", f"{index}/2", "--out", str(out), "-j", "2")
    assert (code, err) == (0, "")
    lines = printed.splitlines()
    assert len(lines) == len(mine) + 1
    for number, (line, name) in enumerate(zip(lines, mine), 1):
        assert line.startswith(f"[{number}/{len(mine)}] ") and f"→ {out / name}" in line, line
    total = f"{len(mine)} of {len(everything)} outputs"
    assert re.fullmatch(rf"Shard {index}/2 \({total}\): built {len(mine)} PDFs? in [\d.]+ s into "
                        rf"{re.escape(str(out))}/", lines[-1])
    assert sorted(path.name for path in out.glob("*.pdf")) == sorted(mine)
    assert sorted(path.name for path in out.iterdir()) == sorted(mine + [f".{name}.inputs" for name in mine])

    code, printed, _ = run_cli(*posters, "--shard", f"{index}/2", "--out", str(out))
    assert code == 0
    assert re.fullmatch(rf"Shard {index}/2 \({total}\): built 0 PDFs in [\d.]+ s into {re.escape(str(out))}/ "
                        rf"\({len(mine)} up to date\)", printed.splitlines()[-1])

    merged = tmp_path / "merged"
    assert run_cli(*posters, "--shard", f"{3 - index}/2", "--out", str(tmp_path / "other"), "-q")[0] == 0
    for folder in (out, tmp_path / "other"):
        shutil.copytree(folder, merged, dirs_exist_ok=True)
    code, printed, _ = run_cli(*posters, "--out", str(merged))
    assert code == 0 and printed.splitlines()[-1].endswith(f"({len(everything)} up to date)")
