"""The order of the steps of ``camchar stats``; every step's work is a plugin's.

::

    settings --> brackets of image files
      each bracket, on worker threads:
        loader (decode, cut to ROI) --> reject overexposed --> selector
      --> SelectedStack --> noise model --> CameraSamples --> writer

The host owns only this order, progress reporting and error handling.
"""

from __future__ import annotations

import contextlib
import functools
import time
import warnings
from pathlib import Path
from typing import Sequence

import attrs
import numpy as np

from camchar._version import __version__
from camchar.atomic import atomic_output, check_output_path
from camchar.components import Components, Registered
from camchar.errors import BadInput, CamcharWarning
from camchar.darks import DarkFrames, load_darks
from camchar.frame_cache import FrameCache
from camchar.frames import Frame, LoadRequest
from camchar.parallel import default_workers, ordered_map
from camchar.preflight import check_files_exist, check_first_image, check_image_folder, warn_repeated_images
from camchar.progress import Reporter, silent
from camchar.reductions import channel_totals
from camchar.samples import CameraSamples
from camchar.settings import Settings
from camchar.stack import SelectedFrame, SelectedStack

__all__ = [
    "DEFAULTS",
    "RunOptions",
    "Chosen",
    "Bracket",
    "BracketOutcome",
    "Selection",
    "choose_components",
    "default_loader",
    "load_request",
    "output_path",
    "brackets_of",
    "select_frames",
    "compute_samples",
    "write_samples",
    "run_stats",
]

#: Components and threshold used when neither the settings nor the command line choose.
#: The loader's default depends on the files (:func:`default_loader`); "tiff" is its last resort.
DEFAULTS = {"loader": "tiff", "selector": "best-snr", "noise_model": "linear-fpn", "max": 0.995}
#: The loader for a sweep of RAW files with no converted TIFFs beside them.
RAW_DEFAULT_LOADER = "raw-rgb"


@attrs.frozen
class RunOptions:
    """Choices that override the settings file (the command-line flags)."""

    output: Path | None = None
    max: float | None = None
    loader: str | None = None
    selector: str | None = None
    noise_model: str | None = None
    workers: int | None = None

    def max_fraction(self, settings: Settings) -> float:
        """The overexposure threshold: flag, then settings ``max``, then 0.995."""
        for value in (self.max, settings.max):
            if value is not None:
                return value
        return DEFAULTS["max"]

    def worker_count(self) -> int:
        """Threads to use."""
        return self.workers if self.workers is not None else default_workers()


@attrs.frozen
class Chosen:
    """The components of one run."""

    loader: Registered
    selector: Registered
    noise_model: Registered
    writer: Registered

    def provenance(self) -> dict[str, str]:
        """Names and plugin versions of the components, for the output file."""
        record = {}
        for kind in ("loader", "selector", "noise_model", "writer"):
            registered: Registered = getattr(self, kind)
            record[kind] = registered.component.name
            record[f"{kind}_plugin"] = f"{registered.plugin} {registered.version or 'unknown version'}"
        return record


def output_path(settings: Settings, options: RunOptions) -> Path:
    """Where the statistics go: ``--output``, else the image folder with suffix ``.h5``.

    An output name without a suffix gets ``.h5``.
    """
    path = Path(options.output) if options.output is not None else settings.samples_file
    return path if path.suffix else path.with_suffix(".h5")


def choose_components(components: Components, settings: Settings, options: RunOptions, output: Path) -> Chosen:
    """Pick the components: command line, then settings, then :data:`DEFAULTS`; the writer by suffix.

    Raises
    ------
    BadInput
        When a named component does not exist or no writer handles the suffix.
    """

    def pick(kind: str, key: str) -> Registered:
        default = default_loader(settings, components) if key == "loader" else DEFAULTS[key]
        name = getattr(options, key) or getattr(settings, key) or default
        try:
            return components.get(kind, name)
        except BadInput as error:
            source = settings.path if getattr(options, key) is None and getattr(settings, key) else None
            raise BadInput(source, error.problem, settings.line_of(key) if source else None) from None

    writers = [entry for _, entry in components.by_kind["writers"].items() if output.suffix.lower() in entry.component.suffixes]
    if not writers:
        known = sorted({suffix for entry in components.by_kind["writers"].values() for suffix in entry.component.suffixes})
        raise BadInput(output, f"no writer for suffix '{output.suffix}'; known suffixes: {', '.join(known)}")
    return Chosen(pick("loaders", "loader"), pick("selectors", "selector"), pick("noise_models", "noise_model"), writers[0])


def default_loader(settings: Settings, components: Components) -> str:
    """The loader when neither the command line nor the settings name one.

    As the original workflow: if the converted ``.tiff`` sits beside the first
    image's RAW name, ``tiff``. If only the file itself exists, the loader
    that reads its suffix (``raw-rgb`` for RAW files). Otherwise ``tiff``,
    whose error then names the missing file.
    """
    first = settings.image_file(next(iter(settings.images.values()))[0])
    loaders = components.by_kind["loaders"]
    tiff = loaders.get(DEFAULTS["loader"])
    if tiff is not None and (first.suffix.lower() in tiff.component.suffixes or first.with_suffix(".tiff").exists()):
        return DEFAULTS["loader"]
    if first.exists():
        claimants = sorted(name for name, entry in loaders.items() if first.suffix.lower() in entry.component.suffixes)
        if RAW_DEFAULT_LOADER in claimants:
            return RAW_DEFAULT_LOADER
        if claimants:
            return claimants[0]
    return DEFAULTS["loader"]


def load_request(settings: Settings) -> LoadRequest:
    """What every loader call of a run receives, from the settings."""
    return LoadRequest(roi=settings.roi, crop=settings.crop, white_level=settings.white_level, options=settings.data)


@attrs.frozen
class Bracket:
    """The images of one wavelength: ``(image number, file)`` pairs."""

    wavelength: int | float
    images: tuple[tuple[int, Path], ...]


def brackets_of(settings: Settings, loader: object) -> list[Bracket]:
    """The brackets of the sweep, with each image's file for ``loader``.

    ``image_name`` names the RAW files; a loader that does not read that
    suffix looks for the file with its own first suffix beside it (the
    ``tiff`` loader reads ``DSC_0001.tiff`` for ``DSC_{:04}.NEF``).
    """
    suffixes = tuple(getattr(loader, "suffixes", ()))
    return [
        Bracket(wavelength, tuple((number, _file_for(settings, number, suffixes)) for number in numbers))
        for wavelength, numbers in settings.images.items()
    ]


def _file_for(settings: Settings, number: int, suffixes: tuple[str, ...]) -> Path:
    path = settings.image_file(number)
    if not suffixes or path.suffix.lower() in suffixes:
        return path
    return path.with_suffix(suffixes[0])


@attrs.frozen
class Geometry:
    """The size of a frame and of the image it was cut from; all frames of a sweep must agree."""

    shape: tuple[int, ...]
    image_size: tuple[int, int] | None

    @classmethod
    def of(cls, frame: Frame) -> "Geometry":
        size = frame.metadata.get("image_size")
        return cls(tuple(frame.pixels.shape), tuple(size) if size is not None else None)

    def describe(self) -> str:
        """E.g. ``is 96 x 64 with 3 channels``."""
        width, height = self.image_size if self.image_size is not None else self.shape[1::-1]
        return f"is {width} x {height} with {self.shape[2]} channel{'s' if self.shape[2] != 1 else ''}"


@attrs.frozen
class BracketOutcome:
    """What happened to one bracket during selection."""

    bracket: Bracket
    overexposed: tuple[int, ...]
    selected: SelectedFrame | None
    geometry: tuple[tuple[Path, "Geometry"], ...]


@attrs.frozen
class Selection:
    """The selected frames of a sweep and the per-bracket record."""

    frames: tuple[SelectedFrame, ...]
    outcomes: tuple[BracketOutcome, ...]
    shape: tuple[int, int, int]


def _select_bracket(
    bracket: Bracket,
    loader,
    selector,
    request: LoadRequest,
    max_fraction: float,
    cache: FrameCache | None,
    darks: DarkFrames | None = None,
) -> BracketOutcome:
    usable: list[tuple[int, Frame]] = []
    overexposed: list[int] = []
    geometry = []
    for number, path in bracket.images:
        frame = loader.load(path, request)
        geometry.append((path, Geometry.of(frame)))
        if frame.is_overexposed(max_fraction):
            overexposed.append(number)
        else:
            usable.append((number, darks.subtract(frame) if darks is not None else frame))
    chosen = selector.select([frame for _, frame in usable])
    selected = None
    if chosen is not None:
        number = next((n for n, frame in usable if frame is chosen), None)
        if number is None:
            raise RuntimeError(f"selector {selector.name} returned a frame that was not in the bracket")
        means = channel_totals(chosen.pixels) / (chosen.pixels.shape[0] * chosen.pixels.shape[1]) / chosen.exposure_time
        metadata = {**chosen.metadata, "channel_names": chosen.channel_names}
        partner = _partner_of(chosen, [frame for _, frame in usable])
        cached = cache.store(chosen.pixels) if cache is not None else None
        partner_cached = cache.store(partner.pixels) if cache is not None and partner is not None else None
        selected = SelectedFrame(
            bracket.wavelength,
            number,
            chosen.path,
            chosen.exposure_time,
            means,
            metadata,
            cached,
            partner.path if partner is not None else None,
            partner_cached,
        )
    return BracketOutcome(bracket, tuple(overexposed), selected, tuple(geometry))


def _partner_of(chosen: Frame, usable: Sequence[Frame]) -> Frame | None:
    """The first other usable frame of the bracket with the chosen frame's exposure time (EMVA 1288 pairs)."""
    for frame in usable:
        if frame is not chosen and abs(frame.exposure_time - chosen.exposure_time) <= 1e-9 * chosen.exposure_time:
            return frame
    return None


def select_frames(
    brackets: Sequence[Bracket],
    loader,
    selector,
    request: LoadRequest,
    max_fraction: float,
    workers: int,
    reporter: Reporter,
    cache: FrameCache | None = None,
    darks: DarkFrames | None = None,
) -> Selection:
    """Decode every image, reject overexposed frames and select one frame per bracket.

    Brackets are processed on ``workers`` threads; only the frames of the
    brackets in flight are in memory. With a ``cache``, each selected frame's
    pixels are stored in it for the noise model.

    Raises
    ------
    BadInput
        When frames differ in shape.
    """
    outcomes: list[BracketOutcome] = []
    first: tuple[Path, Geometry] | None = None
    total = sum(len(bracket.images) for bracket in brackets)
    work = functools.partial(
        _select_bracket, loader=loader, selector=selector, request=request, max_fraction=max_fraction, cache=cache, darks=darks
    )
    with reporter.step("selecting frames", total) as progress:
        for outcome in ordered_map(work, brackets, workers):
            for path, geometry in outcome.geometry:
                if first is None:
                    first = (path, geometry)
                elif geometry != first[1]:
                    raise BadInput(path, f"{geometry.describe()}, but the sweep's first image {first[0].name} {first[1].describe()}")
            if outcome.selected is None:
                reason = "all frames overexposed" if len(outcome.overexposed) == len(outcome.bracket.images) else "no frame selected"
                warnings.warn(CamcharWarning(f"bracket {outcome.bracket.wavelength}: {reason}; skipped"), stacklevel=2)
            outcomes.append(outcome)
            progress.advance(len(outcome.bracket.images), f"{outcome.bracket.wavelength}")
    frames = tuple(outcome.selected for outcome in outcomes if outcome.selected is not None)
    shape = first[1].shape if first is not None else (0, 0, 0)
    return Selection(frames, tuple(outcomes), shape)


def compute_samples(
    settings: Settings,
    chosen: Chosen,
    options: RunOptions = RunOptions(),
    reporter: Reporter | None = None,
) -> CameraSamples:
    """Run selection and the noise model; return the statistics (not yet written).

    Parameters
    ----------
    settings
        The sweep.
    chosen
        The components.
    options
        Overrides of the settings.
    reporter
        Progress and summaries; silent by default.

    Returns
    -------
    CameraSamples
        Mean and temporal noise per wavelength and channel, with provenance.

    Raises
    ------
    BadInput
        For any problem with the input, including a sweep with no usable bracket.
    """
    reporter = reporter or silent()
    loader, selector = chosen.loader.component, chosen.selector.component
    noise_model = chosen.noise_model.component
    request = load_request(settings)
    max_fraction = options.max_fraction(settings)
    workers = options.worker_count()
    check_image_folder(settings)
    brackets = brackets_of(settings, loader)
    check_files_exist(brackets)
    warn_repeated_images(settings)
    check_first_image(brackets, loader, request)
    n_images = sum(len(bracket.images) for bracket in brackets)

    darks = _load_darks(settings, loader, request, reporter)
    caching = getattr(loader, "cache_decoded", False) or darks is not None  # dark-subtracted frames are not on disk
    with FrameCache() if caching else contextlib.nullcontext() as cache:
        started = time.perf_counter()
        selection = select_frames(brackets, loader, selector, request, max_fraction, workers, reporter, cache, darks)
        n_overexposed = sum(len(outcome.overexposed) for outcome in selection.outcomes)
        reporter.summary(
            f"read {n_images} images with loader {loader.name}; {n_overexposed} overexposed (max {max_fraction:g}); "
            f"selector {selector.name} kept {len(selection.frames)} of {len(brackets)} brackets "
            f"[{time.perf_counter() - started:.2f} s]"
        )
        if not selection.frames:
            raise BadInput(settings.path, "no bracket has a usable frame (every frame overexposed or rejected); no output written")

        started = time.perf_counter()
        std = _estimate_noise(noise_model, selection, loader, request, workers, reporter, settings)
        reporter.summary(f"noise model {noise_model.name} on {len(selection.frames)} frames [{time.perf_counter() - started:.2f} s]")
    return _samples(settings, selection, std, chosen, max_fraction)


def _load_darks(settings: Settings, loader, request: LoadRequest, reporter: Reporter) -> DarkFrames | None:
    if not settings.dark:
        return None
    started = time.perf_counter()
    suffixes = tuple(getattr(loader, "suffixes", ()))
    numbers = [number for group in settings.dark.values() for number in group]
    files = {number: _file_for(settings, number, suffixes) for number in numbers}
    check_files_exist([Bracket("dark", tuple(files.items()))])
    darks = load_darks(settings.dark, files, loader, request)
    groups = ", ".join("every exposure" if seconds is None else f"{seconds:g} s" for seconds in darks.masters)
    reporter.summary(f"averaged {len(numbers)} dark frames ({groups}) [{time.perf_counter() - started:.2f} s]")
    return darks


def _estimate_noise(noise_model, selection: Selection, loader, request, workers, reporter, settings) -> np.ndarray:
    n_frames = len(selection.frames)
    with reporter.step(f"noise model {noise_model.name}", n_frames, "pass 1") as progress:

        def on_frame(index: int, pass_number: int) -> None:
            if index == 0 and pass_number > 1:
                progress.restart(n_frames, f"pass {pass_number}")
            progress.advance()

        stack = SelectedStack(selection.frames, loader, request, selection.shape, workers, on_frame)
        try:
            std = np.asarray(noise_model.estimate(stack), dtype=np.float64)
        except BadInput as error:
            if error.path is None:
                raise BadInput(settings.path, error.problem) from None
            raise
    expected = (n_frames, selection.shape[2])
    if std.shape != expected:
        raise RuntimeError(f"noise model {noise_model.name} returned shape {std.shape}, expected {expected}")
    return std


def _samples(settings: Settings, selection: Selection, std: np.ndarray, chosen: Chosen, max_fraction: float) -> CameraSamples:
    frames = selection.frames
    samples = CameraSamples()
    samples.nom_wl = np.array([frame.wavelength for frame in frames])
    samples.wl_units = "nm"
    samples.mean = np.array([frame.means for frame in frames], dtype=np.float64)
    samples.std = std
    samples.units = "counts/s"
    samples.n = selection.shape[0] * selection.shape[1]
    samples.exp_time = np.array([frame.exposure_time for frame in frames], dtype=np.float64)
    samples.exp_time_units = "s"
    samples.camera, samples.lens = settings.camera, settings.lens
    samples.settings, samples.label = settings.settings, settings.label
    samples.ND = settings.nd
    samples.provenance = {
        "version": __version__,
        **chosen.provenance(),
        "max": max_fraction,
        "settings_file": str(settings.path),
        "settings_yaml": settings.text,
        "image_number": [frame.image_number for frame in frames],
        "channel_names": list(frames[0].metadata["channel_names"]),
        "dark_frames": sum(len(numbers) for numbers in settings.dark.values()) if settings.dark else None,
        **_per_frame_metadata(frames, ("iso", "capture_time")),
    }
    return samples


def _per_frame_metadata(frames: Sequence[SelectedFrame], keys: Sequence[str]) -> dict[str, list]:
    """``{key: [value of each frame]}`` for the keys every selected frame reported."""
    return {key: [frame.metadata[key] for frame in frames] for key in keys if all(key in frame.metadata for frame in frames)}


def write_samples(samples: CameraSamples, writer: Registered, path: Path) -> None:
    """Write ``samples`` with ``writer`` to a temporary file and move it onto ``path``."""
    with atomic_output(path) as temporary:
        writer.component.write(samples, temporary)


def run_stats(settings: Settings, components: Components, options: RunOptions = RunOptions(), reporter: Reporter | None = None) -> Path:
    """The whole ``camchar stats`` run: choose components, compute, write.

    Returns
    -------
    Path
        The output file.
    """
    reporter = reporter or silent()
    output = output_path(settings, options)
    chosen = choose_components(components, settings, options, output)
    check_output_path(output)
    reporter.summary(
        f"{settings.path.name} -> {output}: loader {chosen.loader.component.name}, selector "
        f"{chosen.selector.component.name}, noise model {chosen.noise_model.component.name}, "
        f"writer {chosen.writer.component.name}"
    )
    with reporter.live():
        samples = compute_samples(settings, chosen, options, reporter)
        started = time.perf_counter()
        write_samples(samples, chosen.writer, output)
    reporter.summary(f"wrote {output} ({len(samples.nom_wl)} wavelengths x {samples.mean.shape[1]} channels) [{time.perf_counter() - started:.2f} s]")
    return output
