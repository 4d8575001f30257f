"""Engines: the only code that knows the order of the stages.

local: incremental, each new article matched against the SQLite database.
spark: batch on Apache Spark (``local[*]`` or a cluster), from the same stage functions; the
       database it ends with is the one a local run builds.
replay: articles prepared elsewhere (a Parquet export) added as a local run adds them.
submit: the ``provenance`` command as a spark-submit application.
"""
