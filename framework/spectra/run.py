"""``camchar spectra``, step by step: a folder of spectrometer files to a MonochromatorSpectra file.

::

    folder --choice--> spectrometer reader (named, or the one that opens its files), options checked;
                       writer of spectra (by the output's suffix)
    --output rules--> not an input, not inside the folder; the writer can write it
    --folder--> files read (guarded, checked), sorted, one spectrometer and pixel grid
    --method--> dark correction, ND, rebinning, noise estimate --> MonochromatorSpectra
    --writer--> the output, whole
"""

from __future__ import annotations

import time
from pathlib import Path

import attrs

from camchar.core.errors import BadInput
from camchar.core.paths import same_file_key
from camchar.files.atomic import check_output_path
from camchar.files.monochromator_spectra import MonochromatorSpectra
from camchar.host.kinds import SPECTROMETER_READERS, WRITERS
from camchar.host.options import OptionValue
from camchar.host.registry import Components
from camchar.pipeline.choice import ChosenComponent, check_unused_options, configure, named_component, option_values, writer_for
from camchar.pipeline.output import check_writer, refuse_an_input, write_result
from camchar.runtime.progress import Reporter, silent
from camchar.runtime.warning_log import recording_warnings
from camchar.spectra.choice import choose_spectrometer_reader
from camchar.spectra.folder import check_folder, check_parameters, compute_spectra, files_in, read_files
from camchar.spectra.method import SpectraParameters

__all__ = ["SpectraOptions", "run_spectra"]

@attrs.frozen
class SpectraOptions:
    """The choices of one ``camchar spectra`` run (the flags).

    Parameters
    ----------
    output
        The file to write.
    parameters
        The new bins and the noise estimate.
    reader
        The spectrometer reader's name; ``None``: the one that can open the folder's files.
    writer
        The writer's name; ``None``: the one that writes spectra with the output's suffix.
    options
        Component options by component name (``--option``).
    """

    output: Path
    parameters: SpectraParameters = SpectraParameters()
    reader: str | None = None
    writer: str | None = None
    options: dict[str, dict[str, OptionValue]] = attrs.field(factory=dict)


def _choose(components: Components, folder: Path, options: SpectraOptions) -> tuple[ChosenComponent, ChosenComponent]:
    given = option_values(None, options.options)
    named = named_component(components, SPECTROMETER_READERS, options.reader, None)
    reader = choose_spectrometer_reader(components, folder, named, given)
    writer_entry = writer_for(components, options.output, "spectra", named_component(components, WRITERS, options.writer, None))
    check_unused_options(components, given, {reader.name, writer_entry.name})
    return reader, configure(writer_entry, given.get(writer_entry.name, {}))


def run_spectra(folder: Path, components: Components, options: SpectraOptions, reporter: Reporter | None = None) -> MonochromatorSpectra:
    """The whole ``camchar spectra`` run: check, choose, read, compute, write.

    Returns
    -------
    MonochromatorSpectra
        What was written to ``options.output``.

    Raises
    ------
    BadInput
        For any problem with the folder, its files, the flags or the output; nothing is written.
    PluginError
        When the reader or the writer breaks its contract; nothing is written.
    """
    reporter = reporter or silent()
    folder, output = Path(folder), Path(options.output)
    check_parameters(options.parameters)
    check_folder(folder)
    reader, writer = _choose(components, folder, options)
    check_output_path(output)
    if same_file_key(output).is_relative_to(same_file_key(folder)):
        raise BadInput(output, f"is inside the folder {folder} of spectrometer files: choose an output outside it")
    paths = files_in(folder, reader)
    refuse_an_input(output, paths, "one of the spectrometer files", "the spectra")
    check_writer(writer, output)
    started = time.perf_counter()
    with recording_warnings() as given:
        spectra = compute_spectra(folder, read_files(paths, reader), options.parameters)
    provenance = {**spectra.provenance, "spectrometer_reader": reader.provenance(), "writer": writer.provenance()}
    if given:
        provenance["warnings"] = list(given)
    spectra = attrs.evolve(spectra, provenance=provenance)
    write_result(spectra, writer, output, made_from=folder)
    reporter.summary(_summary(spectra, len(paths), reader, output, time.perf_counter() - started))
    return spectra


def _summary(spectra: MonochromatorSpectra, files: int, reader: ChosenComponent, output: Path, seconds: float) -> str:
    bins = spectra.wavelength
    repeats = spectra.provenance.get("repeats_used", 0)
    by_repeats = f" ({repeats} from repeats)" if spectra.estimate == "repeats" else ""
    return (
        f"wrote {output}: {files} file(s) read by {reader.name}, {spectra.nominal_wavelength.size} nominal wavelength(s), "
        f"{bins.size} bins {bins[0]:g} to {bins[-1]:g} nm; noise estimate {spectra.estimate}{by_repeats} [{seconds:.2f} s]"
    )
