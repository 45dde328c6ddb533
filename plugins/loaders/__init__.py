"""Built-in image loaders."""
