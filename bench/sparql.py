"""SPARQL engines side by side: the example queries of ontology/queries/ on a synthetic graph of
at least a million triples in the shape of kg's output, on rdflib's memory store and on Oxigraph.

    .venv/bin/python bench/sparql.py                 # 1 M triples, prints a table (a few minutes)
    .venv/bin/python bench/sparql.py --triples 100000 --rdflib-runs 1

The graph is made by kg itself: a synthetic ``KnowledgeGraph`` (documents, entities with labels
and alt labels, assertions with sentences, modes and speakers; actors drawn with a skewed
popularity, as in news) written by ``kg.rdf.to_rdf``. rdflib gets that ``Graph``; Oxigraph
bulk-loads the same triples from an N-Triples file (as ``kg serve`` loads a graph file).

Each query is timed from the call to the engine until every row has been read (rows are
materialised, not only the iterator made), with the same value bound to ``?name`` in both
(``initBindings`` on rdflib; on Oxigraph the value put where the variable stands, as
``kg.query.run_query`` does). Oxigraph is timed on its in-memory store and on its on-disk
(RocksDB) store: a warm-up run when the first run is under a second, then up to ``--runs`` runs
or ``--budget`` seconds. rdflib is slow on a graph this size, so it gets at most
``--rdflib-runs`` runs (default 3), each query in a forked child killed at ``--rdflib-budget``
seconds (default 20): "> N" means its first run had not finished. Cells are "median ms (runs)".
The "same rows" column checks that both engines returned the same rows (as sorted strings; "-"
when rdflib had not finished).

The example queries about one thing (``# ?name: kg:Actor`` in their opening comment, see
``kg.query.query_parameters``) run twice, with ``?name`` bound to the label of a popular and of a
median node of that class, chosen from the generated graph: the node in the most assertions (as
subject or object), and the node at the middle of the nodes in any, ordered by that number
(ties: by id), each the first in its order whose label names no other node.

These are printed figures, not timed tests: nothing here fails on a slow machine.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.plugins.sparql import prepareQuery

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType  # noqa: E402
from kg.namespaces import PREFIXES, ontology_dir  # noqa: E402
from kg.query import bind_values, list_queries, query_parameters  # noqa: E402
from kg.rdf import serialize, to_rdf  # noqa: E402

OX_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

# --------------------------------------------------------------------------- the synthetic graph

SYLLABLES = ["al", "an", "ar", "ba", "da", "el", "far", "gan", "ha", "ib", "ka", "lov", "ma", "mir",
             "na", "or", "pet", "ra", "rov", "sa", "sha", "ta", "ul", "va", "yer", "za", "din", "ko"]
TEMPLATES = {
    RelationType.BACKS: ["{s} backs {o} in the talks over the disputed province.",
                         "{s} voiced strong support for {o} on Tuesday after the vote in the capital.",
                         "{s} will stand by {o}, officials said as the offensive resumed."],
    RelationType.OPPOSES: ["{s} condemned {o} for the strikes on the border towns.",
                           "{s} accused {o} of violating the ceasefire near the northern front.",
                           "{s} opposes {o} over the new sanctions regime, diplomats said."],
    RelationType.ATTENDED: ["{s} attended the {o} with delegations from a dozen countries.",
                            "{s} will take part in the {o} next week, the ministry said."],
    RelationType.AGREED: ["{s} signed the {o} after months of negotiations.",
                          "{s} agreed to the {o}, which sets a timetable for the withdrawal."],
}
PUBLISHERS = ["Example News", "The Daily Wire Service", "Global Monitor", "Regional Times", "Agence Exemple"]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _countries() -> list[tuple[str, list[str]]]:
    """(name, aliases and capitals) of every country in the lexicon."""
    rows = []
    for line in (ontology_dir() / "lexicon" / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 6)[:6]
        alts = [a for cell in (cells[2], cells[4]) for a in cell.split("|") if a]
        rows.append((cells[1], alts))
    return rows


class _Builder:
    """Grows a KnowledgeGraph document by document, counting the triples to_rdf will write."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kg = KnowledgeGraph()
        self.triples = 0
        self.relations: set[tuple[str, RelationType, str]] = set()
        self.by_kind: dict[EntityKind, list[str]] = {kind: [] for kind in EntityKind}
        self.weights: dict[EntityKind, list[float]] = {kind: [] for kind in EntityKind}
        countries = _countries()
        self.rng.shuffle(countries)
        for name, alts in countries:
            self._entity(EntityKind.COUNTRY, name, set(alts[:4]))

    def _entity(self, kind: EntityKind, label: str, alts: set[str]) -> str:
        entity_id = f"{label.lower().replace(' ', '-')}-{len(self.kg.entities)}"
        self.kg.entities[entity_id] = Entity(entity_id, kind, label, alts)
        self.triples += 2 + len(alts - {label})
        rank = len(self.by_kind[kind]) + 1
        self.by_kind[kind].append(entity_id)
        self.weights[kind].append(1.0 / rank ** 0.9)  # a few actors are cited everywhere
        return entity_id

    def _new_entity(self, kind: EntityKind) -> str:
        rng = self.rng
        if kind is EntityKind.PERSON:
            first, last = _name(rng, 2), _name(rng, rng.choice((2, 3)))
            return self._entity(kind, f"{first} {last}", {last, f"President {last}"} if rng.random() < 0.2 else {last})
        if kind is EntityKind.ORGANIZATION:
            label = f"{_name(rng, 3)} {rng.choice(['Council', 'Union', 'Organisation', 'Alliance'])}"
        elif kind is EntityKind.ARMED_GROUP:
            label = f"{_name(rng, 3)} {rng.choice(['Brigade', 'Front', 'Movement', 'Army'])}"
        elif kind is EntityKind.AGREEMENT:
            label = f"{_name(rng, 2)} {rng.choice(['Agreement', 'Accord', 'Ceasefire', 'Memorandum'])}"
        else:
            label = f"{_name(rng, 2)} {rng.choice(['Summit', 'Conference', 'Talks', 'Meeting'])}"
        acronym = "".join(word[0] for word in label.split()).upper()
        return self._entity(kind, label, {acronym} if rng.random() < 0.5 else set())

    def _pick(self, kinds: list[EntityKind], fresh: float) -> str:
        """An existing entity by popularity, or (with probability ``fresh``) a new one."""
        rng = self.rng
        kind = rng.choice(kinds)
        if not self.by_kind[kind] or rng.random() < fresh:
            return self._new_entity(kind)
        return rng.choices(self.by_kind[kind], weights=self.weights[kind])[0]

    def add_document(self, index: int) -> None:
        rng = self.rng
        doc_id = f"{index:06d}_{rng.getrandbits(64):016x}"
        actors = [EntityKind.PERSON, EntityKind.PERSON, EntityKind.COUNTRY, EntityKind.COUNTRY,
                  EntityKind.ORGANIZATION, EntityKind.ARMED_GROUP]
        sentences, assertions, mentioned = [], [], set()
        offset = 0
        for _ in range(rng.randint(8, 16)):
            relation = rng.choices(list(RelationType), weights=(3, 3.5, 2, 1.5))[0]
            subject = self._pick(actors, 0.08)
            if relation is RelationType.ATTENDED:
                obj = self._pick([EntityKind.EVENT], 0.3)
            elif relation is RelationType.AGREED:
                obj = self._pick([EntityKind.AGREEMENT], 0.3)
            else:
                obj = self._pick(actors, 0.08)
                if obj == subject:
                    continue
            entities = self.kg.entities
            sentence = rng.choice(TEMPLATES[relation]).format(s=entities[subject].label, o=entities[obj].label)
            mode = rng.choices(list(Mode), weights=(6, 3, 1))[0]
            speaker = self._pick([EntityKind.PERSON], 0.05) if mode is Mode.REPORTED and rng.random() < 0.8 else None
            evidence = Evidence(doc_id, sentence, offset, offset + len(sentence), mode)
            assertions.append(Assertion(subject, relation, obj, evidence, speaker))
            sentences.append(sentence)
            offset += len(sentence) + 1
            mentioned |= {subject, obj} | ({speaker} if speaker else set())
            self.triples += 9 + (speaker is not None)
            if (subject, relation, obj) not in self.relations:
                self.relations.add((subject, relation, obj))
                self.triples += 1
        title = sentences[0][:60] if sentences else f"Report {index}"
        date = f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        self.kg.documents.append(Document(doc_id, " ".join(sentences), f"input/{doc_id}.txt", title=title, date=date,
                                          url=f"https://news.example.org/{doc_id}", source=rng.choice(PUBLISHERS)))
        self.kg.assertions.extend(assertions)
        self.triples += 7
        for entity_id in mentioned:
            documents = self.kg.entities[entity_id].documents
            if doc_id not in documents:
                documents.add(doc_id)
                self.triples += 1


def synthetic_kg(triples: int, seed: int = 7) -> KnowledgeGraph:
    """A KnowledgeGraph whose RDF has at least ``triples`` triples."""
    builder = _Builder(seed)
    index = 0
    while builder.triples < triples:
        builder.add_document(index)
        index += 1
    return builder.kg


def _of_class(kind: EntityKind, cls: str) -> bool:
    """Whether an entity of ``kind`` is a ``cls`` ("kg:Actor", "kg:Event", ...)."""
    local = cls.split(":", 1)[-1]
    return kind.value == local or (local == "Actor" and kind.is_actor)


def parameter_values(kg: KnowledgeGraph, cls: str) -> dict[str, tuple[str, int]]:
    """A popular and a median node of class ``cls``: ``{"popular": (label, assertions), "median": ...}``.

    The popular node is the one in the most assertions (as subject or object), the median one
    the middle of the nodes in any, ordered by that number (ties: by id); each is the first in
    its order whose label is no other node's label or alt label, so that ``?name`` finds it alone.
    """
    counts: dict[str, int] = {}
    for assertion in kg.assertions:
        for entity_id in (assertion.subject_id, assertion.object_id):
            counts[entity_id] = counts.get(entity_id, 0) + 1
    names: dict[str, int] = {}
    for entity in kg.entities.values():
        for name in {entity.label} | entity.alt_labels:
            names[name] = names.get(name, 0) + 1
    ranked = sorted((count, entity_id) for entity_id, count in counts.items()
                    if _of_class(kg.entities[entity_id].kind, cls))
    unique = [(count, entity_id) for count, entity_id in ranked if names[kg.entities[entity_id].label] == 1]
    if not unique:
        return {}
    top = min(unique, key=lambda item: (-item[0], item[1]))
    middle = ranked[len(ranked) // 2]
    median = next((item for item in unique if item >= middle), unique[-1])
    return {"popular": (kg.entities[top[1]].label, top[0]), "median": (kg.entities[median[1]].label, median[0])}


# --------------------------------------------------------------------------- timing


def _rows_rdflib(graph: Graph, prepared, init) -> list[tuple]:
    result = graph.query(prepared, initBindings=init)
    if result.type == "ASK":
        return [(result.askAnswer,)]
    return [tuple(row) for row in result]


def _rows_oxigraph(store: ox.Store, text: str) -> list[tuple]:
    result = store.query(text, prefixes=OX_PREFIXES)
    if isinstance(result, ox.QueryBoolean):
        return [(bool(result),)]
    return [tuple(solution) for solution in result]


def _signature(rows: list[tuple]) -> int:
    """A hash of the rows as sorted tuples of lexical forms, comparable across engines."""
    def text(term) -> str:
        if term is None:
            return ""
        return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)
    return hash(tuple(sorted(tuple(text(t) for t in row) for row in rows)))


def _time(run, runs: int, budget: float) -> tuple[list[float], list[tuple]]:
    """Times of up to ``runs`` runs, stopping once they add up to ``budget`` seconds.

    A first run under a second is a warm-up and not counted; a slower one counts (repeating a
    run of a minute would only make the benchmark longer, not the median better).
    """
    start = time.perf_counter()
    rows = run()
    first = time.perf_counter() - start
    times = [] if first < 1.0 else [first]
    while len(times) < runs and sum(times) < budget:
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return times, rows


def _rdflib_child(conn, graph: Graph, text: str, bindings: dict, runs: int, budget: float) -> None:
    prepared = prepareQuery(text, initNs=dict(PREFIXES))
    init = {key: Literal(value) for key, value in bindings.items()}
    spent = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        rows = _rows_rdflib(graph, prepared, init)
        seconds = time.perf_counter() - start
        conn.send((seconds, len(rows), _signature(rows)))
        spent += seconds
        if spent >= budget:
            break
    conn.send(None)


def _time_rdflib(graph: Graph, text: str, bindings: dict, runs: int, budget: float):
    """rdflib's run times, row count and signature; no times when its first run outlasts ``budget``.

    Each query runs in a forked child (it shares the graph without copying), which is killed
    at the budget: rdflib cannot be interrupted otherwise.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_rdflib_child, args=(child, graph, text, bindings, runs, budget))
    process.start()
    deadline = time.monotonic() + budget
    times, count, signature = [], 0, None
    while parent.poll(max(0.0, deadline - time.monotonic())):
        message = parent.recv()
        if message is None:
            break
        seconds, count, signature = message
        times.append(seconds)
    process.kill()
    process.join()
    return times, count, signature


def _oxigraph_stores(nt: Path, tmp: str) -> dict[str, tuple[ox.Store, float]]:
    """The graph in Oxigraph's in-memory store and in its on-disk (RocksDB) store, with load times."""
    stores = {}
    for name, make in (("memory", ox.Store), ("disk", lambda: ox.Store(str(Path(tmp) / "store")))):
        start = time.perf_counter()
        store = make()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        stores[name] = (store, time.perf_counter() - start)
    return stores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="at least this many triples (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=10, help="at most this many timed Oxigraph runs per query (default 10)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="no more Oxigraph runs of a query once they add up to this many seconds (default 15)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="at most this many rdflib runs per query (default 3)")
    parser.add_argument("--rdflib-budget", type=float, default=20.0,
                        help="seconds rdflib may spend on one query; its first run is stopped there (default 20)")
    parser.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    kg = synthetic_kg(args.triples, args.seed)
    t1 = time.perf_counter()
    graph = to_rdf(kg)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        nt.write_text(serialize(graph, "nt"), encoding="utf-8")
        t3 = time.perf_counter()
        stores = _oxigraph_stores(nt, tmp)
        size_mb = nt.stat().st_size / 1e6
        assert all(len(store) == len(graph) for store, _ in stores.values())
        print(f"kg SPARQL benchmark — Python {platform.python_version()}, rdflib {_version('rdflib')}, "
              f"pyoxigraph {ox.__version__}, {os.cpu_count()} CPUs")
        print(f"graph: {len(graph):,} triples — {len(kg.documents):,} documents, {len(kg.entities):,} entities, "
              f"{len(kg.assertions):,} assertions, {len(kg.relations()):,} relations ({size_mb:.0f} MB as N-Triples)")
        print(f"load: synthetic KnowledgeGraph {t1 - t0:.1f} s; rdflib Graph (kg.rdf.to_rdf) {t2 - t1:.1f} s; "
              f"N-Triples written {t3 - t2:.1f} s; Oxigraph bulk load from it: "
              + ", ".join(f"{name} {seconds:.1f} s" for name, (_, seconds) in stores.items()))
        runs = []  # (row name, query text, bindings)
        chosen = []
        for name, path in list_queries().items():
            text = path.read_text(encoding="utf-8")
            parameters = query_parameters(text)
            if not parameters:
                runs.append((name, text, {}))
                continue
            variable, cls = next(iter(parameters.items()))
            values = parameter_values(kg, cls)
            for which, (label, count) in values.items():
                runs.append((f"{name} ({which})", text, {variable: label}))
            chosen.append(f"{name}: " + ", ".join(f"{which} {label!r} ({count:,} assertion{'s' * (count != 1)})"
                                                   for which, (label, count) in values.items()))
        print(f"timing: from the call until every row is read; median ms (runs). Oxigraph: a warm-up run when "
              f"under 1 s, then up to {args.runs} runs or {args.budget:.0f} s; rdflib: up to {args.rdflib_runs} runs, "
              f"stopped at {args.rdflib_budget:.0f} s a query (\"> N\": its first run had not finished).")
        print("?name (a popular and a median node of the class the query names, from the generated graph): "
              + "; ".join(chosen) + "\n", flush=True)

        header = ("query", "rows", "rdflib memory ms", "oxigraph memory ms", "oxigraph disk ms", "rdflib / best", "same rows")
        table = []
        for name, text, bindings in runs:
            ox_text = bind_values(text, bindings)
            medians, signature, count = {}, None, 0
            cells = [name, "", "-", "", "", "-", "-"]
            for column, (store_name, (store, _)) in zip((3, 4), stores.items()):
                times, rows = _time(lambda: _rows_oxigraph(store, ox_text), args.runs, args.budget)
                medians[store_name] = statistics.median(times) * 1000
                signature, count = _signature(rows), len(rows)
                cells[column] = f"{medians[store_name]:,.1f} ({len(times)})"
            best = min(medians.values())
            cells[1] = f"{count:,}"
            if not args.no_rdflib:
                times, rdflib_count, rdflib_signature = _time_rdflib(graph, text, bindings, args.rdflib_runs, args.rdflib_budget)
                if not times:
                    cells[2] = f"> {args.rdflib_budget * 1000:,.0f}"
                    cells[5] = f"> {args.rdflib_budget * 1000 / best:,.0f}x"
                else:
                    rdflib_ms = statistics.median(times) * 1000
                    cells[2] = f"{rdflib_ms:,.0f} ({len(times)})"
                    cells[5] = f"{rdflib_ms / best:,.0f}x"
                    cells[6] = "yes" if (rdflib_count, rdflib_signature) == (count, signature) else "NO"
            table.append(tuple(cells))
            print(f"  {name}: done", file=sys.stderr, flush=True)

    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
    for row in table:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        print("| " + " | ".join(cells) + " |")
    print(f"\ntotal time {time.perf_counter() - t0:.0f} s")
    return 0


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main())
