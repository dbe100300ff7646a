"""Device drivers written as data: a TOML file per vendor, no Python.

A driver profile names the platform as ntc-templates knows it, the console's prompts, login
and paging, the commands to run with the template that parses each (ntc-templates, or a
TextFSM file beside the profile, or a regular expression), how the parsed fields fill the
standard readings, checklist items with limits, and which assets it is for. assettrack
registers each one through the same ``assettrack_register_drivers`` hook as a plugin written
in Python (the built-in plugin ``profile_drivers``). docs/profiles.md is the guide.
"""
