"""Checks that need no computation: run before ``stats`` starts, and by ``camchar validate``.

``stats`` checks everything that is cheap before its first decode, so that a
mistake surfaces in a second rather than after ten minutes on image 297: the
image folder, every file's existence, repeated image numbers, the first
file's header (exposure time, size, ROI and crop), the output folder.
``validate`` reads every file's header and reports every problem it finds.
"""

from __future__ import annotations

import collections
import glob
import warnings
from pathlib import Path
from typing import Sequence

import attrs

from camchar.components import Components
from camchar.errors import BadInput, CamcharWarning, location
from camchar.frames import ImageInfo, LoadRequest
from camchar.settings import Settings

__all__ = ["check_image_folder", "check_files_exist", "warn_repeated_images", "probe", "check_first_image", "Report", "validate"]


def check_image_folder(settings: Settings) -> None:
    """:class:`BadInput` at the ``image_dir`` line if the image folder does not exist."""
    if not settings.image_dir.is_dir():
        what = "is not a folder" if settings.image_dir.exists() else "not found"
        raise BadInput(settings.path, f"image folder {settings.image_dir} {what} (image_dir)", settings.line_of("image_dir"))


def check_files_exist(brackets: Sequence) -> None:
    """:class:`BadInput` naming the first missing image file, with how many are missing."""
    paths = [path for bracket in brackets for _, path in bracket.images]
    missing = [path for path in paths if not path.is_file()]
    if not missing:
        return
    first = missing[0]
    counted = f"{len(missing)} of {len(paths)} image files are missing" if len(missing) > 1 else "image file not found"
    siblings = sorted(sibling.name for sibling in first.parent.glob(glob.escape(first.stem) + ".*") if sibling != first)
    hint = f"; {siblings[0]} is there: choose its loader with --loader or 'loader:' in the settings" if siblings else ""
    raise BadInput(first, counted + hint)


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


def probe(loader: object, path: Path, request: LoadRequest) -> ImageInfo:
    """The loader's ``probe`` of ``path``, or, for loaders without one, what ``load`` shows."""
    probe_method = getattr(loader, "probe", None)
    if probe_method is not None:
        return probe_method(path, request)
    frame = loader.load(path, request)
    size = frame.metadata.get("image_size") or (frame.pixels.shape[1], frame.pixels.shape[0])
    return ImageInfo(path, size[0], size[1], frame.channels, frame.exposure_time)


def check_first_image(brackets: Sequence, loader: object, request: LoadRequest) -> ImageInfo:
    """Probe the sweep's first file: readable, exposure time, ROI and crop fit."""
    return probe(loader, brackets[0].images[0][1], request)


@attrs.define
class Report:
    """What ``camchar validate`` found: lines of findings, and problems (one line each)."""

    lines: list[str] = attrs.field(factory=list)
    problems: list[str] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """Whether ``stats`` would start cleanly."""
        return not self.problems


def validate(settings: Settings, components: Components, options, reporter) -> Report:
    """Check everything about a sweep that can be checked without computing: every file's header.

    Parameters
    ----------
    settings
        The sweep.
    components
        The registered components.
    options
        The run's :class:`~camchar.pipeline.RunOptions` (components, output).
    reporter
        Progress while the headers are read.

    Returns
    -------
    Report
        Findings and problems; ``ok`` when ``stats`` would start cleanly.
    """
    from camchar.atomic import check_output_path
    from camchar.pipeline import brackets_of, choose_components, load_request, output_path

    report = Report()
    n_images = sum(len(numbers) for numbers in settings.images.values())
    roi = f", roi {settings.roi.as_list()}" if settings.roi is not None else ", no roi (whole image)"
    report.lines.append(f"settings    {settings.path.name}: {len(settings.images)} brackets, {n_images} images{roi}")
    output = output_path(settings, options)
    try:
        chosen = choose_components(components, settings, options, output)
    except BadInput as error:
        report.problems.append(error.message)
        return report
    loader = chosen.loader.component
    report.lines.append(
        f"components  loader {loader.name}, selector {chosen.selector.component.name}, "
        f"noise model {chosen.noise_model.component.name}, writer {chosen.writer.component.name}"
    )
    try:
        check_output_path(output)
        report.lines.append(f"output      {output} (folder writable)")
    except BadInput as error:
        report.problems.append(error.message)
    try:
        check_image_folder(settings)
    except BadInput as error:
        report.problems.append(error.message)
        return report
    warn_repeated_images(settings)
    brackets = brackets_of(settings, loader)
    request = load_request(settings)
    infos: list[ImageInfo] = []
    with reporter.step("reading headers", n_images) as progress:
        for bracket in brackets:
            for _, path in bracket.images:
                try:
                    infos.append(probe(loader, path, request))
                except BadInput as error:
                    report.problems.append(error.message)
                progress.advance(1, f"{bracket.wavelength}")
    if infos:
        first = infos[0]
        for info in infos[1:]:
            if (info.size, info.channels) != (first.size, first.channels):
                report.problems.append(
                    f"{info.path}: is {info.width} x {info.height} with {info.channels} channels, but the sweep's "
                    f"first image {first.path.name} is {first.width} x {first.height} with {first.channels}"
                )
        times = sorted({info.exposure_time for info in infos})
        report.lines.append(
            f"images      {len(infos)} of {n_images} readable, {first.width} x {first.height} x {first.channels}, "
            f"exposure times {_seconds(times[0])} to {_seconds(times[-1])} s"
        )
    return report


def _seconds(value: float) -> str:
    from fractions import Fraction

    fraction = Fraction(value).limit_denominator(100_000)
    return str(fraction) if abs(float(fraction) - value) <= 1e-12 * value else f"{value:g}"
