"""Durable TinyDB storage and the repositories; nothing else in assettrack touches TinyDB."""
