"""Notifications (通知): an inbox per institution, enterprise or user that any service may
write to inside its own transaction."""
