"""The settings keys are declared once, and each step honours the keys it declares: none is read and then ignored."""

from __future__ import annotations

import ast
import functools
import re

import pytest

from camchar.host.kinds import KINDS, STATS_KINDS
from camchar.settings.schema import KEYS, RESPONSE, STATS, keys_of
from conftest import REPO

FRAMEWORK = REPO / "framework"
#: The code of each step: its own package and the core it runs on.
STEP_CODE = {STATS: ("stats", "pipeline"), RESPONSE: ("response", "pipeline")}
#: The Settings attributes through which a key's value is read, where they are not the key itself.
READ_AS = {"ND": ("nd",), "image_dir": ("image_dir", "samples_file"), "image_name": ("image_name", "image_file"), "output": ("output", "samples_file")}
#: The kinds' constants in host/kinds.py, by settings key.
KIND_CONSTANTS = {"loader": "LOADERS", "selector": "SELECTORS", "noise_model": "NOISE_MODELS", "writer": "WRITERS", "spectra_reader": "SPECTRA_READERS", "method": "RESPONSE_METHODS", "spectrometer_reader": "SPECTROMETER_READERS"}


@functools.lru_cache(maxsize=None)
def modules(parts: tuple[str, ...]) -> list[ast.Module]:
    return [ast.parse(path.read_text(), str(path)) for part in parts for path in sorted((FRAMEWORK / part).rglob("*.py"))]


@functools.lru_cache(maxsize=None)
def settings_reads(parts: tuple[str, ...]) -> set[str]:
    """The attributes read on a Settings object (``settings.roi``, ``inputs.settings.output``) in the modules of ``parts``."""
    found = set()
    for tree in modules(parts):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                owner = node.value
                name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
                if name == "settings":
                    found.add(node.attr)
    return found


@functools.lru_cache(maxsize=None)
def kinds_chosen_from_settings(parts: tuple[str, ...]) -> set[str]:
    """The kinds whose component a step names from the settings: ``named_component(components, KIND, flag, settings)``."""
    found = set()
    for tree in modules(parts):
        over_stats_kinds = any(isinstance(node, ast.comprehension) and ast.unparse(node.iter) == "STATS_KINDS" for node in ast.walk(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "named_component" and len(node.args) == 4:
                kind, settings = node.args[1], node.args[3]
                if isinstance(settings, ast.Constant) and settings.value is None:
                    continue
                if isinstance(kind, ast.Name) and kind.id == "kind" and over_stats_kinds:
                    found.update(kind.setting for kind in STATS_KINDS)
                elif isinstance(kind, ast.Name):
                    found.update(setting for setting, constant in KIND_CONSTANTS.items() if constant == kind.id)
    return found


def honours(step: str, key: str) -> bool:
    declared = next(entry for entry in KEYS if entry.name == key)
    parts = STEP_CODE[step]
    if step in declared.recorded:  # kept in the output's provenance with the settings text, not used
        return "text" in settings_reads(parts)
    if key in KIND_CONSTANTS:
        return key in kinds_chosen_from_settings(parts)
    return any(attribute in settings_reads(parts) for attribute in READ_AS.get(key, (key,)))


@pytest.mark.parametrize("step", [STATS, RESPONSE])
def test_each_step_reads_every_key_it_declares(step):
    assert [key for key in keys_of(step) if not honours(step, key)] == []


def test_the_check_finds_a_key_a_step_does_not_read():
    assert not honours(RESPONSE, "roi")  # the statistics' region, not the fit's
    assert not honours(RESPONSE, "writer")  # the response picks its writer by its own output, never from the settings
    assert not honours(STATS, "method")


def test_every_key_belongs_to_a_step_and_every_component_kind_has_a_key():
    assert all(key.steps for key in KEYS)
    assert {kind.setting for kind in KINDS.values()} <= {key.name for key in KEYS}
    assert len({key.name for key in KEYS}) == len(KEYS)


def settings_rows() -> dict[str, str]:
    text = (REPO / "docs" / "settings.md").read_text()
    return {match.group(1): match.group(0) for match in re.finditer(r"^\| `([A-Za-z_]+)` \|.*$", text, re.M)}


def test_the_settings_reference_lists_each_key_with_its_steps():
    """docs/settings.md has a row per key; a key camchar response honours says so in its row."""
    rows = settings_rows()
    for key in KEYS:
        assert key.name in rows, key.name
        if RESPONSE in key.steps:
            assert "camchar response" in rows[key.name], key.name
        if key.required:
            assert "**yes**" in rows[key.name], key.name

