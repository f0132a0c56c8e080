"""The vectorised path: rule trees compiled to exact Polars expressions over a snapshot frame."""
