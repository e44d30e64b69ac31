"""`--shard I/N`: one of N parts of a build's plan, so that N machines can share a big build (docs/batches.md).

Which part an output falls in is decided by the output alone: the SHA-256 of its file name (its path
under --out: campaign id, format, size, language order and variant, and any folder the name starts
with), taken modulo N. Not Python's hash() (salted per process), not the order of a set, not the time
or the host: every machine computes the same parts, and together they are the plan, each output in
exactly one.

Why a hash of the name rather than every N-th output of the plan: an output stays in its shard when
the plan changes around it. Another campaign, size or organisation, or a narrower choice
(`--format poster`), moves no other output to another shard, so a shard that writes into its own
--out folder finds its finished PDFs there again and skips them. Counting positions would be exactly
even, but one output added early in the plan would move nearly every later one to another shard.
The price is evenness: each output falls in a given shard with probability 1/N, like a coin toss, so
shards of a big batch differ by a few per cent (1000 outputs in 4 shards: about 250 ± 14 each), while a
small plan can come out uneven (the 22 example outputs: 11 and 11 in two shards, but 3, 8 and 11 in
three) or leave a shard empty, which is not an error. Splitting across machines is for big batches.
"""

import hashlib
import re
from dataclasses import dataclass

from .errors import UsageError, quote


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count`, counted from 1."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, filename: str) -> bool:
        """Whether the output written as `filename` (relative to --out) belongs to this shard."""
        return int(hashlib.sha256(filename.encode()).hexdigest(), 16) % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """`--shard` as given on the command line ("2/4"), or a one-line usage error."""
    match = re.fullmatch(r"([0-9]{1,9})/([0-9]{1,9})", text)
    if not match:
        raise UsageError(f"--shard {quote(text)}: give I/N, shard I of N (whole numbers, 1 ≤ I ≤ N), e.g. 2/4")
    index, count = int(match[1]), int(match[2])
    if count < 1:
        raise UsageError(f"--shard {quote(text)}: N is the number of shards, at least 1")
    if not 1 <= index <= count:
        raise UsageError(f"--shard {quote(text)}: I must be from 1 to {count}")
    return Shard(index, count)
