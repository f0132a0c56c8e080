"""What would it take: minimal, verified change plans for unmet standards, ranked by effort."""
