"""Load a built graph into an external SPARQL store: the SPARQL 1.1 Graph Store HTTP Protocol.

``kg push output/graph.ttl --endpoint http://host:7878/store`` replaces the store's default
graph with the file (HTTP PUT ``?default``); ``--graph IRI`` targets a named graph
(``?graph=IRI``); ``--append`` adds the triples instead of replacing (HTTP POST). Turtle and
N-Triples files are streamed as they are; JSON-LD is converted to N-Triples first.

Only a 2xx answer to the request itself is success: a redirect is an error and is not followed
(a store that answers 302 to a login page has stored nothing, and following it would send the
graph, and the credentials, to another address).

>>> graph_store_url("http://127.0.0.1:7878/store", None)
'http://127.0.0.1:7878/store?default'
>>> graph_store_url("http://127.0.0.1:7878/store", "https://w3id.org/kg/graph/news")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fkg%2Fgraph%2Fnews'
"""
from __future__ import annotations

import base64
import io
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from kg.formats.rdf_formats import RDF_FORMATS

MEDIA_TYPES = {fmt.extension: fmt.media_type for fmt in RDF_FORMATS.values() if fmt.writer}
"""File extension -> media type, for the RDF files kg writes (``.ttl``, ``.nt``, ``.jsonld``)."""


class PushError(RuntimeError):
    """The store refused the graph or could not be reached."""


@dataclass
class PushResult:
    url: str
    method: str
    status: int
    bytes: int


def graph_store_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store Protocol URL of the default graph or of the named graph ``graph_iri``."""
    separator = "&" if urlsplit(endpoint).query else "?"
    if graph_iri is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={quote(graph_iri, safe='')}"


def _body(path: Path) -> tuple[bytes | io.BufferedReader, str, int]:
    media = MEDIA_TYPES.get(path.suffix.lower())
    if media is None:
        raise PushError(f"{path}: unknown RDF file type (use .ttl, .nt or .jsonld)")
    if media == "application/ld+json":  # not every store reads JSON-LD: send N-Triples
        from rdflib import Graph

        data = Graph().parse(path, format="json-ld").serialize(format="nt", encoding="utf-8")
        return data, "application/n-triples", len(data)
    return path.open("rb"), media, path.stat().st_size


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: the 3xx answer stays an error (``HTTPError``) and no second request is made."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def push(path: str | Path, endpoint: str, graph_iri: str | None = None, append: bool = False,
         user: str | None = None, password: str | None = None, timeout: float = 600.0) -> PushResult:
    """Send the RDF file ``path`` to the Graph Store endpoint ``endpoint``.

    PUT replaces the target graph, POST (``append``) merges into it. Raises ``PushError``
    with the store's answer when it does not accept the graph (any status but 2xx, a redirect
    included: it is not followed). ``user`` and ``password`` are for HTTP basic authentication.
    """
    path = Path(path)
    if not path.is_file():
        raise PushError(f"{path}: no such file")
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise PushError(f"{endpoint}: the endpoint must be an http(s) URL")
    url = graph_store_url(endpoint, graph_iri)
    method = "POST" if append else "PUT"
    body, media, length = _body(path)
    headers = {"Content-Type": f"{media}; charset=utf-8" if media == "text/turtle" else media,
               "Content-Length": str(length)}
    if user is not None:
        credentials = f"{user}:{password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        with error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
        if 300 <= error.code < 400:
            where = error.headers.get("Location")
            raise PushError(f"{method} {url}: HTTP {error.code} {error.reason}: the store redirects"
                            + (f" to {where}" if where else "")
                            + "; nothing was stored (kg push follows no redirect: give the store's own URL)") from None
        raise PushError(f"{method} {url}: HTTP {error.code} {error.reason}"
                        + (f": {detail[0]}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PushError(f"{method} {url}: {reason}") from None
    finally:
        if hasattr(body, "close"):
            body.close()
    if not 200 <= status < 300:  # urllib raises for the others; kept in case a handler lets one through
        raise PushError(f"{method} {url}: HTTP {status}: not stored")
    return PushResult(url, method, status, length)
