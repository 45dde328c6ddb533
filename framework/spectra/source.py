"""A folder of spectrometer files as the source of ``camchar response``: the spectra computed on the fly.

When no installed spectra reader claims a source folder, the response reads
it with :class:`SpectrometerFolderReader`: the spectra step's method run on
the files a spectrometer reader reads, with the step's defaults unless its
options (``--option spectrometer-folder.noise=corrected``) say otherwise.
The files it reads are exactly the ones recorded in the response's record of inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from camchar._version import __version__
from camchar.core.spectra import SourceSpectra
from camchar.host.components import SpectraReader
from camchar.host.kinds import SPECTRA_READERS
from camchar.host.options import Option, OptionValue
from camchar.host.registry import BUILT_IN, Components, PluginInfo, Registered
from camchar.pipeline.choice import ChosenComponent
from camchar.pipeline.output import check_finite_result
from camchar.spectra.choice import choose_spectrometer_reader, reader_for_folder
from camchar.spectra.folder import FOLDER_FLAGS, files_in, spectra_of_folder
from camchar.spectra.method import ESTIMATES, SpectraParameters

__all__ = ["SpectrometerFolderReader", "folder_source_reader"]

#: The plugin the folder reader is recorded under: camchar itself.
SPECTRA_STEP = PluginInfo("camchar.spectra", __version__, BUILT_IN, "camchar", "camchar.spectra.source")
_DEFAULTS = SpectraParameters()


class SpectrometerFolderReader(SpectraReader):
    """Source spectra computed from a folder of spectrometer files by the ``camchar spectra`` step's method."""

    name = "spectrometer-folder"
    description = "a folder of spectrometer files, turned into source spectra as camchar spectra does"
    options = (
        Option("start", float, _DEFAULTS.start, "first bin centre (nm)"),
        Option("stop", float, _DEFAULTS.stop, "last bin centre (nm)"),
        Option("step", float, _DEFAULTS.step, "bin spacing (nm)", minimum=1e-3),
        Option("noise", str, _DEFAULTS.noise, "noise estimate (camchar spectra --noise)", choices=ESTIMATES),
    )

    def __init__(self, spectrometer: ChosenComponent):
        self.spectrometer = spectrometer

    def can_open(self, path: Path) -> bool:
        """Whether ``path`` is a folder holding a file its spectrometer reader reads."""
        try:
            return Path(path).is_dir() and bool(files_in(Path(path), self.spectrometer))
        except Exception:  # noqa: BLE001 - can_open must not raise
            return False

    def read(self, path: Path) -> SourceSpectra:
        """The folder's source spectra, as ``camchar spectra`` with these options would write them."""
        parameters = SpectraParameters(self.config["start"], self.config["stop"], self.config["step"], self.config["noise"])
        spectra = spectra_of_folder(Path(path), self.spectrometer, parameters, FOLDER_FLAGS)
        check_finite_result(spectra, Path(path))  # as camchar spectra refuses to write them: the folder's fault, not the reader's
        source = spectra.to_source_spectra()
        source.metadata.update(spectrometer_reader=self.spectrometer.provenance(), files=len(spectra.provenance["files"]))
        return source

    def files(self, path: Path) -> Sequence[Path]:
        """Exactly the files :meth:`read` reads."""
        return files_in(Path(path), self.spectrometer)


def folder_source_reader(
    components: Components, folder: Path, named: Registered | None, given: Mapping[str, Mapping[str, OptionValue]]
) -> Registered | None:
    """The folder reader for ``folder`` with its spectrometer reader chosen and configured; ``None`` when no spectrometer reader reads its files.

    Parameters
    ----------
    components
        The registry.
    folder
        The source folder.
    named
        The spectrometer reader the settings name (``spectrometer_reader``), if any.
    given
        Option values by component name.

    Raises
    ------
    BadInput
        When an option of the spectrometer reader is bad.
    """
    if not folder.is_dir() or (named is None and reader_for_folder(components, folder) is None):
        return None
    spectrometer = choose_spectrometer_reader(components, folder, named, given)
    return Registered(SpectrometerFolderReader(spectrometer), SPECTRA_READERS, SPECTRA_STEP)
