"""The built kernels, loaded with llvmlite and called through ctypes on numpy arrays, for each sample type as it comes.

Loading the object code of the kernels for one sample type takes a few
milliseconds (importing llvmlite about 0.05 s, once); numba is imported
only when a sample type has no kernels built yet
(:mod:`~camchar.numerics.kernels.build`). Calls release the GIL (ctypes
does for foreign functions), so that worker threads run kernels side by side.

Every kernel reads rows whose values follow one another in memory (the
rows' own stride may be longer, as in a region of a larger image); arrays
of another layout or a foreign byte order are copied first, which gives the
same values.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Callable, ContextManager, Sequence

import numpy as np

from camchar.numerics.kernels.build import entry_point
from camchar.numerics.kernels.cache import cached_object, keep_object
from camchar.numerics.kernels.source import ARGUMENTS

__all__ = ["Kernels", "SAMPLE_KINDS"]

#: The sample types the kernels are built for: numpy's integer types, and float32 and float64.
SAMPLE_KINDS = frozenset(f"{kind}{size}" for kind in "iu" for size in (1, 2, 4, 8)) | {"f4", "f8"}

_C_TYPES = {"samples": ctypes.c_void_p, "float64*": ctypes.c_void_p, "int64*": ctypes.c_void_p, "int": ctypes.c_ssize_t, "float64": ctypes.c_double}


class Kernels:
    """The kernels of every sample type loaded so far, each type's loaded (and first built) on first use.

    Parameters
    ----------
    building
        The context in which numba builds kernels for a sample type that has
        none cached (the fast path's keeps SciPy out of numba's start-up).
    """

    def __init__(self, building: Callable[[], ContextManager[None]] | None = None):
        import llvmlite.binding as llvm

        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        self._llvm = llvm
        self._host = f"{llvm.get_default_triple()} {llvm.get_host_cpu_name()} {llvm.get_host_cpu_features().flatten()}"
        self._building = building
        self._lock = threading.Lock()
        self._loaded: dict[str, dict[str, Callable[..., int]]] = {}
        self._engines: list[object] = []  # the code lives as long as its engine
        #: Why the kernels of a sample type failed to build or load, by type (``{"u4": "..."}``); those take the numpy path.
        self.failures: dict[str, str] = {}

    def takes(self, dtype: np.dtype) -> bool:
        """Whether kernels for samples of ``dtype`` are loaded, loading (or building) them now when they can be."""
        key = f"{dtype.kind}{dtype.itemsize}"
        if key in self._loaded:
            return True
        if key not in SAMPLE_KINDS or key in self.failures:
            return False
        with self._lock:
            if key not in self._loaded and key not in self.failures:
                try:
                    self._loaded[key] = self._load(np.dtype(dtype).newbyteorder("="))
                except Exception as exc:  # noqa: BLE001 - numba or LLVM failing raises anything; the numpy path still runs
                    self.failures[key] = f"{type(exc).__name__}: {exc}"
        return key in self._loaded

    def pixel_sum_moments(self, rows: np.ndarray, channels: int) -> tuple[int, int]:
        """``(sum s, sum s**2)`` over the pixels of ``(H, W*C)`` integer rows, ``s`` a pixel's channel sum, in int64."""
        if rows.dtype.kind not in "iu":
            raise TypeError(f"pixel sums are exact for integer samples only, not {rows.dtype}")
        rows = _readable(rows)
        width = rows.shape[1] // channels
        sums, result = np.empty(width, np.int64), np.empty(2, np.int64)
        narrow = rows.itemsize <= 2 and channels <= 32768  # a pixel's sum fits in int32
        self._call("pixel_sum_moments", rows.dtype, _at(rows), _stride(rows), rows.shape[0], width, channels, int(narrow), _at(sums), _at(result))
        return int(result[0]), int(result[1])

    def difference_moments(self, longer: np.ndarray, shorter: np.ndarray, channels: int, step: int) -> tuple[np.ndarray, np.ndarray]:
        """``(C,)`` mean of the differences ``longer - shorter`` over every ``step``-th of the ``(H, W*C)`` rows, and ``(C,)`` sums of their squared deviations.

        ``shorter`` of one value broadcasts (the origin); ``step`` is at least 1.
        """
        if step < 1:
            raise ValueError(f"step must be at least 1, not {step}")
        longer = _readable(longer)
        broadcast = shorter.size == 1
        origin = float(np.float64(shorter.reshape(-1)[0])) if broadcast else 0.0
        if broadcast:
            shorter = longer
        elif shorter.dtype != longer.dtype:  # as float64, both: the kernel converts each value to float64 first
            longer, shorter = longer.astype(np.float64), shorter.astype(np.float64)
        else:
            shorter = _readable(shorter)
        if shorter.shape != longer.shape:
            raise ValueError(f"the frames differ in shape: {longer.shape} and {shorter.shape}")
        height, items = longer.shape
        columns, mean_row, mean, squares = np.empty(items), np.empty(items), np.empty(channels), np.empty(channels)
        arguments = (_at(longer), _stride(longer), _at(shorter), _stride(shorter), origin, int(broadcast), height, items, channels, step)
        self._call("difference_moments", longer.dtype, *arguments, _at(columns), _at(mean_row), _at(mean), _at(squares))
        return mean, squares

    def accumulate_lines(self, frames: Sequence[tuple[np.ndarray, float, np.ndarray]], sum_y: np.ndarray, sum_xy: np.ndarray) -> None:
        """Pass 1 for a batch of frames' block of rows, frame after frame: ``sum_y += y`` and ``sum_xy += y X``, ``y = counts x scale`` as float64.

        Parameters
        ----------
        frames
            ``(counts, scale, X)`` of each frame: its ``(rows, W*C)`` counts,
            the scale of its counts and its centred stimulus along a row.
        sum_y, sum_xy
            The block's per-pixel sums, ``(rows, W*C)`` float64, added to.
        """
        _check_writable(sum_y, sum_xy, like=None)
        if sum_y.strides != sum_xy.strides or sum_y.shape != sum_xy.shape:
            raise ValueError("sum_y and sum_xy must be laid out alike")
        height, items = sum_y.shape
        sums = (_at(sum_y), _at(sum_xy), _stride(sum_y))
        for counts, scale, centred_row in frames:
            counts = _counts(counts, sum_y.shape)
            kernel = self._kernel("accumulate_lines", counts.dtype)
            _check_status(kernel(_at(counts), _stride(counts), height, items, float(scale), _at(_row(centred_row, items)), *sums), "accumulate_lines")

    def residual_sums(
        self, frames: Sequence[tuple[np.ndarray, float, np.ndarray]], mean_y: np.ndarray, bias: np.ndarray, sums: np.ndarray, previous: np.ndarray, neighbours: bool
    ) -> None:
        """Pass 2 for a batch of frames' block of rows: column sums of the residuals ``r`` and ``r**2`` into ``sums[n, 0]``, ``sums[n, 1]``.

        With ``neighbours``, ``sums[n, 2]`` gets the column sums of ``r``
        times ``previous`` (the frame before's residuals), and ``previous``
        frame ``n``'s residuals, frame after frame.

        Parameters
        ----------
        frames
            ``(counts, scale, X)`` of each frame, as for :meth:`accumulate_lines`.
        mean_y, bias
            The fitted lines over the block's rows, ``(rows, W*C)``.
        sums
            ``(len(frames), terms, W*C)`` float64, written.
        previous
            ``(rows, W*C)`` float64 residuals of the frame before, read and
            written with ``neighbours`` (not used otherwise).
        neighbours
            Whether the neighbouring products are summed.
        """
        mean_y, bias = _readable(mean_y), _readable(bias)
        if mean_y.strides != bias.strides or mean_y.shape != bias.shape:
            mean_y, bias = np.ascontiguousarray(mean_y), np.ascontiguousarray(bias)
        height, items = mean_y.shape
        if neighbours:
            _check_writable(previous, like=mean_y)
        terms = 3 if neighbours else 2
        if sums.ndim != 3 or sums.shape[0] != len(frames) or sums.shape[1] < terms or sums.shape[2] != items:
            raise ValueError(f"sums must be ({len(frames)}, {terms} or more, {items}), not {sums.shape}")
        lines = (_at(mean_y), _at(bias), _stride(mean_y))
        before = (_at(previous), _stride(previous), int(bool(neighbours))) if neighbours else (lines[0], lines[2], 0)
        for position, (counts, scale, centred_row) in enumerate(frames):
            counts = _counts(counts, mean_y.shape)
            out = sums[position]
            _check_writable(out, like=None)
            kernel = self._kernel("residual_sums", counts.dtype)
            status = kernel(_at(counts), _stride(counts), height, items, float(scale), _at(_row(centred_row, items)), *lines, _at(out), out.shape[0], *before)
            _check_status(status, "residual_sums")

    def _kernel(self, kernel: str, dtype: np.dtype) -> Callable[..., int]:
        if not self.takes(dtype):
            raise TypeError(f"no kernels for samples of type {dtype}: {self.failures.get(f'{dtype.kind}{dtype.itemsize}', 'not a type they are built for')}")
        return self._loaded[f"{dtype.kind}{dtype.itemsize}"][kernel]

    def _call(self, kernel: str, dtype: np.dtype, *arguments: object) -> None:
        _check_status(self._kernel(kernel, dtype)(*arguments), kernel)

    def _load(self, dtype: np.dtype) -> dict[str, Callable[..., int]]:
        code = cached_object(dtype, self._host)
        if code is None:
            code = self._built(dtype)
            keep_object(dtype, self._host, code)
        machine = self._llvm.Target.from_default_triple().create_target_machine()  # the engine owns it: one each
        engine = self._llvm.create_mcjit_compiler(self._llvm.parse_assembly(""), machine)
        engine.add_object_file(self._llvm.ObjectFileRef.from_data(code))
        engine.finalize_object()
        self._engines.append(engine)
        functions: dict[str, Callable[..., int]] = {}
        for kernel, kinds in ARGUMENTS.items():
            address = engine.get_function_address(entry_point(kernel, dtype))
            if not address:
                raise RuntimeError(f"the built kernels have no {entry_point(kernel, dtype)}")
            functions[kernel] = ctypes.CFUNCTYPE(ctypes.c_int32, *(_C_TYPES[kind] for kind in kinds))(address)
        return functions

    def _built(self, dtype: np.dtype) -> bytes:
        from camchar.numerics.kernels.build import build_object

        if self._building is None:
            return build_object(dtype)
        with self._building():
            return build_object(dtype)


def _readable(array: np.ndarray) -> np.ndarray:
    """``array`` (2-D) when each of its rows is contiguous values in the machine's byte order, else such a copy."""
    if array.dtype.isnative and array.strides[1] == array.itemsize and array.strides[0] % array.itemsize == 0:
        return array
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("="))


def _counts(counts: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A frame's block of counts, readable by the kernels, of the block's ``shape``."""
    if counts.shape != shape:
        raise ValueError(f"a frame's block of {counts.shape} values against sums of {shape}")
    return _readable(counts)


def _check_status(status: int, kernel: str) -> None:
    """Raise when a kernel returned a failure (none does: they neither allocate nor raise)."""
    if status != 0:
        raise RuntimeError(f"the {kernel} kernel failed")


def _check_writable(*arrays: np.ndarray, like: np.ndarray | None) -> None:
    """Refuse output arrays the kernels cannot write in place: not float64 rows of contiguous values, or not shaped ``like``."""
    for array in arrays:
        if array.dtype != np.float64 or not array.dtype.isnative or not array.flags.writeable or array.ndim != 2:
            raise ValueError(f"the kernels write into writable 2-D float64 arrays, not {array.dtype} of {array.ndim} dimensions")
        if array.strides[1] != array.itemsize or array.strides[0] % array.itemsize != 0 or (like is not None and array.shape != like.shape):
            raise ValueError(f"the kernels write into rows of contiguous values shaped {None if like is None else like.shape}, not {array.shape} by {array.strides}")


def _row(values: np.ndarray, items: int) -> np.ndarray:
    """``values`` as contiguous float64, at least ``items`` of them."""
    row = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    if row.size < items:
        raise ValueError(f"a row of {items} values is needed, not {row.size}")
    return row


def _at(array: np.ndarray) -> int:
    """The address of ``array``'s first value."""
    return int(array.ctypes.data)


def _stride(array: np.ndarray) -> int:
    """The distance from one row of ``array`` to the next, in values."""
    return array.strides[0] // array.itemsize
