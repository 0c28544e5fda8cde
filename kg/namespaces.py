"""The RDF namespaces of the project, declared once, and where the ontology files live.

>>> str(KG.backs)
'https://w3id.org/kg/ontology#backs'
>>> str(KGR["country/turkey"])
'https://w3id.org/kg/resource/country/turkey'
>>> KG.backz
Traceback (most recent call last):
...
AttributeError: term 'backz' not in namespace 'https://w3id.org/kg/ontology#'
"""
from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "KG",
    "KGR",
    "SDO",
    "PROV",
    "SKOS",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "DCTERMS",
    "PREFIXES",
    "ONTOLOGY_IRI",
    "bind_prefixes",
    "ontology_dir",
    "queries_dir",
]


class KG(DefinedNamespace):
    """Ontology terms: the classes, properties and ``kg:Mode`` individuals ``ontology/kg.ttl``
    declares, and no others: a misspelt term raises instead of minting an IRI nobody declared
    (``tests/test_schema.py`` checks the list against the ontology)."""

    _NS = Namespace("https://w3id.org/kg/ontology#")
    _fail = True

    # classes
    Actor: URIRef
    Person: URIRef
    Country: URIRef
    Organization: URIRef
    ArmedGroup: URIRef
    Agreement: URIRef
    Event: URIRef
    Document: URIRef
    Assertion: URIRef
    Mode: URIRef

    # kg:Mode individuals
    Fact: URIRef
    ReportedSpeech: URIRef
    Future: URIRef
    Denied: URIRef

    # relations
    backs: URIRef
    opposes: URIRef
    attended: URIRef
    agreed: URIRef

    # properties of a kg:Assertion
    subject: URIRef
    relation: URIRef
    object: URIRef
    source: URIRef
    sentence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    mode: URIRef
    speaker: URIRef
    date: URIRef
    contested: URIRef

    # camps (kg.camps)
    Camp: URIRef
    member: URIRef
    frustration: URIRef

    # properties of entities and documents
    mentionedIn: URIRef
    path: URIRef
    documentId: URIRef


KGR = Namespace("https://w3id.org/kg/resource/")
"""Instances: ``kgr:<kind>/<id>``, ``kgr:document/<id>``, ``kgr:assertion/<hash>``."""

SDO = Namespace("https://schema.org/")

ONTOLOGY_IRI = "https://w3id.org/kg/ontology"

PREFIXES: dict[str, Namespace] = {
    "kg": KG,
    "kgr": KGR,
    "schema": SDO,
    "prov": PROV,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
}
"""Prefix -> namespace, used for serialization and as ``initNs`` of queries."""

ONTOLOGY_ENV = "KG_ONTOLOGY"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project prefixes on ``graph`` (replacing rdflib's defaults) and return it.

    >>> g = bind_prefixes(Graph())
    >>> str(dict(g.namespaces())["kgr"])
    'https://w3id.org/kg/resource/'
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def ontology_dir() -> Path:
    """The directory holding ``kg.ttl``, ``shapes.ttl`` and ``queries/``.

    ``$KG_ONTOLOGY`` when set, else ``ontology/`` at the root of the repository.
    """
    override = os.environ.get(ONTOLOGY_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "ontology"


def queries_dir() -> Path:
    """The directory of the example SPARQL queries (``*.rq``)."""
    return ontology_dir() / "queries"
