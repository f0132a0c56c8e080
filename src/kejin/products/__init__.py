"""Financing products and policies (融资产品与政策): the catalogue of the full-life-cycle
financing map.

The pure core lives here: `model` (the vocabulary and frozen specs), `vocabulary` (the inputs
eligibility may read beyond the assessment snapshot), `pricing` (dated LPR table, all-in rates),
`sizing` (amount rules, scalar and batch) and `loader` (the shipped catalogue files in
`catalogue/`). Eligibility is a rule tree in the assessment's rule-file format
(docs/assessment.md); docs/products.md describes the catalogue format and its sources.
"""
