"""Whole-registry runs as pure passes: one frame in process, or partition by partition (the
Dask engine, `kejin.assessment.dask_engine`, schedules the latter)."""
