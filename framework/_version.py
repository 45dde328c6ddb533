"""The camchar version, in one place for packaging and for provenance."""

__version__ = "0.4.1"
