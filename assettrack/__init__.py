"""assettrack: asset, warranty and inspection tracker for network equipment."""

__version__ = "0.1.0"
