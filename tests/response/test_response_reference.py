"""camchar reproduces the original's response files from the real Nikon and monochromator files."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from response_data import (
    DATA,
    REFERENCES,
    monochromator,
    nikon_samples,
    peak_scaled_error,
    read_reference,
    reference_fit,
)
from scipy.optimize import minimize

from camchar.response import CameraResponse, ResponseProblem
from camchar.response.linear import PenalisedLeastSquares
from camchar.response.matching import normalise_and_match
from camchar.response.nonnegative import kkt_violation, nonnegative_quadratic
from camchar.response.systems import DenseSystem
from camchar.response.tuning import smoothing_penalty

UNCONSTRAINED = [name for name, (_, _, non_negative) in REFERENCES.items() if not non_negative]
NON_NEGATIVE = "response-ridge-smooth-s4-non-negative.h5"
TOLERANCE = 1e-9


@pytest.mark.parametrize("name", UNCONSTRAINED)
def test_unconstrained_fits_reproduce_the_original(name):
    result = reference_fit(name)
    reference = read_reference(name)
    assert peak_scaled_error(result.response_mean, reference["response_mean"]) < TOLERANCE
    assert peak_scaled_error(result.response_std, reference["response_std"]) < TOLERANCE
    assert peak_scaled_error(result.estimate_mean, reference["samples/estimate_mean"]) < TOLERANCE
    assert peak_scaled_error(result.estimate_std, reference["samples/estimate_std"]) < TOLERANCE
    assert result.alpha == pytest.approx(reference["attr:alpha"], rel=TOLERANCE, abs=0)
    assert result.r2 == pytest.approx(reference["attr:R2"], rel=TOLERANCE)
    assert result.method == reference["attr:method"]
    np.testing.assert_array_equal(result.wavelength, reference["wavelength"])
    np.testing.assert_array_equal(result.nominal_wavelength, reference["samples/nominal_wavelength"])
    np.testing.assert_allclose(result.samples_mean, reference["samples/mean"], rtol=1e-15)
    np.testing.assert_allclose(result.samples_std, reference["samples/std"], rtol=1e-15)
    assert result.units == reference["attr:units"] == "(counts/s)/(uW/cm2/nm)"
    assert result.n_draws == reference["attr:n"] == 100


def normalised_problem() -> tuple[ResponseProblem, float]:
    """The normalised mean data and the factor from a normalised response to the file's units."""
    matched = normalise_and_match(nikon_samples(), monochromator())
    problem = ResponseProblem(matched.wavelength, matched.X, matched.X_std, matched.y, matched.y_std)
    return problem, matched.samples_scale / matched.source_scale


@pytest.mark.slow  # 100 exact non-negative draws: 1.5 s on an idle machine, far more when BLAS threads compete
def test_non_negative_fit_agrees_with_the_original_within_1_percent_of_the_peak():
    result = reference_fit(NON_NEGATIVE)
    reference = read_reference(NON_NEGATIVE)
    assert result.alpha == pytest.approx(reference["attr:alpha"], rel=TOLERANCE)  # alpha: unconstrained search
    assert (result.response_mean >= 0).all()
    assert peak_scaled_error(result.response_mean, reference["response_mean"]) < 0.01
    assert peak_scaled_error(result.estimate_mean, reference["samples/estimate_mean"]) < 0.01
    assert result.r2 == pytest.approx(reference["attr:R2"], abs=1e-4)


def lbfgsb_like_the_original(problem: ResponseProblem, P: np.ndarray) -> np.ndarray:
    """The original's non-negative solve: L-BFGS-B from zero on ½||Xw - y||² + ½||Pw||², all channels at once."""
    X, y = problem.X, problem.y
    shape = (X.shape[1], y.shape[1])

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat.reshape(shape)
        residual = X @ w - y
        penalty = P @ w
        value = 0.5 * (residual**2).sum() + 0.5 * (penalty**2).sum()
        return value, (X.T @ residual + P.T @ penalty).ravel()

    start = np.zeros(shape).ravel()
    found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(0, np.inf)] * start.size)
    return found.x.reshape(shape)


def test_exact_non_negative_solver_reaches_a_lower_objective_than_the_original():
    """Objective compared: per channel, ||X w - y||² + ||P w||² on the normalised means, P at the reference's alpha.

    The exact solution must be optimal (KKT) and score no higher than both the
    reference file's response (rescaled to the normalised problem) and the
    original's solver (L-BFGS-B from zero) run on the same data.
    """
    problem, to_file_units = normalised_problem()
    alpha = float(read_reference(NON_NEGATIVE)["attr:alpha"])
    penalty, _ = smoothing_penalty(problem)
    model = PenalisedLeastSquares(penalty, alpha)
    A = model.gram(problem.X)
    b = problem.X.T @ problem.y
    exact = np.stack(
        [nonnegative_quadratic(model.system(problem.X), b[:, c]) for c in range(b.shape[1])], axis=1
    )
    for c in range(b.shape[1]):
        assert kkt_violation(A, b[:, c], exact[:, c]) < 1e-9
    reference = read_reference(NON_NEGATIVE)["response_mean"] / to_file_units
    original_solver = lbfgsb_like_the_original(problem, penalty.matrix(alpha))
    ours = model.objective(problem.X, problem.y, exact)
    assert (ours <= model.objective(problem.X, problem.y, reference)).all()
    assert (ours <= model.objective(problem.X, problem.y, original_solver) * (1 + 1e-12)).all()


def test_non_negative_draws_are_optimal():
    """Each bootstrap draw's non-negative solution meets the optimality conditions of its own data."""
    problem, _ = normalised_problem()
    penalty, _ = smoothing_penalty(problem)
    model = PenalisedLeastSquares(penalty, 3.5e-6)
    rng = np.random.default_rng(7)
    for _ in range(2):
        X = rng.normal(problem.X, problem.X_std)
        y = rng.normal(problem.y, problem.y_std)
        system, dense = model.system(X), DenseSystem(model.gram(X))
        b = X.T @ y
        for c in range(y.shape[1]):
            w = nonnegative_quadratic(system, b[:, c])
            assert kkt_violation(dense.A, b[:, c], w) < 1e-9
            np.testing.assert_allclose(w, nonnegative_quadratic(dense, b[:, c]), rtol=0, atol=1e-10 * w.max())


def layout(path) -> dict:
    """Every object of an HDF5 file: dtype kind, shape, attributes with their types, dimension labels and scales."""
    found = {}
    with h5py.File(path, "r") as f:
        found["/"] = {k: type(v).__name__ for k, v in f.attrs.items()}

        def visit(name, obj):
            if name.startswith("camchar"):
                return
            if isinstance(obj, h5py.Dataset):
                attrs = {
                    k: type(v).__name__
                    for k, v in obj.attrs.items()
                    if k not in ("REFERENCE_LIST", "DIMENSION_LIST", "DIMENSION_LABELS", "CLASS", "NAME")
                }
                dims = [(d.label, [s.name for s in d.values()]) for d in obj.dims]
                found[name] = (obj.dtype.kind, obj.shape, attrs, dims, obj.is_scale)
            else:
                found[name] = "group"

        f.visititems(visit)
    return found


def test_the_original_writes_one_layout_for_every_method():
    layouts = [layout(DATA / name) for name in REFERENCES]
    assert all(found == layouts[0] for found in layouts)


@pytest.mark.parametrize("name", UNCONSTRAINED)
def test_written_file_has_the_layout_of_the_original(tmp_path, name):
    out = tmp_path / "response.h5"
    reference_fit(name).to_camera_response().save(out)
    ours, theirs = layout(out), layout(DATA / name)
    # The original left response_std's dimensions unlabelled; camchar labels them as the guide's table says.
    assert theirs["response_std"][3] == [("", []), ("", [])]
    assert ours["response_std"][3] == ours["response_mean"][3] == [("wavelength", ["/wavelength"]), ("channel", [])]
    theirs["response_std"] = theirs["response_std"][:3] + ours["response_std"][3:]
    assert ours == theirs
    with h5py.File(out, "r") as f, h5py.File(DATA / name, "r") as g:
        assert dict(f.attrs) == dict(g.attrs)
        for dataset in ("response_mean", "samples/mean", "samples/estimate_mean"):
            for key in ("units", "n", "scale", "method"):
                if key in g[dataset].attrs:
                    assert f[dataset].attrs[key] == g[dataset].attrs[key]
                    assert f[dataset].attrs[key].dtype == g[dataset].attrs[key].dtype if hasattr(
                        g[dataset].attrs[key], "dtype"
                    ) else True


def test_reference_files_load_as_camera_response():
    for name in REFERENCES:
        response = CameraResponse(DATA / name)
        assert response.provenance == {}
        assert response.mean.shape == response.std.shape == (601, 3)
        assert response.samples_mean.shape == (101, 3)
        assert response.n == response.estimates_n == 100
        assert response.samples_n == 562500
        assert response.method == REFERENCES[name][0]
        assert response.scale == 1.0
