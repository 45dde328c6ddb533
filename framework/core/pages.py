"""Pages of a multi-page file as images: ``stack.tif#3`` is the third page of ``stack.tif``.

Scientific cameras often write a whole bracket or sweep into one multi-page
TIFF. The settings address a page by ending ``image_name`` with ``#`` and the
page number, 1 for the first page (as ImageJ and most viewers count them)::

    image_name: sweep.tif#{}     # image 1 is page 1 of sweep.tif, image 2 page 2 ...

Everywhere camchar handles files, such a path stands for its page; whether the
file exists is asked of the file part (:func:`file_of`). Only a path whose name
ends in ``#`` and digits addresses a page.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["split_page", "file_of", "PAGE_MARK"]

#: What separates a file name from the page number.
PAGE_MARK = "#"
_PAGE = re.compile(r"#(\d{1,9})$")


def split_page(path: str | Path) -> tuple[Path, int | None]:
    """The file and the page a path addresses: ``stack.tif#3`` gives ``(stack.tif, 3)``.

    Parameters
    ----------
    path
        An image path as the settings name it.

    Returns
    -------
    tuple
        The file, and the 1-based page number, or ``None`` for a path that
        names a whole file (its first image).
    """
    path = Path(path)
    match = _PAGE.search(path.name)
    if match is None:
        return path, None
    return path.with_name(path.name[: match.start()]), int(match.group(1))


def file_of(path: str | Path) -> Path:
    """The file holding the image at ``path`` (``path`` itself unless it addresses a page)."""
    return split_page(path)[0]
