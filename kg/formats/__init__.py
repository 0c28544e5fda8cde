"""The formats kg reads and writes, one registry per kind of output (as rdflib's plug-ins).

- :mod:`kg.formats.rdf_formats`: RDF graphs (Turtle, JSON-LD, N-Triples, RDF/XML, ...): name,
  media type, extension and writer of each, for ``kg build``, ``kg export``, ``kg push``, the
  graph files ``kg query`` and ``kg serve`` load, and the CONSTRUCT results ``kg serve`` answers.
- :mod:`kg.formats.result_formats`: SPARQL results (JSON, XML, CSV, TSV, a text table), for
  ``kg query --format`` and the SELECT/ASK answers of ``kg serve``.

Each writer is a module of its own: :mod:`kg.formats.rdf_writers` (kg's deterministic RDF
writers), :mod:`kg.formats.result_writers` (one per SPARQL results format).
"""
