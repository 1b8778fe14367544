"""Database backends: Django's own, with what Dangol needs under them (see `sqlite.base`)."""
