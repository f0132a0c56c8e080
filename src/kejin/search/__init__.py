"""Full-text search over the document library's paragraphs (docs/search.md)."""
