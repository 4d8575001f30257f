"""The ``provenance`` command as a ``spark-submit`` application.

spark-submit takes a Python file, not a console script: give it this one, then
the command's arguments, for example

    spark-submit --master yarn --deploy-mode client provenance/engines/submit.py \\
        audit hdfs:///crawl/news/ --engine spark --db audit.db --parquet hdfs:///audits/2026-12-05

Under spark-submit, ``--engine spark`` uses the master spark-submit was given.
"""

from provenance.cli.app import app

if __name__ == "__main__":
    app(prog_name="provenance")
