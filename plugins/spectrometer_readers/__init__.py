"""Built-in spectrometer readers: one module per file format."""
