"""Financing products and policies (融资产品与政策): the catalogue of the full-life-cycle
financing map.

The pure core: `model` (the vocabulary and frozen specs), `vocabulary` (the inputs eligibility
may read beyond the assessment snapshot), `pricing` (dated LPR table, all-in rates), `sizing`
(amount rules, scalar and batch), `loader` (the shipped catalogue files in `catalogue/`),
`entries` (specs back to file entries) and `conditions` (eligibility faults located by field).
The rooms around it keep the catalogue in the database: `orm`, `repository`, `views`,
`service` (marketplace reads, versioned saves), `imports` (import, export, the live catalogue),
`schemas`, `params`, `labels`, `api`, `web`, `cli`, `demo`. Eligibility is a rule tree in the
assessment's rule-file format (docs/assessment.md); docs/products.md describes the catalogue.
"""
