"""Generate docs/plugins/api.md from camchar.api, so that the reference cannot drift from the code.

    python docs/generate_api_reference.py          # rewrite docs/plugins/api.md
    python docs/generate_api_reference.py --check  # exit 1 if the page is out of date

tests/test_docs.py runs the check.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import pkgutil
import sys
import textwrap
from pathlib import Path

import attrs

import camchar.api as api

PAGE = Path(__file__).parent / "plugins" / "api.md"

#: The helper namespaces of the plugin API (every public submodule of camchar.api): what the built-in components
#: share, public for every plugin.
NAMESPACES = tuple(f"{api.__name__}.{module.name}" for module in pkgutil.iter_modules(api.__path__) if not module.name.startswith("_"))

INTRODUCTION = """\
# Plugin API reference

Everything a plugin author needs is importable from `camchar.api` (and, for convenience, from `camchar`):

```python
from camchar.api import hookimpl, Loader, Selector, NoiseModel, Writer, Option, Frame, BadInput
```

The built-in components are written against this API and nothing else (a test keeps them so). What they
share beyond it is public too, in helper namespaces [at the end of this page](#helper-namespaces):
`camchar.api.files` (what writers share), `camchar.api.numerics` (the noise models' and selectors' kernels)
and `camchar.api.response` (the response methods' penalties, solvers and tuning).

This page is generated from the code by `docs/generate_api_reference.py`; the hooks themselves, with examples,
are in [hooks.md](hooks.md), a step-by-step guide is [tutorial.md](tutorial.md), and testing a plugin is
[testing.md](testing.md).

## Stability

Public, and stable: every name on this page, that is `camchar.api.__all__` and the `__all__` of each
helper namespace (`camchar.api.files`, `camchar.api.numerics`, `camchar.api.response`); the hooks ([hooks.md](hooks.md)); and
`camchar.testing` ([testing.md](testing.md)). camchar's version follows semantic versioning for them: a release
that removes or renames one of these names, changes a signature incompatibly, or changes what a member means
raises the major version (while camchar is 0.x, the minor version), and says so in the changelog; additions
(a new name, a new optional parameter, a new class attribute with a default) come in any release. Numbers may
change in any release when a computation is corrected; the changelog says which.

Private, and free to change in any release: every other module of camchar (`camchar.numerics`,
`camchar.response`, `camchar.stats`, `camchar.host`, `camchar.files`, ...), even where a public name lives
there; a name that starts with `_`; and anything not listed here. Import the public name (`from
camchar.api.numerics import residual_moments`), never the module it comes from.

A component subclasses the base class of its kind, sets `name` and `description`, and implements the one
abstract method. Every other member below has a default; override what you need. Components are created
once, when the plugin registers them, and configured per run: camchar calls `configured(values)` with the
checked values of the component's `options` and uses the copy, whose `config` holds them.

## Precedence of the built-in loaders

When neither `--loader` nor `loader:` names one, camchar asks every loader whether it can open the sweep's
first image (the file the settings name, or the file beside it with the loader's first suffix) and takes the
highest `precedence`: `tiff` 20, `raw-rgb` 10, `raw-bayer` 0, `imageio` -10; a third-party loader has 0 unless it
says otherwise. A tie goes to the file the settings name, then to the name that sorts first.
"""


def _attribute_comments(cls: type) -> dict[str, str]:
    """The ``#:`` comment lines above each class-level assignment of ``cls``."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    comments: dict[str, str] = {}
    for node in ast.parse(source).body[0].body:
        target = None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target = node.target.id
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
        if target is None:
            continue
        text = []
        row = node.lineno - 2
        while row >= 0 and lines[row].strip().startswith("#:"):
            text.insert(0, lines[row].strip()[2:].strip())
            row -= 1
        if text:
            comments[target] = " ".join(text)
    return comments


def _docstring(obj: object) -> str:
    return inspect.cleandoc(obj.__doc__) if obj.__doc__ else ""


def _summary(obj: object) -> str:
    return _docstring(obj).split("\n\n")[0].replace("\n", " ")


def _annotation(cls: type, name: str) -> str:
    for klass in cls.__mro__:
        raw = klass.__dict__.get("__annotations__", {}).get(name)
        if raw is not None:
            text = raw if isinstance(raw, str) else getattr(raw, "__name__", repr(raw))
            return text.replace("ClassVar[", "", 1)[:-1] if text.startswith("ClassVar[") else text
    return ""


class _Written(str):
    """An annotation as written in the source: shown without the quotes ``repr`` would add."""

    def __repr__(self) -> str:
        return str(self)


def _written(annotation: object) -> object:
    return _Written(annotation.strip("'\"")) if isinstance(annotation, str) else annotation


def _signature(function: object) -> str:
    signature = inspect.signature(function)
    parameters = [parameter.replace(annotation=_written(parameter.annotation)) for parameter in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=_written(signature.return_annotation)))


def _component_section(cls: type) -> list[str]:
    lines = [f"## `{cls.__name__}`", ""]
    bases = ", ".join(base.__name__ for base in cls.__bases__ if base.__name__ not in ("object", "ABC", "Protocol", "Generic"))
    if bases:
        lines += [f"Subclass of `{bases}`.", ""]
    lines += [_docstring(cls), ""]
    comments: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        comments.update(_attribute_comments(klass))
    attributes = [name for name in comments if not name.startswith("_") and not callable(getattr(cls, name, None))]
    if getattr(cls, "_is_protocol", False):
        lines += ["A protocol: any object with these members will do.", ""]
    if attributes:
        lines += ["| attribute | type | default | meaning |", "|---|---|---|---|"]
        for name in attributes:
            default = f"`{getattr(cls, name)!r}`" if hasattr(cls, name) else "required"
            lines.append(f"| `{name}` | `{_annotation(cls, name)}` | {default} | {comments[name]} |")
        lines.append("")
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            lines += [f"### `{name}` (property)", "", _docstring(member.fget), ""]
        elif inspect.isfunction(member):
            implement = getattr(member, "__isabstractmethod__", False) and issubclass(cls, api.Component)
            abstract = " (abstract: implement it)" if implement else ""
            lines += [f"### `{name}{_signature(member)}`{abstract}", "", _docstring(member), ""]
    return lines


def _attrs_section(cls: type) -> list[str]:
    lines = [f"## `{cls.__name__}`", "", _docstring(cls), ""]
    lines += ["| field | type | default |", "|---|---|---|"]
    for field in attrs.fields(cls):
        default = "required" if field.default is attrs.NOTHING else (
            "empty" if isinstance(field.default, attrs.Factory) else f"`{field.default!r}`"
        )
        kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", repr(field.type))
        lines.append(f"| `{field.name}` | `{kind}` | {default} |")
    lines.append("")
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or name in {field.name for field in attrs.fields(cls)}:
            continue
        if isinstance(member, property):
            lines += [f"### `{name}` (property)", "", _summary(member.fget), ""]
        elif inspect.isfunction(member) or isinstance(inspect.getattr_static(cls, name), classmethod):
            lines += [f"### `{name}{_signature(member)}`", "", _summary(member), ""]
    return lines


def _plain_section(obj: object, name: str) -> list[str]:
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        lines = [f"## `{name}`", "", _docstring(obj), ""]
        init = obj.__dict__.get("__init__")
        if init is not None:
            lines += [f"`{name}{_signature(init).replace('self, ', '')}`", ""]
        return lines
    if inspect.isclass(obj):
        return _component_section(obj)
    if name == "hookimpl":
        return [
            "## `hookimpl`",
            "",
            "The pluggy marker for hook implementations of the project `camchar`: decorate each "
            "`camchar_register_*` function of a plugin with `@hookimpl` ([hooks.md](hooks.md)).",
            "",
        ]
    return [f"## `{name}`", "", _docstring(obj), ""]


def _namespace_member(obj: object, name: str) -> list[str]:
    """One name of a helper namespace: its signature and docstring; for a class, its public members' summaries."""
    if not inspect.isclass(obj):
        return [f"### `{name}{_signature(obj)}`", "", _docstring(obj), ""]
    init = obj.__init__ if "__init__" in vars(obj) else None
    lines = [f"### `{name}{_signature(init).replace('(self, ', '(').replace('(self)', '()') if init else ''}`", "", _docstring(obj), ""]
    for member_name, member in inspect.getmembers(obj):
        if member_name.startswith("_") or (attrs.has(obj) and member_name in {field.name for field in attrs.fields(obj)}):
            continue
        if isinstance(member, property):
            lines.append(f"- `{member_name}` (property): {_summary(member.fget)}")
        elif inspect.isfunction(member) or isinstance(inspect.getattr_static(obj, member_name), classmethod):
            lines.append(f"- `{member_name}{_signature(member).replace('(self, ', '(').replace('(self)', '()')}`: {_summary(member)}")
    return lines + [""]


def _namespace_section(name: str) -> list[str]:
    module = importlib.import_module(name)
    lines = [f"## `{name}`", "", _summary(module), "", "```python", f"from {name} import {', '.join(module.__all__)}", "```", ""]
    for member in module.__all__:
        lines += _namespace_member(getattr(module, member), member)
    return lines


def render() -> str:
    """The whole page."""
    lines = [INTRODUCTION]
    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isclass(obj) and attrs.has(obj):
            lines += _attrs_section(obj)
        else:
            lines += _plain_section(obj, name)
    lines += ["# Helper namespaces", "", "What the built-in components share, public for every plugin (stable as the names above).", ""]
    for name in NAMESPACES:
        lines += _namespace_section(name)
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the page is up to date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if PAGE.read_text() != text:
            print(f"{PAGE} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
