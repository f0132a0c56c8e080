"""Matching firms with financing products and policies (docs/matching.md): so far the pure
core — model, inputs (the match snapshot), catalogue (rule sets and sizings in force), explain
(one firm), rank, batch (every firm), unlock and path."""
