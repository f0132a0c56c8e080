"""Lending (贷款): loans to technology enterprises, their history and outcomes."""
