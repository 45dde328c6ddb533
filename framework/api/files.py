"""What writers and readers share: camchar's samples HDF5 layout, checked HDF5 reads, the export formats, optional libraries.

::

    from camchar.api.files import write_samples_h5

    def write(self, samples, path):
        write_samples_h5(path, samples.fields(), samples.provenance, samples.emva1288)

A stable part of the plugin API, like :mod:`camchar.api` (``docs/plugins/api.md``
says what that promises); the modules these functions live in are private.
"""

from camchar.core.numbers import plain_number
from camchar.files.hdf5_values import Extent, read_attribute, read_attributes, read_numbers
from camchar.files.samples_h5 import write_samples_h5
from camchar.results._optional import require
from camchar.results.exporters import export, export_response, export_samples
from camchar.results.response_grid import ResampledResponse, channel_names, grid_from_options, measured_range, regular_grid, require_rgb, resample_response
from camchar.results.response_workbook import write_response_workbook

__all__ = [
    "write_samples_h5", "export_samples", "export_response", "export", "require", "Extent", "read_numbers", "read_attribute", "read_attributes",
    "ResampledResponse",
    "resample_response",
    "regular_grid",
    "grid_from_options",
    "measured_range",
    "channel_names",
    "require_rgb",
    "write_response_workbook",
    "plain_number",
]
