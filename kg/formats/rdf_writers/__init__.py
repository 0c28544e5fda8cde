"""kg's own RDF writers, one module per format: the same triples always give the same bytes.

Each writes the subject groups of :func:`kg.rdf.canonical_groups` (subjects sorted, ``rdf:type``
first, then predicates in IRI order, objects sorted) a group at a time, so that
:func:`kg.rdf.write_rdf` writes every format from one pass: see :mod:`kg.formats.rdf_writers.base`.
"""
