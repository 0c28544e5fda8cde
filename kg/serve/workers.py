"""The graph ``kg serve`` serves, held by worker processes that run the queries: a runaway
query is stopped by killing its worker (a thread can't be stopped in Python, a process can).
"""
from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.formats.rdf_formats import RDF_FORMATS
from kg.query import graph_file_format, load_store
from kg.serve.protocol import DEFAULT_MAX_ROWS, Dataset, check_request, execute
from kg.serve.reply import Reply
from kg.serve.results import content_type, graph_body

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_WORKERS", "GraphSource", "load_served", "WorkerError", "QueryPool"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 2

_TURTLE = RDF_FORMATS["turtle"].media_type
# The files of a kg build output directory, in the order one is chosen to be served.
_GRAPH_FILES = tuple("graph" + RDF_FORMATS[name].extension for name in ("turtle", "json-ld", "nt"))


@dataclass(frozen=True)
class GraphSource:
    """What ``kg serve`` serves: the graph file, and the viewer page when there is one."""

    graph: Path
    viewer: Path | None = None

    @classmethod
    def locate(cls, path: str | Path) -> "GraphSource":
        """``DIR`` -> ``DIR/graph.ttl`` (else ``graph.jsonld``, ``graph.nt``) and ``DIR/graph.html``;
        a graph file -> itself and the ``graph.html`` beside it. FileNotFoundError when none."""
        path = Path(path)
        if path.is_dir():
            for name in _GRAPH_FILES:
                if (path / name).is_file():
                    viewer = path / "graph.html"
                    return cls(path / name, viewer if viewer.is_file() else None)
            raise FileNotFoundError(f"{path}: no graph.ttl in this directory (run kg build --out {path})")
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file or directory")
        viewer = path.parent / "graph.html"
        return cls(path, viewer if viewer.is_file() else None)


def _default_graph(store) -> list:
    """The triples of the store's default graph."""
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def load_served(graph: str | Path):
    """The graph file in an in-memory Oxigraph store, and its number of triples: every triple in
    the default graph (as :func:`kg.query.load_store` reads it); a TriG or N-Quads file's named
    graphs under their names too, from the same parse (its blank nodes are the same ones)."""
    store = load_store(graph)  # the file's errors, as kg query reports them
    fmt = graph_file_format(graph)
    if fmt is None or not fmt.quads:
        return store, len(store)
    store.clear()
    store.extend(_also_by_name(ox.parse(path=str(graph), format=fmt.ox_format)))
    return store, len(_default_graph(store))


def _also_by_name(quads):
    """Each quad as a triple of the default graph, and a quad of a named graph as itself too."""
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object)
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield quad


def _worker_main(conn, graph: str) -> None:
    """A worker process: load the graph into an in-memory Oxigraph store, then answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    try:
        store, triples = load_served(graph)
    except Exception as error:  # reported to the parent, which stops with the message
        conn.send(("error", str(error)))
        return
    conn.send(("ready", triples))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job[0] == "query":  # ("query", sparql, accept, fmt, max_rows, base_iri, dataset)
            reply = execute(store, *job[1:])
        else:  # ("dump",): the default graph as Turtle
            reply = Reply(200, content_type(_TURTLE), graph_body(_TURTLE, _default_graph(store)))
        conn.send(reply)


class WorkerError(RuntimeError):
    """A worker could not load the graph."""


class _Worker:
    def __init__(self, graph: Path) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: the server has threads
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(graph)), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> int:
        """Block until the graph is loaded; its number of triples. WorkerError if it failed."""
        try:
            status, value = self.conn.recv()
        except EOFError:
            raise WorkerError("a query worker died while loading the graph") from None
        if status != "ready":
            raise WorkerError(value)
        return value

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes, each with the graph in an Oxigraph store; one query at a time each.

    ``run`` hands a query to an idle worker and waits at most ``timeout`` seconds in all; a
    worker that has not answered by then is killed and replaced in the background.
    """

    def __init__(self, graph: Path, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS) -> None:
        if workers < 1:
            raise ValueError("need at least one worker")
        self.graph, self.size, self.timeout, self.max_rows = graph, workers, timeout, max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.triples = 0

    def start(self) -> int:
        """Start the workers and wait until each has loaded the graph; the number of triples."""
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                self.triples = worker.wait_ready()
                self._idle.put(worker)
        except WorkerError:
            self.close()
            raise
        return self.triples

    def _spawn(self) -> _Worker:
        worker = _Worker(self.graph)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def respawn() -> None:
            fresh = self._spawn()
            try:
                fresh.wait_ready()
            except WorkerError:
                fresh.kill()
                with self._lock:
                    self._all.discard(fresh)
                return
            if self._closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=respawn, daemon=True).start()

    def run(self, job: tuple, timeout: float | None = None) -> Reply:
        """Send ``job`` to a worker; its Reply, or 503 when no worker answered in time."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Reply.text(503, f"all {self.size} query workers are busy; tried for {timeout:g} s", **{"Retry-After": "1"})
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Reply.text(500, "the query worker died (out of memory?); it has been replaced")
        self._replace(worker)
        return Reply.text(503, f"query timed out after {timeout:g} s (kg serve --timeout); it was stopped")

    def query(self, sparql: str, accept: str | None = None, fmt: Sequence[str] | str | None = None,
              base_iri: str | None = None, dataset: Dataset | None = None) -> Reply:
        """Run one query on a worker (see :func:`execute`)."""
        refused = check_request(sparql)  # refused here too, without a worker round trip
        if refused is not None:
            return refused
        fmt = [fmt] if isinstance(fmt, str) else list(fmt or [])
        return self.run(("query", sparql, accept, fmt, self.max_rows, base_iri, dataset))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


