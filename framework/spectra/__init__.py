"""The spectra step (``camchar spectra``): spectrometer files to source spectra, by the original ``monochromator.py``'s method."""
