"""The settings file: read once at the edge, checked, and handed on as an immutable ``Settings``."""

from camchar.settings.model import Settings
from camchar.settings.reader import CAMCHAR_KEYS, ORIGINAL_KEYS, read_settings

__all__ = ["Settings", "read_settings", "ORIGINAL_KEYS", "CAMCHAR_KEYS"]
