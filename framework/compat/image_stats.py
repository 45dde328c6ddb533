"""The original ``image_stats`` API, for people migrating from the script.

``from camchar import image_stats`` gives ``main``, ``CameraSamples``, ``snr``,
``load_images``, ``fpn`` and ``Settings`` with the original signatures and
semantics. They delegate to camchar's pipeline, through the plugin registry
(the default components, as the command line chooses them); nothing here
computes on its own. Every problem raises :class:`camchar.BadInput`. Differences from the original, all fixes, are
listed in ``docs/migrating.md``.
"""

from __future__ import annotations

import argparse
import difflib
import math
from pathlib import Path
from typing import Any, NoReturn, Sequence, Tuple

import numpy as np

from camchar.core.errors import BadInput, shorten, shown
from camchar.files.camera_samples import CameraSamples
from camchar.host.manager import build_host
from camchar.numerics.line_fit import fpn
from camchar.numerics.snr import snr
from camchar.runtime.progress import Reporter
from camchar.settings.model import Settings as ParsedSettings
from camchar.settings.reader import read_settings
from camchar.stats.choice import choose_components
from camchar.stats.context import SweepContext
from camchar.stats.levels import Rules
from camchar.stats.options import DEFAULT_MAX, RunOptions
from camchar.stats.run import preflight, run_stats
from camchar.stats.selection import select_frames
from camchar.stats.stack import DecodingStack

__all__ = ["main", "CameraSamples", "snr", "load_images", "fpn", "Settings", "BadInput"]

#: The keywords ``main`` accepts (the original's command-line options).
MAIN_KEYWORDS = ("input", "output", "quiet", "max")


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


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`BadInput` instead of exiting the Python process."""

    def error(self, message: str) -> NoReturn:
        raise BadInput(None, f"image_stats: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if status:
            raise BadInput(None, f"image_stats: {message or 'invalid arguments'}")
        raise SystemExit(status)  # --help asked for it, as on the command line


def _fraction(text: str | float) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"not a number: {shown(text)}") from None
    if not math.isfinite(value) or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {shown(text)}")
    return value


def _parse_args(args: Sequence[str] | None, **kw: Any) -> argparse.Namespace:
    unknown = [name for name in kw if name not in MAIN_KEYWORDS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], MAIN_KEYWORDS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; it takes {', '.join(MAIN_KEYWORDS)}"
        raise BadInput(None, f"image_stats.main: unknown keyword '{shorten(unknown[0], 40)}'{hint}")
    parser = _Parser(prog="image_stats")
    parser.add_argument("-i", "--input", type=Path, help="input settings yaml file")
    parser.add_argument("-o", "--output", type=Path, help="output h5 file")
    parser.add_argument("--quiet", action="store_true", help="suppress messages")
    parser.add_argument("--max", default=DEFAULT_MAX, type=_fraction, help="overexposure threshold (0 - 1.0)")
    if args is None and kw:
        args = []  # keywords alone: do not mix in the host program's own sys.argv
    namespace = parser.parse_args(args)
    for name, value in kw.items():
        if name == "max":
            try:
                value = _fraction(value)
            except argparse.ArgumentTypeError as error:
                raise BadInput(None, f"image_stats.main: max {error}") from None
        setattr(namespace, name, value)
    return namespace


def main(args: Sequence[str] | None = None, **kw: Any) -> None:
    """Compute stats for a spectral image stack.

    Selects the best frame of each bracket (``load_images``), separates the
    fixed-pattern noise (``fpn``) and saves the statistics with
    ``CameraSamples``. Called without parameters, parses the command line;
    arguments may also be a list of strings or keywords (then the command
    line is not read)::

        main(['-i', 'settings.yml', '--quiet'])
        main(input='settings.yml', quiet=True)

    It runs exactly what ``camchar stats`` runs, with the same checks.

    Parameters
    ----------
    input : Path
        ``-i``, ``--input``: input settings YAML file.
    output : Path
        ``-o``, ``--output``: output file (suffix forced to ``.h5``); by
        default the image folder's path with ``.h5`` appended.
    quiet : bool
        ``--quiet``: suppress status messages.
    max : float
        ``--max``: overexposure threshold in (0, 1], default 0.995.

    Raises
    ------
    BadInput
        For every problem with the arguments or the input (an unknown
        keyword names the closest valid one); never ``SystemExit``.
    PluginError
        When a component breaks its contract.
    """
    namespace = _parse_args(args, **kw)
    if namespace.input is None:
        raise BadInput(None, "image_stats.main: no settings file given: main(['-i', 'settings.yml']) or main(input='settings.yml')")
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
    try:
        overexp = _fraction(overexp)
    except argparse.ArgumentTypeError as error:
        raise BadInput(None, f"load_images: overexp {error}") from None
    if isinstance(settings, Settings):
        settings = settings.parsed
    elif not isinstance(settings, ParsedSettings):
        settings = read_settings(settings)
    chosen = choose_components(build_host().components, settings, RunOptions(), None)
    context = SweepContext.start(settings, chosen, RunOptions(max=overexp, workers=1), Reporter())
    preflight(context)
    selection = select_frames(context.decoding(Rules(overexp)), context.plan.brackets)
    context.reporter.summary(f"kept {len(selection.frames)} of {len(settings.images)} brackets")
    stack = DecodingStack(selection.frames, chosen.loader.component, context.request, selection.shape, sample_type=selection.sample_type)
    samples = np.empty((len(stack),) + stack.shape, dtype=np.float64)
    for index, rates in stack.iter_rates():
        samples[index] = rates
    return stack.wavelengths, samples, stack.exposure_times
