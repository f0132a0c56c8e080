"""Life-cycle stage and innovation points: indicators, cohort percentiles, scores and ranks."""
