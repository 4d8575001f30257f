"""Ingest: files, JSON Lines, WARC, feeds and URL fetching -> Document (I/O at the edge)."""
