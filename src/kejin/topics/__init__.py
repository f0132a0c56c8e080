"""Topics (专题): a saved search (query and filters) that collects the matching documents of
the library as they arrive, and a digest of them citing their paragraphs."""
