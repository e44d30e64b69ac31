"""Step 1 of the pipeline: read YAML files safely, remembering where every key and value stands.

Positions let every later error say `FILE:LINE:COL: key.path: message`.
"""

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, quote

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
    # SHA-256 of the text as read: the up-to-date check fingerprints this, never reading the file again
    # (a file swapped for a FIFO after validation must not hang the build).
    digest: str = ""

    def problem(self, key: KeyPath, message: str, column: bool = True) -> Problem:
        """A problem at `key`, or at its nearest parent that has a position (for missing keys)."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.positions:
                line, at = self.positions[key[:end]]
                return Problem(self.path, line, at if column else None, format_key(key), message)
        return Problem(self.path, None, None, format_key(key), message)


# Limits that keep a hostile or broken file from taking minutes or gigabytes: a real language file is
# about 5 kB, with some 150 keys and values, nested 5 levels deep.
MAX_FILE_BYTES = 250_000  # PyYAML reads ≈ 0.5 MB of text a second: the worst file is refused in ≈ 0.5 s
MAX_NODES = 5_000
MAX_DEPTH = 10
MAX_KEY_CHARS = 64
MAX_NUMBER_CHARS = 30  # Python refuses ints over 4300 digits, and 1:2:3:… (base 60) grows without bound

_YAML_TAG = "tag:yaml.org,2002:"
_QUOTED = re.compile(r"'([^']*)'")
_SURROGATES = re.compile(r"[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")
_FILE_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
               stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFLNK: "a link"}


class _Refused(Exception):
    """A file we will not read further, with the line and column where it stopped (if known)."""

    def __init__(self, message: str, mark: yaml.Mark | None = None):
        super().__init__(message)
        self.message, self.mark = message, mark


_OUTSIDE = "is a link to a file outside the campaign folder; content files must be inside it"


def _read_bytes(path: Path, folder: Path, outside: str, limit: int, too_large: str) -> bytes:
    """The bytes of a regular file inside `folder`, at most `limit`, never blocking on a FIFO or device;
    `outside` is the message for a link that leads out of `folder`, `too_large` for a longer file.

    The type is checked before opening (opening a FIFO for reading waits for a writer) and again on
    the open file, so a file swapped in between is caught too.
    """
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise _Refused("file not found") from None
    except (OSError, RuntimeError) as error:  # a loop of links
        raise _Refused(f"cannot be read ({getattr(error, 'strerror', None) or 'a loop of links'})") from None
    if not real.is_relative_to(folder.resolve()):
        raise _Refused(outside)
    try:
        before = os.stat(real, follow_symlinks=False)
        if not stat.S_ISREG(before.st_mode):
            raise _Refused(f"is {_FILE_KINDS.get(stat.S_IFMT(before.st_mode), 'not a file')}, "
                           "not a regular file")
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        with open(descriptor, "rb") as file:
            after = os.fstat(file.fileno())
            if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino) or not stat.S_ISREG(after.st_mode):
                raise _Refused("was replaced while being read; try again")
            data = file.read(limit + 1)
    except OSError as error:
        raise _Refused(f"cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise _Refused(too_large)
    return data


def _read_text(path: Path, folder: Path, outside: str = _OUTSIDE, limit: int = MAX_FILE_BYTES,
               kind: str = "a content file is a few kB of text") -> str:
    """The text of a regular file inside `folder`, at most `limit` bytes of UTF-8 (see `_read_bytes`)."""
    data = _read_bytes(path, folder, outside, limit, f"larger than {limit // 1000} kB; {kind}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", "replace"))
        raise _Refused(f"not UTF-8 text ({error.reason})",
                       yaml.Mark(str(path), error.start, data.count(b"\n", 0, error.start), column, None, None))


class _Composer(yaml.SafeLoader):
    """The safe loader's node tree, refused as soon as it grows past MAX_NODES or MAX_DEPTH or uses a tag.

    Counting while composing stops a huge file early, before it costs time and memory; a tag (`!!binary`,
    `!!set`, `!foo`) is never needed for text and would turn a value into bytes, a set or an error.
    """

    def __init__(self, text: str):
        super().__init__(text)
        self.nodes = self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES} keys and values; a content file has a few hundred",
                           event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(f"YAML tag {quote(tag.replace(_YAML_TAG, '!!'))} is not allowed; "
                           "write plain text, lists and mappings", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Reader:
    """Turns a composed YAML node tree into plain data, refusing what translators never need."""

    def __init__(self, path: str):
        self.file = YamlFile(path, None)
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")
        self.seen: set[int] = set()

    def fail(self, mark: yaml.Mark, key: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.file.path, mark.line + 1, mark.column + 1, format_key(key), message))

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
                # The key's own text, not a value made from it: `2026-02-30:` is a name, not a date.
                if (not isinstance(key_node, yaml.ScalarNode) or len(key_node.value) > MAX_KEY_CHARS
                        or not key_node.value.isprintable()):
                    self.fail(key_node.start_mark, key, f"keys must be plain words of at most {MAX_KEY_CHARS} "
                                                        "characters")
                    continue
                name = key_node.value
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
        return self._scalar(node, key)

    def _scalar(self, node: yaml.ScalarNode, key: KeyPath) -> Any:
        kind = node.tag.removeprefix(_YAML_TAG)
        if kind == "null" and not node.value and (comment := _comment_after(node.start_mark)):
            # `title: #1 priority`: YAML reads a # after a space as the start of a comment.
            self.fail(node.start_mark, key, f"the text after '#' is read as a comment, which leaves nothing here; "
                                            f"put the text in quotes: {_in_quotes(comment)}")
            return None
        if kind in ("int", "float") and len(node.value) > MAX_NUMBER_CHARS:
            self.fail(node.start_mark, key, f"a number longer than {MAX_NUMBER_CHARS} characters; "
                                            "put it in quotes to make it text")
            return None
        try:
            value = self.constructor.construct_object(node)
        except ValueError:  # only dates raise it: 2026-02-30 has the form of a date, but no such day exists
            self.fail(node.start_mark, key, f"{quote(node.value)} is not a date that exists")
            return None
        if isinstance(value, str) and (broken := _SURROGATES.search(value)):
            # "\ud83d\ude00" is how JSON writes an emoji; YAML reads it as two halves of nothing.
            escaped = quote(broken.group())
            if len(broken.group()) == 2:
                whole = broken.group().encode("utf-16", "surrogatepass").decode("utf-16")
                self.fail(node.start_mark, key, f"{escaped} is an escaped surrogate pair; write the character "
                                                f"'{whole}' itself, or \\U{ord(whole):08X}")
            else:
                self.fail(node.start_mark, key, f"{escaped} is a broken escape (half of a surrogate pair)")
            return None
        return value


def _refused(path: Path, refused: _Refused) -> list[Problem]:
    mark = refused.mark
    return [Problem(str(path), mark and mark.line + 1, mark and mark.column + 1, "", refused.message)]


def read_text(path: Path, folder: Path, outside: str, limit: int = MAX_FILE_BYTES,
              kind: str = "a content file is a few kB of text") -> tuple[str | None, list[Problem]]:
    """The text of a file of `folder` read with the checks of content files, or the problem with it;
    `outside` is the message for a link that leads out of `folder`, `kind` what says that `limit`
    bytes is enough."""
    try:
        return _read_text(path, folder, outside, limit, kind), []
    except _Refused as refused:
        return None, _refused(path, refused)


def read_bytes(path: Path, folder: Path, outside: str, limit: int,
               too_large: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a file of `folder` read with the checks of content files (a regular file inside it,
    links only within it, at most `limit` bytes), or the problem with it; `outside` and `too_large` are
    the messages for a link that leads out of `folder` and for a longer file."""
    try:
        return _read_bytes(path, folder, outside, limit, too_large), []
    except _Refused as refused:
        return None, _refused(path, refused)


def _shortened(problem: str) -> str:
    """PyYAML's message with each value it quotes (an anchor or tag name of any length) cut short."""
    return _QUOTED.sub(lambda match: quote(match.group(1)), problem)


def _comment_after(mark: yaml.Mark) -> str:
    """The comment (`#` and what follows) on the rest of the line after `mark`, or ''."""
    rest = (mark.buffer or "")[mark.pointer:].split("\n", 1)[0].strip()
    return rest if rest.startswith("#") and len(rest) > 1 else ""


def _in_quotes(text: str) -> str:
    """`text` as a YAML value in quotes, cut short like `quote`: double quotes unless it holds one."""
    shown = quote(text)[1:-1]
    return f'"{shown}"' if '"' not in shown else "'" + shown.replace("'", "''") + "'"


def _quoted_line(line: str) -> str:
    """A line of `key: text` or `- text` with the text in quotes. A key is one word: in `- Ask me: why?`
    the whole item is the text."""
    item = line.strip()
    dash = "- " if item.startswith("- ") else ""
    item = item.removeprefix(dash)
    key, _, value = item.partition(": ")
    if " " in key:
        return f"{dash}{_in_quotes(item)}"
    return f"{dash}{key}: {_in_quotes(value.strip())}"


def _quoted_text_before(text: str, index: int) -> yaml.ScalarToken | None:
    """The last quoted text that ends at or before `index` of `text`, as the scanner reads it."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                found = token
    except yaml.MarkedYAMLError:
        pass
    return found


def _syntax_problem(shown_as: str, text: str, error: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error where it is, with what to do for the mistakes people make when they write
    text by hand: a colon and a space (or a quote) inside unquoted text, a tab, a line indented
    differently from the one above, a quote left open. PyYAML's own words otherwise."""
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return Problem(shown_as, None, None, "", f"YAML syntax error: {_shortened(error.problem)}")
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    above = next((number for number in range(mark.line - 1, -1, -1)
                  if lines[number].strip() and not lines[number].lstrip().startswith("#")), None)
    problem = error.problem or ""
    hint = None
    if "'\\t'" in problem:
        hint = "a tab character; use spaces, not tabs, to indent"
    elif problem.endswith("that cannot start any token"):  # `@` and a backquote are reserved in YAML
        fixed = " ".join(filter(None, (line[:mark.column].strip(), _in_quotes(line[mark.column:].strip()))))
        hint = f"a text that starts with {quote(line[mark.column])} must be in quotes: {fixed}"
    elif problem == "mapping values are not allowed here" and ": " in line[:mark.column]:
        hint = f"a colon and a space inside a text; put the text in quotes: {_quoted_line(line)}"
    elif problem.startswith("expected <block end>, but found '<scalar>'") and (
            quoted := _quoted_text_before(text, mark.index)) and quoted.start_mark.line < quoted.end_mark.line:
        # The quote was left open: it closed at the next quote mark, lines later, and text follows that.
        mark = quoted.start_mark
        hint = (f"the quote opened here is closed only on line {quoted.end_mark.line + 1}; "
                "add the closing quote on this line")
    elif problem.startswith("expected <block end>, but found '<scalar>'") and quoted and quoted.end_mark.line == mark.line:
        hint = "text after the closing quote; put the whole text in the quotes, and use “ ” for quotes inside it"
    elif problem == "found unexpected end of stream" and error.context == "while scanning a quoted scalar":
        mark = error.context_mark
        hint = "the quote opened here is never closed; add the closing quote"
    elif above is not None and (problem.startswith("expected <block end>")
                                or problem == "mapping values are not allowed here"):
        hint = (f"line {mark.line + 1} is not indented like line {above + 1}: {quote(lines[above])} above "
                f"{quote(line)}; keys of one mapping start in the same column, the items of one list too")
    return Problem(shown_as, mark.line + 1, mark.column + 1, "",
                   f"YAML syntax error: {hint or _shortened(problem)}")


def read_yaml(path: Path, folder: Path) -> tuple[YamlFile, list[Problem]]:
    """Parse one content file of `folder` with the safe loader; every problem comes back as a Problem.

    Nothing in a file raises: syntax errors, limits and refused files are problems with their line.
    """
    shown_as = str(path)
    try:
        text = _read_text(path, folder)
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refused as refused:
        return YamlFile(shown_as, None), _refused(path, refused)
    except yaml.reader.ReaderError as error:  # a control character: the reader knows its offset only
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        return YamlFile(shown_as, None), [Problem(shown_as, line, column, "", f"character U+{error.character:04X} "
                                                  "is not allowed in a YAML file; delete it")]
    except yaml.MarkedYAMLError as error:
        return YamlFile(shown_as, None), [_syntax_problem(shown_as, text, error)]
    reader = _Reader(shown_as)
    reader.file.digest = hashlib.sha256(text.encode()).hexdigest()
    if node is None:
        return reader.file, [Problem(shown_as, None, None, "", "file is empty")]
    try:
        reader.file.data = reader.read(node, ())
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        reader.problems.append(Problem(shown_as, mark.line + 1, mark.column + 1, "",
                                       f"YAML error: {_shortened(error.problem)}"))
    return reader.file, reader.problems
