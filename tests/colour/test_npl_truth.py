"""Known truth for the whole chain: the NPL Nikon D5100 through the real monochromator spectra, to its IDT.

The IDT recovered from the simulated sweep, applied to the true camera, must
colour the ColorChecker within 0.5 ΔE2000 (mean) of the truth's own matrix,
``matrix_idt`` on the true sensitivities with the same training set. The
test prints the closing table of docs/colour.md.
"""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest
from colour_chain import MONOCHROMATOR, NPL, npl_sensitivities, simulated_colour

pytestmark = pytest.mark.slow


def matrix_idt_colorchecker(sensitivities: np.ndarray) -> np.ndarray:
    """colour-science's ``matrix_idt`` for ``sensitivities`` on 380-780 nm, D65, trained on the ColorChecker."""
    from colour.characterisation import RGB_CameraSensitivities

    import colour

    shape = colour.SpectralShape(380, 780, 5)
    camera = RGB_CameraSensitivities(dict(zip(np.arange(380.0, 781.0, 5.0), sensitivities)), name="camera")
    checker = colour.colorimetry.sds_and_msds_to_msds(list(colour.characterisation.SDS_COLOURCHECKERS["ISO 17321-1"].values())).align(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", colour.utilities.ColourRuntimeWarning)  # its notes on aligning spectral shapes
        return colour.matrix_idt(camera, colour.SDS_ILLUMINANTS["D65"], training_data=checker)[0]


def test_the_recovered_idt_colours_the_colorchecker_as_well_as_the_truths_own(tmp_path):
    from camchar.colour.matrices import camera_rgb, fit_idt, training_delta_e
    from camchar.colour.references import GRID, references

    output = simulated_colour(
        tmp_path / "npl", 1, "--source-spectra", MONOCHROMATOR, "--wavelengths", "300:800:5", "--size", "32x24", colour_flags=("--training", "colorchecker", "--draws", "0")
    )
    with h5py.File(tmp_path / "npl" / "sweep" / "settings response.h5", "r") as f:
        recovered = np.column_stack([np.interp(GRID, f["wavelength"][()], f["response_mean"][()][:, c]) for c in range(3)])
    with h5py.File(output, "r") as f:
        ours = f["colour/idt_matrix"][()]
    refs = references("D65", "colorchecker")
    truth = npl_sensitivities()
    true_rgb = camera_rgb(truth, refs)[0]

    def on_the_true_camera(idt: np.ndarray) -> np.ndarray:
        return training_delta_e(idt, true_rgb, refs)

    rows = {
        "true sensitivities, camchar colour": on_the_true_camera(fit_idt(truth, refs).idt_matrix),
        "true sensitivities, matrix_idt": on_the_true_camera(matrix_idt_colorchecker(truth)),
        "recovered sensitivities, camchar colour": on_the_true_camera(ours),
        "recovered sensitivities, matrix_idt": on_the_true_camera(matrix_idt_colorchecker(recovered)),
    }
    print(f"\n{NPL}, D65, ColorChecker (ISO 17321-1), ΔE2000 on the true camera:")
    for name, delta_e in rows.items():
        print(f"| {name} | {delta_e.mean():.2f} | {delta_e.max():.2f} |")
    assert rows["recovered sensitivities, camchar colour"].mean() <= rows["true sensitivities, matrix_idt"].mean() + 0.5
