"""The version of the stored document layout, on its own so the store can check files
without importing every model."""

SCHEMA_VERSION = 1
