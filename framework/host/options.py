"""Options a component declares, and the checking of the values a user gives them.

A component lists its options in ``options``; users set them in the settings
file's ``plugins:`` section (keyed by component name) or with ``--option
NAME.KEY=VALUE``. :func:`resolve_options` checks every value once, before any
image is decoded, and returns the values the component gets as its ``config``.
"""

from __future__ import annotations

import difflib
import math
from typing import Any, Mapping, Sequence

import attrs

from camchar.core.errors import BadInput, shorten, shown

__all__ = ["Option", "OptionValue", "resolve_options"]

_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a text"}


@attrs.frozen
class Option:
    """One option of a component.

    Parameters
    ----------
    name
        The key users write (``plugins: {component: {name: value}}`` or
        ``--option component.name=value``).
    type
        ``bool``, ``int``, ``float`` or ``str``. An integer is accepted for a
        ``float`` option.
    default
        The value when the user gives none.
    doc
        One line: what the option does, with its unit.
    choices
        The allowed values, if only some are.
    minimum, maximum
        Bounds of a number, inclusive.
    """

    name: str
    type: type
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.type not in _TYPE_NAMES:
            raise TypeError(f"option {self.name!r}: type must be bool, int, float or str, not {self.type!r}")

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to the option's type.

        Raises
        ------
        ValueError
            With the problem in words, when the value is not acceptable.
        """
        if self.type is bool:
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, got {shown(value)}")
        elif self.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"must be an integer, got {shown(value)}")
        elif self.type is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"must be a finite number, got {shown(value)}")
            value = float(value)
        elif not isinstance(value, str):
            raise ValueError(f"must be a text, got {shown(value)}")
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(map(str, self.choices))}, got {shown(value)}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum:g}, got {shown(value)}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be at most {self.maximum:g}, got {shown(value)}")
        return value

    def describe_type(self) -> str:
        """The type in words, for listings."""
        if self.choices is not None:
            return " | ".join(map(str, self.choices))
        return _TYPE_NAMES[self.type]


@attrs.frozen
class OptionValue:
    """A value a user gave, and where: the settings file and line, or the command line.

    Parameters
    ----------
    value
        The value as parsed (YAML types).
    source
        The file it came from, or ``None`` for the command line.
    line
        Its line in ``source``.
    flag
        The command-line argument it came from (``--option mvbin.bits=12``), if any.
    written
        The value as typed on the command line, given to text options as it
        is (``--option x.serial=5e2`` is ``"5e2"``, not 500.0).
    """

    value: Any
    source: Any = None
    line: int | None = None
    flag: str | None = None
    written: str | None = None


def resolve_options(
    component_label: str,
    declared: Sequence[Option],
    given: Mapping[str, OptionValue],
) -> dict[str, Any]:
    """Check the values given for one component against its declared options.

    Parameters
    ----------
    component_label
        E.g. ``"loader 'npystack'"``, for messages.
    declared
        The component's ``options``.
    given
        Values by option name, with where each came from.

    Returns
    -------
    dict
        Every declared option's value: the given one, else the default.

    Raises
    ------
    BadInput
        At the settings file and line (or naming ``--option``) for an
        unknown option, with the closest declared name, or a bad value.
    """
    by_name = {option.name: option for option in declared}
    values = {option.name: option.default for option in declared}
    for key, given_value in given.items():
        option = by_name.get(key)
        where = given_value.source
        flag = f"{shorten(given_value.flag, 60)}: " if where is None and given_value.flag else ""
        if option is None:
            close = difflib.get_close_matches(str(key), list(by_name), n=1)
            if close:
                hint = f"; did you mean '{close[0]}'?"
            elif by_name:
                hint = f"; its options are {', '.join(sorted(by_name))}"
            else:
                hint = "; it declares none"
            raise BadInput(where, f"{flag}{component_label} has no option '{shorten(key, 40)}'{hint}", given_value.line)
        try:
            raw = given_value.value  # not ``given``: that is the mapping being walked
            if option.type is str and given_value.written is not None and not isinstance(raw, str):
                raw = given_value.written
            values[key] = option.check(raw)
        except ValueError as error:
            raise BadInput(where, f"{flag}option '{key}' of {component_label} {error}", given_value.line) from None
    return values
