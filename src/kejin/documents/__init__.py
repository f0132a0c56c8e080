"""Document library (文档库): policy documents, guides and news kept paragraph by paragraph so that
briefs and search results can cite a stable paragraph id."""
