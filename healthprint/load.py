"""Step 1 of the pipeline: read YAML files safely, remembering where every key and value stands.

Positions let every later error say `FILE:LINE:COL: key.path: message`.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

KeyPath = tuple[str | int, ...]


def format_key(path: KeyPath) -> str:
    """`('points', 'items', 1, 'text')` → `points.items[2].text`: items are counted from 1, as people do."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


_KEY_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def parse_key(text: str) -> KeyPath:
    """The inverse of format_key: `points.items[2].text` → `('points', 'items', 1, 'text')`."""
    return tuple(int(number) - 1 if number else name for number, name in _KEY_PART.findall(text))


@dataclass
class YamlFile:
    """A parsed YAML file: plain data plus the 1-based (line, column) of every key path."""

    path: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def problem(self, key: KeyPath, message: str, column: bool = True) -> Problem:
        """A problem at `key`, or at its nearest parent that has a position (for missing keys)."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.positions:
                line, at = self.positions[key[:end]]
                return Problem(self.path, line, at if column else None, format_key(key), message)
        return Problem(self.path, None, None, format_key(key), message)


class _Reader:
    """Turns a composed YAML node tree into plain data, refusing what translators never need."""

    def __init__(self, path: str):
        self.file = YamlFile(path, None)
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")
        self.seen: set[int] = set()

    def read(self, node: yaml.Node, key: KeyPath) -> Any:
        mark = node.start_mark
        self.file.positions.setdefault(key, (mark.line + 1, mark.column + 1))
        # An alias re-uses a node already read; expanding it is how "billion laughs" files explode.
        if id(node) in self.seen:
            self.problems.append(self.file.problem(key, "anchors and aliases (&, *) are not allowed"))
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(self.file.problem(key, "keys must be plain words"))
                    continue
                name = str(self.constructor.construct_object(key_node))
                child = key + (name,)
                if name in result:
                    self.file.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    self.problems.append(self.file.problem(child, "key appears twice"))
                    continue
                self.file.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[name] = self.read(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, key + (index,)) for index, item in enumerate(node.value)]
        return self.constructor.construct_object(node)


def read_yaml(path: Path, shown_as: str) -> tuple[YamlFile, list[Problem]]:
    """Parse one YAML file with the safe loader; syntax errors come back as problems, not exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return YamlFile(shown_as, None), [Problem(shown_as, None, None, "", "file not found")]
    except OSError as error:
        return YamlFile(shown_as, None), [Problem(shown_as, None, None, "", f"cannot be read ({error.strerror})")]
    except UnicodeDecodeError as error:
        return YamlFile(shown_as, None), [Problem(shown_as, None, None, "", f"not UTF-8 text ({error.reason})")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return YamlFile(shown_as, None), [Problem(shown_as, None, None, "", "YAML nested too deeply")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return YamlFile(shown_as, None), [Problem(shown_as, line, column, "", f"YAML syntax error: {error.problem}")]
    except yaml.YAMLError as error:
        return YamlFile(shown_as, None), [Problem(shown_as, None, None, "", f"YAML syntax error: {error}")]
    reader = _Reader(shown_as)
    if node is None:
        return reader.file, [Problem(shown_as, None, None, "", "file is empty")]
    try:
        reader.file.data = reader.read(node, ())
    except RecursionError:
        reader.problems.append(Problem(shown_as, None, None, "", "nested too deeply"))
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        reader.problems.append(Problem(shown_as, mark.line + 1, mark.column + 1, "", f"YAML error: {error.problem}"))
    return reader.file, reader.problems
