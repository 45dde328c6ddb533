"""Built-in output writers."""
