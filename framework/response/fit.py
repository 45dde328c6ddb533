"""The whole response step on data in memory: normalise, match, tune, bootstrap, denormalise."""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from camchar._version import __version__
from camchar.core.errors import BadInput, CamcharWarning
from camchar.core.spectra import SourceSpectra
from camchar.files.camera_response import CameraResponse
from camchar.host.components import ResponseMethod
from camchar.host.guard import Guarded, guarded
from camchar.host.kinds import RESPONSE_METHODS
from camchar.host.problem import DEFAULT_TARGET_R2, ProgressCallback, ResponseProblem
from camchar.response.bootstrap import bootstrap
from camchar.response.checked import guarded_method, prepared_solver
from camchar.response.matching import SOURCE_SCALES, normalise_and_match

#: The noise a bootstrap draw gives each sample (:func:`fit_response`'s ``sample_noise``).
SAMPLE_NOISES = ("pixel", "mean")
from camchar.response.numerics import r2_score
from camchar.runtime.blas import single_threaded_blas

__all__ = ["ResponseResult", "fit_response", "sample_noise_scale", "SAMPLE_NOISES"]


@attrs.frozen(eq=False)
class ResponseResult:
    """The fitted spectral response, in the inputs' units.

    Attributes
    ----------
    wavelength : numpy.ndarray
        Response bins, ``(W,)``.
    wavelength_units : str
        Units of ``wavelength`` and ``nominal_wavelength`` (the source's).
    response_mean, response_std : numpy.ndarray
        ``(W, C)``, population std over the draws.
    units : str
        Units of the response, ``(samples units)/(source units)``.
    nominal_wavelength : numpy.ndarray
        The matched nominal wavelengths, ``(M,)``.
    samples_mean, samples_std : numpy.ndarray
        The samples at those wavelengths, ``(M, C)``, as given.
    samples_units : str
        Units of the samples and estimates.
    estimate_mean, estimate_std : numpy.ndarray
        The fitted samples ``X w`` over the draws, ``(M, C)``.
    r2 : float
        R² of ``estimate_mean`` for ``samples_mean``, averaged over channels.
    n_draws : int
        Bootstrap draws (0: one plain fit on the means, std zero).
    draws : numpy.ndarray or None
        The first draws of the response (at most ``KEPT_DRAWS``), ``(D, W, C)``; ``None`` for one plain fit.
    method : str
        The method's name.
    parameters : dict
        What the method tuned (``alpha``...).
    options : dict
        What was asked: ``n_draws``, ``seed``, ``target_r2``, ``bandwidth``, ``non_negative``, ``source_scale``.
    source_scale, samples_scale : float
        The normalisation of the inputs.
    metadata : dict
        ``camera``, ``lens``, ``settings``, ``label``, ``samples_n`` of the samples;
        ``seconds`` the fit took.
    """

    wavelength: np.ndarray
    wavelength_units: str
    response_mean: np.ndarray
    response_std: np.ndarray
    units: str
    nominal_wavelength: np.ndarray
    samples_mean: np.ndarray
    samples_std: np.ndarray
    samples_units: str
    estimate_mean: np.ndarray
    estimate_std: np.ndarray
    r2: float
    n_draws: int
    method: str
    parameters: dict
    options: dict
    source_scale: float
    samples_scale: float
    metadata: dict
    draws: np.ndarray | None = None

    @property
    def alpha(self) -> float:
        """The ridge strength (0 for ``ols``)."""
        return float(self.parameters.get("alpha", 0.0))

    def to_camera_response(self, inputs: dict[str, Any] | None = None) -> CameraResponse:
        """The result as a :class:`CameraResponse`, ready to save.

        Parameters
        ----------
        inputs
            Recorded in the provenance, e.g. ``{"samples": {"path": ..., "sha256": ...}}``.
        """
        response = CameraResponse()
        for name in ("camera", "lens", "settings", "label"):
            setattr(response, name, self.metadata.get(name))
        response.wl = self.wavelength
        response.wl_units = self.wavelength_units
        response.mean = self.response_mean
        response.std = self.response_std
        response.units = self.units
        response.scale = 1.0
        response.n = self.n_draws
        response.R2 = self.r2
        response.alpha = self.alpha
        response.method = self.method
        response.samples_wl = self.nominal_wavelength
        response.samples_units = self.samples_units
        response.samples_n = self.metadata.get("samples_n")
        response.samples_mean = self.samples_mean
        response.samples_std = self.samples_std
        response.estimates_mean = self.estimate_mean
        response.estimates_std = self.estimate_std
        response.estimates_n = self.n_draws
        response.provenance = {
            "version": __version__,
            "method": self.method,
            "parameters": dict(self.parameters),
            "options": dict(self.options),
            "inputs": dict(inputs or {}),
            "normalisation": {"source_scale": self.source_scale, "samples_scale": self.samples_scale},
            "software": _library_versions(),
            "seconds": self.metadata.get("seconds"),
            "response_draws": self.draws,
        }
        return response


def _library_versions() -> dict[str, str]:
    """The versions of the numerical libraries the fit ran on, for the provenance."""
    import h5py
    import scipy

    return {"numpy": np.__version__, "scipy": scipy.__version__, "h5py": h5py.__version__}


def _installed_method(name: str) -> Guarded:
    """The installed response method called ``name``, guarded; :class:`BadInput` listing them otherwise."""
    from camchar.host.manager import build_host

    methods = build_host().components
    found = methods.get(RESPONSE_METHODS.key, name)
    if found is None:
        raise BadInput(None, f"no response method named '{name}'; available: {', '.join(methods.names(RESPONSE_METHODS.key))}")
    return guarded(found)


def _seed_record(seed: Any) -> int | str | None:
    if seed is None or isinstance(seed, (int, np.integer)):
        return None if seed is None else int(seed)
    return repr(seed)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


#: Below this R² (averaged over channels) the estimates do not reproduce the samples, and a warning says so.
POOR_FIT_R2 = 0.9


def _warn_if_poor(r2: float, parameters: dict[str, float | str]) -> None:
    """Warn when the fit explains the samples poorly: the response is then not the camera's."""
    if r2 >= POOR_FIT_R2:
        return
    hint = "try another --method"
    if "bandwidth" in parameters:
        origin = "from the source spectra" if parameters.get("bandwidth_source") == "automatic" else "given"
        hint = f"the smoothing bandwidth is {float(parameters['bandwidth']):.3g} nm ({origin}): try a smaller --bandwidth, or another --method"
    warnings.warn(
        CamcharWarning(f"the response fits the samples poorly (R² {r2:.3f}, below {POOR_FIT_R2}); its estimates do not reproduce the measurements: {hint}"),
        stacklevel=3,
    )


def _refuse_non_finite(statistics: Any, r2: float, response_scale: float, samples_file: str | Path | None) -> None:
    """Refuse a fit whose response, its spread or R² is not finite: never write NaN or infinity as a result.

    Each draw was checked finite (the solver's answers); what overflows here
    is the inputs' scale: the draws' spread, or the normalisation undone.
    """
    parts = {
        "response": statistics.response_mean * response_scale,
        "its standard deviation": statistics.response_std * response_scale,
        "estimates": statistics.estimate_mean,
        "R²": np.asarray(r2),
    }
    bad = [name for name, values in parts.items() if not np.all(np.isfinite(values))]
    if bad:
        raise BadInput(
            samples_file,
            f"the fit's {' and '.join(bad)} would not be finite (the response scale is {response_scale:.3g}): the samples' and the "
            f"source spectra's values are too large or too small for the arithmetic; give them in other units",
        )


def sample_noise_scale(samples: Any, sample_noise: str, samples_file: str | Path | None = None) -> float:
    """What the samples' std is multiplied by for the bootstrap draws: 1 for ``"pixel"``, ``1 / sqrt(n)`` for ``"mean"``.

    Raises
    ------
    BadInput
        When ``sample_noise`` is neither, or ``"mean"`` is asked of samples
        without a whole number of pixels ``n`` of at least 1.
    """
    if sample_noise not in SAMPLE_NOISES:
        raise BadInput(None, f"sample_noise must be {' or '.join(map(repr, SAMPLE_NOISES))}, got {sample_noise!r}")
    if sample_noise == "pixel":
        return 1.0
    pixels = getattr(samples, "n", None)
    if isinstance(pixels, (bool, np.bool_)) or not isinstance(pixels, (int, np.integer)) or pixels < 1:
        raise BadInput(
            samples_file,
            f"the samples state no number of pixels averaged (n is {pixels!r}), which --sample-noise mean divides their std by; "
            f"use --sample-noise pixel",
        )
    return 1.0 / float(np.sqrt(pixels))


def fit_response(
    samples: Any,
    spectra: SourceSpectra,
    method: str | ResponseMethod | Guarded = RESPONSE_METHODS.default,
    *,
    n_draws: int = 100,
    seed: int | None = None,
    target_r2: float = DEFAULT_TARGET_R2,
    bandwidth: float | None = None,
    non_negative: bool = False,
    progress: ProgressCallback | None = None,
    source_scale: str = "all",
    sample_noise: str = "pixel",
    samples_file: str | Path | None = None,
    source_file: str | Path | None = None,
) -> ResponseResult:
    """Estimate the camera's spectral response from its samples and the source spectra.

    Parameters
    ----------
    samples
        A :class:`camchar.CameraSamples`: ``nom_wl``, ``mean`` and ``std``
        (``(N, C)``, counts/s), ``units``, ``wl_units``, ``n`` and the
        ``camera``, ``lens``, ``settings``, ``label`` strings.
    spectra
        The source spectra at each nominal wavelength.
    method
        A response method (:class:`camchar.api.ResponseMethod`), or the name of
        one that is installed (``"ols"``, ``"ridge"``, ``"ridge-smooth"``,
        ``"ridge-smooth-gcv"``, or a plugin's). Its calls are guarded: a method
        that raises, or whose solver returns the wrong shape or NaN, is a
        :class:`~camchar.api.PluginError` naming it.
    n_draws
        Bootstrap draws. 0 or 1: one plain fit on the means, with zero std.
    seed
        Seed of the bootstrap generator (``numpy.random.default_rng``).
    target_r2
        The R² the alpha search aims at (``ridge``, ``ridge-smooth``).
    bandwidth
        Smoothing bandwidth in wavelength units (``ridge-smooth``); ``None``
        = from the source spectra.
    non_negative
        Constrain the response to be non-negative (solved exactly). Alpha is
        still chosen on the unconstrained fit, as the original did.
    progress
        ``progress(stage, done, total)``, called during the alpha search
        (stage ``"alpha"``, ``total`` 0: not known) and the draws (stage
        ``"bootstrap"``).
    source_scale
        ``"all"``: normalise the source by the largest integral of any
        spectrum, as the original did (a warning names a spectrum the fit
        leaves out that sets it); ``"fitted"``: of the spectra the fit uses,
        so that spectra without samples change nothing.
    sample_noise
        The noise each bootstrap draw gives a sample. ``"pixel"`` (the
        original's): the samples' std as the file states it, the temporal
        noise of one pixel. ``"mean"``: that std divided by the square root of
        the pixels averaged (the file's ``n``), the temporal noise of the
        sample itself, so that the response's std is the spread of repeated
        measurements (see docs/response.md).
    samples_file, source_file
        The files the inputs came from, named in errors and warnings.

    Returns
    -------
    ResponseResult

    Warns
    -----
    CamcharWarning
        When the fit's R² is below :data:`POOR_FIT_R2` (its estimates do not
        reproduce the samples), with what to try; when samples the fit leaves
        out are NaN or infinite; when a spectrum the fit leaves out sets the
        source's scale.

    Raises
    ------
    BadInput
        When the inputs do not fit together (no common nominal wavelength,
        channel counts differ, NaN samples, bad spectra, a channel the same at
        every fitted wavelength, numbers too large or too small for the
        arithmetic) or an option is out of range or not applicable to the method.
    PluginError
        When the method breaks its contract (raises, or its solver's draws
        have the wrong shape or are not finite).
    """
    started = time.perf_counter()
    if isinstance(n_draws, bool) or int(n_draws) != n_draws or n_draws < 0:
        raise BadInput(None, f"the number of bootstrap draws must be a whole number >= 0, got {n_draws!r}")
    n_draws = int(n_draws)
    if source_scale not in SOURCE_SCALES:
        raise BadInput(None, f"source_scale must be {' or '.join(map(repr, SOURCE_SCALES))}, got {source_scale!r}")
    noise_scale = sample_noise_scale(samples, sample_noise, samples_file)
    chosen = _installed_method(method) if isinstance(method, str) else guarded_method(method)
    matched = normalise_and_match(samples, spectra, source_scale, samples_file=samples_file, source_file=source_file)
    problem = ResponseProblem(
        wavelength=matched.wavelength,
        X=matched.X,
        X_std=matched.X_std,
        y=matched.y,
        y_std=matched.y_std * noise_scale,
        target_r2=target_r2,
        bandwidth=bandwidth,
        non_negative=non_negative,
        progress=progress,
    )
    with single_threaded_blas():
        solver = prepared_solver(chosen, problem)
        statistics = bootstrap(problem, solver, n_draws, seed)
    r2 = r2_score(problem.y, statistics.estimate_mean)
    response_scale = matched.samples_scale / matched.source_scale
    _refuse_non_finite(statistics, r2, response_scale, samples_file)
    _warn_if_poor(r2, solver.parameters)

    samples_units = _text(getattr(samples, "units", None)) or "unknown"
    return ResponseResult(
        wavelength=np.array(matched.wavelength),
        wavelength_units=spectra.wavelength_units,
        response_mean=statistics.response_mean * response_scale,
        response_std=statistics.response_std * response_scale,
        units=f"({samples_units})/({spectra.units})",
        nominal_wavelength=matched.nominal_wavelength,
        samples_mean=matched.samples_mean,
        samples_std=matched.samples_std,
        samples_units=samples_units,
        estimate_mean=statistics.estimate_mean * matched.samples_scale,
        estimate_std=statistics.estimate_std * matched.samples_scale,
        r2=r2,
        n_draws=statistics.n_draws,
        draws=None if statistics.draws is None else statistics.draws * response_scale,
        method=chosen.name,
        parameters=dict(solver.parameters),
        options={
            "n_draws": n_draws,
            "seed": _seed_record(seed),
            "target_r2": problem.target_r2,
            "bandwidth": problem.bandwidth,
            "non_negative": problem.non_negative,
            "source_scale": source_scale,
            "sample_noise": sample_noise,
        },
        source_scale=matched.source_scale,
        samples_scale=matched.samples_scale,
        metadata={
            **{name: _text(getattr(samples, name, None)) for name in ("camera", "lens", "settings", "label")},
            "samples_n": getattr(samples, "n", None),
            "seconds": time.perf_counter() - started,
        },
    )
