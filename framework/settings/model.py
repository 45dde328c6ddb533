"""``Settings``: a checked, immutable settings file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import attrs

from camchar.core.frames import Region
from camchar.host.options import OptionValue
from camchar.settings.exposure import ExposureSettings

__all__ = ["Settings", "Wavelength"]

Wavelength = int | float


@attrs.frozen
class Settings:
    """A parsed settings file.

    Paths are absolute; ``images`` is ordered by wavelength. ``data`` keeps the
    whole mapping as read; ``lines`` the line of every key (dotted paths such
    as ``images.450``); ``plugins`` the options given to components by name;
    ``exposure`` the sources of exposure times besides the files (``exposure:``);
    ``warnings`` the warnings reading the file gave (recorded in the output).
    """

    path: Path
    text: str
    image_dir: Path
    image_name: str
    images: Mapping[Wavelength, tuple[int, ...]]
    camera: str | None = None
    lens: str | None = None
    settings: str | None = None
    label: str | None = None
    nd: float = 0.0
    crop: Region | None = None
    dcraw: str | None = None
    roi: Region | None = None
    non_negative: bool = False
    source_spectra: str | None = None
    loader: str | None = None
    selector: str | None = None
    noise_model: str | None = None
    writer: str | None = None
    spectra_reader: str | None = None
    spectrometer_reader: str | None = None
    method: str | None = None
    max: float | None = None
    white_level: tuple[float, ...] | None = None
    black_level: tuple[float, ...] | None = None
    saturated_fraction: float = 0.0
    defect_mask: str | None = None
    detect_clipping: bool = True
    dark: Mapping[float | None, tuple[int, ...]] | None = None
    output: Path | None = None
    plugins: Mapping[str, Mapping[str, OptionValue]] = attrs.field(factory=dict)
    exposure: ExposureSettings | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    lines: Mapping[str, int] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def samples_file(self) -> Path:
        """Where the statistics go by default: ``output``, else the image folder's path with ``.h5`` appended."""
        if self.output is not None:
            return self.output
        return self.image_dir.with_name(self.image_dir.name + ".h5")

    def image_file(self, number: int, suffix: str | None = None) -> Path:
        """The path of image ``number``, optionally with its suffix replaced."""
        path = self.image_dir / self.image_name.format(number)
        return path.with_suffix(suffix) if suffix else path

    def line_of(self, key: str) -> int | None:
        """The 1-based line of a key (a dotted path for nested keys) in the settings file, when known."""
        return self.lines.get(key)

    def component(self, setting: str) -> str | None:
        """The component named by the settings key ``setting`` (``loader``, ``noise_model`` ...), if any."""
        return getattr(self, setting)
