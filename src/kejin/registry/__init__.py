"""Enterprise registry (企业库): technology enterprises keyed by the unified social credit code,
with yearly staff and financials, IP assets, certifications, funding rounds, standards, awards,
R&D institutions and compliance flags — every row carrying its source and as-of date."""
