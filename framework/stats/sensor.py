"""The rules of a run from the settings' sensor levels: saturation, black level, defect mask.

:func:`sensor_rules` turns ``white_level``, ``black_level``,
``saturated_fraction`` and ``defect_mask`` into the
:class:`~camchar.stats.levels.Rules` selection applies, and says in the run
summary what they mean for the numbers (``docs/settings.md``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import attrs
import numpy as np

from camchar.core.errors import BadInput, CamcharWarning, location
from camchar.core.frames import ImageInfo
from camchar.runtime.progress import Reporter
from camchar.settings.model import Settings
from camchar.stats.clipping import Clipping
from camchar.stats.context import SweepContext
from camchar.stats.darks import DarkFrames
from camchar.stats.defects import defect_mask
from camchar.stats.levels import Rules
from camchar.stats.plan import SweepPlan
from camchar.stats.selection import Selection

__all__ = ["sensor_rules", "shortest_exposures", "report_levels", "warn_negative_means", "MOST_MASKED"]

#: The largest share of a channel's ROI pixels a defect mask may leave out: beyond it, an overexposed area, not defects.
MOST_MASKED = 0.05


def sensor_rules(context: SweepContext, infos: dict[Path, ImageInfo], darks: DarkFrames | None) -> Rules:
    """The rules selection applies to every frame of the run.

    Parameters
    ----------
    context
        The run: its settings (levels, tolerated fraction, defect mask); its
        components (whether the loader applies ``white_level`` and subtracts
        black itself, whether the noise model needs pairs); its plan, load
        request and exposure times (for the defect mask); its overexposure
        threshold; and the reporter the summary lines go to.
    infos
        The files' headers (for the shortest exposure of each bracket).
    darks
        The master darks, if any.
    """
    settings, chosen, reporter = context.settings, context.chosen, context.reporter
    loader = chosen.loader.registered.component
    rules = Rules(
        max_fraction=context.max_fraction,
        needs_pairs=chosen.noise_model.registered.component.needs_pairs,
        darks=darks,
        exposures=context.exposures,
        white=None if settings.white_level is None or loader.applies_white_level else np.array(settings.white_level, dtype=np.float64),
        black=None if settings.black_level is None else np.array(settings.black_level, dtype=np.float64),
        tolerated=settings.saturated_fraction,
        detect_bends=settings.detect_clipping,
        offset_measured=darks is not None,
    )
    if darks is None and rules.black is None and not loader.subtracts_black_level:
        reporter.summary("no dark frames (dark:) and no black_level: the means include the sensor's offset divided by the exposure time")
    if settings.defect_mask is not None:
        mask = defect_mask(context, settings.defect_mask, shortest_exposures(context.plan, infos), rules)
        counted = 0 if mask is None else int(mask.any(axis=2).sum())
        reporter.summary(f"defect mask ({settings.defect_mask}): {counted} pixel(s) stuck at saturation left out of the overexposure rule and the statistics")
        if mask is not None:
            share = float(mask.mean(axis=(0, 1)).max())
            if share > MOST_MASKED:
                where = "the dark frames are" if settings.defect_mask == "darks" or (settings.defect_mask == "auto" and darks is not None) else "the shortest exposures are"
                raise BadInput(
                    settings.path,
                    f"defect_mask would leave out {100 * share:.0f}% of a channel's pixels, more than stuck pixels: {where} saturated there "
                    f"(an overexposed area?); shorten the exposures or move the roi",
                    settings.line_of("defect_mask"),
                )
            rules = attrs.evolve(rules, mask=mask)
    return rules


def shortest_exposures(plan: SweepPlan, infos: dict[Path, ImageInfo]) -> list[tuple[int, Path]]:
    """The image number and file of the shortest exposure of every bracket, from the headers."""
    return [min(bracket.images, key=lambda image: infos[image[1]].exposure_time) for bracket in plan.brackets if bracket.images]



def report_levels(selection: Selection, clipping: Clipping | None, settings: Settings, reporter: Reporter) -> None:
    """Say where the sweep clips: a level found (or inferred) below the file's full scale (summary), a bend no level explains (warning)."""
    names = selection.channel_names
    if clipping is not None:
        reporter.summary(f"values pile up below the loader's full scale: clipping at {clipping.describe(names)}; every frame judged against it")
    if not settings.detect_clipping:
        reporter.summary("clipping detection off (detect_clipping: false): frames are judged against the saturation level alone")
        return
    bends = selection.bends
    if bends:
        outcome, bend = min(bends, key=lambda item: item[1].ratio)
        more = f" (and {len(bends) - 1} more bracket(s))" if len(bends) > 1 else ""
        gain = "no signal" if bend.ratio < 0.005 else f"{100 * bend.ratio:.0f}% of the expected signal"
        warnings.warn(
            CamcharWarning(
                f"bracket {outcome.bracket.wavelength}{more}: channel {names[bend.channel]} gains {gain} "
                f"from {bend.shorter:g} s to {bend.exposure:g} s; the sensor may clip below the file's full scale "
                "(a full well): set white_level to the level where it stops being linear"
            ),
            stacklevel=2,
        )


def warn_negative_means(selection: Selection, settings: Settings) -> None:
    """Warn, naming ``black_level``, when the means it leaves are negative: it is above the sensor's offset."""
    if settings.black_level is None or not selection.frames:
        return
    means = np.array([frame.means for frame in selection.frames])
    negative = means < 0
    if negative.any():
        lowest = np.unravel_index(np.argmin(means), means.shape)
        warnings.warn(
            CamcharWarning(
                f"{location(settings.path, settings.line_of('black_level'))}: black_level {', '.join(f'{level:g}' for level in settings.black_level)} "
                f"leaves {int(negative.sum())} negative mean(s) (lowest {means[lowest]:.4g} counts/s at {selection.frames[lowest[0]].wavelength}, "
                f"channel {selection.channel_names[lowest[1]]}): it is above the sensor's offset; shoot dark frames (dark:) instead"
            ),
            stacklevel=2,
        )
