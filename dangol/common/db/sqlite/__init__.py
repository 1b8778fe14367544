"""Django's SQLite backend whose write transactions take turns within the process (settings' ENGINE on SQLite)."""
