"""CameraResponse: a camera's spectral response with its uncertainty, as the original defines it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np

from camchar.files.atomic import atomic_output
from camchar.files.camera_response_h5 import read_camera_response_h5, write_camera_response_h5
from camchar.files.scaling import normalization_scale, scalable

__all__ = ["CameraResponse", "FIELDS"]

#: The members stored in the file, in the original's names.
FIELDS = (
    "camera",
    "lens",
    "settings",
    "label",
    "wl",
    "wl_units",
    "mean",
    "std",
    "units",
    "scale",
    "n",
    "R2",
    "alpha",
    "method",
    "samples_wl",
    "samples_units",
    "samples_n",
    "samples_mean",
    "samples_std",
    "estimates_mean",
    "estimates_std",
    "estimates_n",
)


class CameraResponse:
    """Load and save a camera's spectral response.

    Parameters
    ----------
    path
        ``None``, or an HDF5 file to load (camchar's or the original's).

    Attributes
    ----------
    camera, lens, settings, label : str
        Copied from the samples: camera, lens, their settings, a short name.
    wl : numpy.ndarray
        Wavelength of each response bin, ``(W,)``.
    wl_units : str
        Units of ``wl`` and ``samples_wl``.
    mean : numpy.ndarray
        Mean spectral response over the bootstrap draws, ``(W, C)``.
    std : numpy.ndarray
        Its standard deviation over the draws, ``(W, C)``.
    units : str
        Units of ``mean`` and ``std``, ``(samples units)/(source units)``.
    scale : float
        Scale applied to ``mean`` and ``std`` by :meth:`normalize` (1 in files).
    n : int
        Number of bootstrap draws (0: one plain fit).
    R2 : float
        Coefficient of determination of ``estimates_mean`` for ``samples_mean``.
    alpha : float
        Ridge strength of the fit (0 for ``ols``).
    method : str
        The fit method.
    samples_wl : numpy.ndarray
        Nominal wavelengths of the samples used, ``(M,)``.
    samples_units : str
        Units of the samples and estimates.
    samples_n : int
        Pixels averaged for each sample.
    samples_mean, samples_std : numpy.ndarray
        The samples used, ``(M, C)``.
    estimates_mean, estimates_std : numpy.ndarray
        The fitted samples over the draws, ``(M, C)``.
    estimates_n : int
        Number of draws behind the estimates.
    provenance : dict
        camchar's record of how the file was made (``version``, ``method``,
        ``parameters``, ``options``, ``inputs``...); empty for the original's files.
    """

    def __init__(self, path: str | Path | None = None):
        self.camera: str | None = None
        self.lens: str | None = None
        self.settings: str | None = None
        self.label: str | None = None
        self.wl: np.ndarray | None = None
        self.wl_units: str | None = None
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.units: str | None = None
        self.scale: float = 1.0
        self.n: int | None = None
        self.R2: float | None = None
        self.alpha: float | None = None
        self.method: str | None = None
        self.samples_wl: np.ndarray | None = None
        self.samples_units: str | None = None
        self.samples_n: int | None = None
        self.samples_mean: np.ndarray | None = None
        self.samples_std: np.ndarray | None = None
        self.estimates_mean: np.ndarray | None = None
        self.estimates_std: np.ndarray | None = None
        self.estimates_n: int | None = None
        self.provenance: dict[str, Any] = {}
        if path is not None:
            self.load(path)

    def fields(self) -> dict[str, Any]:
        """The stored members as a dictionary."""
        return {name: getattr(self, name) for name in FIELDS}

    def load(self, path: str | Path) -> None:
        """Load from the HDF5 file at ``path``; missing items become ``None`` with a warning."""
        fields = read_camera_response_h5(path)
        for name in FIELDS:
            setattr(self, name, fields[name])
        self.provenance = fields["provenance"]

    def save(self, path: str | Path) -> None:
        """Save to the HDF5 file at ``path``, replacing an existing file only once the new one is complete.

        A normalised response is saved as it is, with its ``scale``.
        """
        with atomic_output(path) as temporary:
            write_camera_response_h5(temporary, self.fields(), self.provenance)

    def normalize(self, mode: Literal["peak", "total"] = "peak") -> None:
        """Scale ``mean`` and ``std`` so that the peak or the total response is 1.

        Parameters
        ----------
        mode
            ``'peak'``: divide by the largest mean of any channel.
            ``'total'``: integrate each channel's mean over ``wl`` (trapezoid
            rule) and divide by the largest integral. (The original integrated
            along the channel axis instead.)

        Raises
        ------
        ValueError
            For another ``mode``, or when there is no ``mean`` and ``std`` to scale.
        """
        chosen = str(mode).lower()
        mean, std = scalable(self.mean, self.std, "response")
        new_scale = normalization_scale(mean, self.wl, chosen)
        self.mean = mean / new_scale
        self.std = std / new_scale
        self.scale *= new_scale

    def denormalize(self) -> None:
        """Remove the scaling applied by :meth:`normalize`."""
        if self.scale != 1.0:
            mean, std = scalable(self.mean, self.std, "response")
            self.mean = mean * self.scale
            self.std = std * self.scale
            self.scale = 1.0

