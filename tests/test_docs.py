"""Documentation is part of the work: every hook, component, option, flag and settings key is documented,
the API reference is generated from the code, and every example follows the rules the docs state."""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re

import numpy as np
import pytest

import camchar
import camchar.api
from camchar.cli.main import build_parser
from camchar.host.kinds import KINDS
from camchar.settings import CAMCHAR_KEYS, ORIGINAL_KEYS, read_settings
from camchar.testing import build_host
from conftest import REPO

DOCS = REPO / "docs"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_api_reference", DOCS / "generate_api_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_is_generated_from_the_code():
    generator = load_generator()
    assert (DOCS / "plugins" / "api.md").read_text() == generator.render(), "run python docs/generate_api_reference.py"


def test_every_public_api_name_is_in_the_reference():
    text = (DOCS / "plugins" / "api.md").read_text()
    for name in camchar.api.__all__:
        assert f"## `{name}`" in text, name


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_every_hook_has_a_section(kind):
    assert re.search(rf"^## `{kind.hook}\(register\)`$", (DOCS / "plugins" / "hooks.md").read_text(), re.M)


def test_every_builtin_component_and_its_options_are_documented(host):
    text = (DOCS / "components.md").read_text()
    for registered in host.components:
        if registered.plugin.built_in:
            assert re.search(rf"^### `{re.escape(registered.name)}`$", text, re.M), f"{registered.title} is undocumented"
            for option in registered.component.options:
                assert f"`{registered.name}.{option.name}`" in text, f"option {option.name} of {registered.title}"


def test_every_settings_key_is_documented():
    text = (DOCS / "settings.md").read_text()
    for key in ORIGINAL_KEYS + CAMCHAR_KEYS:
        assert f"| `{key}` |" in text, key


#: The flags every command takes, documented once at the top of cli.md.
COMMON_FLAGS = {"-h", "--help", "-q", "--quiet", "--debug", "--plugin", "--no-plugin"}


def test_every_command_and_flag_is_documented():
    """Each command has a section of cli.md, and each of its flags is in that section (not only in another command's)."""
    text = (DOCS / "cli.md").read_text()
    preamble = text.split("\n## ", 1)[0]
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    for command, subparser in commands.choices.items():
        heading = f"## `camchar {command}`"
        assert heading in text
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        for action in subparser._actions:
            if not action.option_strings:
                continue
            where = preamble if set(action.option_strings) <= COMMON_FLAGS else section
            assert any(flag in where for flag in action.option_strings), f"camchar {command} {'/'.join(action.option_strings)}"


def python_blocks(path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.S)


def every_example():
    """Python code in the docs and in the example plugin package: (where, source)."""
    for page in sorted(DOCS.rglob("*.md")):
        for number, block in enumerate(python_blocks(page)):
            yield f"{page.relative_to(REPO)}#{number}", block
    for source in sorted((DOCS / "examples").rglob("*.py")):
        yield str(source.relative_to(REPO)), source.read_text()


#: What the docs may import: the plugin API and its helper namespaces, the testing helpers, the results API, and the package itself.
PUBLIC_MODULES = {"camchar", "camchar.api", *load_generator().NAMESPACES, "camchar.testing", "camchar.results"}


@pytest.mark.parametrize(("where", "source"), list(every_example()), ids=[where for where, _ in every_example()])
def test_examples_use_only_the_public_api_and_raise_bad_input(where, source):
    """Examples import camchar, camchar.api or camchar.testing only, and never raise a bare ValueError for input."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        pytest.skip("a fragment, not a whole example")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "camchar":
            assert node.module in PUBLIC_MODULES or "migrating" in where, f"{where} imports {node.module}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "camchar":
                    assert alias.name in PUBLIC_MODULES, f"{where} imports {alias.name}"
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = ast.unparse(node.exc)
            assert not raised.startswith(("ValueError", "TypeError", "RuntimeError", "Exception")), f"{where}: raise {raised}"


def example_plugins(*pages: str) -> dict[str, type]:
    """The examples with a registry hook in the given docs pages, each turned into a plugin class by hook name."""
    plugins = {}
    for page in pages:
        for block in python_blocks(DOCS / page):
            if "def camchar_register_" not in block or "class " not in block:
                continue
            namespace: dict = {}
            exec(compile(block, page, "exec"), namespace)
            hooks = {name: staticmethod(hook) for name, hook in namespace.items() if name.startswith("camchar_register_")}
            for name in hooks:
                plugins[name] = type(f"DocsExample_{name}", (), hooks)
    return plugins


def test_stats_hook_examples_run(sweep):
    """The examples in the hook reference are real: register them and run a sweep through them."""
    plugins = example_plugins("plugins/hooks.md")
    stats_hooks = [kind.hook for kind in KINDS.values() if kind.key in ("loaders", "selectors", "noise_models", "writers")]
    assert set(plugins) >= set(stats_hooks)
    host = build_host(plugins=[plugins[hook]() for hook in stats_hooks])
    options = camchar.RunOptions(selector="longest", noise_model="spatial-example", writer="csv-example", output=sweep.parent / "o.csv")
    output = camchar.run_stats(read_settings(sweep), host.components, options)
    table = np.loadtxt(output, delimiter=",")
    assert table.shape == (5, 8)
    assert table[:, 1].tolist() == [0.05, 0.05, 0.05, 0.05, 0.025]  # the longest unsaturated exposures


def test_response_hook_examples_run(tmp_path):
    """The tutorial's CSV spectra reader and the hook reference's fixed-ridge method, on the real data."""
    from camchar.response.run import ResponseInputs, ResponseOptions, run_response

    plugins = example_plugins("plugins/hooks.md", "plugins/tutorial.md")
    host = build_host(plugins=[plugins["camchar_register_spectra_readers"](), plugins["camchar_register_response_methods"]()])
    spectra = camchar.load_spectra(REPO / "tests" / "data" / "monochromator-2022-10-11.h5")
    csv = tmp_path / "spectra.csv"
    rows = np.column_stack([spectra.wavelength, spectra.irradiance.T])
    header = "wavelength_nm," + ",".join(repr(float(value)) for value in spectra.nominal_wavelength)
    np.savetxt(csv, rows, delimiter=",", header=header, comments="", fmt="%.17g")
    nikon = REPO / "tests" / "data" / "nikon-d810-uv-60mm-macro.h5"
    for reader, source in (("spectra-csv", csv), (None, REPO / "tests" / "data" / "monochromator-2022-10-11.h5")):
        output = tmp_path / f"{reader}.h5"
        options = ResponseOptions(output=output, method="ridge-fixed", draws=0, spectra_reader=reader)
        run_response(ResponseInputs(nikon, source), host.components, options)
    from_csv, from_h5 = camchar.CameraResponse(tmp_path / "spectra-csv.h5"), camchar.CameraResponse(tmp_path / "None.h5")
    assert from_csv.provenance["spectra_reader"] == "spectra-csv" and from_csv.method == "ridge-fixed"
    np.testing.assert_allclose(from_csv.mean, from_h5.mean, rtol=1e-12, atol=1e-12 * np.abs(from_h5.mean).max())
    assert from_csv.R2 > 0.99


def test_configs_are_documented_settings_files():
    for config in sorted((REPO / "configs").glob("*.yml")):
        read_settings(config)


def test_the_python_run_example_runs(sweep, monkeypatch):
    """results.md's example of running a sweep from Python, run as written in the sweep's folder."""
    block = next(block for block in python_blocks(DOCS / "results.md") if "camchar.run_stats(" in block)
    monkeypatch.chdir(sweep.parent)
    namespace: dict = {}
    exec(compile(block, "results.md", "exec"), namespace)
    assert (sweep.parent / namespace["output"]).is_file() and str(namespace["output"]) == "sweep.h5"
    assert namespace["camchar"].read_result(namespace["output"]).samples.mean.shape == (5, 3)
