"""Financing coverage for the government view: how far the region's products reach each stage and
layer, against the needs firms post, what blocks the firms left out, and each policy's reach."""
