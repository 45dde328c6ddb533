"""``camchar stats``, step by step; every step's work is a component's or a module's of this package.

::

    settings --choice--> components (configured with their options)
             --plan--> the file of every image and dark frame
             --checks--> every header read, files agree, components' needs met (nothing decoded yet)
             --darks--> master darks
             --sensor--> the rules: saturation levels, black level, defect mask
             --selection--> one SelectedFrame per bracket (loader, overexposure test, selector),
                            selected again below a clipping level found in the sweep
             --stack + estimates--> the noise model's (N, C) temporal noise
             --emva1288--> the sensor's EMVA 1288 parameters (pairs and darks)
             --assembly--> CameraSamples with provenance
             --pipeline.output--> the writer's file, moved into place when complete

The host owns only this order, progress reporting and error handling.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Sequence

from camchar.core.errors import BadInput
from camchar.core.frames import ImageInfo
from camchar.files.atomic import check_output_path
from camchar.files.camera_samples import CameraSamples
from camchar.host.registry import Components
from camchar.numerics import fast_path
from camchar.pipeline.output import check_writer, write_result
from camchar.pipeline.ownership import refuse_a_foreign_file
from camchar.runtime.cluster import connect
from camchar.runtime.jobs import memory_available
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.warning_log import recording_warnings
from camchar.settings.model import Settings
from camchar.stats.assembly import add_input_record, assemble_samples
from camchar.stats.checks import (
    disagreements,
    implausible_exposures,
    level_problems,
    missing_files,
    read_headers,
    unaffordable_brackets,
    unmet_requirements,
    warn_repeated_images,
)
from camchar.stats.choice import Chosen, choose_components
from camchar.stats.context import SweepContext
from camchar.stats.darks import DarkFrames, load_darks
from camchar.stats.emva1288 import sweep_emva1288
from camchar.stats.estimates import estimate_noise
from camchar.stats.frame_cache import FrameCache
from camchar.stats.freshness import check_not_an_input, record_inputs
from camchar.stats.options import RunOptions
from camchar.stats.plan import check_image_folder, output_path
from camchar.stats.selection import select_below_clipping, select_frames
from camchar.stats.sensor import report_levels, sensor_rules, warn_negative_means

__all__ = ["run_stats", "compute_samples", "preflight"]


def run_stats(settings: Settings, components: Components, options: RunOptions = RunOptions(), reporter: Reporter | None = None) -> Path:
    """The whole ``camchar stats`` run: choose components, check, compute, write.

    Parameters
    ----------
    settings
        The sweep.
    components
        The registered components (``build_host().components``).
    options
        Overrides of the settings (the command-line flags).
    reporter
        Progress and summaries; silent by default.

    Returns
    -------
    Path
        The output file.

    Raises
    ------
    BadInput
        For any problem with the input; nothing is written.
    PluginError
        When a component breaks its contract; nothing is written.
    """
    reporter = reporter or silent()
    output = output_path(settings, options)
    chosen = choose_components(components, settings, options, output)
    check_output_path(output)
    check_not_an_input(output, settings, chosen)
    if options.output is None:  # named by the settings, not typed
        refuse_a_foreign_file(output, "samples")
    check_writer(chosen.writer, output)
    inputs = record_inputs(settings, chosen, options)  # before anything is read: a file changed during the run leaves the output out of date
    reporter.summary(f"{settings.path.name} -> {output}: {chosen.describe()}")
    with reporter.live(), recording_warnings() as given:
        samples = add_input_record(compute_samples(settings, chosen, options, reporter, given), inputs)
        started = time.perf_counter()
        write_result(samples, chosen.writer, output, made_from=settings.path)
    reporter.summary(f"wrote {output} ({len(samples.nom_wl)} wavelengths x {samples.mean.shape[1]} channels) [{time.perf_counter() - started:.2f} s]")
    return output


def compute_samples(
    settings: Settings,
    chosen: Chosen,
    options: RunOptions = RunOptions(),
    reporter: Reporter | None = None,
    warnings_given: Sequence[str] = (),
) -> CameraSamples:
    """Plan, check, select and estimate; return the statistics (not yet written)."""
    context = SweepContext.start(settings, chosen, options, reporter or silent())
    plan, reporter, max_fraction = context.plan, context.reporter, context.max_fraction
    infos = preflight(context)
    darks = _load_darks(context)
    rules = sensor_rules(context, infos, darks)
    loader, selector, noise_model = chosen.loader, chosen.selector, chosen.noise_model
    # frames corrected in selection (darks, black level, defect mask) are not on disk: keep them,
    # unless a cluster's workers decode them (their disks are their own; they correct them again)
    corrected = darks is not None or rules.black is not None or rules.mask is not None
    caching = loader.registered.component.cache_decoded or corrected
    with contextlib.ExitStack() as resources:
        arithmetic = resources.enter_context(fast_path.engaged(_pixel_values(context, infos), _sample_types(infos, corrected)))
        cluster = resources.enter_context(connect(options.scheduler, reporter)) if options.scheduler is not None else None
        if cluster is not None:
            reporter.summary(f"per-frame work on the {cluster.describe()}")
        cache = resources.enter_context(FrameCache()) if caching and cluster is None else None
        decoding = context.decoding(rules, cache, cluster)
        started = time.perf_counter()
        selection = select_frames(decoding, plan.brackets)
        clipping = None
        if settings.detect_clipping and rules.white is None:  # a RAW loader's white level can still clip lower (LibRaw's scaling)
            selection, clipping = select_below_clipping(decoding, selection)
        reporter.summary(
            f"read {plan.image_count} images with loader {loader.name}; {selection.overexposed_count} overexposed "
            f"(max {max_fraction:g}); selector {selector.name} kept {len(selection.frames)} of {len(plan.brackets)} brackets "
            f"[{time.perf_counter() - started:.2f} s]"
        )
        report_levels(selection, clipping, settings, reporter)
        if not selection.frames:
            raise BadInput(settings.path, "no bracket has a usable frame (every frame overexposed or rejected); no output written" + _levels_hint(settings))
        started = time.perf_counter()
        std = estimate_noise(decoding, selection)
        path_taken = arithmetic()
        reporter.summary(f"noise model {noise_model.name} on {len(selection.frames)} frames [{time.perf_counter() - started:.2f} s]")
        emva = sweep_emva1288(decoding, selection, darks, clipping)
        warn_negative_means(selection, settings)
    samples = assemble_samples(decoding, selection, std, clipping, warnings_given)
    samples.provenance["arithmetic"] = path_taken
    if emva is not None:
        samples.emva1288 = emva.datasets()
        samples.provenance.update(emva.provenance())
    return samples


def preflight(context: SweepContext) -> dict[Path, ImageInfo]:
    """Every check that needs no pixels, stopping at the first problem (``camchar validate`` reports them all); the headers.

    Parameters
    ----------
    context
        The sweep: its settings, plan, components, load request, threads,
        exposure times and reporter.

    Returns
    -------
    dict
        The header of every file.

    Raises
    ------
    BadInput
        At the first problem.
    """
    settings, plan, chosen = context.settings, context.plan, context.chosen
    check_image_folder(settings)
    for problem in missing_files(plan):
        raise problem
    warn_repeated_images(settings)
    infos = read_headers(context)
    for problem in (
        *implausible_exposures(infos),
        *disagreements(plan, infos),
        *unmet_requirements(settings, plan, infos, chosen),
        *level_problems(settings, infos, chosen),
        *unaffordable_brackets(plan, infos, settings.roi, context.workers, memory_available()),
    ):
        raise problem
    return infos


def _pixel_values(context: SweepContext, infos: dict[Path, ImageInfo]) -> int:
    """How many pixel values the run decodes: every image's ROI (or whole image), every channel."""
    roi = context.settings.roi
    return sum((roi.h * roi.w if roi is not None else info.height * info.width) * info.channels for info in infos.values())


def _sample_types(infos: dict[Path, ImageInfo], corrected: bool) -> set[str]:
    """The numpy types of the frames the kernels see: the files' (uint16 when unknown), float64 when darks or sensor levels correct them."""
    if corrected:
        return {"float64"}
    return {info.sample_type or "uint16" for info in infos.values()}


def _levels_hint(settings: Settings) -> str:
    """What in the settings' sensor levels could have rejected every frame."""
    if settings.white_level is not None:
        return f" (white_level {', '.join(f'{level:g}' for level in settings.white_level)}: is it below the data?)"
    if settings.defect_mask is not None:
        return " (a sensor that clips below the file's full scale needs white_level: the defect mask judges stuck pixels against it)"
    return " (if a few hot or stuck pixels read full scale in every frame, defect_mask: auto masks them; otherwise shorter exposures or a higher max)"


def _load_darks(context: SweepContext) -> DarkFrames | None:
    plan = context.plan
    if not plan.darks:
        return None
    started = time.perf_counter()
    darks = load_darks(plan.darks, context.chosen.loader.component, context.request, context.exposures)
    groups = ", ".join("every exposure" if seconds is None else f"{seconds:g} s" for seconds in darks.masters)
    count = sum(len(group.images) for group in plan.darks.values())
    context.reporter.summary(f"averaged {count} dark frames ({groups}) [{time.perf_counter() - started:.2f} s]")
    return darks
