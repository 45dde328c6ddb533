"""The settings keys, declared once: their kind, whether the original format has them, and which steps honour them.

Every list of keys derives from :data:`KEYS`: the reader's known keys (an
unknown key is warned about, with the closest known one), the keys whose
values are text as written, and each step's keys (:func:`keys_of`); the
settings reference (docs/settings.md) is tested against it. A step honours each of its keys: the tests hold every
step to its list, so that no documented key is read and then ignored.
"""

from __future__ import annotations

import attrs

from camchar.host.kinds import KINDS

__all__ = ["Key", "KEYS", "STATS", "RESPONSE", "keys_of", "ORIGINAL_KEYS", "CAMCHAR_KEYS", "TEXT_KEYS"]

#: The steps that read a settings file.
STATS, RESPONSE = "stats", "response"


@attrs.frozen
class Key:
    """One settings key.

    Parameters
    ----------
    name
        The key as written in the file.
    steps
        The steps that honour it (``stats``, ``response``).
    original
        Whether the original ``image_stats`` format has it.
    required
        Whether every settings file must give it.
    text
        Whether its value is text kept exactly as written (``label: 5e2`` is ``"5e2"``).
    recorded
        The steps that only record it (in the output's provenance, with the settings text) without using it.
    """

    name: str
    steps: frozenset[str]
    original: bool = False
    required: bool = False
    text: bool = False
    recorded: frozenset[str] = frozenset()


def _key(name: str, *steps: str, original: bool = False, required: bool = False, text: bool = False, recorded: tuple[str, ...] = ()) -> Key:
    return Key(name, frozenset(steps), original, required, text, frozenset(recorded))


#: Every settings key, the original format's first, in the order of the settings reference (docs/settings.md).
KEYS: tuple[Key, ...] = (
    _key("camera", STATS, original=True, text=True),
    _key("lens", STATS, original=True, text=True),
    _key("settings", STATS, original=True, text=True),
    _key("label", STATS, original=True, text=True),
    _key("ND", STATS, original=True),
    _key("crop", STATS, original=True),
    _key("dcraw", STATS, original=True, text=True, recorded=(STATS,)),
    _key("roi", STATS, original=True),
    _key("non_negative", STATS, RESPONSE, original=True, recorded=(STATS,)),
    _key("source_spectra", RESPONSE, original=True, text=True),
    _key("image_dir", STATS, RESPONSE, original=True, required=True, text=True),
    _key("image_name", STATS, original=True, required=True, text=True),
    _key("images", STATS, original=True, required=True),
    *(
        _key(kind.setting, RESPONSE if kind.key in ("spectra_readers", "response_methods", "spectrometer_readers") else STATS)
        for kind in KINDS.values()
    ),
    _key("max", STATS),
    _key("white_level", STATS),
    _key("black_level", STATS),
    _key("saturated_fraction", STATS),
    _key("defect_mask", STATS),
    _key("detect_clipping", STATS),
    _key("dark", STATS),
    _key("plugins", STATS, RESPONSE),
    _key("exposure", STATS),
    _key("output", STATS, RESPONSE, text=True),
)

#: Keys of the original ``image_stats`` settings format.
ORIGINAL_KEYS: tuple[str, ...] = tuple(key.name for key in KEYS if key.original)
#: camchar's own optional keys.
CAMCHAR_KEYS: tuple[str, ...] = tuple(key.name for key in KEYS if not key.original)
#: Keys whose values are text, kept exactly as written.
TEXT_KEYS: tuple[str, ...] = tuple(key.name for key in KEYS if key.text)


def keys_of(step: str) -> tuple[str, ...]:
    """The keys ``step`` honours (``stats`` or ``response``)."""
    return tuple(key.name for key in KEYS if step in key.steps)
