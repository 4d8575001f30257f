"""Outputs: reports, email and the Datasette view of an audit database (I/O)."""
