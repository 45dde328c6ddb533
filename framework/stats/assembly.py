"""Assembly: the statistics of a run as ``CameraSamples``, with the provenance of every number."""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

import numpy as np

from camchar._version import __version__
from camchar.files.camera_samples import CameraSamples
from camchar.host.stack import SelectedFrame, unmasked_counts
from camchar.settings.model import Settings
from camchar.stats.clipping import Clipping
from camchar.stats.context import DecodingContext
from camchar.stats.freshness import RECORD_KEY, record_text
from camchar.stats.levels import Rules
from camchar.stats.selection import Selection

__all__ = ["assemble_samples", "add_input_record"]


def assemble_samples(
    context: DecodingContext, selection: Selection, std: np.ndarray, clipping: Clipping | None, warnings_given: Sequence[str] = ()
) -> CameraSamples:
    """The run's ``CameraSamples``: the selected frames' channel means, the noise model's estimates, and provenance.

    Parameters
    ----------
    context
        The run: its settings, its components (recorded with their plugins
        and options), the overexposure threshold used, and the sensor rules
        applied (saturation, black level, defect mask), recorded.
    selection
        The selected frames.
    std
        ``(N, C)`` temporal noise in counts/s.
    clipping
        Where the sweep's channels clip, when a pile-up was found.
    warnings_given
        The warnings of the run so far, recorded in the provenance.
    """
    settings, rules = context.settings, context.rules
    frames = selection.frames
    samples = CameraSamples()
    samples.nom_wl = _nominal_wavelengths([frame.wavelength for frame in frames])
    samples.wl_units = "nm"
    samples.mean = np.array([frame.means for frame in frames], dtype=np.float64)
    samples.std = std
    samples.units = "counts/s"
    samples.n = int(unmasked_counts(selection.shape, rules.mask).min())
    samples.exp_time = np.array([frame.exposure_time for frame in frames], dtype=np.float64)
    samples.exp_time_units = "s"
    samples.camera, samples.lens = settings.camera, settings.lens
    samples.settings, samples.label = settings.settings, settings.label
    samples.ND = settings.nd
    components = context.chosen.provenance()
    samples.provenance = {
        "version": __version__,
        **{kind: record["name"] for kind, record in components.items()},
        **{f"{kind}_plugin": record["plugin"] for kind, record in components.items()},
        "options": json.dumps({kind: record["options"] for kind, record in components.items()}, sort_keys=True),
        "max": context.max_fraction,
        "settings_file": str(settings.path),
        "settings_yaml": settings.text,
        "image_number": [frame.image_number for frame in frames],
        "channel_names": list(frames[0].metadata["channel_names"]),
        "dark_frames": sum(len(numbers) for numbers in settings.dark.values()) if settings.dark else None,
        "warnings": list(dict.fromkeys([*settings.warnings, *warnings_given])) or None,
        "exposure_brackets": _exposure_brackets(selection),
        **_partner_numbers(frames),
        **_levels(settings, rules, clipping, selection.channel_names),
        **_per_frame_metadata(frames, ("iso", "capture_time")),
    }
    return samples


def _levels(settings: Settings, rules: Rules, clipping: Clipping | None, channel_names: Sequence[str]) -> dict:
    """Where the saturation levels came from (the channels whose level is inferred named), and the other sensor settings that changed the numbers."""
    record: dict = {}
    if clipping is not None:
        record.update(saturation_level=[float(level) for level in clipping.levels], saturation_source="detected pile-up")
        if clipping.inferred.any():
            record["saturation_inferred"] = [name for name, inferred in zip(channel_names, clipping.inferred) if inferred]
    elif settings.white_level is not None:
        record.update(saturation_level=list(settings.white_level), saturation_source="white_level")
    else:
        record.update(saturation_source="loader")
    if settings.black_level is not None:
        record["black_level"] = list(settings.black_level)
    if rules.tolerated:
        record["saturated_fraction"] = rules.tolerated
    if rules.mask is not None:
        record["masked_pixels"] = int(rules.mask.any(axis=2).sum())
    return record


def _exposure_brackets(selection: Selection) -> str:
    """Each bracket's offered exposure times, the overexposed ones and the one selected (``null`` when skipped), as JSON text."""
    brackets = []
    for outcome in selection.outcomes:
        records = outcome.records
        brackets.append(
            {
                "wavelength": float(outcome.bracket.wavelength),
                "offered": [record.exposure_time for record in records],
                "overexposed": [record.exposure_time for record in records if record.overexposed],
                "selected": None if outcome.selected is None else float(outcome.selected.exposure_time),
            }
        )
    return json.dumps(brackets)


def add_input_record(samples: CameraSamples, record: Mapping[str, Any]) -> CameraSamples:
    """``samples`` with the record of the run's inputs in its provenance (:mod:`camchar.stats.freshness`), as JSON text.

    Parameters
    ----------
    samples
        The run's statistics (changed in place, and returned).
    record
        The record of inputs, taken before the run read anything.
    """
    samples.provenance[RECORD_KEY] = record_text(record)
    return samples


def _partner_numbers(frames: Sequence[SelectedFrame]) -> dict[str, list[int]]:
    """``{"partner_number": [...]}`` when every selected frame has a partner (pairs)."""
    if frames and all(frame.partner_number is not None for frame in frames):
        return {"partner_number": [frame.partner_number for frame in frames]}
    return {}


def _per_frame_metadata(frames: Sequence[SelectedFrame], keys: Sequence[str]) -> dict[str, list]:
    """``{key: [value of each frame]}`` for the keys every selected frame reported."""
    return {key: [frame.metadata[key] for frame in frames] for key in keys if all(key in frame.metadata for frame in frames)}


def _nominal_wavelengths(wavelengths: list) -> np.ndarray:
    """Integers when every wavelength is whole (``400.0:`` and ``4e2:`` in the settings as ``400:``), else floats."""
    values = np.array(wavelengths, dtype=np.float64)
    if values.size and np.all(values == np.round(values)):
        return values.astype(np.int64)
    return values
