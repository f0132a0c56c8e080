"""Demo region (示范园区): a deterministic synthetic high-tech zone (public calibration)."""
