"""The component base classes: the whole contract between camchar and a plugin's components.

A component is a small object with a ``name`` (what settings and flags use), a
one-line ``description``, the ``options`` it accepts, and one method that
does its work. Every optional member is declared here with its default, so a
plugin author subclasses the base class of the kind and overrides what it
needs; camchar reads nothing from a component that is not declared here.
The reference page ``docs/plugins/api.md`` is generated from these classes.
"""

from __future__ import annotations

import abc
import copy
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from camchar.core.errors import BadInput
from camchar.core.frames import Frame, ImageInfo, LoadRequest
from camchar.core.spectra import SourceSpectra
from camchar.core.spectrometer import ORIGINAL_PATTERN, NameMatch, SpectrometerFile, match_name
from camchar.host.options import Option

if TYPE_CHECKING:
    from camchar.host.problem import ResponseProblem
    from camchar.host.stack import SelectedStack

__all__ = ["Component", "Loader", "Selector", "NoiseModel", "Writer", "SpectraReader", "SpectrometerReader", "ResponseMethod", "Solver"]


class Component(abc.ABC):  # noqa: B024 - abstract through the kinds' base classes
    """What every component has.

    Subclass the base class of the component's kind (:class:`Loader`,
    :class:`Selector`, :class:`NoiseModel`, :class:`Writer`), set ``name`` and
    ``description``, and implement its one abstract method.
    """

    #: The name settings and command-line flags use to choose the component (required, unique per kind).
    name: ClassVar[str] = ""
    #: One line saying what the component does; ``camchar plugins`` shows it.
    description: ClassVar[str] = ""
    #: The options the component accepts (:class:`~camchar.api.Option`); camchar checks the values users give.
    options: ClassVar[tuple[Option, ...]] = ()
    #: The revision of the component's computation: change it when the numbers it gives change. The
    #: record of inputs in every output holds it, so a batch computes again what the change affects.
    version: ClassVar[str] = "1"

    @property
    def config(self) -> Mapping[str, Any]:
        """The values of the component's options for this run: what the user gave, else the defaults."""
        values = self.__dict__.get("_config")
        if values is None:
            return MappingProxyType({option.name: option.default for option in self.options})
        return values

    def configured(self, values: Mapping[str, Any]) -> "Component":
        """A copy of the component whose :attr:`config` is ``values`` (called by camchar once per run)."""
        clone = copy.copy(self)
        clone.__dict__["_config"] = MappingProxyType(dict(values))
        return clone


class Loader(Component):
    """Reads one image file into a :class:`~camchar.api.Frame`.

    ``load`` runs on several threads at once and must be safe to do so; it is
    called again for the selected frames while a noise model streams them,
    and must return the same pixels. Bad files raise
    :class:`~camchar.api.BadInput` naming the file; any other exception is
    reported as a bug in the plugin.
    """

    #: Lower-case file suffixes with the dot that the loader reads. The first one is also looked
    #: for beside the settings' file names (``DSC_0001.tiff`` for ``DSC_{:04}.NEF``).
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Rank among the loaders that can open a sweep's first file when no loader is named:
    #: the highest wins (``docs/plugins/api.md`` lists the built-ins' ranks).
    precedence: ClassVar[int] = 0
    #: ``True`` when decoding is expensive (RAW demosaicing): camchar then keeps a temporary
    #: uncompressed copy of each selected frame for the noise model instead of calling ``load`` again.
    cache_decoded: ClassVar[bool] = False
    #: ``True`` when ``load`` applies the request's ``white_level`` itself (a RAW white level before
    #: black subtraction); otherwise camchar uses it as every frame's saturation level.
    applies_white_level: ClassVar[bool] = False
    #: ``True`` when the frames are already above black (RAW loaders subtract the file's black
    #: levels): the settings' ``black_level`` is then refused rather than subtracted twice.
    subtracts_black_level: ClassVar[bool] = False
    #: The ROI (given in image pixels) is this many times larger than the frame in each direction: 2 for
    #: a loader of half-resolution Bayer planes. camchar refuses a frame that is not the ROI's size.
    roi_binning: ClassVar[int] = 1
    #: ``False`` when the frames are not the sensor's counts (demosaiced, white-balanced, rescaled):
    #: the EMVA 1288 parameters, defined on the sensor's digital numbers, are then not computed.
    sensor_counts: ClassVar[bool] = True
    #: ``False`` when :meth:`probe` runs in Python and holds the interpreter (a header parsed by
    #: tifffile): camchar then reads the headers on one thread, faster than several taking turns.
    probe_on_threads: ClassVar[bool] = True

    def can_open(self, path: Path) -> bool:
        """Whether this loader reads ``path``; by default, whether its suffix is one of :attr:`suffixes`.

        Override to look at the content (a magic number) when a suffix is
        shared with other formats. It must be cheap and must not raise.
        """
        return Path(path).suffix.lower() in self.suffixes

    def probe(self, path: Path, request: LoadRequest) -> ImageInfo:
        """Read only the header of ``path``: size, channels, exposure time; check that the ROI fits.

        ``camchar validate`` calls it for every file and ``camchar stats`` for
        every file before the first decode, so mistakes surface at once. The
        default decodes the file with :meth:`load`; override it when the
        header can be read on its own.
        """
        frame = self.load(path, request)
        width, height = frame.image_size or (frame.pixels.shape[1], frame.pixels.shape[0])
        return ImageInfo(Path(path), width, height, frame.channels, frame.exposure_time, str(frame.pixels.dtype))

    @abc.abstractmethod
    def load(self, path: Path, request: LoadRequest) -> Frame:
        """Decode ``path`` and return the frame cut to ``request.roi``."""


class Selector(Component):
    """Chooses the frame of an exposure bracket that stands for its wavelength. Runs on worker threads."""

    @abc.abstractmethod
    def select(self, frames: Sequence[Frame]) -> Frame | None:
        """Return one of ``frames`` (the same object; none is overexposed), or ``None`` to skip the bracket."""


class NoiseModel(Component):
    """Estimates the temporal noise of each selected frame from the streamed stack."""

    #: ``True`` when the model needs a second frame at the selected exposure time (EMVA 1288 pairs):
    #: selection then considers only exposures with two usable frames, and ``stack.partner(i)`` gives the second.
    needs_pairs: ClassVar[bool] = False
    #: The fewest selected frames (usable brackets) the model can work with; ``camchar validate``
    #: and ``camchar stats`` check the sweep against it before decoding anything.
    min_frames: ClassVar[int] = 1
    #: ``True`` when the model reads the stack only through ``map``, ``map_chunks`` and ``sum_chunks``
    #: (or ``camchar.api.numerics.residual_moments``) with picklable functions: with ``--scheduler`` its
    #: work then runs on the dask cluster. A model that streams the frames runs on the client.
    supports_cluster: ClassVar[bool] = False

    @abc.abstractmethod
    def estimate(self, stack: "SelectedStack") -> np.ndarray:
        """Return the ``(N, C)`` temporal noise in counts/s of the ``N`` selected frames (finite, not negative)."""


class Writer(Component):
    """Writes a result to a file; the output suffix picks the writer unless one is named (``--writer``).

    Every step's result goes through the writers: ``camchar stats`` gives a
    :class:`~camchar.api.CameraSamples`, ``camchar response`` a
    :class:`~camchar.api.CameraResponse`; ``camchar export`` gives the one
    result of a file it reads. A writer declares in :attr:`results` which it writes.
    """

    #: Lower-case output suffixes with the dot that the writer handles.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: The results the writer writes: ``"samples"`` (``camchar stats``), ``"response"`` (``camchar response``)
    #: and/or ``"spectra"`` (``camchar spectra``: a :class:`~camchar.api.MonochromatorSpectra`).
    results: ClassVar[tuple[str, ...]] = ("samples",)
    #: ``True`` when the writer also puts several result files into one output (``camchar export A.h5 B.h5 -o OUT``)
    #: through :meth:`write_files`.
    combines: ClassVar[bool] = False

    @abc.abstractmethod
    def write(self, result: Any, path: Path) -> None:
        """Write ``result`` (one of :attr:`results`) to ``path``: a temporary file with the output's suffix, moved into place by camchar."""

    def write_files(self, paths: Sequence[Path], path: Path) -> None:
        """Write the results in the files ``paths`` into one output ``path`` (only when :attr:`combines`)."""
        raise NotImplementedError(f"writer '{self.name}' does not combine files")

    def check(self, path: Path) -> None:
        """Raise ``BadInput`` if this writer cannot write ``path`` (e.g. a missing optional library).

        Called before any image is read (and by ``camchar validate``), so that
        a run does not compute for minutes and then fail to write. By default
        nothing is checked.
        """


class SpectraReader(Component):
    """Reads measured source spectra (what the monochromator emitted) for ``camchar response``: a file or a folder."""

    #: Lower-case file suffixes with the dot that the reader reads.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Rank among the readers that can open a source file when none is named: the highest wins.
    precedence: ClassVar[int] = 0

    def can_open(self, path: Path) -> bool:
        """Whether this reader reads ``path`` (a file or a folder); by default, whether its suffix is one of :attr:`suffixes`.

        Override to look at the content (an HDF5 file of another kind is not
        spectra) or to claim a folder of a spectrometer's files. It must be
        cheap and must not raise.
        """
        return Path(path).suffix.lower() in self.suffixes

    @abc.abstractmethod
    def read(self, path: Path) -> SourceSpectra:
        """Read ``path`` (a file or a folder) into :class:`~camchar.api.SourceSpectra`.

        Raise ``BadInput`` naming the file for anything unusable; spectra
        returned must pass :func:`~camchar.api.check_spectra` (call it on
        what the file holds): spectra that fail it are the reader's fault.
        Warnings given while reading (``CamcharWarning``) and the spectra's
        ``metadata`` are kept in the response file.
        """

    def files(self, path: Path) -> Sequence[Path] | None:
        """The files that reading ``path`` reads, for the record of inputs (a change to any of them reruns a fit).

        By default ``None``: ``path`` is recorded whole (every file below a folder).
        """
        return None


class SpectrometerReader(Component):
    """Reads one spectrometer file (one nominal wavelength of the monochromator) for ``camchar spectra``.

    The folder's files are those the reader :meth:`can_open`: by default,
    a suffix in :attr:`suffixes` and a name the ``pattern`` option matches.
    Every built-in declares the options of :attr:`options` (``pattern``,
    ``dark_start``, ``dark_stop``); a reader that declares them gets
    :meth:`name_match` and :meth:`dark_pixels` working from them. Bad files
    raise :class:`~camchar.api.BadInput` naming the file.
    """

    #: Lower-case file suffixes with the dot that the reader reads.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Rank among the readers that can open a folder's files when none is named: the highest wins.
    precedence: ClassVar[int] = 0

    @staticmethod
    def standard_options(dark_stop: int = 190, pattern: str = ORIGINAL_PATTERN) -> tuple[Option, ...]:
        """The options ``pattern``, ``dark_start`` and ``dark_stop``, with these defaults (the original's by default)."""
        return (
            Option("pattern", str, pattern, "regular expression matched at the start of a file's name: (nominal wavelength) and (optical density, negative), or groups named wavelength and density"),
            Option("dark_start", int, 0, "first optically masked (dark) pixel", minimum=0),
            Option("dark_stop", int, dark_stop, "pixel after the last dark one (0: no dark pixels)", minimum=0),
        )

    def name_match(self, path: Path) -> NameMatch | None:
        """What ``path``'s name says by the ``pattern`` option (``None``: not a measurement's file).

        Raises
        ------
        ValueError
            When the name matches but its numbers are not numbers.
        """
        return match_name(str(self.config.get("pattern", ORIGINAL_PATTERN)), Path(path).name)

    def measurement(self, path: Path) -> tuple[NameMatch, str]:
        """What ``path``'s name says (:meth:`name_match`) and its text, for a reader of text files.

        Raises
        ------
        BadInput
            When the name does not match the ``pattern`` option or its numbers are not numbers, or the file cannot
            be read as UTF-8 text (a byte-order mark is allowed).
        """
        path = Path(path)
        try:
            named = self.name_match(path)
        except ValueError as problem:
            raise BadInput(path, str(problem)) from None
        if named is None:
            raise BadInput(path, f"the name does not match the file-name pattern {self.config['pattern']!r}")
        try:
            return named, path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as problem:
            raise BadInput(path, f"not a text file (byte {problem.start} is not UTF-8)") from None
        except OSError as problem:
            raise BadInput(path, f"cannot read the file ({problem.strerror or problem})") from None

    def dark_pixels(self) -> tuple[int, int]:
        """``(start, stop)`` of the dark pixels from the options ``dark_start`` and ``dark_stop``; ``(0, 0)``: none."""
        start, stop = int(self.config.get("dark_start", 0)), int(self.config.get("dark_stop", 0))
        return (start, stop) if stop > start else (0, 0)

    def can_open(self, path: Path) -> bool:
        """Whether ``path`` is a measurement's file: one of :attr:`suffixes` and a name the pattern matches.

        It must be cheap and must not raise.
        """
        path = Path(path)
        if path.suffix.lower() not in self.suffixes:
            return False
        try:
            return self.name_match(path) is not None
        except ValueError:  # read() says what is wrong with the name
            return True

    @abc.abstractmethod
    def read(self, path: Path) -> SpectrometerFile:
        """Read ``path`` into a :class:`~camchar.api.SpectrometerFile`, with the nominal wavelength and density of its name."""


@runtime_checkable
class Solver(Protocol):
    """What a response method's ``prepare`` returns: a fit with all its tuning done, applied to bootstrap draws."""

    #: The tuned values (``alpha``, ``beta``, ``bandwidth`` ...), recorded in the output.
    parameters: dict[str, float | str]

    def solve(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Fit every draw at once: ``X`` ``(D, M, W)`` and ``y`` ``(D, M, C)`` (read-only) give ``w`` ``(D, W, C)``.

        ``w`` must be finite real numbers, and not negative when the problem asks for ``non_negative``.
        """


class ResponseMethod(Component):
    """A way to fit the camera's spectral response ``w`` in ``y ≈ X w`` (``camchar response --method``).

    camchar normalises and matches the inputs, calls :meth:`prepare` once on
    the means, then calls the returned solver's ``solve`` on batches of
    bootstrap draws, and turns the draws into the response's mean and std.
    """

    @abc.abstractmethod
    def prepare(self, problem: "ResponseProblem") -> Solver:
        """Tune on the means of ``problem`` (alpha, filters ...) and return the solver for its draws.

        Raise ``BadInput(None, problem)`` for an option of ``problem`` the
        method does not have (``bandwidth``, ``target_r2`` ...), rather than
        ignoring it.
        """

