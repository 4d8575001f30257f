"""Storage: the SQLite audit database (migrations, one module per table family)."""
