"""The Textual app. It talks to services, never to TinyDB."""
