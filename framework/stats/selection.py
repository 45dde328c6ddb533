"""Selection: decode every image, reject overexposed frames, keep one frame per bracket.

Brackets are processed on worker threads; only the frames of the brackets in
flight are in memory. Each bracket's chosen frame is reduced to a
:class:`~camchar.host.stack.SelectedFrame` (file, exposure time, channel
means); its pixels are decoded again later, when the noise model streams
the stack, or kept in the decoded-frame cache when decoding is expensive.

When the noise model needs pairs (two frames at one exposure time, EMVA
1288), the selector sees only the frames that have a usable partner, and a
bracket without one is skipped with a warning like an overexposed bracket.
Whatever the model, the chosen frame's partner is recorded when it has one
(the EMVA 1288 parameters are computed from the pairs).

Each frame is judged by :func:`~camchar.stats.levels.judge` (saturation
levels, tolerated fraction, defect mask) and corrected by
:func:`~camchar.stats.levels.corrected` (darks or black level, masked pixels)
before the selector sees it.
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
from camchar.host.stack import SelectedFrame
from camchar.runtime.parallel import ordered_map
from camchar.stats.choice import ChosenComponent
from camchar.stats.clipping import Bend, Clipping, bend_of, decoded_planes, pile_up_levels
from camchar.stats.context import DecodingContext
from camchar.stats.exposure import FROM_FILES, ExposureTimes
from camchar.stats.frame_cache import FrameCache
from camchar.stats.levels import FrameRecord, Rules, channel_means, corrected, judge, saturation_levels
from camchar.stats.plan import Bracket

__all__ = ["Geometry", "BracketOutcome", "Selection", "select_frames", "select_below_clipping", "checked_frame", "SAME_EXPOSURE"]

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
    records
        What was noted about each frame (exposure, largest values, verdict).
    bend
        How the selected frame responds below linear, when it does.
    """

    bracket: Bracket
    overexposed: tuple[int, ...]
    selected: SelectedFrame | None
    geometry: tuple[tuple[Path, Geometry], ...]
    skipped_because: str | None = None
    records: tuple[FrameRecord, ...] = ()
    bend: Bend | None = None


@attrs.frozen
class Selection:
    """The per-bracket record of a sweep's selection, and the shape and sample type (as decoded, before corrections) of its frames."""

    outcomes: tuple[BracketOutcome, ...]
    shape: tuple[int, int, int]
    sample_type: str | None = None

    @property
    def frames(self) -> tuple[SelectedFrame, ...]:
        """The selected frames, in bracket order."""
        return tuple(outcome.selected for outcome in self.outcomes if outcome.selected is not None)

    @property
    def overexposed_count(self) -> int:
        """How many frames were rejected as overexposed."""
        return sum(len(outcome.overexposed) for outcome in self.outcomes)

    @property
    def channel_names(self) -> tuple[str, ...]:
        """The channels' names, from the first selected frame, else the first frame read (``C0``, ``C1`` ... without either)."""
        frames = self.frames
        if frames:
            return tuple(frames[0].metadata["channel_names"])
        records = [record for outcome in self.outcomes for record in outcome.records if record.channel_names]
        if records:
            return records[0].channel_names
        return tuple(f"C{channel}" for channel in range(self.shape[2]))

    @property
    def bends(self) -> tuple[tuple[BracketOutcome, Bend], ...]:
        """The brackets whose selected frame responds below linear, and how."""
        return tuple((outcome, outcome.bend) for outcome in self.outcomes if outcome.bend is not None)

    def replaced(self, outcomes: Sequence[BracketOutcome]) -> "Selection":
        """This selection with the outcomes of the same brackets replaced by ``outcomes``."""
        by_bracket = {outcome.bracket: outcome for outcome in outcomes}  # by value: outcomes from a cluster are copies
        return Selection(tuple(by_bracket.get(outcome.bracket, outcome) for outcome in self.outcomes), self.shape, self.sample_type)


def checked_frame(frame: Any, loader: ChosenComponent, path: Path, request: LoadRequest | None = None) -> Frame:
    """``frame`` if it keeps the loader contract; a clear error naming the loader or the file otherwise.

    With ``request``, the frame must be the size of its ROI: a loader that
    cuts a row short would otherwise shift every statistic without a word.
    """
    if not isinstance(frame, Frame):
        raise component_error(loader.registered, f"returned {type(frame).__name__} from load(), not a camchar.api.Frame")
    pixels = frame.pixels
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or min(pixels.shape) < 1:
        shape = getattr(pixels, "shape", None)
        raise component_error(loader.registered, f"returned pixels of shape {shape} for {path}; a frame is (H, W, C)")
    if pixels.dtype.kind not in "uif":
        raise component_error(loader.registered, f"returned pixels of type {pixels.dtype} for {path}; frames are numbers")
    roi = request.roi if request is not None else None
    binning = loader.registered.component.roi_binning
    if roi is not None and pixels.shape[:2] != (roi.h // binning, roi.w // binning):
        raise component_error(
            loader.registered,
            f"returned pixels of {pixels.shape[1]} x {pixels.shape[0]} for {path}; the ROI asks for {roi.w // binning} x {roi.h // binning} (width x height)",
        )
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
    rules: Rules,
    cache: FrameCache | None,
    exposures: ExposureTimes = FROM_FILES,
) -> BracketOutcome:
    usable: list[tuple[int, Frame]] = []
    records: list[FrameRecord] = []
    geometry = []
    for number, path in bracket.images:
        frame = checked_frame(exposures.frame(loader.component.load(path, request), number), loader, path, request)
        geometry.append((path, Geometry.of(frame)))
        overexposed, maxima = judge(frame, rules)
        records.append(FrameRecord(number, path, float(frame.exposure_time), maxima, tuple(saturation_levels(frame, rules)), overexposed, frame.channel_names))
        if not overexposed:
            usable.append((number, corrected(frame, rules)))
    overexposed = tuple(record.number for record in records if record.overexposed)

    def skipped(reason: str) -> BracketOutcome:
        return BracketOutcome(bracket, overexposed, None, tuple(geometry), reason, tuple(records))

    partners = _with_partners(usable)  # recorded for every model: the EMVA 1288 parameters use them
    candidates = [usable[position] for position in partners] if rules.needs_pairs else usable
    if not usable:
        return skipped("all frames overexposed" if overexposed else "no frames")
    if not candidates:
        return skipped(f"no two usable frames at one exposure time, which noise models with pairs need ({len(usable)} usable)")
    chosen = selector.component.select([frame for _, frame in candidates])
    if chosen is None:
        return skipped(f"selector {selector.name} kept no frame")
    position = next((index for index, (_, frame) in enumerate(usable) if frame is chosen), None)
    if position is None or (rules.needs_pairs and position not in partners):
        raise component_error(selector.registered, "returned a frame from select() that is not one of the frames it was given")
    number, _ = usable[position]
    partner_number, partner = partners.get(position, (None, None))
    selected = SelectedFrame(
        wavelength=bracket.wavelength,
        image_number=number,
        path=chosen.path,
        exposure_time=float(chosen.exposure_time),
        means=channel_means(chosen.pixels, rules.mask) / chosen.exposure_time,
        metadata={**chosen.metadata, "channel_names": chosen.channel_names},
        partner=partner.path if partner is not None else None,
        partner_number=partner_number,
        cached=cache.store(chosen.pixels) if cache is not None else None,
        partner_cached=cache.store(partner.pixels) if cache is not None and partner is not None else None,
    )
    bend = bend_of(chosen, [frame for _, frame in usable if frame is not chosen], rules.offset_measured) if rules.detect_bends else None
    return BracketOutcome(bracket, overexposed, selected, tuple(geometry), None, tuple(records), bend)


def select_frames(context: DecodingContext, brackets: Sequence[Bracket]) -> Selection:
    """Decode every image, reject overexposed frames and select one frame per bracket.

    Parameters
    ----------
    context
        The run: its loader and selector, load request, exposure times,
        threads and reporter; its rules (the overexposure rule, pairing, and
        the corrections applied to every usable frame); its decoded-frame
        cache, where the selected frames' copies go, and its cluster, where
        the brackets are selected as tasks (without the cache then: the
        workers' disks are their own).
    brackets
        The brackets to select from.

    Raises
    ------
    BadInput
        When frames differ in shape or sample type.
    """
    outcomes: list[BracketOutcome] = []
    first: tuple[Path, Geometry] | None = None
    chosen, cluster = context.chosen, context.cluster
    parts = dict(loader=chosen.loader, selector=chosen.selector, request=context.request, rules=context.rules, exposures=context.exposures)
    if cluster is not None:
        results = cluster.map(cluster.bind(_select_bracket, cache=None, **parts), brackets)
    else:
        results = ordered_map(functools.partial(_select_bracket, cache=context.cache, **parts), brackets, context.workers)
    with context.reporter.step("selecting frames", sum(len(bracket.images) for bracket in brackets)) as progress:
        for outcome in results:
            for path, geometry in outcome.geometry:
                if first is None:
                    first = (path, geometry)
                elif geometry != first[1]:
                    raise BadInput(path, f"{geometry.describe()}, but the sweep's first image {first[0].name} {first[1].describe()}")
            if outcome.selected is None:
                warnings.warn(CamcharWarning(f"bracket {outcome.bracket.wavelength}: {outcome.skipped_because}; skipped"), stacklevel=2)
            outcomes.append(outcome)
            progress.advance(len(outcome.bracket.images), f"{outcome.bracket.wavelength}")
    if first is None:
        return Selection(tuple(outcomes), (0, 0, 0))
    return Selection(tuple(outcomes), first[1].shape, first[1].sample_type)


def select_below_clipping(context: DecodingContext, selection: Selection) -> tuple[Selection, Clipping | None]:
    """Find clipping below the loader's saturation levels (a pile-up) and select again the brackets it changes.

    Parameters
    ----------
    context
        The run, as :func:`select_frames` takes it; its rules' threshold and
        defect mask judge the pile-up; its loader says whether the frames are
        the sensor's counts (a level found on some channels then applies to
        the others).
    selection
        The sweep's selection under the loader's saturation levels.

    Returns
    -------
    Selection
        ``selection``, with the brackets whose frames the found levels judge
        differently selected again under them.
    Clipping or None
        Where each channel clips now (found, inferred, or the loader's
        level), or ``None`` when no pile-up was found.
    """
    records = [record for outcome in selection.outcomes for record in outcome.records]
    if not records:
        return selection, None
    saturation = np.array(records[0].saturation)
    rules, loader = context.rules, context.chosen.loader.component
    found = pile_up_levels(records, saturation, rules.max_fraction, decoded_planes(loader, context.request, rules.mask), loader.sensor_counts)
    if found is None:
        return selection, None
    stricter = attrs.evolve(rules, white=found.levels)
    thresholds = rules.max_fraction * found.levels
    changed = [
        outcome.bracket
        for outcome in selection.outcomes
        if outcome.selected is not None and any(not record.overexposed and np.any(np.array(record.maxima) > thresholds) for record in outcome.records)
    ]
    again = select_frames(attrs.evolve(context, rules=stricter), changed) if changed else None
    return selection.replaced(again.outcomes if again is not None else ()), found
