"""The files camchar reads and writes: the CameraSamples HDF5 layout, and writing a file atomically."""
