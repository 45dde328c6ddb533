"""Parse a settings file's YAML safely: line numbers for every key, no duplicate keys, no alias bombs.

YAML parsers keep the last of two equal keys without a word, so a second
``roi:`` line would silently win and a wavelength listed twice would drop a
bracket; here any key given twice in one mapping, at any depth, is an error
naming both lines. A YAML alias may expand a short file into an enormous
structure (a "billion laughs" file); the expanded size is counted on the
node graph, which costs time linear in the file, and a file expanding to more
than :data:`MAX_VALUES` values is refused before anything walks it.

Numbers are read as in YAML 1.2 (:class:`SettingsLoader`): PyYAML follows YAML
1.1, where ``1e-3`` (no dot) and ``4.095e3`` (no sign in the exponent) are
text and ``0010`` is the octal 8, which a settings file never means. The plain
values of the text keys are kept as written (``label: 5e2`` is ``"5e2"``).
YAML merge keys (``<<: *base``) are refused: merged keys override silently and
would escape both rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from camchar.core.errors import BadInput, shorten

__all__ = ["parse_settings_yaml", "SettingsLoader", "MAX_VALUES"]

#: The most values (scalars, lists and mappings, aliases expanded) a settings file may hold.
MAX_VALUES = 200_000


class SettingsLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's numbers.

    ``1e-3`` and ``4.095e3`` are numbers (YAML 1.1 reads them as text), and
    integers with leading zeros are decimal: ``0010`` is 10, not the octal 8
    of YAML 1.1, and ``0008`` is 8, not text (image numbers are often written
    as in the file names). Octal is written ``0o10``.
    """

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        digits = text.lstrip("+-")
        if digits[:2].lower() == "0o":
            value = int(digits[2:], 8)
        elif digits.isdigit():
            value = int(digits, 10)
        else:  # hexadecimal, binary, sexagesimal: as YAML 1.1
            return super().construct_yaml_int(node)
        return -value if text.startswith("-") else value


SettingsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"),
)
SettingsLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0[0-9_]+|0o[0-7_]+)$"), list("-+0"))
SettingsLoader.add_constructor("tag:yaml.org,2002:int", SettingsLoader.construct_yaml_int)


def parse_settings_yaml(path: Path, text: str, text_keys: tuple[str, ...] = ()) -> tuple[Any, dict[str, int]]:
    """Parse ``text`` and return the data and the line of every mapping key.

    Parameters
    ----------
    path
        The file, for messages.
    text
        Its contents.
    text_keys
        Top-level keys whose plain values are text as written (``label: 5e2``
        is ``"5e2"``, not 500.0; ``label: 1.10`` is ``"1.10"``). An empty
        value or ``null`` stays ``None``.

    Returns
    -------
    data
        The YAML document as plain Python values (``None`` for an empty file).
    lines
        ``{"key": line, "images.450": line, "plugins.npystack.bits": line, ...}``:
        the 1-based line of every key, its path joined with dots.

    Raises
    ------
    BadInput
        For text that is not YAML, a key given twice, a merge key (``<<``), or
        a document that expands to more than :data:`MAX_VALUES` values.
    """
    try:
        node = yaml.compose(text, Loader=SettingsLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(path, f"not valid YAML: {shorten(problem, 120)}", mark.line + 1 if mark is not None else None) from None
    if node is None:
        return None, {}
    size = _expanded_size(node, {})
    if size > MAX_VALUES:
        raise BadInput(
            path,
            f"the settings file expands to more than {MAX_VALUES} values (YAML anchors and aliases "
            "repeating each other); refused",
        )
    _keep_as_written(node, text_keys)
    constructor = SettingsLoader("")
    lines: dict[str, int] = {}
    _check_keys(path, node, "", constructor, lines, set())
    try:
        data = constructor.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(path, f"not valid YAML: {shorten(problem, 120)}", mark.line + 1 if mark is not None else None) from None
    return data, lines


#: Plain values that YAML reads as null.
_NULLS = ("", "~", "null", "Null", "NULL")


def _keep_as_written(node: yaml.Node, text_keys: tuple[str, ...]) -> None:
    """Mark the plain scalar values of the top-level ``text_keys`` as text, so that they are read as written."""
    if not isinstance(node, yaml.MappingNode):
        return
    for position, (key, value) in enumerate(node.value):
        if isinstance(key, yaml.ScalarNode) and key.value in text_keys and isinstance(value, yaml.ScalarNode):
            if value.style is None and value.value not in _NULLS:
                # a copy: an anchored value may also be a number elsewhere (max: &m 0.98, label: *m)
                text = yaml.ScalarNode("tag:yaml.org,2002:str", value.value, value.start_mark, value.end_mark, value.style)
                node.value[position] = (key, text)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """The number of values ``node`` stands for with every alias expanded, memoised per node."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_VALUES + 1  # a node reached again while being counted is a recursive alias
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, sizes)
            if total > MAX_VALUES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, sizes) + _expanded_size(value, sizes)
            if total > MAX_VALUES:
                break
    sizes[id(node)] = total
    return total


def _check_keys(path: Path, node: yaml.Node, prefix: str, constructor: yaml.SafeLoader, lines: dict[str, int], seen: set[int]) -> None:
    """Record every key's line and refuse a key given twice in one mapping, walking each node once."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _check_keys(path, child, prefix, constructor, lines, seen)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    first_line: dict[Any, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            problem = "YAML merge keys (<<) are not read in a settings file: write the keys out (merged keys would escape the checks for keys given twice and for text kept as written)"
            raise BadInput(path, problem, line)
        key = _key_value(constructor, key_node)
        shown = shorten(key, 60)
        if _hashable(key):
            if key in first_line:
                where = f"'{prefix[:-1]}'" if prefix else "the file"
                raise BadInput(path, f"key '{shown}' appears twice in {where} (lines {first_line[key]} and {line}); give it once", line)
            first_line[key] = line
        dotted = f"{prefix}{shown}"
        lines.setdefault(dotted, line)
        _check_keys(path, value_node, f"{dotted}.", constructor, lines, seen)


def _key_value(constructor: yaml.SafeLoader, key_node: yaml.Node) -> Any:
    """The Python value of a mapping key (450 and 450.0 are the same key, as in the dict YAML builds)."""
    if isinstance(key_node, yaml.ScalarNode):
        try:
            return constructor.construct_object(key_node, deep=True)
        except yaml.YAMLError:
            return key_node.value
    return f"<{key_node.id}>"


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
