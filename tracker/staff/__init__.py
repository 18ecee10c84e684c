"""The staff side: accounts, login, second factor, roles, admin pages."""
