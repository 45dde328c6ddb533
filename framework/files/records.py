"""Reading back the record of inputs that camchar keeps in an output's ``/camchar`` provenance group.

``camchar stats`` and ``camchar response`` store, in every HDF5 output, the
record of what it was computed from (the attribute ``input_record``, JSON
text); a batch reads it back to tell whether the output is up to date. This
module only reads it; what goes into a record, and when two records agree, is
each command's own (:mod:`camchar.stats.freshness`, :mod:`camchar.response.freshness`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["RECORD_KEY", "HDF5_SUFFIXES", "read_record"]

#: The ``/camchar`` attribute holding the record of inputs, as JSON text.
RECORD_KEY = "input_record"
#: Output suffixes of HDF5 files, which keep the provenance.
HDF5_SUFFIXES = (".h5", ".hdf5", ".he5")


def read_record(output: str | Path) -> tuple[dict[str, Any] | None, str]:
    """The record of inputs stored in ``output``, or ``None`` and why there is none.

    Parameters
    ----------
    output
        An output file of camchar (or anything else at that path).

    Returns
    -------
    tuple
        The record and ``""``; or ``None`` and a short reason (``no output
        yet``, ``a .csv output keeps no record of its inputs`` ...). Never
        raises for a file that is missing, special, not HDF5 or damaged.
    """
    output = Path(output)
    if not output.exists():
        return None, "no output yet"
    if not output.is_file():
        return None, "the output is not a regular file"
    if output.suffix.lower() not in HDF5_SUFFIXES:
        return None, f"a {output.suffix or 'suffix-less'} output keeps no record of its inputs"
    try:
        import h5py

        from camchar.files.hdf5_values import PROVENANCE_GROUP

        with h5py.File(output, "r") as f:
            group = f.get(PROVENANCE_GROUP)
            text = group.attrs.get(RECORD_KEY) if isinstance(group, h5py.Group) else None
    except (OSError, ValueError, KeyError):
        return None, "the output is not a readable HDF5 file"
    if text is None:
        return None, "the output has no record of its inputs (written by an older camchar or another tool)"
    try:
        record = json.loads(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    except (ValueError, UnicodeDecodeError):
        record = None
    if not isinstance(record, dict):
        return None, "the output's record of inputs is not readable"
    return record, ""
