"""Pure domain: models, rules and validation. No I/O, no UI."""
