"""What the assessment reads: snapshot frames built from registry tables or the database."""
