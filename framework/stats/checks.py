"""Checks that need no pixels: run by ``camchar validate``, and by ``camchar stats`` before its first decode.

A mistake should surface in a second, not after ten minutes on image 297:
the image folder, every file's existence, repeated image numbers, every
file's header (readable, exposure time, size, sample type, ROI and crop),
that the files agree with each other, and what the chosen components need
of the sweep (enough brackets, pairs). ``stats`` stops at the first problem;
``validate`` reports them all.
"""

from __future__ import annotations

import collections
import glob
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np

from camchar.core.bounds import EXPOSURE_TIME
from camchar.core.errors import BadInput, CamcharWarning, location
from camchar.core.frames import ImageInfo
from camchar.core.pages import file_of
from camchar.runtime.parallel import ordered_map
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen
from camchar.stats.context import SweepContext
from camchar.stats.plan import SweepPlan, check_image_folder
from camchar.stats.selection import SAME_EXPOSURE

__all__ = [
    "check_image_folder",
    "missing_files",
    "warn_repeated_images",
    "read_headers",
    "disagreements",
    "unmet_requirements",
    "level_problems",
]


def missing_files(plan: SweepPlan) -> Iterator[BadInput]:
    """One problem naming the first missing or unusable image file, with how many there are.

    Special files (named pipes, devices) count as unusable and are never opened.
    """
    paths = [path for bracket in plan.every_bracket() for _, path in bracket.images]
    missing = [path for path in paths if not file_of(path).is_file()]
    if not missing:
        return
    first = missing[0]
    if file_of(first).exists():
        yield BadInput(first, "is not a regular file (a folder, pipe or device); camchar reads image files only")
        return
    counted = f"{len(missing)} of {len(paths)} image files are missing" if len(missing) > 1 else "image file not found"
    siblings = sorted(sibling.name for sibling in first.parent.glob(glob.escape(first.stem) + ".*") if sibling != first)
    hint = f"; {siblings[0]} is there: choose its loader with --loader or 'loader:' in the settings" if siblings else ""
    yield BadInput(first, counted + hint)


def warn_repeated_images(settings: Settings) -> None:
    """Warn about an image number listed in more than one bracket (a typo in most sweeps)."""
    brackets_of_number = collections.defaultdict(list)
    for wavelength, numbers in settings.images.items():
        for number in dict.fromkeys(numbers):
            brackets_of_number[number].append(wavelength)
    for number, wavelengths in brackets_of_number.items():
        if len(wavelengths) > 1:
            where = location(settings.path, settings.lines.get(f"images.{wavelengths[1]}"))
            listed = " and ".join(str(wavelength) for wavelength in wavelengths)
            warnings.warn(CamcharWarning(f"{where}: image {number} is in the brackets of {listed}"), stacklevel=2)


def read_headers(context: SweepContext, problems: list[BadInput] | None = None) -> dict[Path, ImageInfo]:
    """Probe the header of every file of the sweep (darks included), on worker threads unless the loader's probe holds the interpreter.

    Parameters
    ----------
    context
        The run: its plan (the files), loader (guarded), load request,
        threads and reporter (progress); its exposure times, each image's
        where its header holds none (an image without one is a problem).
    problems
        Where to collect problems; ``None`` to raise the first.

    Files that are missing or not regular files are left out (and never
    opened): :func:`missing_files` reports them.

    Returns
    -------
    dict
        The header of every readable file.
    """
    plan, loader, request, exposures = context.plan, context.chosen.loader.component, context.request, context.exposures
    numbers = {path: number for bracket in reversed(plan.every_bracket()) for number, path in reversed(bracket.images)}
    files = [path for path in dict.fromkeys(path for bracket in plan.every_bracket() for _, path in bracket.images) if file_of(path).is_file()]

    def probe(path: Path) -> ImageInfo | BadInput:
        try:
            return exposures.info(loader.probe(path, request), numbers[path])
        except BadInput as error:
            return error

    infos: dict[Path, ImageInfo] = {}
    with context.reporter.step("reading headers", len(files)) as progress:
        for path, result in zip(files, ordered_map(probe, files, context.workers if loader.probe_on_threads else 1)):
            if isinstance(result, BadInput):
                if problems is None:
                    raise result
                problems.append(result)
            else:
                infos[path] = result
            progress.advance()
    return infos


def unaffordable_brackets(plan: SweepPlan, infos: dict[Path, ImageInfo], roi, workers: int, available: int | None) -> Iterator[BadInput]:
    """A problem when the brackets in flight would not fit in memory.

    Selection holds every frame of a bracket at once (the selector compares
    them), for ``workers + 1`` brackets at a time. A bracket of thousands of
    frames (a typo in a range, or a whole sweep listed as one bracket) would
    exhaust the memory after minutes of work; this says so before any decode.
    """
    if available is None or not infos:
        return
    first = next(iter(infos.values()))
    itemsize = np.dtype(first.sample_type).itemsize if first.sample_type else 8
    height, width = (roi.h, roi.w) if roi is not None else (first.height, first.width)
    frame_bytes = height * width * first.channels * max(itemsize, 4)
    largest = max(plan.brackets, key=lambda bracket: len(bracket.images))
    needed = frame_bytes * len(largest.images) * min(workers + 1, len(plan.brackets))
    if needed > 0.8 * available:
        yield BadInput(
            None,
            f"the bracket of {largest.wavelength} has {len(largest.images)} images: selection holds a bracket's frames at once, "
            f"{needed / 2**30:.1f} GiB with {workers} workers, more than the {available / 2**30:.1f} GiB available; "
            "split the bracket, or use --workers 1",
        )


def implausible_exposures(infos: dict[Path, ImageInfo]) -> Iterator[BadInput]:
    """Problems for exposure times no camera has; one warning per unusual exposure time, naming a file.

    An exposure time of 4e9 s or 0.25 ns comes from a damaged header, and
    would scale the means by orders of magnitude without a word.
    """
    unusual: dict[float, list[Path]] = {}
    for path, info in infos.items():
        refusal = EXPOSURE_TIME.refusal(info.exposure_time)
        if refusal is not None:
            yield BadInput(path, f"{refusal}; refused (a damaged header?)")
        elif EXPOSURE_TIME.warning(info.exposure_time) is not None:
            unusual.setdefault(info.exposure_time, []).append(path)
    for seconds, paths in unusual.items():
        more = f" (and {len(paths) - 1} more files)" if len(paths) > 1 else ""
        warnings.warn(CamcharWarning(f"{paths[0]}{more}: {EXPOSURE_TIME.warning(seconds)}"), stacklevel=2)


def disagreements(plan: SweepPlan, infos: dict[Path, ImageInfo]) -> Iterator[BadInput]:
    """Problems for files whose size, channels, sample type or bit depth differ from the sweep's first file."""
    ordered = [infos[path] for bracket in plan.every_bracket() for _, path in bracket.images if path in infos]
    if not ordered:
        return
    first = ordered[0]
    reported: set[Path] = set()
    for info in ordered[1:]:
        if info.path in reported:
            continue
        differences = []
        if (info.width, info.height, info.channels) != (first.width, first.height, first.channels):
            differences.append(f"is {info.width} x {info.height} with {_channels(info.channels)}")
        if first.sample_type is not None and info.sample_type is not None and info.sample_type != first.sample_type:
            differences.append(f"holds {info.sample_type} samples")
        if first.bits is not None and info.bits is not None and info.bits != first.bits:
            differences.append(f"has {info.bits}-bit data")
        if differences:
            reported.add(info.path)
            theirs = _description(first, differences)
            yield BadInput(info.path, f"{', '.join(differences)}, but the sweep's first image {first.path.name} {theirs}; a file from another camera or conversion?")


def _channels(count: int) -> str:
    return f"{count} channel{'s' if count != 1 else ''}"


def _description(info: ImageInfo, differences: list[str]) -> str:
    """How ``info`` differs, in the same words as ``differences`` (which name the other file's values)."""
    parts = []
    for difference in differences:
        if difference.startswith("is "):
            parts.append(f"is {info.width} x {info.height} with {_channels(info.channels)}")
        elif difference.startswith("holds "):
            parts.append(f"holds {info.sample_type} samples")
        else:
            parts.append(f"has {info.bits}-bit data")
    return ", ".join(parts)


def unmet_requirements(settings: Settings, plan: SweepPlan, infos: dict[Path, ImageInfo], chosen: Chosen) -> Iterator[BadInput]:
    """What the chosen noise model needs of the sweep and cannot get, judged from the headers.

    A model with ``needs_pairs`` skips brackets without two frames at one
    exposure time (with a warning); a sweep where no bracket has them, or
    fewer than the model's ``min_frames`` do, is a problem.
    """
    model = chosen.noise_model.registered.component
    label = f"noise model {model.name}"
    brackets = list(plan.brackets)
    if model.needs_pairs:
        without = [bracket for bracket in brackets if not _has_pair(bracket, infos)]
        for bracket in without[:1] if len(without) < len(brackets) else ():
            more = f" (and {len(without) - 1} more)" if len(without) > 1 else ""
            warnings.warn(
                CamcharWarning(f"bracket {bracket.wavelength}{more}: no two frames at one exposure time; {label} will skip it"),
                stacklevel=2,
            )
        if len(without) == len(brackets):
            yield BadInput(
                settings.path,
                f"{label} needs two frames at one exposure time in a bracket, and no bracket has them "
                "(shoot two frames per exposure: camchar simulate --frames-per-exposure 2 shows the layout)",
                settings.line_of("images"),
            )
            return
        brackets = [bracket for bracket in brackets if bracket not in without]
    if len(brackets) < model.min_frames:
        counted = "brackets with pairs" if model.needs_pairs else "brackets"
        yield BadInput(settings.path, f"{label} needs at least {model.min_frames} brackets; this sweep has {len(brackets)} {counted}", settings.line_of("images"))


def _has_pair(bracket, infos: dict[Path, ImageInfo]) -> bool:
    times = sorted(infos[path].exposure_time for _, path in bracket.images if path in infos)
    return any(abs(a - b) <= SAME_EXPOSURE * a for a, b in zip(times, times[1:]))


def level_problems(settings: Settings, infos: dict[Path, ImageInfo], chosen: Chosen) -> Iterator[BadInput]:
    """Settings of sensor levels that contradict the loader, the dark frames or the images' channels.

    ``black_level`` with a loader that subtracts the file's black levels
    would remove the offset twice; a level per channel
    must have one number per channel; ``defect_mask: darks`` needs dark frames.
    """
    loader = chosen.loader.registered.component
    channels = next(iter(infos.values())).channels if infos else None
    if settings.black_level is not None and loader.subtracts_black_level:
        line = settings.line_of("black_level")
        yield BadInput(settings.path, f"loader {loader.name} subtracts the file's black levels; black_level would subtract a second offset", line)
    for key in ("white_level", "black_level"):
        levels = getattr(settings, key)
        applied_by_loader = key == "white_level" and loader.applies_white_level
        if levels is not None and channels is not None and not applied_by_loader and len(levels) not in (1, channels):
            yield BadInput(settings.path, f"'{key}' has {len(levels)} levels, but the images have {_channels(channels)}: give one, or one per channel", settings.line_of(key))
    if settings.defect_mask == "darks" and not settings.dark:
        yield BadInput(settings.path, "defect_mask: darks finds stuck pixels in the dark frames, and the settings list none (dark:)", settings.line_of("defect_mask"))
