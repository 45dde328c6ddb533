"""Where built kernels are kept, and under which name: one file per sample type and build.

A file's name is a digest of everything its machine code depends on: the
kernels' source and build modules, numba's and llvmlite's versions, and the
host's target triple, processor and features; a change to any of them
builds anew. A file holds a header naming its format and the digest of its
name and the object code after it, checked before the code is loaded (LLVM
aborts the process on some malformed objects; a truncated or damaged file,
or one copied under another sample type's name, is built anew).

The folder is ``$NUMBA_CACHE_DIR/camchar`` when that variable is set (as
numba's own cache), else the ``__pycache__`` folder beside these modules
when it can be written, else ``$XDG_CACHE_HOME/camchar`` (``~/.cache/camchar``).
A folder that cannot be written leaves the kernels built in memory for the
run, and built again by the next.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

import numpy as np

__all__ = ["cached_object", "keep_object"]

_MAGIC = b"camchar kernels 2\n"
_SOURCES = ("source.py", "build.py")


def cached_object(dtype: np.dtype, host: str) -> bytes | None:
    """The object code built for ``dtype`` on ``host`` (:func:`host_description`), or ``None`` when none is cached whole."""
    name = _file_name(dtype, host)
    for folder in _folders():
        try:
            data = (folder / name).read_bytes()
        except OSError:
            continue
        header, digest, code = data[: len(_MAGIC)], data[len(_MAGIC) : len(_MAGIC) + 32], data[len(_MAGIC) + 32 :]
        if header == _MAGIC and _digest(name, code) == digest:
            return code
    return None


def keep_object(dtype: np.dtype, host: str, code: bytes) -> Path | None:
    """Write the object code built for ``dtype`` into the first folder that takes it (atomically); its path, or ``None``."""
    name = _file_name(dtype, host)
    for folder in _folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".camchar-kernels-")
        except OSError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), 0o644)  # as a compiled module: readable by every user of the installation
                handle.write(_MAGIC + _digest(name, code) + code)
            target = folder / name
            os.replace(temporary, target)
            return target
        except OSError:
            Path(temporary).unlink(missing_ok=True)
    return None


def _digest(name: str, code: bytes) -> bytes:
    """The digest a file named ``name`` holding ``code`` carries: a file renamed, or its code damaged, does not match it."""
    return hashlib.sha256(name.encode() + b"\0" + code).digest()


def _file_name(dtype: np.dtype, host: str) -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for part in (version("numba"), version("llvmlite"), host, dtype.str):
        digest.update(part.encode() + b"\0")
    return f"kernels-{dtype.kind}{dtype.itemsize}-{digest.hexdigest()[:24]}.o"


def _folders() -> list[Path]:
    numba_cache = os.environ.get("NUMBA_CACHE_DIR")
    if numba_cache:
        return [Path(numba_cache) / "camchar"]
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "camchar"
    return [Path(__file__).parent / "__pycache__", user_cache]
