"""The sweep plan: which file each image number is for the chosen loader, and where the output goes.

``image_name`` names the files (often the camera's RAW files). A loader that
cannot open that name looks for the file with its own first suffix beside it:
the ``tiff`` loader reads ``DSC_0001.tiff`` for ``DSC_{:04}.NEF``, as the
original workflow's conversion names it. A ``*`` in the name stands for any
text (:mod:`camchar.stats.names`); a name ending in ``#`` and a number is a
page of a multi-page file (:mod:`camchar.core.pages`), read by a loader that
can open it, never replaced by a file beside it.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from camchar.core.errors import BadInput, shown
from camchar.core.frames import LoadRequest
from camchar.core.pages import split_page
from camchar.core.paths import output_name_problem
from camchar.host.components import Loader
from camchar.settings.model import Settings, Wavelength
from camchar.stats.names import Wildcards
from camchar.stats.options import RunOptions

__all__ = ["Bracket", "SweepPlan", "check_image_folder", "file_for", "plan_sweep", "load_request", "output_path"]


@attrs.frozen
class Bracket:
    """The images of one wavelength (or one dark group): ``(image number, file)`` pairs."""

    wavelength: Wavelength | str
    images: tuple[tuple[int, Path], ...]


@attrs.frozen
class SweepPlan:
    """Every file a run reads, in order.

    Parameters
    ----------
    brackets
        The sweep's brackets in wavelength order.
    darks
        The dark frames by exposure time (``None``: one group for every
        exposure), or ``None`` when the settings list none.
    """

    brackets: tuple[Bracket, ...]
    darks: dict[float | None, Bracket] | None = None

    @property
    def image_count(self) -> int:
        """The number of images of the sweep (darks not counted)."""
        return sum(len(bracket.images) for bracket in self.brackets)

    def every_bracket(self) -> list[Bracket]:
        """The brackets and then the dark groups: every file the run reads."""
        return [*self.brackets, *(self.darks or {}).values()]


def check_image_folder(settings: Settings) -> None:
    """:class:`BadInput` at the ``image_dir`` line if the image folder does not exist."""
    if not settings.image_dir.is_dir():
        what = "is not a folder" if settings.image_dir.exists() else "not found"
        raise BadInput(settings.path, f"image folder {settings.image_dir} {what} (image_dir)", settings.line_of("image_dir"))


def file_for(named: Path, loader: Loader) -> Path:
    """The file ``loader`` reads for the file the settings name: the name itself, or the file beside it with the loader's suffix.

    The file beside it (a converted copy: ``DSC_0001.tiff`` for ``DSC_0001.NEF``) is looked for only when the name's
    suffix is not one of the loader's: a file named as the loader's own that it does not claim is the loader's to
    explain (a PNG named ``.pgm``), never reported as a missing copy.
    """
    if loader.can_open(named) or not loader.suffixes or split_page(named)[1] is not None:
        return named
    if named.suffix.lower() in (suffix.lower() for suffix in loader.suffixes):
        return named
    return named.with_suffix(loader.suffixes[0])


def plan_sweep(settings: Settings, loader: Loader) -> SweepPlan:
    """The files of the sweep and of its dark frames for ``loader``.

    Raises
    ------
    BadInput
        When an image name with ``*`` matches several files.
    """
    wildcards = Wildcards()

    def located(number: int) -> Path:
        return wildcards.resolve(file_for(wildcards.resolve(settings.image_file(number)), loader))

    brackets = tuple(
        Bracket(wavelength, tuple((number, located(number)) for number in numbers))
        for wavelength, numbers in settings.images.items()
    )
    darks = None
    if settings.dark:
        darks = {
            seconds: Bracket("dark", tuple((number, located(number)) for number in numbers))
            for seconds, numbers in settings.dark.items()
        }
    return SweepPlan(brackets, darks)


def load_request(settings: Settings) -> LoadRequest:
    """What every loader call of a run receives, from the settings."""
    return LoadRequest(roi=settings.roi, crop=settings.crop, white_level=settings.white_level)


def output_path(settings: Settings, options: RunOptions) -> Path:
    """Where the statistics go: ``--output``, else the image folder's path with ``.h5`` appended.

    ``.h5`` is appended rather than replacing a suffix, so that the image
    folders ``run.450`` and ``run.500`` give ``run.450.h5`` and
    ``run.500.h5``, not one ``run.h5`` twice. An output name without a
    suffix gets ``.h5``.

    Raises
    ------
    BadInput
        For an empty output name, or an image folder with no name to derive one from.
    """
    if options.output is not None:
        path = Path(options.output)
        if not str(options.output).strip() or not path.name:
            raise BadInput(None, f"-o {str(options.output)!r} is not a file name; give e.g. -o out.h5")
        problem = output_name_problem(str(options.output))
        if problem is not None:
            raise BadInput(None, f"-o {shown(str(options.output))} {problem}")
    else:
        if not settings.image_dir.name:
            raise BadInput(settings.path, f"cannot name the output after the image folder {settings.image_dir}; give -o OUT.h5", settings.line_of("image_dir"))
        path = settings.samples_file
    return path if path.suffix else path.with_name(path.name + ".h5")
