"""Image names with a wildcard: ``IMG_{:04}_*.png`` finds ``IMG_0001_12.5ms.png``.

Cameras that put the exposure time (or a time stamp) into the file name make
names the image number alone cannot give. A ``*`` in ``image_name`` stands
for any text: each image's file is the one file in the image folder whose
name matches, with the number filled in. No match leaves the name as it is
(the missing-file check reports it); more than one is an error naming them.
The folder is listed once per run, however many images there are.
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path

from camchar.core.errors import BadInput
from camchar.core.pages import PAGE_MARK, split_page

__all__ = ["Wildcards", "WILDCARD"]

#: What stands for any text in an image name.
WILDCARD = "*"


class Wildcards:
    """Resolves image names holding ``*`` against the listing of their folder, read once."""

    def __init__(self) -> None:
        self._listings: dict[Path, list[str]] = {}

    def resolve(self, path: Path) -> Path:
        """The file ``path`` stands for: ``path`` itself unless its name holds ``*``.

        A page (``stack_*.tif#3``) keeps its page number.

        Raises
        ------
        BadInput
            When the name matches more than one file.
        """
        file, page = split_page(path)
        if WILDCARD not in file.name or file.is_file():
            return path
        prefix = file.name.split(WILDCARD, 1)[0]
        regex = re.compile(".*?".join(re.escape(part) for part in file.name.split(WILDCARD)), re.DOTALL)
        names = self._listing(file.parent)
        start = bisect.bisect_left(names, prefix)
        matches = []
        for name in names[start:]:
            if not name.startswith(prefix):
                break
            if regex.fullmatch(name):
                matches.append(name)
        if not matches:
            return path
        if len(matches) > 1:
            shown = ", ".join(matches[:3]) + (", ..." if len(matches) > 3 else "")
            raise BadInput(path, f"matches {len(matches)} files ({shown}); make image_name match one file per image number")
        resolved = file.with_name(matches[0])
        return resolved if page is None else resolved.with_name(f"{resolved.name}{PAGE_MARK}{page}")

    def _listing(self, folder: Path) -> list[str]:
        if folder not in self._listings:
            try:
                self._listings[folder] = sorted(os.listdir(folder))
            except OSError:
                self._listings[folder] = []
        return self._listings[folder]
