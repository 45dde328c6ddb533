"""The original ``image_stats`` API, for people migrating from the script.

``from camchar import image_stats`` gives ``main``, ``CameraSamples``, ``snr``,
``load_images``, ``fpn`` and ``Settings`` with the original signatures and
semantics. They delegate to camchar's pipeline and built-in plugins; nothing
here computes on its own. Differences from the original, all fixes, are
listed in ``docs/migrating.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Sequence, Tuple

import numpy as np

from camchar.manager import build_host
from camchar.pipeline import DEFAULTS, RunOptions, brackets_of, load_request, run_stats, select_frames
from camchar.plugins.noise_models.linear_fpn import fpn
from camchar.plugins.selectors.best_snr import snr
from camchar.progress import Reporter
from camchar.samples import CameraSamples
from camchar.settings import Settings as ParsedSettings
from camchar.settings import read_settings
from camchar.stack import SelectedStack

__all__ = ["main", "CameraSamples", "snr", "load_images", "fpn", "Settings"]


class Settings:
    """Camera spectral calibration settings, with the original ``util.Settings`` attributes.

    Parameters
    ----------
    path
        Path to the settings YAML file.

    Attributes
    ----------
    camera, lens, settings, label : str
        Dataset description.
    nd : float
        Neutral density filter value.
    crop_xywh : list of int
        ``dcraw`` crop ``[x, y, w, h]``.
    dcraw_args : str
        ``dcraw`` extra arguments.
    roi : tuple of slice
        ``(rows, columns)`` of the region of interest.
    non_negative : bool
        Use non-negative regression for the spectral response.
    image_dir, image_name : str
        Image folder and file name pattern.
    images : dict
        Wavelength to list of image numbers.
    samples_file, spectra_dir, spectra_file, response_file, plots_file, excel_file : str
        Paths derived from the settings file, as the original derives them.
    """

    def __init__(self, path: str | Path):
        parsed = read_settings(path)
        self.parsed: ParsedSettings = parsed
        self.data: dict[str, Any] = dict(parsed.data)
        self.camera, self.lens = parsed.camera, parsed.lens
        self.settings, self.label = parsed.settings, parsed.label
        self.nd = parsed.nd
        self.crop_xywh = parsed.crop.as_list() if parsed.crop is not None else None
        self.dcraw_args = parsed.dcraw
        self.roi = parsed.roi.slices if parsed.roi is not None else (slice(None), slice(None))
        self.non_negative = parsed.non_negative
        self.image_dir = str(parsed.image_dir)
        self.image_name = parsed.image_name
        self.images = {wavelength: list(numbers) for wavelength, numbers in parsed.images.items()}
        self.samples_file = str(parsed.samples_file)
        spectra = parsed.path.parent / (parsed.source_spectra or "")
        self.spectra_dir = str(spectra)
        self.spectra_file = str(spectra.with_suffix(".h5")) if parsed.source_spectra else None
        stem = parsed.path.with_suffix("")
        self.response_file = f"{stem} response.h5"
        self.plots_file = f"{stem} plots.pdf"
        self.excel_file = f"{stem} response.xlsx"

    def image_file(self, i: int, suffix: str | None = None) -> str:
        """Path (as a string) of the ``i``'th image file, optionally with another suffix."""
        return str(self.parsed.image_file(i, suffix))


def _parse_args(args: Sequence[str] | None, **kw: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="image_stats")
    parser.add_argument("-i", "--input", type=Path, help="input settings yaml file")
    parser.add_argument("-o", "--output", type=Path, help="output h5 file")
    parser.add_argument("--quiet", action="store_true", help="suppress messages")
    parser.add_argument("--max", default=DEFAULTS["max"], type=float, help="overexposure threshold (0 - 1.0)")
    if args is None and kw:
        args = []  # keywords alone: do not mix in the host program's own sys.argv
    return parser.parse_args(args, argparse.Namespace(**kw))


def main(args: Sequence[str] | None = None, **kw: Any) -> None:
    """Compute stats for a spectral image stack.

    Selects the best frame of each bracket (``load_images``), separates the
    fixed-pattern noise (``fpn``) and saves the statistics with
    ``CameraSamples``. Called without parameters, parses the command line;
    arguments may also be a list of strings or keywords (then the command
    line is not read)::

        main(['-i', 'settings.yml', '--quiet'])
        main(input='settings.yml', quiet=True)

    Parameters
    ----------
    input : Path
        ``-i``, ``--input``: input settings YAML file.
    output : Path
        ``-o``, ``--output``: output file (suffix forced to ``.h5``); by
        default the image folder with suffix ``.h5``.
    quiet : bool
        ``--quiet``: suppress status messages.
    max : float
        ``--max``: overexposure threshold in (0, 1], default 0.995.
    """
    namespace = _parse_args(args, **kw)
    if namespace.input is None:
        raise ValueError("no settings file given: main(['-i', 'settings.yml']) or main(input='settings.yml')")
    settings = read_settings(namespace.input)
    output = Path(namespace.output).with_suffix(".h5") if namespace.output is not None else None
    options = RunOptions(output=output, max=namespace.max)
    run_stats(settings, build_host().components, options, Reporter(quiet=bool(namespace.quiet)))


def load_images(settings: Settings | ParsedSettings | str | Path, overexp: float = 0.995) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load a spectral image stack.

    The images named by the settings are cut to the ROI; frames with any
    pixel over ``overexp`` of full scale are rejected; the frame with the
    best SNR of each bracket is kept, divided by its exposure time.

    This holds the whole stack in memory as float64, as the original did;
    ``camchar stats`` streams it instead.

    Parameters
    ----------
    settings
        The settings (this module's ``Settings``, camchar's, or a path).
    overexp
        The overexposure threshold.

    Returns
    -------
    wavelengths : (N,) ndarray
        The nominal wavelength of each sample.
    samples : (N, H, W, C) ndarray
        The sample images, normalised by exposure time.
    exptimes : (N,) ndarray
        The exposure time of each sample.
    """
    if isinstance(settings, Settings):
        settings = settings.parsed
    elif not isinstance(settings, ParsedSettings):
        settings = read_settings(settings)
    components = build_host().components
    loader = components.get("loaders", DEFAULTS["loader"]).component
    selector = components.get("selectors", DEFAULTS["selector"]).component
    request = load_request(settings)
    reporter = Reporter()
    selection = select_frames(brackets_of(settings, loader), loader, selector, request, overexp, 1, reporter)
    reporter.summary(f"kept {len(selection.frames)} of {len(settings.images)} brackets")
    stack = SelectedStack(selection.frames, loader, request, selection.shape)
    samples = np.empty((len(stack),) + stack.shape, dtype=np.float64)
    for index, rates in stack.iter_rates():
        samples[index] = rates
    return stack.wavelengths, samples, stack.exposure_times
