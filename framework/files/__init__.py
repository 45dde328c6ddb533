"""The files camchar reads and writes: one reader and writer per HDF5 layout, the helpers they share, atomic writing."""
