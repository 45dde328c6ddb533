"""Built-in bracket selectors."""
