"""What ``kg build`` shows a person at a terminal: a progress bar while it works, a summary after.

Only on a terminal: piped or redirected, a build prints its plain report and nothing else (no
bar, no escape codes), so logs and scripts read the same as before.

>>> from io import StringIO
>>> from rich.console import Console
>>> quiet = BuildProgress(Console(file=StringIO()), total=3)   # not a terminal: disabled
>>> with quiet:
...     quiet.extracted(120)
>>> quiet.documents, quiet.tokens
(1, 120)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from kg.model import Entity, Problem
from kg.terminal import visible_controls


class TokenRateColumn(ProgressColumn):
    """spaCy tokens per second so far: the speed that does not depend on article length."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.fields.get("tokens", 0) / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} tokens/s", style="progress.data.speed")


class BuildProgress:
    """A bar of documents done (with tokens per second and time left) on ``console`` if it is a terminal.

    ``total`` is the number of documents expected (None: unknown, the bar then only counts);
    ``extracted(tokens)`` advances it by one document, ``grow(n)`` raises the total when the
    input held more documents than foreseen.
    """

    def __init__(self, console: Console, total: int | None):
        self.console = console
        self.enabled = console.is_terminal
        self.documents = 0
        self.tokens = 0
        self._progress = Progress(
            TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
            TokenRateColumn(), TimeRemainingColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=not self.enabled)
        self._task = self._progress.add_task("documents", total=total, tokens=0)
        self._total = total

    def __enter__(self) -> BuildProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def extracted(self, tokens: int) -> None:
        self.documents += 1
        self.tokens += tokens
        if self._total is not None and self.documents > self._total:
            self._total = self.documents
            self._progress.update(self._task, total=self._total)
        self._progress.update(self._task, advance=1, tokens=self.tokens)

    def skipped(self) -> None:
        """A file that held no document after all: one fewer to expect."""
        if self._total:
            self._total -= 1
            self._progress.update(self._task, total=max(self._total, self.documents))

    def say(self, line: str) -> None:
        """One line above the bar (or simply printed when there is no bar)."""
        self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)


def top_actors_table(actors: Iterable[tuple[Entity, int]]) -> Table:
    """The actors with the most relations, for the summary."""
    table = Table(title="Top actors", title_justify="left")
    table.add_column("actor")
    table.add_column("kind")
    table.add_column("relations", justify="right")
    for entity, count in actors:
        table.add_row(visible_controls(entity.label), entity.kind.value, str(count))  # a label is article text
    return table


def problems_table(problems: list[Problem]) -> Table:
    """Skipped input by reason, the most frequent first ("empty file: 2")."""
    reasons = Counter(problem.reason.split(":")[0] for problem in problems)
    table = Table(title=f"Skipped {len(problems)} input(s)", title_justify="left", show_header=False)
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(reason, str(count))
    return table
