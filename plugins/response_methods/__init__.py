"""Built-in response methods of camchar response."""
