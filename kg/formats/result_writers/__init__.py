"""The SPARQL results writers, one module per format (as rdflib's ``ResultSerializer`` plug-ins).

Each module has ``write_solutions(variables, rows)`` for a SELECT (or a CONSTRUCT read as rows of
``subject, predicate, object``) and ``write_boolean(value)`` for an ASK, both returning text. A
row holds one Oxigraph term (``pyoxigraph.NamedNode``, ``BlankNode``, ``Literal``, ``Triple``)
or None (unbound) per variable: the terms of Oxigraph, which runs the queries of ``kg query``
and ``kg serve``. :mod:`kg.formats.result_formats` names them.
"""
