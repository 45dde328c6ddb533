"""Any camchar result file, read into one plain model.

Three layouts are recognised (``docs/results.md``), and one file may hold
more than one of them:

- **samples**: a CameraSamples file (``/samples``, ``/samples_std``,
  ``/nominal_wavelength``), what ``camchar stats`` and the original
  ``image_stats`` write;
- **response**: a CameraResponse file (``/response_mean``, ``/response_std``,
  ``/wavelength``, and the fitted samples in the group ``/samples``);
- **emva1288**: a group ``/emva1288`` of EMVA 1288 parameters per channel and
  the photon-transfer data of the gain fit, inside a samples file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import h5py
import numpy as np

from camchar.core.errors import BadInput
from camchar.files.camera_response_h5 import read_response_layout
from camchar.files.camera_samples import CameraSamples
from camchar.files.hdf5_values import EMVA1288, RESPONSE, SAMPLES, decode_json_attributes, file_kinds, plain_nested, text, texts
from camchar.files.samples_h5 import read_samples_layout

__all__ = [
    "EXTRAPOLATED",
    "KINDS",
    "EmvaData",
    "EmvaParameter",
    "FitData",
    "ResponseData",
    "Result",
    "SampleData",
    "default_channel_names",
    "read_result",
    "result_from_samples",
]

#: The kinds of result, in the order a file's primary kind is chosen.
KINDS = ("samples", "response", "emva1288")

#: What the tables show instead of an SNR where a response was not measured.
EXTRAPOLATED = "extrapolated"

#: EMVA 1288 parameters in the order they are shown, with the units the layout prescribes.
EMVA_PARAMETERS = {
    "system_gain": "DN/e-",
    "dark_noise": "DN",
    "dark_noise_electrons": "e-",
    "dsnu": "DN",
    "prnu": "%",
    "saturation": "DN",
    "dynamic_range": "dB",
}

def default_channel_names(count: int) -> tuple[str, ...]:
    """Channel names for a file that does not record them.

    Parameters
    ----------
    count
        The number of channels.

    Returns
    -------
    tuple of str
        R, G, B for 3 channels; R, G1, G2, B for 4 (the Bayer sites of
        ``raw-bayer``); C0, C1, ... otherwise.
    """
    if count == 3:
        return ("R", "G", "B")
    if count == 4:
        return ("R", "G1", "G2", "B")
    return tuple(f"C{index}" for index in range(count))


def _frozen_array(value: Any) -> np.ndarray:
    array = np.array(value)  # a private copy, made read-only
    array.flags.writeable = False
    return array


def _optional_array(value: Any) -> np.ndarray | None:
    return None if value is None else _frozen_array(value)


@attrs.frozen(eq=False)
class SampleData:
    """Per-wavelength mean and temporal noise of each channel (a CameraSamples file).

    Attributes
    ----------
    wavelength : numpy.ndarray
        Nominal wavelength of each sample, ``(N,)``, in ``wavelength_units``.
    mean, std : numpy.ndarray
        Mean signal and its temporal noise, ``(N, C)``, in ``units``.
    pixels : int or None
        Pixels averaged per sample (the ``n`` attribute).
    exposure_time : numpy.ndarray or None
        Exposure time of the selected frame, ``(N,)``, in ``exposure_time_units``.
    image_number : numpy.ndarray or None
        Image number of the selected frame, ``(N,)`` (camchar files only).
    iso : numpy.ndarray or None
        ISO of the selected frame, ``(N,)``, when the loader reported it.
    capture_time : tuple of str or None
        Capture time of the selected frame (ISO 8601), when reported.
    nd : float or None
        Neutral-density filter value.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    wavelength_units: str
    mean: np.ndarray = attrs.field(converter=_frozen_array)
    std: np.ndarray = attrs.field(converter=_frozen_array)
    units: str
    pixels: int | None = None
    exposure_time: np.ndarray | None = attrs.field(default=None, converter=_optional_array)
    exposure_time_units: str = "s"
    image_number: np.ndarray | None = attrs.field(default=None, converter=_optional_array)
    iso: np.ndarray | None = attrs.field(default=None, converter=_optional_array)
    capture_time: tuple[str, ...] | None = None
    nd: float | None = None

    @property
    def snr(self) -> np.ndarray:
        """Signal-to-noise ratio ``mean / std``, ``(N, C)``; infinite or NaN where ``std`` is 0."""
        return _ratio(self.mean, self.std)


@attrs.frozen(eq=False)
class FitData:
    """The samples a response was fitted to, and the fit's estimates of them.

    Attributes
    ----------
    wavelength : numpy.ndarray
        Nominal wavelengths shared by the samples and the source, ``(M,)``.
    mean, std : numpy.ndarray
        The measured samples and their noise, ``(M, C)``, in ``units``.
    pixels : int or None
        Pixels averaged per sample.
    estimate_mean, estimate_std : numpy.ndarray
        The fitted response's prediction of the samples, mean and spread over
        the bootstrap draws, ``(M, C)``, in ``estimate_units``.
    draws : int or None
        Bootstrap draws behind the estimates.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    wavelength_units: str
    mean: np.ndarray = attrs.field(converter=_frozen_array)
    std: np.ndarray = attrs.field(converter=_frozen_array)
    units: str
    estimate_mean: np.ndarray = attrs.field(converter=_frozen_array)
    estimate_std: np.ndarray = attrs.field(converter=_frozen_array)
    estimate_units: str
    pixels: int | None = None
    draws: int | None = None

    @property
    def residual(self) -> np.ndarray:
        """Measured minus estimated mean, ``(M, C)``, in ``units``."""
        return self.mean - self.estimate_mean


@attrs.frozen(eq=False)
class ResponseData:
    """A camera's spectral response per channel (a CameraResponse file).

    Attributes
    ----------
    wavelength : numpy.ndarray
        Wavelength bins of the response, ``(W,)``.
    mean, std : numpy.ndarray
        Response (sensitivity) and its bootstrap spread, ``(W, C)``, in ``units``.
    scale : float or None
        Scale the stored response was divided by (1 when not normalised).
    draws : int or None
        Bootstrap draws.
    r2, alpha : float or None
        Coefficient of determination of the fit and the regularisation weight.
    method : str or None
        The fitting method (``ridge-smooth``, ``ridge``, ``ols``, ...).
    fit : FitData or None
        The samples the response was fitted to, with the fit's estimates.
    """

    wavelength: np.ndarray = attrs.field(converter=_frozen_array)
    wavelength_units: str
    mean: np.ndarray = attrs.field(converter=_frozen_array)
    std: np.ndarray = attrs.field(converter=_frozen_array)
    units: str
    scale: float | None = None
    draws: int | None = None
    r2: float | None = None
    alpha: float | None = None
    method: str | None = None
    fit: FitData | None = None

    @property
    def snr(self) -> np.ndarray:
        """``mean / std`` of the response, ``(W, C)``."""
        return _ratio(self.mean, self.std)

    @property
    def measured_range(self) -> tuple[float, float] | None:
        """The span of wavelengths the response was fitted from (its samples' nominal wavelengths); ``None`` without them."""
        if self.fit is None or not self.fit.wavelength.size:
            return None
        return float(np.min(self.fit.wavelength)), float(np.max(self.fit.wavelength))

    @property
    def extrapolated(self) -> np.ndarray:
        """``(W,)``: True at the wavelengths outside :attr:`measured_range`, where nothing was measured."""
        span = self.measured_range
        if span is None:
            return np.zeros(self.wavelength.shape, dtype=bool)
        return (self.wavelength < span[0]) | (self.wavelength > span[1])

    def snr_or_extrapolated(self) -> np.ndarray:
        """``(W, C)`` objects: the SNR, or the word ``"extrapolated"`` where nothing was measured (an SNR there would mislead)."""
        values = self.snr.astype(object)
        values[self.extrapolated] = EXTRAPOLATED
        return values


@attrs.frozen(eq=False)
class EmvaParameter:
    """One EMVA 1288 parameter: a value per channel, its units and, when the file gives it, its standard error per channel."""

    name: str
    values: np.ndarray = attrs.field(converter=_frozen_array)
    units: str
    standard_error: np.ndarray | None = attrs.field(default=None, converter=_optional_array)


@attrs.frozen(eq=False)
class EmvaData:
    """The EMVA 1288 group: parameters per channel and the photon-transfer data.

    Attributes
    ----------
    parameters : tuple of EmvaParameter
        Every ``(C,)`` dataset of the group except ``ptc_offset``, the known
        ones first in the standard's order.
    ptc_mean, ptc_variance : numpy.ndarray or None
        Dark-subtracted mean signal and temporal variance of the
        photon-transfer points, ``(N, C)``.
    ptc_offset : numpy.ndarray or None
        Intercept of the fitted photon-transfer line, ``(C,)``.
    """

    parameters: tuple[EmvaParameter, ...]
    ptc_mean: np.ndarray | None = attrs.field(default=None, converter=_optional_array)
    ptc_mean_units: str = ""
    ptc_variance: np.ndarray | None = attrs.field(default=None, converter=_optional_array)
    ptc_variance_units: str = ""
    ptc_offset: np.ndarray | None = attrs.field(default=None, converter=_optional_array)

    def parameter(self, name: str) -> EmvaParameter | None:
        """The parameter called ``name``, or ``None`` when the file lacks it."""
        return next((item for item in self.parameters if item.name == name), None)

    def gain_line(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Slope and intercept per channel of the photon-transfer line ``variance = K mean + offset``.

        The slope is the system gain K. The intercept is ``ptc_offset`` when
        the file has it, else the square of ``dark_noise`` (the temporal dark
        variance the standard's model predicts), else 0. ``None`` when the
        file has no system gain.
        """
        gain = self.parameter("system_gain")
        if gain is None:
            return None
        if self.ptc_offset is not None:
            offset = np.asarray(self.ptc_offset, dtype=np.float64)
        elif (dark := self.parameter("dark_noise")) is not None:
            offset = np.asarray(dark.values, dtype=np.float64) ** 2
        else:
            offset = np.zeros(gain.values.shape)
        return np.asarray(gain.values, dtype=np.float64), offset


@attrs.frozen(eq=False)
class Result:
    """Everything a camchar result file holds, in plain arrays and strings.

    Attributes
    ----------
    path : pathlib.Path or None
        The file it was read from (``None`` for results made in memory).
    kind : str
        The primary kind: ``"samples"``, ``"response"`` or ``"emva1288"``.
    camera, lens, settings, label : str
        The root attributes ("" when absent).
    channels : tuple of str
        Channel names, from ``/camchar/channel_names`` or by channel count.
    samples, response, emva : SampleData, ResponseData, EmvaData or None
        The parts present in the file.
    provenance : dict
        The ``/camchar`` group's attributes (JSON texts decoded); empty for
        files written by the original tools.
    warnings : tuple of str
        Warnings recorded during the run that wrote the file.
    """

    path: Path | None
    camera: str
    lens: str
    settings: str
    label: str
    channels: tuple[str, ...]
    samples: SampleData | None = None
    response: ResponseData | None = None
    emva: EmvaData | None = None
    provenance: dict[str, Any] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of data present, in the order of :data:`KINDS`."""
        present = {"samples": self.samples, "response": self.response, "emva1288": self.emva}
        return tuple(kind for kind in KINDS if present[kind] is not None)

    @property
    def kind(self) -> str:
        """The primary kind: the first of :attr:`kinds`."""
        return self.kinds[0]

    @property
    def name(self) -> str:
        """A short name for legends and headings: the label, else the file name."""
        if self.label:
            return self.label
        return self.path.name if self.path is not None else "result"


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(numerator, dtype=np.float64) / np.asarray(denominator, dtype=np.float64)


# ----------------------------------------------------------------------------------------------------------------
# Reading


def read_result(path: str | Path) -> Result:
    """Read any camchar result file.

    Parameters
    ----------
    path
        A CameraSamples file (with or without an ``/emva1288`` group), a
        CameraResponse file, or a file holding only an ``/emva1288`` group.

    Returns
    -------
    Result
        The file's data; its :attr:`Result.kind` says which layout it has.

    Raises
    ------
    BadInput
        When the file is missing, is not HDF5, is an HDF5 file of another
        kind, or has one of the layouts with inconsistent shapes.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(path, "file not found")
    if path.is_dir():
        raise BadInput(path, "is a folder; give a camchar result file (.h5)")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as exc:
        raise BadInput(path, f"cannot read the file ({exc.strerror or exc})") from None
    if not is_hdf5:
        raise BadInput(path, "not an HDF5 file; camchar results are HDF5 files written by camchar stats or response")
    try:
        with h5py.File(path, "r") as f:
            return _Reader(path, f).result()
    except BadInput:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise BadInput(path, f"damaged or unreadable HDF5 file ({exc})") from None


class _Reader:
    """Checks and models the layouts :mod:`camchar.files` reads from one open HDF5 file.

    Every problem becomes a :class:`BadInput` naming the file and the object at fault.
    """

    def __init__(self, path: Path, f: h5py.File):
        self.path = path
        self.f = f

    def fail(self, problem: str) -> BadInput:
        return BadInput(self.path, problem)

    def result(self) -> Result:
        f = self.f
        kinds = file_kinds(f)
        if not (SAMPLES in kinds or RESPONSE in kinds or EMVA1288 in kinds):
            found = ", ".join(sorted(f.keys())[:6]) or "nothing"
            raise self.fail(
                "not a camchar result: expected a CameraSamples file (/samples, /nominal_wavelength), a "
                f"CameraResponse file (/response_mean, /wavelength) or an /emva1288 group; it holds {found}"
            )
        layout = read_samples_layout(f)  # the root attributes, the provenance and the EMVA group are read with it
        provenance = layout["provenance_datasets"]
        samples = self.samples(layout) if SAMPLES in kinds else None
        response = self.response(read_response_layout(f)) if RESPONSE in kinds else None
        channel_count = next(
            (part.mean.shape[1] for part in (samples, response) if part is not None),
            None,
        )
        emva = self.emva(layout["emva1288"], channel_count) if EMVA1288 in kinds else None
        if channel_count is None:
            assert emva is not None  # one of the three kinds is present
            channel_count = emva.parameters[0].values.shape[0] if emva.parameters else _shape(emva.ptc_mean)[1]
        return Result(
            path=self.path,
            camera=_root_text(layout["camera"]),
            lens=_root_text(layout["lens"]),
            settings=_root_text(layout["settings"]),
            label=_root_text(layout["label"]),
            channels=self.channel_names(provenance.get("channel_names"), channel_count),
            samples=samples,
            response=response,
            emva=emva,
            provenance=_provenance(layout["provenance_attributes"], provenance),
            warnings=self.warnings(provenance.get("warnings")),
        )

    # -- helpers ---------------------------------------------------------------------------------------------

    def dataset(self, name: str, values: np.ndarray | None) -> np.ndarray:
        """``values`` of the dataset ``name`` (its full path), which must be present."""
        if values is None:
            raise self.fail(f"missing dataset {name}")
        return values

    def matrix(self, name: str, values: np.ndarray | None, rows: int) -> np.ndarray:
        """A (rows, C) dataset; a 1-D dataset of length ``rows`` is one channel."""
        stored = self.dataset(name, values)
        values = stored[:, np.newaxis] if stored.ndim == 1 else stored
        if values.ndim != 2 or values.shape[0] != rows:
            raise self.fail(f"{name} has shape {stored.shape}, expected ({rows}, channels)")
        return values

    def vector(self, name: str, values: np.ndarray | None, length: int | None = None) -> np.ndarray:
        values = self.dataset(name, values)
        if values.ndim != 1 or (length is not None and values.shape[0] != length):
            expected = "one value per row" if length is None else f"({length},)"
            raise self.fail(f"{name} has shape {values.shape}, expected {expected}")
        return values

    def same_shape(self, reference: np.ndarray, *others: tuple[str, np.ndarray]) -> None:
        for name, values in others:
            if values.shape != reference.shape:
                raise self.fail(f"{name} has shape {values.shape}, expected {reference.shape}")

    # -- the three layouts -----------------------------------------------------------------------------------

    def samples(self, layout: dict[str, Any]) -> SampleData:
        wavelength = self.vector("/nominal_wavelength", layout["nom_wl"])
        rows = wavelength.shape[0]
        mean = self.matrix("/samples", layout["mean"], rows)
        std = self.matrix("/samples_std", layout["std"], rows)
        self.same_shape(mean, ("/samples_std", std))
        exposure = self.vector("/exposure_time", layout["exp_time"], rows) if layout["exp_time"] is not None else None
        extras: dict[str, Any] = {}
        provenance = layout["provenance_datasets"]
        for key in ("image_number", "iso"):
            if key in provenance:
                extras[key] = self.vector(f"/camchar/{key}", provenance[key], rows)
        if "capture_time" in provenance:
            extras["capture_time"] = tuple(texts(self.vector("/camchar/capture_time", provenance["capture_time"], rows)))
        nd = layout["ND"]
        return SampleData(
            wavelength=wavelength,
            wavelength_units=_units(layout["wl_units"]),
            mean=mean,
            std=std,
            units=_units(layout["units"]),
            pixels=_integer(layout["n"]),
            exposure_time=exposure,
            exposure_time_units=_units(layout["exp_time_units"]) if exposure is not None else "s",
            nd=float(nd) if nd is not None and np.ndim(nd) == 0 else None,
            **extras,
        )

    def response(self, layout: dict[str, Any]) -> ResponseData:
        datasets, attributes = layout["datasets"], layout["attributes"]
        wavelength = self.vector("/wavelength", datasets["wavelength"])
        mean = self.matrix("/response_mean", datasets["response_mean"], wavelength.shape[0])
        std = self.matrix("/response_std", datasets["response_std"], wavelength.shape[0])
        self.same_shape(mean, ("/response_std", std))
        stored = attributes["response_mean"]
        return ResponseData(
            wavelength=wavelength,
            wavelength_units=_units(attributes["wavelength"].get("units")),
            mean=mean,
            std=std,
            units=_units(stored.get("units")),
            scale=_number(stored.get("scale")),
            draws=_integer(stored.get("n")),
            r2=_number(stored.get("R2")),
            alpha=_number(stored.get("alpha")),
            method=text(stored["method"]) if "method" in stored else None,
            fit=self.fit(layout, mean.shape[1]) if layout["fit"] else None,
        )

    def fit(self, layout: dict[str, Any], channels: int) -> FitData:
        datasets, attributes = layout["datasets"], layout["attributes"]
        wavelength = self.vector("/samples/nominal_wavelength", datasets["samples/nominal_wavelength"])
        rows = wavelength.shape[0]
        arrays = {name: self.matrix(f"/samples/{name}", datasets[f"samples/{name}"], rows) for name in ("mean", "std", "estimate_mean", "estimate_std")}
        for name, values in arrays.items():
            if values.shape[1] != channels:
                raise self.fail(f"/samples/{name} has {values.shape[1]} channels, the response {channels}")
        return FitData(
            wavelength=wavelength,
            wavelength_units=_units(attributes["samples/nominal_wavelength"].get("units")),
            mean=arrays["mean"],
            std=arrays["std"],
            units=_units(attributes["samples/mean"].get("units")),
            pixels=_integer(attributes["samples/mean"].get("n")),
            estimate_mean=arrays["estimate_mean"],
            estimate_std=arrays["estimate_std"],
            estimate_units=_units(attributes["samples/estimate_mean"].get("units")),
            draws=_integer(attributes["samples/estimate_mean"].get("n")),
        )

    def emva(self, group: dict[str, tuple[np.ndarray, dict[str, Any]]], channels: int | None) -> EmvaData:
        names = [name for name in EMVA_PARAMETERS if name in group]
        names += sorted(name for name, (values, _) in group.items() if np.ndim(values) == 1 and name not in EMVA_PARAMETERS and name != "ptc_offset")
        parameters = []
        for name in names:
            values = self.vector(f"/emva1288/{name}", group[name][0], channels)
            channels = values.shape[0]
            attributes = group[name][1]
            error = attributes.get("standard_error")
            if error is not None and (np.shape(error) != values.shape or np.asarray(error).dtype.kind not in "iuf"):
                raise self.fail(f"/emva1288/{name}: its standard_error attribute is not one number per channel ({values.shape[0]})")
            parameters.append(EmvaParameter(name=name, values=values, units=_units(attributes.get("units")), standard_error=error))
        ptc: dict[str, Any] = {}
        if "ptc_mean" in group:
            stored_mean = group["ptc_mean"][0]
            points = stored_mean.shape[0] if stored_mean.ndim else 0
            ptc["ptc_mean"] = self.matrix("/emva1288/ptc_mean", stored_mean, points)
            ptc["ptc_variance"] = self.matrix("/emva1288/ptc_variance", group.get("ptc_variance", (None, {}))[0], points)
            self.same_shape(ptc["ptc_mean"], ("/emva1288/ptc_variance", ptc["ptc_variance"]))
            if channels is not None and ptc["ptc_mean"].shape[1] != channels:
                raise self.fail(f"/emva1288/ptc_mean has {ptc['ptc_mean'].shape[1]} channels, expected {channels}")
            channels = ptc["ptc_mean"].shape[1]
            ptc["ptc_mean_units"] = _units(group["ptc_mean"][1].get("units"))
            ptc["ptc_variance_units"] = _units(group["ptc_variance"][1].get("units"))
        if "ptc_offset" in group:
            ptc["ptc_offset"] = self.vector("/emva1288/ptc_offset", group["ptc_offset"][0], channels)
        if not parameters and "ptc_mean" not in ptc:
            raise self.fail("/emva1288 holds no parameters and no photon-transfer data")
        return EmvaData(parameters=tuple(parameters), **ptc)

    def channel_names(self, stored: np.ndarray | None, count: int) -> tuple[str, ...]:
        if stored is None:
            return default_channel_names(count)
        names = tuple(texts(self.vector("/camchar/channel_names", stored)))
        if len(names) != count:
            raise self.fail(f"/camchar/channel_names names {len(names)} channels, the data has {count}")
        return names

    def warnings(self, stored: np.ndarray | None) -> tuple[str, ...]:
        return () if stored is None else tuple(texts(stored))


# ----------------------------------------------------------------------------------------------------------------
# Plain values from HDF5 (the helpers themselves are camchar.files.hdf5_values's)


def _shape(values: np.ndarray | None) -> tuple[int, ...]:
    return () if values is None else values.shape


def _root_text(value: Any) -> str:
    """A root attribute as text, "" when absent."""
    return "" if value is None else text(value)


def _units(value: Any) -> str:
    """A ``units`` attribute as text, "" when absent."""
    return "" if value is None else text(value)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        return None


def _integer(value: Any) -> int | None:
    number = _number(value)
    return None if number is None or not np.isfinite(number) else int(number)


def _provenance(attributes: dict[str, Any], datasets: dict[str, np.ndarray]) -> dict[str, Any]:
    """The ``/camchar`` attributes (JSON texts decoded), plus small datasets that are not modelled elsewhere."""
    provenance = {key: plain_nested(value) for key, value in attributes.items()}
    provenance = decode_json_attributes(provenance)
    modelled = {"image_number", "iso", "capture_time", "channel_names", "warnings"}
    for key, values in datasets.items():
        if key not in modelled and np.size(values) <= 1024:
            provenance[key] = plain_nested(values)
    return provenance


# ----------------------------------------------------------------------------------------------------------------
# In memory


def result_from_samples(samples: CameraSamples, path: str | Path | None = None) -> Result:
    """A :class:`Result` of an in-memory :class:`camchar.CameraSamples`.

    This lets the exporters back ``camchar stats`` writers: the pipeline
    builds a CameraSamples and hands it on without an HDF5 file in between.

    Parameters
    ----------
    samples
        The samples, as ``camchar stats`` builds them or as read from a file.
    path
        The file they came from, if any (shown in exports and summaries).

    Raises
    ------
    BadInput
        When the samples lack the wavelengths, mean or noise.
    """
    if samples.nom_wl is None or samples.mean is None or samples.std is None:
        raise BadInput(path, "the samples have no wavelengths, mean or noise to export")
    mean = np.asarray(samples.mean)
    std = np.asarray(samples.std)
    if mean.ndim == 1:
        mean, std = mean[:, np.newaxis], std[:, np.newaxis]
    provenance = dict(samples.provenance or {})
    names = provenance.pop("channel_names", None)
    extras = {key: provenance.pop(key, None) for key in ("image_number", "iso", "capture_time")}
    recorded = provenance.pop("warnings", None)
    provenance = decode_json_attributes(provenance)
    channels = tuple(str(name) for name in names) if names is not None else default_channel_names(mean.shape[1])
    if len(channels) != mean.shape[1]:
        raise BadInput(path, f"channel_names names {len(channels)} channels, the data has {mean.shape[1]}")
    return Result(
        path=None if path is None else Path(path),
        camera=samples.camera or "",
        lens=samples.lens or "",
        settings=samples.settings or "",
        label=samples.label or "",
        channels=channels,
        samples=SampleData(
            wavelength=samples.nom_wl,
            wavelength_units=samples.wl_units or "",
            mean=mean,
            std=std,
            units=samples.units or "",
            pixels=samples.n,
            exposure_time=samples.exp_time,
            exposure_time_units=samples.exp_time_units or "s",
            image_number=extras["image_number"],
            iso=extras["iso"],
            capture_time=None if extras["capture_time"] is None else tuple(map(str, extras["capture_time"])),
            nd=samples.ND,
        ),
        provenance=provenance,
        warnings=() if recorded is None else tuple(map(str, recorded)),
    )
