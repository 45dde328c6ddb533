"""Third-party plugins through the real entry-point path: pip installs them, camchar finds them.

The example plugin in docs/examples/camchar-mvbin is built and installed by
pip into a private folder put on PYTHONPATH; camchar then discovers it
through importlib.metadata exactly as in a user's environment. Two more
"installed" plugins are broken on purpose: one raises on import, one
registers a loader name that camchar's built-in already has.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, SWEEP

pytestmark = pytest.mark.slow  # pip builds and installs the example plugin: seconds per test

EXAMPLE = REPO / "docs" / "examples" / "camchar-mvbin"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A folder where pip installed the example plugin (wheel built from a copy of its source)."""
    root = tmp_path_factory.mktemp("plugins")
    source = root / "source"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (target / "camchar_mvbin" / "__init__.py").exists()
    return target


def camchar(site: Path, *args, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CAMCHAR_")}
    environment.update(PYTHONPATH=str(site), **(env or {}))
    return subprocess.run([sys.executable, "-m", "camchar", *map(str, args)], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120)


def mvbin_sweep(folder: Path) -> tuple[Path, dict[int, float]]:
    """Four brackets of two Mono16 frames, and the ROI mean in counts/s of each frame."""
    folder.mkdir()
    rng = np.random.default_rng(5)
    lines, means = ["image_dir: .", "image_name: CAM_{:04}.bin", "roi: [4, 3, 24, 16]", "images:"], {}
    for bracket, level in enumerate((800.0, 2000.0, 5000.0, 9000.0)):
        numbers = []
        for exposure, microseconds in enumerate((5000, 10000)):
            number = 2 * bracket + exposure + 1
            pixels = np.round(rng.normal(100 + level * microseconds / 10000, 15, size=(22, 32))).astype("<u2")
            (folder / f"CAM_{number:04}.bin").write_bytes(pixels.tobytes())
            sidecar = {"width": 32, "height": 22, "pixel_format": "Mono16", "exposure_time_us": microseconds}
            (folder / f"CAM_{number:04}.json").write_text(json.dumps(sidecar))
            means[number] = pixels[3:19, 4:28].mean() / (microseconds / 1e6)
            numbers.append(number)
        lines.append(f"  {450 + 50 * bracket}: {numbers}")
    (folder / "settings.yml").write_text("\n".join(lines) + "\n")
    return folder / "settings.yml", means


def test_installed_plugin_is_listed(site):
    result = camchar(site, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["name"] == "mvbin" and entry["version"] == "0.2.0" and entry["origin"] == "entry point"
    assert entry["distribution"] == "camchar-mvbin"
    (loader,) = entry["components"]["loaders"]
    assert loader["name"] == "mvbin" and loader["suffixes"] == [".bin"]
    assert loader["options"] == [
        {
            "name": "bits",
            "type": "an integer",
            "default": 16,
            "doc": "significant bits of Mono16 data: a 12-bit sensor stored in 16 bits saturates at 4095",
        }
    ]
    text = camchar(site, "plugins").stdout
    assert text.startswith("mvbin 0.2.0 (entry point camchar_mvbin, distribution camchar-mvbin)")
    assert "option mvbin.bits (an integer, default 16): significant bits of Mono16 data" in text


def test_stats_runs_through_the_installed_plugin(site, tmp_path):
    settings, means = mvbin_sweep(tmp_path / "sweep")
    result = camchar(site, "stats", settings, "-o", tmp_path / "out.h5")
    assert result.returncode == 0, result.stderr
    assert "loader mvbin" in result.stderr.splitlines()[0]
    import h5py

    with h5py.File(tmp_path / "out.h5") as f:
        assert f["camchar"].attrs["loader"] == "mvbin"
        assert f["camchar"].attrs["loader_plugin"] == "camchar-mvbin 0.2.0"
        assert json.loads(f["camchar"].attrs["options"])["loader"] == {"bits": 16}
        numbers = f["camchar/image_number"][()]
        np.testing.assert_allclose(f["samples"][()][:, 0], [means[n] for n in numbers], rtol=1e-12)
        assert f["samples"].attrs["n"] == 24 * 16


def test_the_recorded_plugin_is_the_same_however_it_was_loaded(site, tmp_path):
    import h5py

    settings, _ = mvbin_sweep(tmp_path / "sweep")
    ways = {
        "entry point": camchar(site, "stats", settings, "-o", tmp_path / "a.h5"),
        "allow-list": camchar(site, "stats", settings, "-o", tmp_path / "b.h5", env={"CAMCHAR_LOAD_PLUGINS": "mvbin"}),
        "--plugin": camchar(site, "stats", settings, "-o", tmp_path / "c.h5", "--plugin", "camchar_mvbin", env={"CAMCHAR_LOAD_PLUGINS": ""}),
    }
    for way, result in ways.items():
        assert result.returncode == 0, (way, result.stderr)
    recorded = set()
    for name in ("a", "b", "c"):
        with h5py.File(tmp_path / f"{name}.h5") as f:
            recorded.add(f["camchar"].attrs["loader_plugin"])
    assert recorded == {"camchar-mvbin 0.2.0"}


def test_a_bad_option_value_names_the_settings_line(site, tmp_path):
    settings, _ = mvbin_sweep(tmp_path / "sweep")
    settings.write_text(settings.read_text() + "plugins:\n  mvbin:\n    bits: 20\n")
    result = camchar(site, "stats", settings, "-o", tmp_path / "o.h5")
    assert result.returncode == 2
    assert result.stderr == f"camchar: error: {settings}:11: option 'bits' of loader 'mvbin' must be at most 16, got 20\n"
    settings.write_text(settings.read_text().replace("bits: 20", "bitz: 12"))
    result = camchar(site, "validate", settings)
    assert result.returncode == 2 and f"{settings}:11: loader 'mvbin' has no option 'bitz'; did you mean 'bits'?" in result.stdout
    settings.write_text(settings.read_text().split("plugins:")[0])
    flagged = camchar(site, "stats", settings, "--option", "mvbin.bits=true")
    assert flagged.returncode == 2
    assert flagged.stderr == "camchar: error: --option mvbin.bits=true: option 'bits' of loader 'mvbin' must be an integer, got True\n"
    assert not (tmp_path / "o.h5").exists()

def test_load_control(site, tmp_path):
    assert camchar(site, "plugins", env={"CAMCHAR_LOAD_PLUGINS": ""}).stdout.startswith("no third-party plugins")
    assert "mvbin" in camchar(site, "plugins", env={"CAMCHAR_LOAD_PLUGINS": "mvbin"}).stdout
    assert camchar(site, "plugins", "--no-plugin", "mvbin").stdout.startswith("no third-party plugins")
    assert camchar(site, "plugins", env={"CAMCHAR_DISABLE_PLUGINS": "mvbin"}).stdout.startswith("no third-party plugins")
    settings, _ = mvbin_sweep(tmp_path / "sweep")
    result = camchar(site, "stats", settings, "--loader", "mvbin", env={"CAMCHAR_LOAD_PLUGINS": ""})
    assert result.returncode == 2
    assert "no loader named 'mvbin'; available: imageio, raw-bayer, raw-rgb, tiff" in result.stderr


def test_local_module_for_one_run(tmp_path):
    (tmp_path / "my_selector.py").write_text(
        "import camchar\n\n"
        "class First(camchar.Selector):\n"
        "    name = 'first'\n"
        "    description = 'The first frame of the bracket'\n\n"
        "    def select(self, frames):\n"
        "        return frames[0] if frames else None\n\n"
        "@camchar.hookimpl\n"
        "def camchar_register_selectors(register):\n"
        "    register(First())\n"
    )
    sweep = tmp_path / "sweep"
    shutil.copytree(SWEEP, sweep)
    result = subprocess.run(
        [sys.executable, "-m", "camchar", "stats", sweep / "settings.yml", "--plugin", "my_selector", "--selector", "first"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import h5py

    with h5py.File(sweep / "raw.h5") as f:
        assert f["exposure_time"][()].tolist() == [0.0125] * 5  # the first (shortest) exposure of each bracket
        assert f["camchar"].attrs["selector_plugin"] == "my_selector unknown version"


def install_fake_distribution(site: Path, name: str, module_source: str, entry_point: str) -> None:
    """What pip leaves behind: a module and a .dist-info with an entry point in the group camchar."""
    module = name.replace("-", "_")
    (site / f"{module}.py").write_text(module_source)
    info = site / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[camchar]\n{entry_point} = {module}\n")


def test_broken_and_duplicate_plugins_warn_and_the_rest_works(site, tmp_path):
    broken_site = tmp_path / "site"
    shutil.copytree(site, broken_site)
    install_fake_distribution(broken_site, "camchar-broken", "raise ImportError('this plugin is broken')\n", "broken")
    install_fake_distribution(
        broken_site,
        "camchar-dupe",
        "import camchar\nfrom camchar.plugins.loaders.tiff import TiffLoader\n\n"
        "@camchar.hookimpl\ndef camchar_register_loaders(register):\n    register(TiffLoader())\n",
        "dupe",
    )
    sweep = tmp_path / "sweep"
    shutil.copytree(SWEEP, sweep)
    result = camchar(broken_site, "stats", sweep / "settings.yml", "-o", tmp_path / "out.h5")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("camchar: warning:")]
    assert any("plugin broken (camchar_broken) failed to load and is skipped: ImportError('this plugin is broken')" in w for w in warnings)
    assert any("plugin dupe: loader 'tiff' is registered already by camchar.plugins.loaders.tiff; keeping that one" in w for w in warnings)
    listing = camchar(broken_site, "plugins")
    assert listing.returncode == 0 and "mvbin 0.2.0" in listing.stdout and "dupe 1.0" in listing.stdout


def test_the_example_plugins_own_tests_pass(site, tmp_path):
    source = tmp_path / "example"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CAMCHAR_")}
    environment["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(source / "tests")],
        capture_output=True, text=True, env=environment, cwd=source, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
