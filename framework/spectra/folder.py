"""A folder of spectrometer files, read and checked, and turned into source spectra by the method.

::

    folder --files the reader can open (its suffixes and file-name pattern)--> paths
    --reader.read (guarded; what it returns checked: the reader's fault)--> SpectrometerFile per path
    --sorted by (wavelength, density, name); one spectrometer, one pixel grid, one filter per wavelength-->
    --method (per file; repeats of one measurement averaged)--> MonochromatorSpectra
"""

from __future__ import annotations

import re
import stat
import warnings
from pathlib import Path
from typing import Sequence

import attrs
import numpy as np

from camchar._version import __version__
from camchar.core.bounds import ND, WAVELENGTH
from camchar.core.errors import BadInput, CamcharWarning, shorten
from camchar.core.spectrometer import SpectrometerFile, check_spectrometer_file
from camchar.files.hdf5_values import MAX_ROWS, MAX_VALUES
from camchar.files.monochromator_spectra import MonochromatorSpectra
from camchar.host.components import SpectrometerReader
from camchar.host.guard import checked_type, component_error
from camchar.pipeline.choice import ChosenComponent
from camchar.spectra.choice import folder_entries
from camchar.spectra.method import CORRECTED, ESTIMATES, MIN_REPEATS, ORIGINAL, REPEATS, SpectraParameters, bin_edges, per_file

__all__ = ["Flags", "SPECTRA_FLAGS", "FOLDER_FLAGS", "check_parameters", "check_sizes", "Measurement", "check_folder", "files_in", "read_files", "check_plausible", "measurements", "compute_spectra", "spectra_of_folder"]


@attrs.frozen
class Flags:
    """How the user sets the step's parameters, for the advice in messages: ``camchar spectra``'s flags, or the folder reader's options.

    Parameters
    ----------
    noise
        What sets the noise estimate, before its value (``--noise ``, ``--option spectrometer-folder.noise=``).
    range
        What sets the first and last bin centre.
    step
        What sets the bin spacing.
    grid
        The bins as the user set them, a format of ``start``, ``stop`` and ``step``.
    """

    noise: str
    range: str
    step: str
    grid: str

    def bins(self, parameters: SpectraParameters) -> str:
        """The bins as the user set them: ``--range 250 850 in steps of 1 nm``."""
        return self.grid.format(start=parameters.start, stop=parameters.stop, step=parameters.step)


#: ``camchar spectra``'s flags.
SPECTRA_FLAGS = Flags("--noise ", "--range", "--step", "--range {start:g} {stop:g} in steps of {step:g} nm")
#: The options of the folder reader of ``camchar response --source FOLDER`` (:mod:`camchar.spectra.source`).
FOLDER_FLAGS = Flags(
    "--option spectrometer-folder.noise=",
    "--option spectrometer-folder.start and .stop",
    "--option spectrometer-folder.step",
    "--option spectrometer-folder.start, .stop and .step: {start:g} to {stop:g} nm in steps of {step:g} nm",
)
#: The docs' section on the limits of a file camchar reads.
_LIMITS_DOC = "docs/file-format.md#limits"


def check_parameters(parameters: SpectraParameters, flags: Flags = SPECTRA_FLAGS) -> None:
    """Refuse a step that is not positive, a range that is empty or reversed, an unknown estimate, or more bins than camchar reads.

    The bins are held to the MonochromatorSpectra reader's limit
    (:data:`~camchar.files.hdf5_values.MAX_ROWS` per spectrum): the step
    never writes a file its own reader would refuse.

    Raises
    ------
    BadInput
        Naming the flag (or option).
    """
    if not parameters.step > 0:
        raise BadInput(None, f"{flags.step} must be a positive number of nm, got {parameters.step:g}")
    if not parameters.stop > parameters.start:
        raise BadInput(None, f"{flags.range} needs the first bin centre below the last, got {parameters.start:g} and {parameters.stop:g}")
    steps = (parameters.stop - parameters.start) / parameters.step
    if not steps < MAX_ROWS:
        count = f"{1 + int(steps):,}" if steps < 1e18 else f"more than {MAX_ROWS:,}"
        raise BadInput(
            None,
            f"{flags.bins(parameters)} makes {count} bins; camchar reads at most {MAX_ROWS:,} in a spectrum ({_LIMITS_DOC}): give a larger {flags.step}",
        )
    if parameters.noise not in ESTIMATES:
        raise BadInput(None, f"{flags.noise.strip()} must be one of {', '.join(ESTIMATES)}, got {parameters.noise!r}")


def check_sizes(folder: Path, nominal: int, bins: int, pixels: int, flags: Flags = SPECTRA_FLAGS) -> None:
    """Refuse spectra larger than the MonochromatorSpectra reader reads (``docs/file-format.md#limits``).

    Parameters
    ----------
    folder
        The folder, named in the message.
    nominal
        The nominal wavelengths (rows).
    bins
        The new bins.
    pixels
        The spectrometer's pixels (``raw/``).

    Raises
    ------
    BadInput
        Naming the folder, the sizes and the limit.
    """
    if pixels > MAX_ROWS:
        raise BadInput(folder, f"the files hold {pixels:,} pixels; camchar reads at most {MAX_ROWS:,} in a spectrum ({_LIMITS_DOC})")
    if nominal > MAX_ROWS:
        raise BadInput(folder, f"the files give {nominal:,} nominal wavelengths; camchar reads at most {MAX_ROWS:,} ({_LIMITS_DOC})")
    for values, what, advice in (
        (nominal * bins, f"{bins:,} bins make {nominal * bins:,} values", f"give a larger {flags.step}"),
        (nominal * pixels, f"{pixels:,} pixels make {nominal * pixels:,} raw values", "split the folder"),
    ):
        if values > MAX_VALUES:
            raise BadInput(
                folder,
                f"{nominal:,} nominal wavelengths x {what}; camchar reads at most {MAX_VALUES:,} in one dataset ({_LIMITS_DOC}): {advice}",
            )


@attrs.frozen
class Measurement:
    """One row of the output: the files measured at one nominal wavelength through one filter (repeats included)."""

    nominal_wavelength: float
    optical_density: float
    files: tuple[SpectrometerFile, ...]


def check_folder(folder: Path) -> None:
    """Refuse a folder that does not exist or is not a folder.

    Raises
    ------
    BadInput
        Naming it.
    """
    if not folder.exists():
        raise BadInput(folder, "folder of spectrometer files not found")
    if not folder.is_dir():
        raise BadInput(folder, "is not a folder; give the folder of spectrometer files")


def files_in(folder: Path, reader: ChosenComponent) -> list[Path]:
    """The files of ``folder`` (not its subfolders, not hidden ones) that ``reader`` can open, by name.

    An entry named as the reader's files that is not a regular file (a
    folder, a named pipe, a link to a device or to nothing) is refused, never
    opened: skipping it would drop a measurement without a word.

    Raises
    ------
    BadInput
        When there is none (naming the reader, its suffixes and its pattern), or an entry named as its files is
        not a regular file.
    """
    check_folder(folder)
    found = []
    for path in folder_entries(folder):
        problem = _not_regular(path)
        if problem is None:
            if reader.component.can_open(path):
                found.append(path)
        elif _named_as_a_measurement(reader, path):
            raise BadInput(path, problem)
    if not found:
        suffixes = ", ".join(reader.component.suffixes) or "any suffix"
        pattern = reader.component.config.get("pattern")
        named = f" named by the pattern {pattern!r}" if pattern else ""
        raise BadInput(folder, f"no file that the spectrometer reader '{reader.name}' reads ({suffixes}{named}); name another with --reader, or set {reader.name}.pattern")
    return found


def _not_regular(path: Path) -> str | None:
    """Why ``path`` (followed through links) is not a regular file, or ``None``; never opens it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        if path.is_symlink():
            return "is a symbolic link that leads to no file (broken, or a loop); camchar reads spectrometer files only"
        return "cannot be examined (it went away, or a permission is missing); camchar reads spectrometer files only"
    if stat.S_ISREG(mode):
        return None
    return "is not a regular file (a folder, pipe or device); camchar reads spectrometer files only"


def _named_as_a_measurement(reader: ChosenComponent, path: Path) -> bool:
    """Whether ``path``'s name is one of ``reader``'s files, judged by the name alone (its suffix and pattern).

    The reader's own ``can_open`` is not asked: a plugin's may open the
    file, and a named pipe must never be opened.
    """
    component = reader.component.component
    if path.suffix.lower() not in component.suffixes:
        return False
    try:
        return SpectrometerReader.name_match(component, path) is not None
    except ValueError:
        return True
    except Exception:  # noqa: BLE001 - a name the pattern cannot judge is no measurement's
        return False


def read_files(paths: Sequence[Path], reader: ChosenComponent) -> list[SpectrometerFile]:
    """Each file read by ``reader`` and checked, sorted by (nominal wavelength, density, name) as the original sorts.

    Raises
    ------
    BadInput
        When the reader refuses a file, or the files do not belong together (:func:`_check_together`).
    PluginError
        When the reader fails, or returns what is not a checked :class:`~camchar.api.SpectrometerFile`.
    """
    read = []
    for path in paths:
        spectrum = checked_type(reader.registered, "read", reader.component.read(path), SpectrometerFile, "camchar.api.SpectrometerFile")
        try:
            check_spectrometer_file(spectrum)
        except BadInput as problem:
            raise component_error(reader.registered, f"returned a spectrum from read() that fails camchar's checks: {problem.message}") from None
        check_plausible(spectrum)
        read.append(spectrum)
    read.sort(key=lambda spectrum: (spectrum.nominal_wavelength, spectrum.optical_density, spectrum.path.name))
    _check_together(read)
    return read


def check_plausible(spectrum: SpectrometerFile) -> None:
    """Refuse a nominal wavelength or filter from a file's name that no measurement has; warn about unusual ones.

    The bounds are the project's (:mod:`camchar.core.bounds`, as for a
    settings file's wavelengths and ``ND``): a wavelength of 0 nm or a filter
    of ND 25 (an irradiance 1e25 times the measured one) is a typo in a name,
    refused; one of 50 nm or ND 12 may be a real lab's, warned about by name.
    The density is written negative (``ND-3``): a positive one would divide
    the irradiance by the filter's factor instead of undoing it.

    Raises
    ------
    BadInput
        Naming the file and the value.

    Warns
    -----
    CamcharWarning
        Naming the file and the unusual value.
    """
    if spectrum.optical_density > 0:
        raise BadInput(
            spectrum.path,
            f"its name gives the optical density {spectrum.optical_density:g}, and a filter's is written negative (ND-{spectrum.optical_density:g}): "
            "the irradiance is multiplied by 10 ** -density",
        )
    for bound, value, words in ((WAVELENGTH, spectrum.nominal_wavelength, "the nominal"), (ND, -spectrum.optical_density + 0.0, "the filter")):
        refusal = bound.refusal(value)
        if refusal is not None:
            raise BadInput(spectrum.path, f"its name gives {words} {_with_comma(refusal)}; refused (a typo in the name?)")
        warning = bound.warning(value)
        if warning is not None:
            warnings.warn(CamcharWarning(f"{spectrum.path}: its name gives {words} {_with_comma(warning)}"), stacklevel=2)


def _with_comma(text: str) -> str:
    """A bound's message as a clause: ``wavelength 0 nm, outside the possible range ...``."""
    return text.replace(" is outside", ", outside", 1)


def _check_together(spectra: Sequence[SpectrometerFile]) -> None:
    """One spectrometer, one pixel grid, one unit and one dark range for every file.

    Raises
    ------
    BadInput
        Naming the first file that differs from the first file, and how.
    """
    first = spectra[0]
    for spectrum in spectra[1:]:
        if spectrum.spectrometer != first.spectrometer:
            problem = f"is from spectrometer {shorten(spectrum.spectrometer, 60)!r}, but {first.path.name} from {shorten(first.spectrometer, 60)!r}"
        elif spectrum.wavelength.shape != first.wavelength.shape:
            problem = f"has another pixel grid ({_grid(spectrum)}) than {first.path.name} ({_grid(first)})"
        elif not np.array_equal(spectrum.wavelength, first.wavelength):
            pixel = int(np.argmax(spectrum.wavelength != first.wavelength))
            problem = (
                f"has another pixel grid than {first.path.name}: pixel {pixel} is at {float(spectrum.wavelength[pixel])!r} nm, "
                f"and at {float(first.wavelength[pixel])!r} nm in {first.path.name}"
            )
        elif spectrum.units != first.units:
            problem = f"is in {shorten(spectrum.units, 30)!r}, but {first.path.name} in {shorten(first.units, 30)!r}"
        elif spectrum.dark_pixels != first.dark_pixels:
            problem = f"has dark pixels {spectrum.dark_pixels}, but {first.path.name} {first.dark_pixels}"
        else:
            continue
        raise BadInput(spectrum.path, f"{problem}: the files of one folder must be one spectrometer's, with one pixel grid")


def _grid(spectrum: SpectrometerFile) -> str:
    return f"{spectrum.wavelength.size} pixels, {spectrum.wavelength[0]:g} to {spectrum.wavelength[-1]:g} nm"


def measurements(spectra: Sequence[SpectrometerFile]) -> list[Measurement]:
    """The sorted files grouped by (nominal wavelength, density): repeats of one measurement together.

    Raises
    ------
    BadInput
        When one nominal wavelength was measured through two filters: the response needs one spectrum per
        nominal wavelength.
    """
    groups: dict[tuple[float, float], list[SpectrometerFile]] = {}
    for spectrum in spectra:
        groups.setdefault((spectrum.nominal_wavelength, spectrum.optical_density), []).append(spectrum)
    for files in groups.values():
        _refuse_two_names(files)
    found = [Measurement(wavelength, density, tuple(files)) for (wavelength, density), files in groups.items()]
    for before, after in zip(found, found[1:]):
        if before.nominal_wavelength == after.nominal_wavelength:
            raise BadInput(
                after.files[0].path,
                f"{after.nominal_wavelength:g} nm was also measured through another filter ({before.files[0].path.name}, ND{before.optical_density:g}); "
                "the response needs one spectrum per nominal wavelength: keep one filter's files",
            )
    return found


def _refuse_two_names(files: Sequence[SpectrometerFile]) -> None:
    """Refuse two files of one measurement with one repeat number: only `` (N)`` names are repeats.

    ``500.0 ND-3.txt`` beside ``500 ND-3.txt`` is the same measurement named
    twice (a copy under another name, or a typo), not a documented repeat;
    averaging them silently would count one file twice.

    Raises
    ------
    BadInput
        Naming both files.
    """
    seen: dict[int, SpectrometerFile] = {}
    for spectrum in files:
        earlier = seen.setdefault(spectrum.repeat, spectrum)
        if earlier is spectrum:
            continue
        repeat = f", repeat {spectrum.repeat}" if spectrum.repeat > 1 else ""
        free = max(seen) + 1
        named = f"{re.sub(r' [(][0-9]+[)]$', '', earlier.path.stem)} ({free}){earlier.path.suffix}"
        raise BadInput(
            spectrum.path,
            f"names the same measurement as {earlier.path.name} ({spectrum.nominal_wavelength:g} nm, ND{spectrum.optical_density:g}{repeat}); "
            f"only a copy named with ' (N)' before the suffix is a repeat: remove one of them, or name a repeat {named}",
        )


def _check_range(spectrum: SpectrometerFile, folder: Path, parameters: SpectraParameters, centres: np.ndarray, flags: Flags) -> None:
    """Refuse new bins that reach beyond the measured (light) pixels' bins, or fewer than 3 of them.

    Raises
    ------
    BadInput
        Naming the folder, the range and the measured wavelengths.
    """
    if centres.size < 3:
        raise BadInput(folder, f"the range {parameters.start:g} to {parameters.stop:g} nm in steps of {parameters.step:g} nm gives {centres.size} bin(s); at least 3 are needed")
    measured = bin_edges(spectrum.wavelength[spectrum.dark_pixels[1] :])
    new = bin_edges(centres)
    if new[0] < measured[0] or new[-1] > measured[-1]:
        raise BadInput(
            folder,
            f"the range {parameters.start:g} to {parameters.stop:g} nm (bins from {new[0]:g} to {new[-1]:g} nm) reaches beyond the measured "
            f"wavelengths, {measured[0]:g} to {measured[-1]:g} nm (after the dark pixels); choose a range inside them ({flags.range})",
        )


def compute_spectra(folder: Path, spectra: Sequence[SpectrometerFile], parameters: SpectraParameters, flags: Flags = SPECTRA_FLAGS) -> MonochromatorSpectra:
    """The source spectra of the checked, sorted ``spectra``, by the original's method and the chosen noise estimate.

    Repeated files of one measurement are averaged (irradiance and raw
    values); their noise is that of a mean of the files, or, with
    ``noise="repeats"`` and at least :data:`MIN_REPEATS` files, their
    spread (standard error of the mean).

    Raises
    ------
    BadInput
        When the bins reach beyond the measured wavelengths.
    """
    first = spectra[0]
    centres = parameters.centres()
    _check_range(first, folder, parameters, centres, flags)
    rows = measurements(spectra)
    check_sizes(folder, len(rows), centres.size, first.wavelength.size, flags)
    short = [row for row in rows if len(row.files) < MIN_REPEATS]
    if first.dark_pixels[1] <= first.dark_pixels[0] and not (parameters.noise == REPEATS and not short):
        if parameters.noise == REPEATS:
            raise BadInput(
                folder,
                f"the files have no dark pixels, and {_short_of_repeats(short)} {'has' if len(short) == 1 else 'have'} fewer than {MIN_REPEATS} files, "
                f"whose noise is the {CORRECTED} estimate, which starts from the dark pixels; give the reader's dark_start and dark_stop options, "
                f"or measure {'that wavelength' if len(short) == 1 else 'those wavelengths'} {MIN_REPEATS} times",
            )
        raise BadInput(
            folder,
            f"the files have no dark pixels, from which the {parameters.noise} noise estimate starts; give the reader's dark_start and "
            f"dark_stop options, or measure each wavelength {MIN_REPEATS} times and use {flags.noise}{REPEATS}",
        )
    if first.dark_pixels[1] - first.dark_pixels[0] == 1:
        raise BadInput(folder, f"the files have 1 dark pixel (pixel {first.dark_pixels[0]}): a variance needs at least 2, and the noise estimates start from it")
    values = np.stack([spectrum.values for spectrum in spectra])
    computed = per_file(values, first.wavelength, first.dark_pixels, [spectrum.optical_density for spectrum in spectra], centres)
    per_row = _combine(rows, values, computed, parameters.noise, flags)
    last = spectra[-1]
    return MonochromatorSpectra(
        nominal_wavelength=np.array([row.nominal_wavelength for row in rows]),
        wavelength=centres,
        irradiance=per_row["irradiance"],
        irradiance_std=per_row["std"],
        raw_wavelength=first.wavelength,
        raw_irradiance=per_row["raw"],
        optical_density=np.array([row.optical_density for row in rows]),
        units=first.units,
        n=last.scans,
        spectrometer=last.spectrometer,
        date=last.date,
        estimate=parameters.noise,
        dark_pixels=first.dark_pixels,
        e_dark_correction=last.electric_dark,
        nonlinearity_correction=last.nonlinearity,
        provenance={
            "version": __version__,
            "parameters": attrs.asdict(parameters),
            "files": [spectrum.path.name for spectrum in spectra],
            "repeats_used": int(per_row["repeats_used"]),
        },
    )


def _short_of_repeats(rows: Sequence[Measurement], shown: int = 5) -> str:
    """The nominal wavelengths of ``rows`` with their numbers of files: ``400 nm (2 files), 505 nm (1 file)``, the first ``shown``."""
    named = ", ".join(f"{row.nominal_wavelength:g} nm ({len(row.files)} file{'s' if len(row.files) > 1 else ''})" for row in rows[:shown])
    return named + (f" and {len(rows) - shown} more" if len(rows) > shown else "")


def _combine(rows: Sequence[Measurement], values: np.ndarray, computed, noise: str, flags: Flags = SPECTRA_FLAGS) -> dict:
    """Per row: the mean of its files' spectra and raw values, and its standard deviation by ``noise``."""
    irradiance, std, raw = [], [], []
    repeats_used = 0
    start = 0
    for row in rows:
        taken = slice(start, start + len(row.files))
        start += len(row.files)
        count = len(row.files)
        spectra = computed.irradiance[taken]
        irradiance.append(spectra[0] if count == 1 else spectra.mean(axis=0))
        raw.append(values[taken][0] if count == 1 else values[taken].mean(axis=0))
        if noise == REPEATS and count >= MIN_REPEATS:
            std.append(spectra.std(axis=0, ddof=1) / np.sqrt(count))
            repeats_used += 1
            continue
        variance = computed.original_variance[taken] if noise == ORIGINAL else computed.corrected_variance[taken]
        std.append(np.sqrt(variance[0]) if count == 1 else np.sqrt(variance.mean(axis=0) / count))
    if noise == REPEATS and repeats_used < len(rows):
        warnings.warn(
            CamcharWarning(
                f"{flags.noise}{REPEATS}: {len(rows) - repeats_used} of {len(rows)} nominal wavelength(s) have fewer than {MIN_REPEATS} files; "
                f"their noise is the {CORRECTED} estimate: {_short_of_repeats([row for row in rows if len(row.files) < MIN_REPEATS])}"
            ),
            stacklevel=3,
        )
    return {"irradiance": np.stack(irradiance), "std": np.stack(std), "raw": np.stack(raw), "repeats_used": repeats_used}


def spectra_of_folder(folder: Path, reader: ChosenComponent, parameters: SpectraParameters, flags: Flags = SPECTRA_FLAGS) -> MonochromatorSpectra:
    """Read the folder's spectrometer files with ``reader`` and compute their source spectra.

    Raises
    ------
    BadInput
        For any problem with the folder or its files.
    PluginError
        When the reader breaks its contract.
    """
    check_parameters(parameters, flags)
    return compute_spectra(folder, read_files(files_in(folder, reader), reader), parameters, flags)
