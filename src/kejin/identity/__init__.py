"""Identity (账户与权限): institutions, users and their roles, web sessions, API tokens and
invitations — who is acting, on whose behalf."""
