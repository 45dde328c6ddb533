"""The run context: what the steps of one sweep share, given once instead of one argument at a time.

A sweep's steps all need the same few objects: the settings, the chosen
components, the planned files, the load request, the threads, the exposure
times and the reporter. :class:`SweepContext` holds them from the moment the
sweep is planned; the checks, the darks and the sensor rules take it. Once
the rules are known, and the decoded-frame cache and the cluster are open,
:meth:`SweepContext.decoding` adds them: a :class:`DecodingContext` is what
the steps that decode frames take (selection, estimates, EMVA 1288, results).

Both are immutable; a step that needs other rules (selection under a
clipping level found in the sweep) makes a changed copy with
:func:`attrs.evolve`.
"""

from __future__ import annotations

import attrs

from camchar.core.frames import LoadRequest
from camchar.runtime.cluster import Cluster
from camchar.runtime.progress import Reporter
from camchar.settings.model import Settings
from camchar.stats.choice import Chosen
from camchar.stats.exposure import ExposureTimes
from camchar.stats.frame_cache import FrameCache
from camchar.stats.levels import Rules
from camchar.stats.options import RunOptions
from camchar.stats.plan import SweepPlan, load_request, plan_sweep

__all__ = ["SweepContext", "DecodingContext"]


@attrs.frozen(eq=False)
class SweepContext:
    """What every step of one sweep shares, known before any pixel is decoded.

    Parameters
    ----------
    settings
        The sweep.
    chosen
        The run's components, configured with their options.
    plan
        The file of every image and dark frame, for the chosen loader.
    request
        The load request (ROI, crop ...).
    workers
        Threads.
    max_fraction
        The overexposure threshold, a fraction of the saturation level.
    exposures
        Each image's exposure time where its file holds none (the settings' ``exposure:``).
    reporter
        Progress and summary lines.
    """

    settings: Settings
    chosen: Chosen
    plan: SweepPlan
    request: LoadRequest
    workers: int
    max_fraction: float
    exposures: ExposureTimes
    reporter: Reporter

    @classmethod
    def start(cls, settings: Settings, chosen: Chosen, options: RunOptions, reporter: Reporter) -> "SweepContext":
        """The context of a sweep: its files planned for the chosen loader, the rest read from ``settings`` and ``options``.

        Parameters
        ----------
        settings
            The sweep.
        chosen
            The run's components.
        options
            The command line's overrides: threads (``--workers``) and the
            overexposure threshold (``--max``).
        reporter
            Progress and summary lines.

        Raises
        ------
        BadInput
            When the images or the settings' ``exposure:`` cannot be resolved.
        """
        plan = plan_sweep(settings, chosen.loader.registered.component)
        request = load_request(settings)
        return cls(
            settings=settings,
            chosen=chosen,
            plan=plan,
            request=request,
            workers=options.worker_count(),
            max_fraction=options.max_fraction(settings),
            exposures=ExposureTimes.from_settings(settings),
            reporter=reporter,
        )

    def decoding(self, rules: Rules, cache: FrameCache | None = None, cluster: Cluster | None = None) -> "DecodingContext":
        """This context with what the steps that decode frames need besides.

        Parameters
        ----------
        rules
            The overexposure rule, pairing and corrections every frame gets.
        cache
            Where to keep decoded copies of the selected frames, if anywhere.
        cluster
            A dask cluster to run the per-frame work on, if any.
        """
        return DecodingContext(**attrs.asdict(self, recurse=False), rules=rules, cache=cache, cluster=cluster)


@attrs.frozen(eq=False)
class DecodingContext(SweepContext):
    """What the steps that decode a sweep's frames share: the :class:`SweepContext`, and how frames are treated.

    Its parameters are the :class:`SweepContext`'s, then these.

    Parameters
    ----------
    rules
        The overexposure rule, pairing, and the corrections (darks, black
        level, defect mask) applied to every usable frame, and again to a
        frame decoded anew.
    cache
        Where decoded copies of the selected frames are kept, if anywhere
        (none with a cluster: its workers' disks are their own).
    cluster
        A dask cluster that runs the per-frame work, if any.
    """

    rules: Rules
    cache: FrameCache | None = None
    cluster: Cluster | None = None
