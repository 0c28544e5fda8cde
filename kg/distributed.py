"""Parse and extract on a Dask distributed cluster: ``kg build --dask tcp://SCHEDULER:8786``.

The build sends chunks of documents to the cluster as tasks of :func:`kg.worker.extract_chunk`;
each worker process loads the spaCy pipeline once (a module global, on its first task) and
sends back the mentions and claims of each document. Resolution and the outputs stay on the
machine that runs ``kg build``. At most ``window`` chunks are in flight, so the input is
read only as fast as the cluster processes it.

Every worker needs the same ``kg`` (with its lexicon) and model installed; a worker whose
extractor differs is detected (``ChunkResult.version``) and the build stops. Start workers
with one thread each (``dask worker --nthreads 1 --nworkers N``): a worker process runs one
pipeline at a time.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.model import Document
from kg.worker import ChunkResult, extract_chunk


def connect(dask: Any):
    """A ``distributed.Client`` for a scheduler address, or the client given; and whether we made it."""
    from distributed import Client

    if isinstance(dask, Client):
        return dask, False
    return Client(dask, set_as_default=False), True


def run_chunks(chunks: Iterator[tuple[list[int], list[Document]]], dask: Any, model: str,
               window: int | None = None) -> Iterator[tuple[list[int], ChunkResult]]:
    """Run ``extract_chunk`` on each chunk on the cluster; yield (positions, ChunkResult) as they finish."""
    from distributed import as_completed

    client, owned = connect(dask)
    try:
        if window is None:
            threads = sum(client.nthreads().values()) or 1
            window = 4 * threads
        positions_of: dict[str, list[int]] = {}
        running = as_completed(loop=client.loop)
        for positions, documents in chunks:
            # pure=False: equal chunks from two builds are still two tasks.
            future = client.submit(extract_chunk, documents, model, pure=False, retries=1)
            positions_of[future.key] = positions
            running.add(future)
            if running.count() >= window:
                yield _take(running, positions_of)
        while running.count():
            yield _take(running, positions_of)
    finally:
        if owned:
            client.close()


def _take(running, positions_of: dict[str, list[int]]) -> tuple[list[int], ChunkResult]:
    """The next chunk to finish: its positions and result (its future released on the cluster)."""
    future = next(running)
    result = future.result()
    positions = positions_of.pop(future.key)
    future.release()
    return positions, result
