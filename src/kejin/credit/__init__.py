"""Credit risk (信用风险): monotonic WoE scorecards trained on tabular data with a binary target.

The pure core: `model` (the scorecard artefact and its scaling), `scoring` (vectorised Polars
scoring), `data` (loading, target, split), `metrics` (AUC, KS, Gini, calibration), `training`
(optbinning binning and the logistic fit — pandas lives only there), `card` (the model card),
`export` (JSON artefact and SQL CASE expressions), `grading` (grades, limits, prices, adverse
reasons and advice). `service` (train, report, score files) and `lending` (score one enterprise
behind consent) are the use cases; `schemas`, `api`, `web` and `cli` sit on top.
"""
