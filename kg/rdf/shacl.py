"""SHACL validation of a graph against ``ontology/shapes.ttl``, with the ontology and RDFS inference."""
from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from kg.namespaces import ontology_dir

__all__ = ["shapes_graph", "ontology_graph", "validate"]


@lru_cache(maxsize=4)
def _load_turtle(path: str) -> Graph:
    """Parse a Turtle file once per process."""
    return Graph().parse(path, format="turtle")


def shapes_graph() -> Graph:
    """The SHACL shapes, ``ontology/shapes.ttl``."""
    return _load_turtle(str(ontology_dir() / "shapes.ttl"))


def ontology_graph() -> Graph:
    """The ontology, ``ontology/kg.ttl``."""
    return _load_turtle(str(ontology_dir() / "kg.ttl"))


def validate(graph: Graph) -> tuple[bool, str]:
    """Check ``graph`` against the SHACL shapes, with the ontology and RDFS inference.

    Returns ``(conforms, report)``; the report is pyshacl's text report. ``graph`` is not modified.
    """
    from pyshacl import validate as shacl_validate

    conforms, _results, report = shacl_validate(
        data_graph=graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
    return bool(conforms), str(report)
