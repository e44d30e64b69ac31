"""The structure tree of a tagged PDF as Poppler reads it (`pdfinfo -struct-text`): the elements and
the text a screen reader gets, in reading order. Shared by the accessibility and screen-reader tests."""

import subprocess
from pathlib import Path

HEADINGS = ("H1", "H2", "H3", "H4", "H5", "H6")


def struct_tree(path: Path) -> dict:
    """The structure tree: nodes {"tag", "kids"}, where a kid is a node or a string of text."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout
    root = {"tag": "", "kids": []}
    stack = [(-1, root)]
    for line in out.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        body = line.strip()
        while stack[-1][0] >= depth:
            stack.pop()
        if body.startswith('"'):
            stack[-1][1]["kids"].append(body[1:-1])
        else:
            node = {"tag": body.split()[0], "kids": []}
            stack[-1][1]["kids"].append(node)
            stack.append((depth, node))
    return root


def elements(node):
    """Every element under `node`, depth first (reading order)."""
    for kid in node["kids"]:
        if isinstance(kid, dict):
            yield kid
            yield from elements(kid)


def spoken(node) -> str:
    """What a screen reader reads for `node`: its text, in order."""
    return "".join(kid if isinstance(kid, str) else spoken(kid) for kid in node["kids"])


def headings(path: Path) -> list[tuple[int, str]]:
    """(level, text) of every heading, in reading order."""
    return [(int(node["tag"][1]), spoken(node)) for node in elements(struct_tree(path)) if node["tag"] in HEADINGS]
