"""The graph ``kg serve`` serves, held by worker processes that run the queries: a runaway
query is stopped by killing its worker (a thread can't be stopped in Python, a process can).

Once it has loaded the graph, a worker can open nothing (no connection, no file) and take at
most ``query_memory`` MB more (:mod:`kg.serve.sandbox`); it answers on a thread with a 256 MB
stack, so that no query the server lets through (:data:`kg.serve.protocol.MAX_NESTING`) can
overflow it. A worker that dies (out of memory, or killed at the timeout) is replaced.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.formats.rdf_formats import RDF_FORMATS
from kg.query import graph_file_format, load_store
from kg.serve.negotiation import RESULT_TYPES
from kg.serve.protocol import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, Dataset, check_request, execute, screen_request
from kg.serve.reply import Reply
from kg.serve.results import content_type, graph_body
from kg.serve.sandbox import confine

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_WORKERS", "DEFAULT_QUERY_MEMORY", "GraphSource", "load_served", "WorkerError",
           "QueryPool"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 2
DEFAULT_QUERY_MEMORY = 1024
"""MB a worker may take beyond what it holds once the graph is loaded (``kg serve --query-memory``)."""

QUERY_STACK = 256 * 2**20  # the answering thread's stack: 32 times a main thread's 8 MB
QUERY_RECURSION = 20_000  # Python frames on it (rdflib's parser recurses for each nested group)

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


def _worker_main(conn, graph: str, query_memory: int | None, log: str) -> None:
    """A worker process: load the graph into an in-memory Oxigraph store, then answer jobs, on a
    thread with a large stack; what it writes to stderr (Oxigraph's last words included) goes to
    ``log``, which the server reads."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    os.environ["RUST_BACKTRACE"] = "0"  # a failed allocation: one line in the log, not a backtrace
    try:
        threading.stack_size(QUERY_STACK)
    except (ValueError, RuntimeError):  # a system that does not allow it: the default stack
        pass
    sys.setrecursionlimit(QUERY_RECURSION)
    answering = threading.Thread(target=_answer, args=(conn, graph, query_memory), name="kg-serve-queries")
    answering.start()
    answering.join()


_OUT_OF_MEMORY = "the query needed more memory than a query worker may take (kg serve --query-memory {} MB)"


def _answer(conn, graph: str, query_memory: int | None) -> None:
    try:
        store, triples = load_served(graph)
    except Exception as error:  # reported to the parent, which stops with the message
        conn.send(("error", str(error)))
        return
    _warm_up(store)
    missed = confine(query_memory)
    conn.send(("ready", triples, missed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        reply = None
        try:
            if job[0] == "query":  # ("query", sparql, accept, fmt, max_rows, base_iri, dataset, max_bytes)
                reply = execute(store, *job[1:])
            else:  # ("dump",): the default graph as Turtle
                reply = Reply(200, content_type(_TURTLE), graph_body(_TURTLE, _default_graph(store)))
        except MemoryError:
            pass  # answered below, once the exception (and the frames holding the result) is gone
        except Exception as error:  # a bug, not the query's fault: answered, and the worker goes on
            reply = Reply.text(500, f"the query failed in kg serve: {type(error).__name__}: {error}")
        if reply is None:
            conn.send(Reply.text(507, _OUT_OF_MEMORY.format(query_memory) + "; its worker was replaced."))
            return  # the parent starts another
        conn.send(reply)
        del reply  # not held while waiting for the next job


def _warm_up(store) -> None:
    """Run every path a job takes once (each results and graph format, a refused SERVICE), so
    that whatever they import or load is there before the worker is confined."""
    for media in sorted(set(RESULT_TYPES["results"].values())):
        execute(store, "SELECT * {} LIMIT 0", media)
        execute(store, "ASK {}", media)
    for media in sorted(set(RESULT_TYPES["graph"].values())):
        execute(store, "CONSTRUCT WHERE {} LIMIT 0", media)
    check_request("SELECT * { SERVICE <urn:x:y> {} }")
    check_request("SELECT * { SERVICE <urn:x:y> {")


class WorkerError(RuntimeError):
    """A worker could not load the graph."""


# What Oxigraph (Rust) writes before it aborts the process: out of memory, or a bug of its own.
_ALLOCATION_FAILED = "memory allocation of"
_PANIC = re.compile(r"panicked at [^\n]*\n([^\n]+)")


class _Worker:
    def __init__(self, graph: Path, query_memory: int | None) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: the server has threads
        descriptor, self._log_path = tempfile.mkstemp(prefix="kg-serve-worker-", suffix=".log")
        self._log = os.fdopen(descriptor, "rb")  # read as the worker writes; unlinked once it has opened it
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(graph), query_memory, self._log_path),
                                       daemon=True)
        self.process.start()
        child.close()
        self.query_memory = query_memory

    def wait_ready(self) -> tuple[int, list[str]]:
        """Block until the graph is loaded: its number of triples, and what the worker could not
        be kept from (:func:`kg.serve.sandbox.confine`). WorkerError if it failed."""
        try:
            status, *values = self.conn.recv()
        except EOFError:
            raise WorkerError(f"a query worker died while loading the graph {self.relay_log().strip()}") from None
        finally:
            self._forget_log_path()
        if status != "ready":
            raise WorkerError(values[0])
        self.relay_log()
        return values[0], values[1]

    def _forget_log_path(self) -> None:
        if self._log_path is not None:
            try:
                os.unlink(self._log_path)
            except OSError:
                pass
            self._log_path = None

    def relay_log(self) -> str:
        """What the worker wrote to stderr since last asked, also written to the server's stderr."""
        text = self._log.read().decode("utf-8", "replace")
        if text:
            sys.stderr.write(text)
        return text

    def death(self) -> Reply:
        """Why the worker died, as the reply to the query it was running, told by its last words."""
        self.process.join(2)
        last_words = self.relay_log()
        if _ALLOCATION_FAILED in last_words:
            return Reply.text(507, _OUT_OF_MEMORY.format(self.query_memory) + "; add a LIMIT or simplify it. "
                                   "Its worker was replaced.", cost_a_worker=True)
        panic = _PANIC.search(last_words)
        if panic:
            return Reply.text(500, f"the query engine (Oxigraph) failed on this query: {panic.group(1)}. "
                                   "Its worker was replaced.", cost_a_worker=True)
        return Reply.text(500, f"the query worker died (exit code {self.process.exitcode}); it was replaced",
                          cost_a_worker=True)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        self.relay_log()
        self._forget_log_path()
        self._log.close()


class QueryPool:
    """Worker processes, each with the graph in an Oxigraph store; one query at a time each.

    ``run`` hands a query to an idle worker and waits at most ``timeout`` seconds in all; a
    worker that has not answered by then is killed and replaced in the background.
    """

    def __init__(self, graph: Path, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS, max_bytes: int = DEFAULT_MAX_BYTES,
                 query_memory: int | None = DEFAULT_QUERY_MEMORY) -> None:
        if workers < 1:
            raise ValueError("need at least one worker")
        self.graph, self.size, self.timeout, self.max_rows = graph, workers, timeout, max_rows
        self.max_bytes, self.query_memory = max_bytes, query_memory
        self.unconfined: list[str] = []  # what the workers could not be kept from (none on Linux)
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
                self.triples, self.unconfined = worker.wait_ready()
                self._idle.put(worker)
        except WorkerError:
            self.close()
            raise
        return self.triples

    def _spawn(self) -> _Worker:
        worker = _Worker(self.graph, self.query_memory)
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
                worker.relay_log()
                if reply.status == 507:  # out of memory: the worker ends, another is started
                    reply.cost_a_worker = True
                    self._replace(worker)
                else:
                    self._idle.put(worker)
                return reply
        except (EOFError, OSError):
            reply = worker.death()
            self._replace(worker)
            return reply
        self._replace(worker)
        return Reply.text(503, f"query timed out after {timeout:g} s (kg serve --timeout); it was stopped",
                          cost_a_worker=True)

    def query(self, sparql: str, accept: str | None = None, fmt: Sequence[str] | str | None = None,
              base_iri: str | None = None, dataset: Dataset | None = None) -> Reply:
        """Run one query on a worker (see :func:`execute`); what the text alone refuses
        (:func:`kg.serve.protocol.screen_request`) is refused here, before any worker sees it."""
        refused = screen_request(sparql)
        if refused is not None:
            return refused
        fmt = [fmt] if isinstance(fmt, str) else list(fmt or [])
        return self.run(("query", sparql, accept, fmt, self.max_rows, base_iri, dataset, self.max_bytes))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


