"""Reading YAML rule and registry files strictly.

Every value read from a rule file goes through a :class:`FieldReader`, which
raises :class:`~provenance.errors.RuleFileError` naming the file and the field
as soon as something is wrong, in the shape vale uses::

    rules/seo/stuffing.yaml: severity: expected info|warning|error, got 'critical'

A file is never half-loaded: the first problem stops the load of that file. A folder is
read to the end, and :func:`combined` reports the problems of every bad file at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import yaml

from ..errors import RuleFileError

__all__ = ["FieldReader", "combined", "read_yaml", "describe"]


def read_yaml(path: Path, source: str) -> object:
    """The parsed content of a YAML file; ``source`` names it in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"cannot read: {exc}", source=source) from exc
    try:
        # libyaml's loader when PyYAML has it: the rules are read at every start-up.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleFileError(f"not valid YAML: {problem}{where}", source=source) from exc


def combined(errors: Sequence[RuleFileError]) -> RuleFileError:
    """One error for the problems of several files: each on a line of its own, naming file and field."""
    if len(errors) == 1:
        return errors[0]
    lines = "\n".join(f"  {error}" for error in errors)
    return RuleFileError(f"{len(errors)} problems in rule files:\n{lines}")


def describe(value: object) -> str:
    """A value as an error message shows it: strings quoted, containers by type."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return repr(value)


class FieldReader:
    """Typed, strict access to the fields of one mapping of a rule file."""

    def __init__(self, data: object, source: str, prefix: str = "") -> None:
        self.source = source
        self.prefix = prefix
        if not isinstance(data, Mapping):
            where = prefix.rstrip(".") or "file"
            raise RuleFileError(f"{where}: expected a mapping of fields, got {describe(data)}", source=source)
        self.data: Mapping[object, object] = data

    def fail(self, key: str, message: str) -> NoReturn:
        raise RuleFileError(f"{self.prefix}{key}: {message}", source=self.source)

    def only(self, allowed: Iterable[str]) -> None:
        """Fail on the first field that is not in ``allowed``."""
        names = tuple(allowed)
        for key in self.data:
            if key not in names:
                self.fail(str(key), f"unknown field (expected one of {', '.join(names)})")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            self.fail(key, "missing (required)")
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"expected a non-empty string, got {describe(value)}")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            self.fail(key, f"missing (required: one of {'|'.join(choices)})")
        if value not in choices:
            self.fail(key, f"expected {'|'.join(choices)}, got {describe(value)}")
        return str(value)

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of strings; a single string is taken as a list of one."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(key, "missing (required)")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(key, f"expected a list of strings, got {describe(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.fail(f"{key}[{index}]", f"expected a quoted non-empty string, got {describe(item)}")
        if required and not value:
            self.fail(key, "expected at least one entry, got an empty list")
        return tuple(value)

    def number(self, key: str, low: float, high: float) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.fail(key, f"expected a number from {low:g} to {high:g}, got {describe(value)}")
        return float(value)

    def integer(self, key: str, default: int, low: int = 1) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.fail(key, f"expected a whole number >= {low}, got {describe(value)}")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {describe(value)}")
        return value

    def mapping(self, key: str) -> Mapping[object, object]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(key, f"expected a mapping, got {describe(value)}")
        return value

    def items(self, key: str) -> list[object]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {describe(value)}")
        return value

    def child(self, value: object, key: str) -> FieldReader:
        return FieldReader(value, self.source, f"{self.prefix}{key}.")

    def params(
        self, check: str, defaults: Mapping[str, object], choices: Mapping[str, tuple[str, ...]]
    ) -> dict[str, object]:
        """The ``params`` of a check: every default, overridden by the file, each of its default's type."""
        values: dict[str, object] = dict(defaults)
        for key, value in self.mapping("params").items():
            name = str(key)
            if name not in defaults:
                self.fail(f"params.{name}", f"unknown parameter of check {check!r} (expected one of {sorted(defaults)})")
            values[name] = self._param(f"params.{name}", defaults[name], value)
            allowed = choices.get(name)
            if allowed is not None and values[name] not in allowed:
                self.fail(f"params.{name}", f"expected {'|'.join(allowed)}, got {describe(value)}")
        return values

    def _param(self, key: str, default: object, value: object) -> object:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                self.fail(key, f"expected true or false, got {describe(value)}")
            return value
        if isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(key, f"expected a number, got {describe(value)}")
            return type(default)(value)
        if isinstance(default, str):
            if not isinstance(value, str):
                self.fail(key, f"expected a string, got {describe(value)}")
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(key, f"expected a list of quoted strings, got {describe(value)}")
        return tuple(value)
