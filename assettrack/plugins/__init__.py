"""The plugin system: hook specifications, the plugin host, the built-in plugins."""
