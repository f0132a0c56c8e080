"""Demo region (示范园区): a deterministic synthetic high-tech zone, calibrated to public
statistics."""
