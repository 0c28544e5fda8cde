"""The command line: ``kg build``, ``kg query``, ``kg eval``. Thin: each command calls one stage."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from kg.formats.result_formats import RESULT_FORMATS
from kg.ingest import DEFAULT_MAX_BYTES
from kg.nlp import DEFAULT_MODEL
from kg.terminal import visible_controls, write_output

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="News articles in, an RDF knowledge graph of actors, agreements and events out.")
# Plain text, never markup: "feed.jsonl:100: ..." must not become an emoji (":100:"), nor "[b]" a style.
out = Console(emoji=False, markup=False)
err = Console(stderr=True, emoji=False, markup=False, highlight=False, soft_wrap=True)
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"


def _stderr(message: str) -> None:
    """One line on standard error; what it quotes (file names, a store's answer) cannot command the terminal."""
    err.print(visible_controls(message))


@app.command()
def build(
    ctx: typer.Context,
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders of articles (default: input/)."),
    out_dir: Path = typer.Option(Path("output"), "--out", "-o", help="Where graph.ttl, graph.jsonld, graph.html go."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="An installed spaCy pipeline."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes that parse and extract."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Parse and extract on the Dask cluster at this scheduler address."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse the extraction of unchanged articles (kept beside --out)."),
    stats_file: Optional[Path] = typer.Option(None, "--stats", help="Write counts and the seconds of each stage as JSON."),
    max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Skip files larger than this many bytes."),
    max_nodes: Optional[int] = typer.Option(None, "--max-nodes", min=1,
                                            help="graph.html draws at most this many nodes, the most connected "
                                                 "(default 2000); graph.ttl keeps them all."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks",
                                         help="Also read what symlinks lead to outside the paths given."),
) -> None:
    """Extract the graph from articles and write Turtle, JSON-LD and an HTML view."""
    from kg.build import BuildStats, OutputBusy, corpus_name, extract_graph, output_lock, write_outputs
    from kg.cache import cache_dir_for
    from kg.graph import summary, top_actors
    from kg.progress import BuildProgress, problems_table, top_actors_table
    from kg.render import count_of

    try:  # held until the command ends (click closes the context's resources): one build per --out
        ctx.with_resource(output_lock(out_dir))
    except OutputBusy as error:
        err.print(f"kg build: {error}", markup=False)
        raise typer.Exit(1) from None
    except OSError as error:
        err.print(f"kg build: cannot write {out_dir}: {error.strerror or error}", markup=False)
        raise typer.Exit(1) from None
    stats = BuildStats()
    paths = paths or [Path("input")]
    problems = []
    # The bar counts documents; on a terminal only (see kg.progress), so the count is made only there.
    with BuildProgress(err, _count_documents(paths, follow_symlinks) if err.is_terminal else None) as progress:

        def on_problem(problem) -> None:
            problems.append(problem)
            progress.say(visible_controls(f"skipped {problem}"))
            progress.skipped()

        def on_notice(notice) -> None:  # a remark on read input (kg.model.Notice): shown, not skipped
            progress.say(visible_controls(f"note: {notice}"))

        try:
            graph, _ = extract_graph(paths, model, on_problem=on_problem, on_extracted=progress.extracted,
                                     workers=workers, dask=dask, stats=stats,
                                     cache_dir=cache_dir_for(out_dir) if cache else None, max_bytes=max_bytes,
                                     on_notice=on_notice, follow_symlinks=follow_symlinks)
        except (ValueError, OSError, RuntimeError) as error:
            _stderr(f"kg build: {error}")
            raise typer.Exit(2) from None
    read = len(graph.documents)
    out.print(f"Read {count_of(read, 'document')}, skipped {len(problems)}.")
    if read == 0:
        _stderr(f"kg build: no article could be read; {out_dir} left as it was")
        raise typer.Exit(1)
    try:
        outputs = write_outputs(graph, out_dir, stats, max_nodes=max_nodes, corpus=corpus_name(paths))
    except OSError as error:  # the previous outputs are left as they were (kg.atomic)
        _stderr(f"kg build: cannot write {out_dir}: {error.strerror or error}")
        raise typer.Exit(1) from None
    if stats.reused:
        out.print(f"Reused the extraction of {count_of(stats.reused, 'unchanged document')}, extracted {stats.extracted}.")
    if stats_file is not None:
        import json

        stats_file.write_text(json.dumps(stats.as_dict(), indent=2) + "\n", encoding="utf-8")
    counts = summary(graph)
    _print_counts("Nodes", counts["nodes"])
    _print_counts("Relations", counts["relations"])
    if out.is_terminal:  # the summary a person reads; scripts and logs get the plain report above
        out.print(f"{count_of(stats.tokens, 'token')} in {stats.wall:.1f} s")
        actors = top_actors(graph)
        if actors:
            out.print(top_actors_table(actors))
        if problems:
            out.print(problems_table(problems))
    for path in outputs.values():
        out.print(visible_controls(f"wrote {path}"))


def _count_documents(paths: list[Path], follow_symlinks: bool = False) -> int:
    from kg.ingest import count_documents  # walks iteratively: any depth, symlink loops end

    return count_documents(paths, follow_symlinks)


@app.command()
def push(
    graph: Path = typer.Argument(..., help="A built graph (graph.ttl, .nt or .jsonld)."),
    endpoint: str = typer.Option(..., "--endpoint", help="The store's Graph Store Protocol URL, e.g. http://host:7878/store."),
    graph_iri: Optional[str] = typer.Option(None, "--graph", help="Load into this named graph (default: the default graph)."),
    append: bool = typer.Option(False, "--append", help="Add to the graph (POST) instead of replacing it (PUT)."),
    user: Optional[str] = typer.Option(None, "--user",
                                       help=f"NAME for HTTP basic authentication; the password is read from "
                                            f"${PASSWORD_VARIABLE}, else asked for (never on the command line)."),
) -> None:
    """Load a graph into a SPARQL store through the SPARQL 1.1 Graph Store HTTP Protocol.

    Only a 2xx answer is success; a redirect is an error and is not followed.
    """
    from kg.push import PushError
    from kg.push import push as push_graph

    password = _push_password(user)
    try:
        result = push_graph(graph, endpoint, graph_iri, append=append, user=user, password=password)
    except PushError as error:
        _stderr(f"kg push: {error}")
        raise typer.Exit(1) from None
    out.print(visible_controls(f"{result.method} {result.url}: HTTP {result.status}, {result.bytes} bytes"))


def _push_password(user: Optional[str]) -> Optional[str]:
    """The password of ``user``: from the environment, else typed at a hidden prompt."""
    if user is None:
        return None
    if ":" in user:  # the old NAME:PASSWORD form: the password would show in the process list
        _stderr(f"kg push: --user takes a name only; a password on the command line shows in the process "
                f"list: set {PASSWORD_VARIABLE} or type it when asked")
        raise typer.Exit(2)
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        _stderr(f"kg push: no password for {user}: set {PASSWORD_VARIABLE} (standard input is not a terminal to ask on)")
        raise typer.Exit(2)
    return typer.prompt(f"Password for {user}", hide_input=True, err=True)


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
    fmt: str = typer.Option("table", "--format", help=f"{', '.join(RESULT_FORMATS)} (or a media type)."),
    name: Optional[str] = typer.Option(None, "--name", "--actor",
                                       help="Bind ?name (an actor, event or agreement) to this name, as a value, never spliced."),
    bind: Optional[list[str]] = typer.Option(None, "--bind", metavar="VAR=VALUE",
                                             help="Bind ?VAR to VALUE, a plain literal (repeatable): --bind since=2019-06."),
) -> None:
    """Run a SPARQL 1.1 query over a built graph."""
    from kg.query import format_result, load_store, run_query

    if (sparql is None) == (file is None):
        _stderr("kg query: give either a QUERY or --file Q.rq")
        raise typer.Exit(2)
    bindings = {"name": name} if name is not None else {}
    for item in bind or []:
        variable, equals, value = item.partition("=")
        if not equals or not variable.lstrip("?$"):
            err.print(f"kg query: --bind {item!r}: give VAR=VALUE", markup=False)
            raise typer.Exit(2)
        bindings[variable.lstrip("?$")] = value
    try:
        text = file.read_text(encoding="utf-8") if file else _query_text(sparql)
        result = run_query(load_store(graph), text, bindings or None)
        write_output(format_result(result, fmt))
    except (ValueError, FileNotFoundError, OSError) as error:
        _stderr(f"kg query: {error}")
        raise typer.Exit(2) from None
    except Exception as error:  # a malformed query: rdflib raises pyparsing errors
        _stderr(f"kg query: invalid query: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
        raise typer.Exit(2) from None


def _query_text(argument: str) -> str:
    """SPARQL given inline, or the name or path of a query file."""
    from kg.query import load_query

    if any(c.isspace() for c in argument.strip()) or "{" in argument:
        return argument
    return load_query(argument)


@app.command()
def serve(
    path: Path = typer.Argument(Path("output"), help="A graph file, or a kg build output directory (graph.ttl, graph.html)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address (or name) to listen on; requests must name it, "
                                                          "an IP address or localhost in their Host header."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port (0: any free port)."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Seconds a query may run before it is stopped."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="Most rows (or triples) a query may return."),
    max_bytes: int = typer.Option(16_000_000, "--max-bytes", min=1, help="Most bytes a query's answer may have."),
    workers: int = typer.Option(2, "--workers", min=1, help="Query processes, each holding the graph."),
    query_memory: int = typer.Option(1024, "--query-memory", min=16,
                                     help="MB each query process may take beyond the graph it holds (Linux)."),
    cors: Optional[str] = typer.Option(None, "--cors", metavar="ORIGIN",
                                       help="Let pages of this origin (e.g. https://yasgui.example) query and read "
                                            "answers; by default only the server's own pages can."),
    client_timeout: float = typer.Option(30.0, "--client-timeout", min=0.1,
                                         help="Seconds a client may take to send a request, or to take each MB "
                                              "of an answer; an idle connection is closed after it."),
    max_connections: int = typer.Option(64, "--max-connections", min=1,
                                        help="Connections held open at once; past it, the longest idle one is "
                                             "closed, or 503 when all are busy."),
    rate: float = typer.Option(20.0, "--rate", min=0.0,
                               help="Queries a second each client address may send, in bursts of 5 s worth "
                                    "(0: no limit); past it, 429."),
) -> None:
    """Serve the graph read-only: SPARQL 1.1 at /sparql, the viewer at /, a query page at /query."""
    from kg.serve import WorkerError
    from kg.serve import serve as run_server

    try:
        run_server(path, host, port, timeout=timeout, max_rows=max_rows, workers=workers,
                   announce=lambda line: print(line, flush=True), max_bytes=max_bytes, query_memory=query_memory,
                   cors=cors, client_timeout=client_timeout, max_connections=max_connections, rate=rate)
    except (FileNotFoundError, ValueError, WorkerError, OSError) as error:
        _stderr(f"kg serve: {error}")
        raise typer.Exit(2) from None


@app.command("export")
def export_graph(
    graph: Path = typer.Argument(..., help="A built graph (graph.ttl, .jsonld or .nt)."),
    fmt: str = typer.Option(..., "--format", "-f", help="ttl, nt, nq, jsonld, graphml, gexf, csv or events."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here (default: standard output)."),
    graph_iri: Optional[str] = typer.Option(None, "--graph", help="The named graph of nq output."),
    around: Optional[str] = typer.Option(None, "--around", help="Only the part around the node of this name (as --name finds it)."),
    hops: int = typer.Option(1, "--hops", min=0, help="With --around: how many relations away from it."),
    since: Optional[str] = typer.Option(None, "--since", help="Only sentences dated from this day, month or year (2019-05)."),
    until: Optional[str] = typer.Option(None, "--until", help="Only sentences dated until this day, month or year."),
    source: Optional[str] = typer.Option(None, "--source", help="Only sentences of articles of this outlet (or title, id, url)."),
) -> None:
    """Write the graph, or a part of it, as Turtle, N-Triples, N-Quads, JSON-LD, GraphML/GEXF (Gephi),
    a CSV edge list or a GDELT-style events CSV."""
    from kg.export import DEFAULT_GRAPH_IRI, export
    from kg.subgraph import Selection

    try:
        selection = Selection(around=around, hops=hops, since=since, until=until, source=source)
        result = export(graph, fmt, out_file, graph_iri or DEFAULT_GRAPH_IRI, selection)
    except (ValueError, FileNotFoundError, OSError) as error:
        _stderr(f"kg export: {error}")
        raise typer.Exit(2) from None
    if out_file is None:
        write_output(result)
    else:
        _stderr(f"wrote {result}")


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
        _stderr(f"kg eval: {error}")
        raise typer.Exit(2) from None
    write_output(format_score(result, show))
    if min_f1 is not None and result.f1 < min_f1:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
