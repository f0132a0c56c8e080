"""Financing needs (融资需求): posted by enterprises, picked up by providers with a fitting
product, answered with offers the firm compares side by side."""
