"""Shared kernel: money, errors, database plumbing, unit of work, i18n and pagination.

Nothing here knows about a particular domain; every domain package may import from here.
"""
