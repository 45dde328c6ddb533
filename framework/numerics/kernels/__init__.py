"""The fast path's compiled kernels: their source, numba's build of it into object code, the cache, and the loaded functions.

numba compiles :mod:`~camchar.numerics.kernels.source` once per
installation and sample type (:mod:`~camchar.numerics.kernels.build`), into
an object file kept on disk (:mod:`~camchar.numerics.kernels.cache`); a run
loads that file with llvmlite alone and calls its functions through ctypes
(:mod:`~camchar.numerics.kernels.compiled`), without importing numba.
"""
