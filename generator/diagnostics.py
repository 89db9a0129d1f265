"""Problems found in an editor's input, reported as `path:line: level: message`.

Every stage collects all the problems it can find before failing (an editor fixing forty broken
footnotes wants the forty lines at once), then raises EditionError with the whole list.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.files import shown


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int | None
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        path = shown(self.path)  # a line break or a byte that is not UTF-8 in a name, escaped
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.level}: {self.message}"


class EditionError(Exception):
    """Raised with every diagnostic collected so far; the CLI prints them and exits 1."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    # Raised in a worker process, re-raised in the parent.
    def __reduce__(self) -> tuple[type[EditionError], tuple[list[Diagnostic]]]:
        return (EditionError, (self.diagnostics,))


class Collector:
    """Gathers diagnostics for one run; `raise_if_errors` ends a stage that found errors."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, "error", message))

    def warning(self, path: Path | str, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(str(path), line, "warning", message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        failing = self.items if strict else self.errors
        if failing:  # in file order, as an editor works through them
            raise EditionError(sorted(self.items, key=lambda d: (d.path, d.line or 0)))
