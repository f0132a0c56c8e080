"""Consent (授权): an enterprise grants an institution access to data scopes, for a stated
purpose, until an expiry date; every consented read is checked here and recorded in the audit
log."""
