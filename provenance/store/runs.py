"""Runs and their problems: the ``runs`` and ``errors`` tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Sequence

from .base import StoreBase, utc_text
from ..models import InputProblem

__all__ = ["RunsStore"]


class RunsStore(StoreBase):
    """Runs, their counts and the problems met on the way."""

    def start_run(self, command: str, inputs: Sequence[str], version: str, now: dt.datetime) -> int:
        """A new run, by this process; runs left ``running`` by a process that is gone are marked ``interrupted``."""
        with self.transaction():
            self.mark_interrupted(now)
            cursor = self.db.execute(
                "INSERT INTO runs (started_utc, version, command, inputs, pid, host) VALUES (?, ?, ?, ?, ?, ?)",
                [utc_text(now), version, command, json.dumps(list(inputs), ensure_ascii=False), os.getpid(),
                 socket.gethostname()],
            )
        return int(cursor.lastrowid or 0)

    def mark_interrupted(self, now: dt.datetime) -> list[int]:
        """Mark ``interrupted`` the runs still ``running`` whose process on this host no longer exists."""
        host = socket.gethostname()
        gone = [
            int(row[0])
            for row in self.db.execute("SELECT id, pid, host FROM runs WHERE status = 'running'").fetchall()
            if row[1] is not None and row[2] == host and not _is_alive(int(row[1]))
        ]
        for run_id in gone:
            self.db.execute("UPDATE runs SET status = 'interrupted', finished_utc = ? WHERE id = ?", [utc_text(now), run_id])
        return gone

    def finish_run(self, run_id: int, counts: dict[str, int], status: str, now: dt.datetime) -> None:
        columns = ("articles_seen", "articles_new", "articles_known", "errors", "warnings")
        with self.transaction():
            self.db.execute(
                "UPDATE runs SET finished_utc = ?, status = ?, "
                + ", ".join(f"{c} = ?" for c in columns)
                + " WHERE id = ?",
                [utc_text(now), status, *(counts.get(c, 0) for c in columns), run_id],
            )

    def add_problem(self, run_id: int, problem: InputProblem, now: dt.datetime) -> None:
        self.db.execute(
            "INSERT INTO errors (run_id, input, problem, severity, created_utc) VALUES (?, ?, ?, ?, ?)",
            [run_id, problem.location, problem.problem, problem.severity, utc_text(now)],
        )

    def add_run_problems(self, run_id: int, problems: Sequence[InputProblem], now: dt.datetime) -> None:
        """Add problems found outside the pipeline (a feed that cannot be read) to a run and its counts."""
        if not problems:
            return
        errors = sum(1 for p in problems if p.severity == "error")
        with self.transaction():
            for problem in problems:
                self.add_problem(run_id, problem, now)
            self.db.execute(
                "UPDATE runs SET errors = errors + ?, warnings = warnings + ? WHERE id = ?",
                [errors, len(problems) - errors, run_id],
            )


def _is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True
