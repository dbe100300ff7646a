"""Built-in features, registered through the same hooks as any external plugin."""
