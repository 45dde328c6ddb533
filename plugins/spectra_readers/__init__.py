"""Built-in spectra readers: sources of measured spectral irradiance for camchar response."""
