"""Built kernels on disk: found again by the same build only, and never loaded damaged."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba")

from camchar.numerics.kernels.cache import cached_object, keep_object  # noqa: E402

CODE = bytes(range(256)) * 40
U2 = np.dtype(np.uint16)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    return tmp_path / "camchar"


def test_kept_code_is_found_for_the_same_type_and_host_only(cache):
    path = keep_object(U2, "x86_64 znver3 +avx2", CODE)
    assert path is not None and path.parent == cache
    assert cached_object(U2, "x86_64 znver3 +avx2") == CODE
    assert cached_object(U2, "x86_64 znver4 +avx512f") is None  # another processor: built anew
    assert cached_object(np.dtype(np.int16), "x86_64 znver3 +avx2") is None


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "empty"])
def test_a_damaged_file_is_not_loaded(cache, damage):
    path = keep_object(U2, "host", CODE)
    data = path.read_bytes()
    path.write_bytes({"flipped byte": data[:-100] + bytes([data[-100] ^ 1]) + data[-99:], "truncated": data[: len(data) // 2], "empty": b""}[damage])
    assert cached_object(U2, "host") is None
    keep_object(U2, "host", CODE)  # built again, it replaces the damaged file
    assert cached_object(U2, "host") == CODE


def test_a_folder_that_cannot_be_written_keeps_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker))
    assert keep_object(U2, "host", CODE) is None
    assert cached_object(U2, "host") is None


def test_a_file_copied_under_another_types_name_is_not_loaded(cache):
    """Its entry points would be missing: every run would warn and take the numpy path, and the file would never be built anew."""
    kept = keep_object(np.dtype(np.uint8), "host", CODE)
    wanted = keep_object(U2, "host", CODE[::-1])
    wanted.write_bytes(kept.read_bytes())
    assert cached_object(U2, "host") is None
    assert cached_object(np.dtype(np.uint8), "host") == CODE
