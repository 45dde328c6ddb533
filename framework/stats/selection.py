"""Selection: decode every image, reject overexposed frames, keep one frame per bracket.

Brackets are processed on worker threads; only the frames of the brackets in
flight are in memory. Each bracket's chosen frame is reduced to a
:class:`~camchar.stats.stack.SelectedFrame` (file, exposure time, channel
means); its pixels are decoded again later, when the noise model streams
the stack, or kept in the decoded-frame cache when decoding is expensive.

When the noise model needs pairs (two frames at one exposure time, EMVA
1288), the selector sees only the frames that have a usable partner, and a
bracket without one is skipped with a warning like an overexposed bracket.
"""

from __future__ import annotations

import functools
import math
import warnings
from pathlib import Path
from typing import Any, Sequence

import attrs
import numpy as np

from camchar.core.bounds import EXPOSURE_TIME
from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.frames import Frame, LoadRequest
from camchar.host.guard import component_error
from camchar.numerics.reductions import channel_totals
from camchar.runtime.parallel import ordered_map
from camchar.runtime.progress import Reporter
from camchar.stats.choice import ChosenComponent
from camchar.stats.darks import DarkFrames
from camchar.stats.exposure import FROM_FILES, ExposureTimes
from camchar.stats.frame_cache import FrameCache
from camchar.stats.plan import Bracket
from camchar.stats.stack import SelectedFrame

__all__ = ["Geometry", "BracketOutcome", "Selection", "select_frames", "checked_frame", "SAME_EXPOSURE"]

#: Relative difference below which two exposure times count as the same (a pair).
SAME_EXPOSURE = 1e-9


@attrs.frozen
class Geometry:
    """What all frames of a sweep must share: ROI shape, sample type, and the size of the image cut from."""

    shape: tuple[int, ...]
    sample_type: str
    image_size: tuple[int, int] | None

    @classmethod
    def of(cls, frame: Frame) -> "Geometry":
        """The geometry of ``frame``."""
        size = tuple(frame.image_size) if frame.image_size is not None else None
        return cls(tuple(frame.pixels.shape), str(frame.pixels.dtype), size)

    def describe(self) -> str:
        """E.g. ``is 96 x 64 with 3 channels of uint16``."""
        width, height = self.image_size if self.image_size is not None else self.shape[1::-1]
        channels = self.shape[2]
        return f"is {width} x {height} with {channels} channel{'s' if channels != 1 else ''} of {self.sample_type}"


@attrs.frozen
class BracketOutcome:
    """What happened to one bracket during selection.

    Parameters
    ----------
    bracket
        The bracket.
    overexposed
        Image numbers of its overexposed frames.
    selected
        The kept frame, or ``None`` when the bracket is skipped.
    geometry
        Each file and its frame's geometry, checked against the sweep's.
    skipped_because
        Why the bracket was skipped, for the warning.
    """

    bracket: Bracket
    overexposed: tuple[int, ...]
    selected: SelectedFrame | None
    geometry: tuple[tuple[Path, Geometry], ...]
    skipped_because: str | None = None


@attrs.frozen
class Selection:
    """The selected frames of a sweep and the per-bracket record."""

    frames: tuple[SelectedFrame, ...]
    outcomes: tuple[BracketOutcome, ...]
    shape: tuple[int, int, int]

    @property
    def overexposed_count(self) -> int:
        """How many frames were rejected as overexposed."""
        return sum(len(outcome.overexposed) for outcome in self.outcomes)


def checked_frame(frame: Any, loader: ChosenComponent, path: Path) -> Frame:
    """``frame`` if it keeps the loader contract; a clear error naming the loader or the file otherwise."""
    if not isinstance(frame, Frame):
        raise component_error(loader.registered, f"returned {type(frame).__name__} from load(), not a camchar.api.Frame")
    pixels = frame.pixels
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or min(pixels.shape) < 1:
        shape = getattr(pixels, "shape", None)
        raise component_error(loader.registered, f"returned pixels of shape {shape} for {path}; a frame is (H, W, C)")
    if pixels.dtype.kind not in "uif":
        raise component_error(loader.registered, f"returned pixels of type {pixels.dtype} for {path}; frames are numbers")
    exposure = frame.exposure_time
    if isinstance(exposure, bool) or not isinstance(exposure, (int, float, np.floating, np.integer)) or not math.isfinite(exposure) or exposure <= 0:
        raise BadInput(path, f"exposure time {exposure!r} s is not a positive, finite number of seconds")
    refusal = EXPOSURE_TIME.refusal(float(exposure))
    if refusal is not None:
        raise BadInput(path, f"{refusal}; refused (a damaged header?)")
    saturation = np.ravel(np.asarray(frame.saturation, dtype=np.float64))
    if saturation.size not in (1, pixels.shape[2]) or not np.all(saturation > 0):
        raise component_error(loader.registered, f"returned saturation {frame.saturation!r} for {path}; one positive level or one per channel")
    return frame


def _same_exposure(first: Frame, second: Frame) -> bool:
    return abs(first.exposure_time - second.exposure_time) <= SAME_EXPOSURE * first.exposure_time


def _with_partners(usable: Sequence[tuple[int, Frame]]) -> dict[int, tuple[int, Frame]]:
    """For each usable frame (by position) that has one, the first other usable frame at its exposure time."""
    partners = {}
    for position, (_, frame) in enumerate(usable):
        for other_position, (number, other) in enumerate(usable):
            if other_position != position and _same_exposure(frame, other):
                partners[position] = (number, other)
                break
    return partners


def _select_bracket(
    bracket: Bracket,
    loader: ChosenComponent,
    selector: ChosenComponent,
    request: LoadRequest,
    max_fraction: float,
    needs_pairs: bool,
    cache: FrameCache | None,
    darks: DarkFrames | None,
    exposures: ExposureTimes = FROM_FILES,
) -> BracketOutcome:
    usable: list[tuple[int, Frame]] = []
    overexposed: list[int] = []
    geometry = []
    for number, path in bracket.images:
        frame = checked_frame(exposures.frame(loader.component.load(path, request), number), loader, path)
        geometry.append((path, Geometry.of(frame)))
        if frame.is_overexposed(max_fraction):
            overexposed.append(number)
        else:
            usable.append((number, darks.subtract(frame) if darks is not None else frame))
    partners = _with_partners(usable) if needs_pairs else {}
    candidates = [usable[position] for position in partners] if needs_pairs else usable
    if not usable:
        reason = "all frames overexposed" if overexposed else "no frames"
        return BracketOutcome(bracket, tuple(overexposed), None, tuple(geometry), reason)
    if not candidates:
        reason = f"no two usable frames at one exposure time, which noise models with pairs need ({len(usable)} usable)"
        return BracketOutcome(bracket, tuple(overexposed), None, tuple(geometry), reason)
    chosen = selector.component.select([frame for _, frame in candidates])
    if chosen is None:
        return BracketOutcome(bracket, tuple(overexposed), None, tuple(geometry), f"selector {selector.name} kept no frame")
    position = next((index for index, (_, frame) in enumerate(usable) if frame is chosen), None)
    if position is None or (needs_pairs and position not in partners):
        raise component_error(selector.registered, "returned a frame from select() that is not one of the frames it was given")
    number, _ = usable[position]
    partner_number, partner = partners.get(position, (None, None))
    selected = SelectedFrame(
        wavelength=bracket.wavelength,
        image_number=number,
        path=chosen.path,
        exposure_time=float(chosen.exposure_time),
        means=channel_totals(chosen.pixels) / (chosen.pixels.shape[0] * chosen.pixels.shape[1]) / chosen.exposure_time,
        metadata={**chosen.metadata, "channel_names": chosen.channel_names},
        partner=partner.path if partner is not None else None,
        partner_number=partner_number,
        cached=cache.store(chosen.pixels) if cache is not None else None,
        partner_cached=cache.store(partner.pixels) if cache is not None and partner is not None else None,
    )
    return BracketOutcome(bracket, tuple(overexposed), selected, tuple(geometry))


def select_frames(
    brackets: Sequence[Bracket],
    loader: ChosenComponent,
    selector: ChosenComponent,
    request: LoadRequest,
    max_fraction: float,
    workers: int,
    reporter: Reporter,
    needs_pairs: bool = False,
    cache: FrameCache | None = None,
    darks: DarkFrames | None = None,
    exposures: ExposureTimes = FROM_FILES,
) -> Selection:
    """Decode every image, reject overexposed frames and select one frame per bracket.

    Parameters
    ----------
    brackets
        The sweep's brackets.
    loader, selector
        The run's components.
    request
        The load request (ROI, crop ...).
    max_fraction
        The overexposure threshold.
    workers
        Threads.
    reporter
        Progress.
    needs_pairs
        Keep only frames that have a partner at their exposure time.
    cache
        Where to keep decoded copies of the selected frames, if anywhere.
    darks
        Master darks to subtract from every usable frame.
    exposures
        Each image's exposure time where its file holds none (the settings' ``exposure:``).

    Raises
    ------
    BadInput
        When frames differ in shape or sample type.
    """
    outcomes: list[BracketOutcome] = []
    first: tuple[Path, Geometry] | None = None
    work = functools.partial(
        _select_bracket,
        loader=loader,
        selector=selector,
        request=request,
        max_fraction=max_fraction,
        needs_pairs=needs_pairs,
        cache=cache,
        darks=darks,
        exposures=exposures,
    )
    with reporter.step("selecting frames", sum(len(bracket.images) for bracket in brackets)) as progress:
        for outcome in ordered_map(work, brackets, workers):
            for path, geometry in outcome.geometry:
                if first is None:
                    first = (path, geometry)
                elif geometry != first[1]:
                    raise BadInput(path, f"{geometry.describe()}, but the sweep's first image {first[0].name} {first[1].describe()}")
            if outcome.selected is None:
                warnings.warn(CamcharWarning(f"bracket {outcome.bracket.wavelength}: {outcome.skipped_because}; skipped"), stacklevel=2)
            outcomes.append(outcome)
            progress.advance(len(outcome.bracket.images), f"{outcome.bracket.wavelength}")
    frames = tuple(outcome.selected for outcome in outcomes if outcome.selected is not None)
    shape = first[1].shape if first is not None else (0, 0, 0)
    return Selection(frames, tuple(outcomes), shape)
