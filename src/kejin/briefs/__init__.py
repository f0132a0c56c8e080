"""Briefs (文档摘要): an extractive, deterministic "Core Insights" brief of one stored document —
key points, themed sections whose bullets cite their paragraphs, and a table of the figures,
dates, programmes and document numbers it mentions."""
