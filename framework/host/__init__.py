"""The plugin host: hook specifications, the table of component kinds, their base classes and options,
the registry, the plugin manager, blame for failing components, and the plugin listing."""
