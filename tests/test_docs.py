"""Documentation is part of the work: every hook, component, flag and settings key is documented."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

from camchar import hookspecs
from camchar.cli import build_parser
from camchar.components import Components
from camchar.pipeline import RunOptions, run_stats
from camchar.settings import CAMCHAR_KEYS, ORIGINAL_KEYS, read_settings

from conftest import REPO

DOCS = REPO / "docs"


def hook_names() -> list[str]:
    return [name for name in dir(hookspecs) if name.startswith("camchar_")]


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_a_section(hook):
    assert re.search(rf"^## `{hook}\(register\)`$", (DOCS / "plugins" / "hooks.md").read_text(), re.M)


def test_every_builtin_component_has_a_section(host):
    text = (DOCS / "components.md").read_text()
    for kind, name, entry in host.components:
        if entry.plugin.startswith("camchar.plugins."):
            assert re.search(rf"^### `{re.escape(name)}`$", text, re.M), f"{kind} {name} is undocumented"


def test_every_settings_key_is_documented():
    text = (DOCS / "settings.md").read_text()
    for key in ORIGINAL_KEYS + CAMCHAR_KEYS:
        assert f"| `{key}` |" in text, key


def test_every_command_and_flag_is_documented():
    text = (DOCS / "cli.md").read_text()
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    for command, subparser in commands.choices.items():
        assert f"## `camchar {command}`" in text
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in text, f"camchar {command} {flag}"


def test_hook_examples_run(sweep, host):
    """The examples in the hook reference are real: register them and run a sweep through them."""
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "plugins" / "hooks.md").read_text(), re.S)
    examples = [block for block in blocks if "def camchar_register_" in block and "class " in block]
    assert len(examples) == 4
    components = Components()
    for kind, entry in ((kind, entry) for kind, _, entry in host.components):
        components.add(kind, entry.component, entry.plugin, entry.version)
    for block in examples:
        namespace: dict = {}
        exec(compile("import camchar\n" + block, "hooks.md", "exec"), namespace)
        for name, hook in namespace.items():
            if name.startswith("camchar_register_"):
                hook(components.register_callback(name.removeprefix("camchar_register_"), "docs-example", None))
    settings = read_settings(sweep)
    output = run_stats(settings, components, RunOptions(selector="longest", noise_model="spatial-example", output=sweep.parent / "o.csv"))
    table = np.loadtxt(output, delimiter=",")
    assert table.shape == (5, 8)
    assert table[:, 1].tolist() == [0.05, 0.05, 0.05, 0.05, 0.025]  # the longest unsaturated exposures
