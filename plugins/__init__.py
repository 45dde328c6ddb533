"""camchar's built-in plugins, one module per component, grouped by kind.

The plugin manager registers the modules named in :data:`BUILTIN_PLUGINS`
after any third-party plugins.
"""

#: Modules registered as built-in plugins, in registration order.
BUILTIN_PLUGINS = (
    "camchar.plugins.loaders.tiff",
    "camchar.plugins.loaders.raw_rgb",
    "camchar.plugins.loaders.raw_bayer",
    "camchar.plugins.loaders.imageio_frames",
    "camchar.plugins.selectors.best_snr",
    "camchar.plugins.selectors.longest_unsaturated",
    "camchar.plugins.noise_models.linear_fpn",
    "camchar.plugins.noise_models.fpn_unbiased",
    "camchar.plugins.noise_models.spatial",
    "camchar.plugins.noise_models.pairs",
    "camchar.plugins.writers.camera_samples_h5",
    "camchar.plugins.writers.camera_response_h5",
    "camchar.plugins.writers.exports",
    "camchar.plugins.writers.monochromator_spectra_h5",
    "camchar.plugins.writers.rawtoaces_json",
    "camchar.plugins.writers.colour_csv",
    "camchar.plugins.writers.mica_csv",
    "camchar.plugins.writers.dcamprof_json",
    "camchar.plugins.writers.response_xlsx",
    "camchar.plugins.spectra_readers.monochromator_h5",
    "camchar.plugins.spectrometer_readers.oceanview",
    "camchar.plugins.spectrometer_readers.csv_spectrum",
    "camchar.plugins.response_methods.ridge_smooth",
    "camchar.plugins.response_methods.ridge",
    "camchar.plugins.response_methods.ols",
    "camchar.plugins.response_methods.ridge_smooth_gcv",
)
