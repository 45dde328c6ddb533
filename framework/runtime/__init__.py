"""How work runs: worker threads, progress reporting, the record of warnings."""
