"""Compact JSON-LD: the project prefixes as context and one node object per subject in ``@graph``.

>>> from rdflib import Literal
>>> from kg.namespaces import KGR, RDFS
>>> writer = JsonLdWriter()
>>> text = writer.begin() + writer.group(KGR["country/iran"], [(RDFS.label, [Literal("Iran")])]) + writer.end()
>>> import json; json.loads(text)["@graph"]
[{'@id': 'https://w3id.org/kg/resource/country/iran', 'rdfs:label': 'Iran'}]
"""
from __future__ import annotations

import json
from operator import itemgetter

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.formats.rdf_writers.base import (CANONICAL_INTEGER, PREFIX_OF_NAMESPACE, RDF_TYPE, XSD_BOOLEAN, XSD_INTEGER,
                                         GroupWriter, Run, split_iri)
from kg.namespaces import PREFIXES

__all__ = ["JsonLdWriter"]

_encode_string = json.encoder.encode_basestring  # C; what json.dumps(ensure_ascii=False) uses


# A JSON-LD value: its JSON text when a scalar, else the (key, JSON text) members of its object.
_JsonValue = tuple[str, tuple[tuple[str, str], ...] | None]


def _json_sort_key(value: _JsonValue) -> str:
    """The compact JSON text of a value (``json.dumps(value, sort_keys=True)``): what arrays are sorted by."""
    text, members = value
    if members is None:
        return text
    return "{" + ", ".join(f"{key}: {member}" for key, member in members) + "}"


def _json_value_text(value: _JsonValue, pad: str) -> str:
    text, members = value
    if members is None:
        return text
    inner = pad + "  "
    return "{\n" + ",\n".join(f"{inner}{key}: {member}" for key, member in members) + "\n" + pad + "}"


_PAD_KEY, _PAD_ITEM = " " * 6, " " * 8  # a node's keys, and the items of its arrays, in "@graph"


class JsonLdWriter(GroupWriter):
    """Compact JSON-LD: the project prefixes as context and one node object per subject in
    ``@graph``, sorted by ``@id``; keys sorted, value arrays sorted by their JSON text, a single
    value not in an array; canonical integers and booleans as JSON numbers and booleans. The
    text is what ``json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)`` writes."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str, str]] = {}  # IRI -> its compact form, and that as JSON text
        self._nodes = 0

    def name(self, iri: Node) -> tuple[str, str]:
        """``prefix:local`` when the IRI's namespace (rdflib's cut) is a project prefix, else the
        IRI; and its JSON text."""
        key = str(iri)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self._compact(key)
        return name

    @staticmethod
    def _compact(iri: str) -> tuple[str, str]:
        namespace, local = split_iri(iri)
        prefix = PREFIX_OF_NAMESPACE.get(namespace)
        # "prefix://..." would be read as an absolute IRI, not as a compact one
        compact = f"{prefix}:{local}" if prefix and not local.startswith("//") else iri
        return compact, _encode_string(compact)

    def ref(self, node: Node) -> str:
        """The JSON text of a node reference: its compact IRI or ``_:label``."""
        return _encode_string(f"_:{node}") if isinstance(node, BNode) else self.name(node)[1]

    def value(self, node: Node) -> _JsonValue:
        if type(node) is URIRef or not isinstance(node, Literal):
            return "", (('"@id"', self.ref(node)),)
        lexical = str(node)
        if node.language:
            return "", (('"@language"', _encode_string(node.language)), ('"@value"', _encode_string(lexical)))
        if node.datatype is None:
            return _encode_string(lexical), None
        datatype = str(node.datatype)
        # JSON-LD reads a number back in canonical form, and a parser may hold it as a double:
        # only canonical integers of up to 15 digits become numbers
        if datatype == XSD_INTEGER and len(lexical) <= 15 and CANONICAL_INTEGER.match(lexical):
            return lexical, None
        if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
            return lexical, None
        return "", (('"@type"', self.name(datatype)[1]), ('"@value"', _encode_string(lexical)))

    def begin(self) -> str:
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        head = json.dumps({"@context": context, "@graph": []}, indent=2, sort_keys=True, ensure_ascii=False)
        return head[: -len("]\n}")]  # open "@graph": nodes follow

    def group(self, subject: Node, runs: list[Run]) -> str:
        # (key, its JSON text, values); sorted by key as json.dumps(sort_keys=True) does
        # a subject is written once: its name is not cached (an assertion IRI never recurs)
        subject_ref = self.ref(subject) if isinstance(subject, BNode) else self._compact(str(subject))[1]
        members: list[tuple[str, str, list[_JsonValue]]] = [("@id", '"@id"', [(subject_ref, None)])]
        for predicate, objects in runs:
            if str(predicate) == RDF_TYPE:
                types = [(self.ref(o), None) for o in objects if not isinstance(o, Literal)]
                if types:
                    members.append(("@type", '"@type"', types))
                objects = [o for o in objects if isinstance(o, Literal)]  # not a type: a value
                if not objects:
                    continue
            members.append((*self.name(predicate), [self.value(o) for o in objects]))
        members.sort(key=itemgetter(0))
        lines = []
        for _, key, values in members:
            if len(values) == 1:
                lines.append(f"{_PAD_KEY}{key}: {_json_value_text(values[0], _PAD_KEY)}")
            else:
                values.sort(key=_json_sort_key)
                items = ",\n".join(_PAD_ITEM + _json_value_text(value, _PAD_ITEM) for value in values)
                lines.append(f"{_PAD_KEY}{key}: [\n{items}\n{_PAD_KEY}]")
        self._nodes += 1
        return ("\n    {\n" if self._nodes == 1 else ",\n    {\n") + ",\n".join(lines) + "\n    }"

    def end(self) -> str:
        return ("\n  ]" if self._nodes else "]") + "\n}\n"
