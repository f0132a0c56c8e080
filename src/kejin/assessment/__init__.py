"""Technology assessment: versioned public rule sets evaluated over an enterprise snapshot."""
