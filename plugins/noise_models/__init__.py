"""Built-in temporal-noise models."""
