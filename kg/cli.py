"""The command line: ``kg build``, ``kg query``, ``kg eval``. Thin: each command calls one stage."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.nlp import DEFAULT_MODEL

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="News articles in, an RDF knowledge graph of actors, agreements and events out.")
out = Console()
err = Console(stderr=True, highlight=False, soft_wrap=True)

PROGRESS_THRESHOLD = 5  # more files than this get a progress bar


def _count_files(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            total += 1
    return total


@app.command()
def build(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders of articles (default: input/)."),
    out_dir: Path = typer.Option(Path("output"), "--out", "-o", help="Where graph.ttl, graph.jsonld, graph.html go."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="An installed spaCy pipeline."),
) -> None:
    """Extract the graph from articles and write Turtle, JSON-LD and an HTML view."""
    from kg.build import extract_graph, write_outputs
    from kg.graph import summary

    paths = paths or [Path("input")]
    files = _count_files(paths)
    problems = []
    columns = (TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=files <= PROGRESS_THRESHOLD) as progress:
        task = progress.add_task("articles", total=files)

        def on_problem(problem) -> None:
            problems.append(problem)
            progress.console.print(f"[yellow]skipped[/] {problem}", markup=True, highlight=False, soft_wrap=True)
            progress.advance(task)

        try:
            graph, _ = extract_graph(paths, model, on_problem=on_problem, on_document=lambda d: progress.advance(task))
        except ValueError as error:
            err.print(f"kg build: {error}")
            raise typer.Exit(2) from None
    read = len(graph.documents)
    out.print(f"Read {read} document(s), skipped {len(problems)}.")
    if read == 0:
        err.print(f"kg build: no article could be read; {out_dir} left as it was")
        raise typer.Exit(1)
    outputs = write_outputs(graph, out_dir)
    counts = summary(graph)
    _print_counts("Nodes", counts["nodes"])
    _print_counts("Relations", counts["relations"])
    for path in outputs.values():
        out.print(f"wrote {path}")


def _print_counts(title: str, counts: dict) -> None:
    table = Table(title=title, show_header=False, title_justify="left")
    for key, value in sorted(counts.items()):
        table.add_row(str(key), str(value))
    table.add_row("total", str(sum(counts.values())))
    out.print(table)


@app.command()
def query(
    graph: Path = typer.Argument(..., help="A built graph (graph.ttl or graph.jsonld)."),
    sparql: Optional[str] = typer.Argument(None, help="A SPARQL query, or the name of one in ontology/queries."),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="Read the query from this .rq file."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Bind ?name to this actor name (as a value, never spliced)."),
) -> None:
    """Run a SPARQL 1.1 query over a built graph."""
    from kg.query import format_result, load_graph, run_query

    if (sparql is None) == (file is None):
        err.print("kg query: give either a QUERY or --file Q.rq")
        raise typer.Exit(2)
    try:
        text = file.read_text(encoding="utf-8") if file else _query_text(sparql)
        result = run_query(load_graph(graph), text, {"name": actor} if actor is not None else None)
        sys.stdout.write(format_result(result, fmt))
    except (ValueError, FileNotFoundError, OSError) as error:
        err.print(f"kg query: {error}")
        raise typer.Exit(2) from None
    except Exception as error:  # a malformed query: rdflib raises pyparsing errors
        err.print(f"kg query: invalid query: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        raise typer.Exit(2) from None


def _query_text(argument: str) -> str:
    """SPARQL given inline, or the name or path of a query file."""
    from kg.query import load_query

    if any(c.isspace() for c in argument.strip()) or "{" in argument:
        return argument
    return load_query(argument)


@app.command("eval")
def evaluate(
    graph: Path = typer.Argument(..., help="A built graph."),
    gold: Path = typer.Option(..., "--gold", help="Gold relations TSV."),
    aliases: Path = typer.Option(..., "--aliases", help="Gold entity aliases TSV."),
    show: bool = typer.Option(False, "--show", help="List misses and false positives."),
    min_f1: Optional[float] = typer.Option(None, "--min-f1", help="Exit 1 when F1 is below this."),
) -> None:
    """Precision, recall and F1 per relation against a gold list."""
    from kg.evaluate import format_score, load_gold, score
    from kg.query import load_graph

    try:
        result = score(load_graph(graph), load_gold(gold, aliases))
    except (ValueError, FileNotFoundError, OSError) as error:
        err.print(f"kg eval: {error}")
        raise typer.Exit(2) from None
    sys.stdout.write(format_score(result, show))
    if min_f1 is not None and result.f1 < min_f1:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
