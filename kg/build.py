"""``kg build``: the stages chained, from paths to written files.

ingest -> nlp -> extract -> resolve (then camps) -> RDF (Turtle, JSON-LD) -> HTML.

The unit of work is one ``Document`` -> its ``Extraction`` (mentions and claims): small,
picklable, and dependent on nothing but the document and the extractor. So:

- documents stream through ``nlp.pipe``; only their extractions are kept, never the Docs, and
  the graph's ``documents`` keep the metadata of each article, not its text;
- with a cache (``kg.cache``), a document whose key (content hash) is known is not parsed again;
- with ``workers`` > 1 the documents are parsed and extracted in that many processes, each
  loading the pipeline once; with ``dask`` (a scheduler address or a ``distributed.Client``)
  on the workers of a Dask cluster (``kg.distributed``);
- resolution, which is global, runs once over all extractions, in the order the documents were
  read, so every way of building gives the same graph.

One build writes into an output folder at a time (:func:`output_lock`), and its worker
processes end with it, even when it is killed (:func:`_start_worker`).
"""
from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.atomic import AtomicFiles, remove_stale_temporaries
from kg.cache import DB_NAME, ExtractionCache, cache_dir_for, document_key, extractor_version
from kg.camps import find_camps
from kg.contested import with_contested
from kg.ingest import DEFAULT_MAX_BYTES, read_documents
from kg.lexicon import load_lexicon
from kg.model import Claim, Document, Extraction, KnowledgeGraph, Mention, Notice, Problem
from kg.nlp import DEFAULT_MODEL
from kg.rdf import GRAPH_FILES, write_rdf
from kg.render import html_page
from kg.resolve import resolve
from kg.worker import ChunkResult, extract_chunk, parse_and_extract, worker_pipeline

STAGES = ("read", "cache", "load", "nlp", "extract", "resolve", "rdf", "html", "write")
CHUNK = 32  # documents per task sent to a worker process or a Dask worker


@dataclass
class BuildStats:
    """What a build did and where its time went.

    ``seconds[stage]`` is wall time in this process, except ``nlp`` and ``extract`` with workers
    or Dask, which are summed over the workers (CPU seconds, roughly).
    """

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    documents: int = 0
    tokens: int = 0  # spaCy tokens of all documents (cached ones included)
    extracted: int = 0  # documents parsed and extracted by this build
    reused: int = 0  # documents whose extraction came from the cache
    dropped: int = 0  # cache entries of articles removed or changed since the last build
    workers: int = 1
    wall: float = 0.0  # extract_graph and write_outputs, start to end
    extraction_wall: float = 0.0  # from the start to the last extraction (the part workers share)
    peak_rss: dict[str, int] = field(default_factory=dict)  # this process's peak RSS (bytes) after each step

    def mark_rss(self, step: str) -> None:
        try:
            import resource

            self.peak_rss[step] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        except (ImportError, OSError):  # pragma: no cover - not Unix
            pass

    def as_dict(self) -> dict[str, Any]:
        return {"seconds": dict(self.seconds), "documents": self.documents, "tokens": self.tokens,
                "extracted": self.extracted, "reused": self.reused, "dropped": self.dropped,
                "workers": self.workers, "wall": self.wall, "extraction_wall": self.extraction_wall,
                "peak_rss": dict(self.peak_rss)}


@dataclass
class BuildResult:
    graph: KnowledgeGraph
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    stats: BuildStats = field(default_factory=BuildStats)


class _Clock:
    """Adds the time spent in ``with clock("stage"):`` blocks to ``stats.seconds``."""

    def __init__(self, stats: BuildStats):
        self.stats = stats

    def __call__(self, stage: str) -> _Timer:
        return _Timer(self.stats.seconds, stage)


class _Timer:
    __slots__ = ("seconds", "stage", "start")

    def __init__(self, seconds: dict[str, float], stage: str):
        self.seconds, self.stage = seconds, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + time.perf_counter() - self.start


# --------------------------------------------------------------------------- engines

# An engine takes (position, document) pairs and yields (position, mentions, claims, tokens)
# in any order; the caller puts the results back in document order.
Work = Iterator[tuple[int, Document]]
Done = Iterator[tuple[int, list[Mention], list[Claim], int]]


def _chunks(work: Work, size: int) -> Iterator[tuple[list[int], list[Document]]]:
    positions, documents = [], []
    for position, document in work:
        positions.append(position)
        documents.append(document)
        if len(documents) == size:
            yield positions, documents
            positions, documents = [], []
    if documents:
        yield positions, documents


def _local_engine(model: str, clock: _Clock, stats: BuildStats) -> Callable[[Work], Done]:
    """Parse and extract in this process, streaming through one ``nlp.pipe``."""

    def run(work: Work) -> Done:
        first = next(work, None)
        if first is None:  # everything came from the cache: no need for spaCy
            return
        with clock("load"):
            nlp, extractor = worker_pipeline(model)
        work = itertools.chain([first], work)
        order: deque[int] = deque()

        def documents() -> Iterator[Document]:
            for position, document in work:
                order.append(position)
                yield document

        for _, mentions, claims, tokens in parse_and_extract(nlp, extractor, documents(), stats.seconds):
            yield order.popleft(), mentions, claims, tokens

    return run


def _check_version(result: ChunkResult, expected: str) -> None:
    if result.version != expected:
        raise RuntimeError("a worker runs another version of kg, its lexicon or its model "
                           f"({result.version[:12]} != {expected[:12]}); install the same everywhere")


def _process_engine(model: str, workers: int, stats: BuildStats, version: str) -> Callable[[Work], Done]:
    """Parse and extract in ``workers`` processes, each with its own pipeline.

    Where processes can be forked, the pipeline is loaded once here and inherited by the
    workers; elsewhere each worker loads it on its first task. At most ``4 * workers`` chunks
    are in flight, so documents are read only as fast as they are processed.
    """
    import multiprocessing

    def run(work: Work) -> Done:
        first = next(work, None)
        if first is None:
            return
        work = itertools.chain([first], work)
        if "fork" in multiprocessing.get_all_start_methods():
            with _Clock(stats)("load"):
                worker_pipeline(model)
            context = multiprocessing.get_context("fork")
        else:  # pragma: no cover - macOS/Windows
            context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            pending: dict[Future, list[int]] = {}
            chunks = _chunks(work, CHUNK)
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < 4 * workers:
                    chunk = next(chunks, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        pending[pool.submit(extract_chunk, chunk[1], model)] = chunk[0]
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    positions = pending.pop(future)
                    yield from _chunk_done(positions, future.result(), version, stats)

    return run


PR_SET_PDEATHSIG = 1  # prctl(2) option, <linux/prctl.h>: a signal for this process when its parent dies


def _start_worker(parent: int) -> None:
    """Initializer of a worker process: it must neither hold the build's output lock nor outlive
    the build (a ``kill -9`` of ``kg build`` would otherwise leave its workers, and their
    hundreds of MB, alive for ever)."""
    for fd in _HELD_LOCKS:  # forked with the build's descriptors: the lock is the build's alone
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - not Linux: watch the parent instead
        threading.Thread(target=_watch_parent, args=(parent,), name="kg-watch-parent", daemon=True).start()
    else:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the kernel kills this worker with its parent
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)


def _watch_parent(parent: int) -> None:  # pragma: no cover - not Linux
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _dask_engine(model: str, dask: Any, stats: BuildStats, version: str) -> Callable[[Work], Done]:
    from kg.distributed import run_chunks

    def run(work: Work) -> Done:
        for positions, result in run_chunks(_chunks(work, CHUNK), dask, model):
            yield from _chunk_done(positions, result, version, stats)

    return run


def _chunk_done(positions: list[int], result: ChunkResult, version: str, stats: BuildStats) -> Done:
    """The items of a chunk a worker sent back, with their positions; its times added to ``stats``."""
    _check_version(result, version)
    stats.seconds["nlp"] += result.nlp
    stats.seconds["extract"] += result.extract
    for position, (mentions, claims, tokens) in zip(positions, result.items):
        yield position, mentions, claims, tokens


# --------------------------------------------------------------------------- extract_graph


def _documents(items: Iterable[Document | Problem | Notice], problems: list[Problem],
               on_problem: Callable[[Problem], None], on_document: Callable[[Document], None],
               clock: _Clock | None = None,
               on_notice: Callable[[Notice], None] = lambda n: None) -> Iterator[Document]:
    iterator = iter(items)
    while True:
        if clock is None:
            item = next(iterator, None)
        else:
            with clock("read"):
                item = next(iterator, None)
        if item is None:
            return
        if isinstance(item, Problem):
            problems.append(item)
            on_problem(item)
        elif isinstance(item, Notice):  # a remark on read input: shown, not counted as skipped
            on_notice(item)
        else:
            on_document(item)
            yield item


def extract_graph(paths: Iterable[str | Path], model: str = DEFAULT_MODEL,
                  on_problem: Callable[[Problem], None] = lambda p: None,
                  on_document: Callable[[Document], None] = lambda d: None, *,
                  workers: int = 1, dask: Any = None, cache_dir: str | Path | None = None,
                  stats: BuildStats | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  on_extracted: Callable[[int], None] = lambda tokens: None,
                  on_notice: Callable[[Notice], None] = lambda n: None,
                  follow_symlinks: bool = False) -> tuple[KnowledgeGraph, list[Problem]]:
    """Read, parse, extract and resolve; nothing is written but the cache.

    ``workers``: processes that parse and extract (1: this one). ``dask``: a Dask scheduler
    address (``tcp://host:8786``) or ``distributed.Client`` to parse and extract on instead.
    ``cache_dir``: reuse and keep the extraction of each document there (``kg.cache``).
    ``stats``: filled with counts and the time of each stage.
    ``max_bytes``: larger files are skipped with a Problem.
    ``on_notice``: called with each remark on read input (``kg.model.Notice``).
    ``on_extracted(tokens)``: called as each document's extraction is had (parsed or from the cache).
    ``follow_symlinks``: read what symlinks lead to even outside the paths given (``kg.ingest.input_roots``).
    A damaged cache is set aside, one that cannot be written is not used: each said by ``on_notice``.
    Paths are read in sorted order, so the order they are given in changes nothing.
    """
    stats = stats if stats is not None else BuildStats()
    start = time.perf_counter()
    clock = _Clock(stats)
    lexicon = load_lexicon()
    version = extractor_version(model) if (cache_dir is not None or workers > 1 or dask is not None) else ""
    if dask is not None:
        engine = _dask_engine(model, dask, stats, version)
        stats.workers = 0
    elif workers > 1:
        engine = _process_engine(model, workers, stats, version)
        stats.workers = workers
    else:
        engine = _local_engine(model, clock, stats)
        stats.workers = 1
    cache = _open_cache(cache_dir, on_notice) if cache_dir is not None else None
    problems: list[Problem] = []
    documents: list[Document] = []  # metadata only: the text is dropped once extracted
    found: list[tuple[list[Mention], list[Claim]] | None] = []
    keys: list[str] = []
    try:
        def work() -> Work:
            for document in _documents(read_documents(sorted(paths, key=str), max_bytes, follow_symlinks), problems,
                                       on_problem, on_document, clock, on_notice):
                position = len(documents)
                documents.append(replace(document, text=""))
                found.append(None)
                if cache is not None:
                    with clock("cache"):
                        key = document_key(document, version)
                        keys.append(key)
                        hit = cache.get(key, document)
                    if hit is not None:
                        extraction, tokens = hit
                        found[position] = (extraction.mentions, extraction.claims)
                        stats.tokens += tokens
                        stats.reused += 1
                        on_extracted(tokens)
                        continue
                yield position, document

        for position, mentions, claims, tokens in engine(work()):
            found[position] = (mentions, claims)
            stats.tokens += tokens
            stats.extracted += 1
            on_extracted(tokens)
            if cache is not None:
                with clock("cache"):
                    cache.put(keys[position], Extraction(documents[position], mentions, claims), tokens)
        if cache is not None:
            with clock("cache"):
                stats.dropped = cache.finish()
    finally:
        if cache is not None:
            cache.close()
    stats.documents = len(documents)
    stats.extraction_wall = time.perf_counter() - start
    stats.mark_rss("extract")
    with clock("resolve"):
        mentions = [m for item in found for m in item[0]]
        claims = [c for item in found for c in item[1]]
        found.clear()  # the per-document lists: resolution needs only the flat ones
        graph = with_contested(resolve(documents, mentions, claims, lexicon))  # claims also denied, split stances
        graph.camps = find_camps(graph)  # from the whole graph, once it is resolved
    stats.mark_rss("resolve")
    stats.wall += time.perf_counter() - start
    return graph, problems


def _open_cache(cache_dir: str | Path, on_notice: Callable[[Notice], None]) -> ExtractionCache:
    """The extraction cache in ``cache_dir``, its remarks (damage set aside, a disk that refuses
    it) told as Notices naming its file."""
    where = str(Path(cache_dir) / DB_NAME)
    return ExtractionCache(cache_dir, on_notice=lambda message: on_notice(Notice(where, message)))


# --------------------------------------------------------------------------- outputs

OUTPUTS = {**GRAPH_FILES, "html": "graph.html"}  # format name -> file name


def write_outputs(graph: KnowledgeGraph, out_dir: str | Path, stats: BuildStats | None = None, *,
                  max_nodes: int | None = None, corpus: str | None = None) -> dict[str, Path]:
    """graph.ttl, graph.jsonld and graph.html in ``out_dir``.

    ``max_nodes``: graph.html draws at most this many nodes, the most connected
    (default ``kg.render.DEFAULT_MAX_NODES``); the Turtle and JSON-LD keep everything.
    ``corpus``: the name of the articles, for the page's title (``corpus_name``).

    The Turtle and JSON-LD are streamed from ``graph`` in one pass (``kg.rdf.write_rdf``:
    no rdflib graph, no whole text in memory) into temporary files; all three are renamed
    over the old ones only once all three are complete: a failure leaves the previous set whole.
    """
    stats = stats if stats is not None else BuildStats()
    clock = _Clock(stats)
    start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {fmt: out / name for fmt, name in OUTPUTS.items()}
    with AtomicFiles(paths.values()) as files:
        with clock("rdf"):
            write_rdf(graph, {fmt: files[paths[fmt]] for fmt in ("turtle", "json-ld")})
        stats.mark_rss("rdf")
        with clock("html"):
            page = html_page(graph, corpus=corpus) if max_nodes is None else html_page(graph, max_nodes, corpus=corpus)
        stats.mark_rss("html")
        with clock("write"):
            files[paths["html"]].write(page.encode("utf-8"))
            files.commit()  # fsync, then rename all three
    stats.wall += time.perf_counter() - start
    return paths


def corpus_name(paths: Iterable[str | Path]) -> str:
    """What the articles given are called: their files' or folders' names, in sorted order.

    >>> corpus_name(["news/2024/", "extra.jsonl"])
    '2024, extra.jsonl'
    """
    names = sorted({Path(p).resolve().name or str(p) for p in paths})
    text = ", ".join(names)
    return text if len(text) <= 80 else f"{names[0]} and {len(names) - 1} more"


def build(paths: Iterable[str | Path], out_dir: str | Path, model: str = DEFAULT_MODEL,
          on_problem: Callable[[Problem], None] = lambda p: None,
          on_document: Callable[[Document], None] = lambda d: None, *,
          workers: int = 1, dask: Any = None, cache: bool = True,
          max_bytes: int = DEFAULT_MAX_BYTES, max_nodes: int | None = None,
          on_notice: Callable[[Notice], None] = lambda n: None, follow_symlinks: bool = False) -> BuildResult:
    """Everything ``kg build`` does, without the printing.

    With ``cache`` (the default) the extraction of each document is kept beside the output
    (``kg.cache.cache_dir_for(out_dir)``) and reused by the next build. The output folder is
    held (:func:`output_lock`) from start to end: a second build into it raises ``OutputBusy``.
    """
    stats = BuildStats()
    paths = list(paths)
    with output_lock(out_dir):
        graph, problems = extract_graph(paths, model, on_problem, on_document, workers=workers, dask=dask,
                                        cache_dir=cache_dir_for(out_dir) if cache else None, stats=stats,
                                        max_bytes=max_bytes, on_notice=on_notice, follow_symlinks=follow_symlinks)
        outputs = write_outputs(graph, out_dir, stats, max_nodes=max_nodes, corpus=corpus_name(paths))
    return BuildResult(graph, problems, outputs, stats)


# --------------------------------------------------------------------------- one build per output

_HELD_LOCKS: set[int] = set()  # descriptors of the output folders this process holds (see _start_worker)


class OutputBusy(RuntimeError):
    """Another build is writing into the same output folder."""


@contextlib.contextmanager
def output_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold the output folder ``out_dir``, and so its cache, for one build; yields it.

    The folder is made, locked (``flock``, which the system releases when its holder dies, so a
    killed build never leaves a stale lock) and checked to be writable, then the temporary files
    of killed builds are removed from it. Raises :class:`OutputBusy` at once when another build
    holds it, ``OSError`` when it cannot be made or written. A folder this call made is removed
    again if the build left it empty.
    """
    out = Path(out_dir)
    made = not out.exists()
    fd = _lock_folder(out)
    _HELD_LOCKS.add(fd)
    try:
        with tempfile.TemporaryFile(dir=out):  # the disk's own refusal (read-only, no permission), now
            pass
        remove_stale_temporaries(out / name for name in OUTPUTS.values())
        yield out
    finally:
        if made:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty
        _HELD_LOCKS.discard(fd)
        os.close(fd)  # releases the lock


def _lock_folder(out: Path) -> int:
    """A descriptor of the folder ``out`` (made if missing) holding an exclusive lock on it."""
    while True:
        out.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(out, os.O_RDONLY)
        except FileNotFoundError:  # removed since made: again
            continue
        try:
            _flock(fd, out)
            held, now = os.fstat(fd), os.stat(out)
        except FileNotFoundError:
            held = now = None
        except BaseException:
            os.close(fd)
            raise
        if held is not None and (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
            return fd
        os.close(fd)  # the folder was removed (by a build that left it empty) as we locked it: again


def _flock(fd: int, out: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputBusy(f"another kg build is writing into {out}; try again when it has finished") from None


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
