"""CameraSamples: per-wavelength mean and temporal noise of a camera, as the original defines them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np

from camchar.files.atomic import atomic_output
from camchar.files.samples_h5 import read_samples_h5, write_samples_h5
from camchar.files.scaling import normalization_scale, scalable

__all__ = ["CameraSamples"]


#: The members stored in the file, in the original's names.
FIELDS = (
    "nom_wl",
    "wl_units",
    "mean",
    "std",
    "n",
    "units",
    "exp_time",
    "exp_time_units",
    "ND",
    "camera",
    "lens",
    "settings",
    "label",
)


class CameraSamples:
    """Load and save camera sample data.

    Parameters
    ----------
    path
        ``None``, or the path of an HDF5 file to load.

    Attributes
    ----------
    nom_wl : numpy.ndarray
        Nominal wavelength of each sample, shape ``(N,)``.
    wl_units : str
        Units of ``nom_wl``.
    mean : numpy.ndarray
        Mean of each sample image, shape ``(N, C)``: samples, colour channels.
    std : numpy.ndarray
        Temporal noise (standard deviation) of each sample image, ``(N, C)``.
    n : int
        Number of pixels averaged for each sample image.
    units : str
        Units of ``mean`` and ``std``.
    exp_time : numpy.ndarray
        Exposure time of each sample image, shape ``(N,)``.
    exp_time_units : str
        Units of ``exp_time``.
    ND : float
        Neutral density filter value.
    camera, lens, settings, label : str
        Camera, lens, camera and lens settings, short name of the dataset.
    scale : float
        Scale applied to ``mean`` and ``std`` by :meth:`normalize`.
    provenance : dict
        camchar's record of how the file was made (versions, components,
        selected image numbers); empty for files of the original tool.
    emva1288 : dict
        The EMVA 1288 parameters, ``{name: (values, attributes)}`` with a
        ``units`` attribute each (``docs/emva1288.md``); empty when the
        sweep gives none.
    """

    def __init__(self, path: str | Path | None = None):
        self.nom_wl: np.ndarray | None = None
        self.wl_units: str | None = None
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.n: int | None = None
        self.units: str | None = None
        self.exp_time: np.ndarray | None = None
        self.exp_time_units: str | None = None
        self.ND: float | None = None
        self.camera: str | None = None
        self.lens: str | None = None
        self.settings: str | None = None
        self.label: str | None = None
        self.scale: float = 1.0
        self.provenance: dict[str, Any] = {}
        self.emva1288: dict[str, tuple[np.ndarray, dict[str, Any]]] = {}
        if path is not None:
            self.load(path)

    def load(self, path: str | Path) -> None:
        """Load data from the HDF5 file at ``path``; missing items become ``None`` with a warning."""
        fields = read_samples_h5(path)
        for name in FIELDS:
            setattr(self, name, fields[name])
        self.provenance = fields["provenance"]
        self.emva1288 = fields["emva1288"]
        self.scale = 1.0

    def save(self, path: str | Path) -> None:
        """Save data to the HDF5 file at ``path``, replacing an existing file once the new one is complete."""
        with atomic_output(path) as temporary:
            write_samples_h5(temporary, self.fields(), self.provenance, self.emva1288)

    def fields(self) -> dict[str, Any]:
        """The stored members as a dictionary, for writers."""
        return {name: getattr(self, name) for name in FIELDS}

    def normalize(self, mode: Literal["peak", "total"] = "peak") -> None:
        """Scale ``mean`` and ``std`` so that the peak or the total response is 1.

        ``'peak'`` divides by the largest mean of any channel. ``'total'``
        integrates each channel's mean over ``nom_wl`` (trapezoid rule) and
        divides by the largest integral. The original crashed on ``'total'``.

        Raises
        ------
        ValueError
            For another ``mode``, or when there is no ``mean`` and ``std`` to scale.
        """
        mean, std = scalable(self.mean, self.std, "samples")
        new_scale = normalization_scale(mean, self.nom_wl, mode)
        self.mean = mean / new_scale
        self.std = std / new_scale
        self.scale *= new_scale

    def denormalize(self) -> None:
        """Remove the scaling applied by :meth:`normalize`."""
        if self.scale != 1.0:
            mean, std = scalable(self.mean, self.std, "samples")
            self.mean = mean * self.scale
            self.std = std * self.scale
            self.scale = 1.0

