"""Application services: what the CLI and the TUI call. They hold the rules and the store."""
