"""Audit (审计): an append-only, hash-chained log of every write and every consented read."""
