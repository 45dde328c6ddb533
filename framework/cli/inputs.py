"""The settings files a command line names: files as given, folders searched for camchar settings files.

A folder (not named like a settings file: ``x.yml`` that is a folder is
reported as one) is searched recursively (hidden folders and symbolic links to
folders are not entered) for ``*.yml`` and ``*.yaml`` files that are camchar
settings files: files with a top-level ``images:`` key. Other YAML files are
skipped with a note. A file named on the command line is taken as a settings
file whatever it holds (its problems are its sweep's failure).
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import NamedTuple, Sequence

__all__ = ["input_path", "Found", "find_settings_files", "is_settings_file", "SETTINGS_SUFFIXES"]

#: Suffixes of settings files in a searched folder.
SETTINGS_SUFFIXES = (".yml", ".yaml")
#: A top-level ``images:`` key (optionally quoted), at the start of a line.
_IMAGES_KEY = re.compile(rb"""^["']?images["']?[ \t]*:""", re.M)
#: The largest YAML file read to see whether it is a settings file.
_LARGEST_SETTINGS = 16 << 20


def input_path(text: str) -> Path:
    """An argparse type: a file or folder name (not empty: an empty name would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give a settings file or a folder of them")
    return Path(text)


class Found(NamedTuple):
    """The settings files of a command line (a named tuple: ``camchar --help`` imports no attrs).

    Parameters
    ----------
    files
        Each settings file once, in the order given (a folder's in sorted order).
    names
        How each is shown: as given, or the folder as given joined with its path inside it.
    notes
        One line per YAML file skipped and per folder without settings files.
    batch
        Whether this is a batch: more than one file, or any folder.
    """

    files: tuple[Path, ...]
    names: tuple[str, ...]
    notes: tuple[str, ...] = ()
    batch: bool = False


def find_settings_files(arguments: Sequence[Path]) -> Found:
    """The settings files the arguments name: files as given (missing ones too: their sweeps fail), folders searched."""
    files: list[Path] = []
    names: list[str] = []
    notes: list[str] = []
    seen: set[Path] = set()
    searched = False

    def add(path: Path, name: str) -> None:
        key = Path(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            files.append(path)
            names.append(name)

    for argument in arguments:
        if argument.is_dir() and not argument.name.lower().endswith(SETTINGS_SUFFIXES):  # a folder named x.yml: a mistake, said as such
            searched = True
            found_here = 0
            for path in _yaml_files(argument):
                if is_settings_file(path):
                    add(path, str(path))
                    found_here += 1
                else:
                    notes.append(f"skipped {path}: not a camchar settings file (no images: key)")
            if not found_here:
                notes.append(f"no camchar settings files (YAML files with an images: key) in {argument}")
        else:
            add(argument, str(argument))
    return Found(tuple(files), tuple(names), tuple(notes), batch=searched or len(arguments) > 1)


def is_settings_file(path: Path) -> bool:
    """Whether ``path`` is a regular file with a top-level ``images:`` key (read as bytes; not parsed)."""
    try:
        if not path.is_file() or path.stat().st_size > _LARGEST_SETTINGS:
            return False
        return _IMAGES_KEY.search(path.read_bytes()) is not None
    except OSError:
        return False


def _yaml_files(folder: Path) -> list[Path]:
    """The YAML files below ``folder``, sorted; hidden folders and links to folders not entered."""
    found: list[Path] = []
    for root, folders, names in os.walk(folder):  # an unreadable folder is passed over: it holds no sweep camchar can read
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found.extend(Path(root) / name for name in sorted(names) if name.lower().endswith(SETTINGS_SUFFIXES))
    return found
