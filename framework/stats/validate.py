"""``camchar validate``: every check ``stats`` runs before its first decode, reporting all problems at once."""

from __future__ import annotations

from fractions import Fraction

import attrs

from camchar.core.errors import BadInput
from camchar.files.atomic import check_output_path
from camchar.host.registry import Components
from camchar.pipeline.output import check_writer
from camchar.pipeline.ownership import refuse_a_foreign_file
from camchar.runtime.jobs import memory_available
from camchar.runtime.progress import Reporter
from camchar.settings.model import Settings
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
from camchar.stats.choice import choose_components
from camchar.stats.context import SweepContext
from camchar.stats.exposure import ExposureTimes
from camchar.stats.freshness import check_not_an_input
from camchar.stats.options import RunOptions
from camchar.stats.plan import check_image_folder, load_request, output_path, plan_sweep

__all__ = ["Report", "validate"]

#: Problems with the same text after the file name are shown once, with a count, beyond this many.
SAME_PROBLEM_SHOWN = 3


@attrs.define
class Report:
    """What ``camchar validate`` found: lines of findings, and problems (one line each)."""

    lines: list[str] = attrs.field(factory=list)
    problems: list[str] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """Whether ``stats`` would start cleanly."""
        return not self.problems

    def add(self, problem: BadInput) -> None:
        """Record a problem."""
        self.problems.append(problem.message)


def validate(settings: Settings, components: Components, options: RunOptions, reporter: Reporter) -> Report:
    """Check everything about a sweep that can be checked without decoding pixels.

    Parameters
    ----------
    settings
        The sweep.
    components
        The registered components.
    options
        The run's choices (components, options, output).
    reporter
        Progress while the headers are read.

    Returns
    -------
    Report
        Findings and problems; ``ok`` when ``stats`` would start cleanly.
    """
    report = Report()
    n_images = sum(len(numbers) for numbers in settings.images.values())
    roi = f", roi {settings.roi.as_list()}" if settings.roi is not None else ", no roi (whole image)"
    report.lines.append(f"settings    {settings.path.name}: {len(settings.images)} brackets, {n_images} images{roi}")
    try:
        output = output_path(settings, options)
        chosen = choose_components(components, settings, options, output)
    except BadInput as error:
        report.add(error)
        return report
    report.lines.append(f"components  {chosen.describe()}")
    try:
        check_output_path(output)
        check_not_an_input(output, settings, chosen)
        if options.output is None:  # named by the settings, not typed
            refuse_a_foreign_file(output, "samples")
        check_writer(chosen.writer, output)
        report.lines.append(f"output      {output} (folder writable)")
    except BadInput as error:
        report.add(error)
    try:
        check_image_folder(settings)
    except BadInput as error:
        report.add(error)
        return report
    warn_repeated_images(settings)
    plan = plan_sweep(settings, chosen.loader.registered.component)
    for problem in missing_files(plan):
        report.add(problem)
    try:
        exposures = ExposureTimes.from_settings(settings)
    except BadInput as error:
        report.add(error)
        return report
    context = SweepContext(
        settings=settings,
        chosen=chosen,
        plan=plan,
        request=load_request(settings),
        workers=options.worker_count(),
        max_fraction=options.max_fraction(settings),
        exposures=exposures,
        reporter=reporter,
    )
    problems: list[BadInput] = []
    infos = read_headers(context, problems)
    for problem in _collapsed(problems):
        report.problems.append(problem)
    for problem in (
        *implausible_exposures(infos),
        *disagreements(plan, infos),
        *unmet_requirements(settings, plan, infos, chosen),
        *level_problems(settings, infos, chosen),
        *unaffordable_brackets(plan, infos, settings.roi, context.workers, memory_available()),
    ):
        report.add(problem)
    if infos:
        first = next(iter(infos.values()))
        times = sorted({info.exposure_time for info in infos.values()})
        report.lines.append(
            f"images      {len(infos)} of {len(set(p for b in plan.every_bracket() for _, p in b.images))} readable, "
            f"{first.width} x {first.height} x {first.channels}"
            + (f" {first.sample_type}" if first.sample_type else "")
            + f", exposure times {_seconds(times[0])} to {_seconds(times[-1])} s"
        )
        report.lines.append(f"exposure    {exposures.describe()}")
    return report


def _collapsed(problems: list[BadInput]) -> list[str]:
    """The problems' messages, where many files share one problem: the first few, then a count."""
    by_problem: dict[str, list[BadInput]] = {}
    for problem in problems:
        by_problem.setdefault(problem.problem, []).append(problem)
    lines = []
    for same in by_problem.values():
        lines += [problem.message for problem in same[:SAME_PROBLEM_SHOWN]]
        if len(same) > SAME_PROBLEM_SHOWN:
            lines.append(f"... and {len(same) - SAME_PROBLEM_SHOWN} more files: {same[0].problem}")
    return lines


def _seconds(value: float) -> str:
    fraction = Fraction(value).limit_denominator(100_000)
    return str(fraction) if abs(float(fraction) - value) <= 1e-12 * value else f"{value:g}"
