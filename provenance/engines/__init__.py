"""Engines: the only code that knows the order of the stages.

local: incremental, each new article matched against the SQLite database.
"""
