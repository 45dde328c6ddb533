"""Numerical kernels shared by the pipeline, the built-in plugins and the ``image_stats`` API."""
