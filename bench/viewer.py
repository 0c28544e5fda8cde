"""Benchmark: how long graph.html takes to open and become interactive in headless Chromium.

    .venv/bin/python bench/viewer.py                       # 2,000 nodes, 10,000 edges
    .venv/bin/python bench/viewer.py --nodes 5000 --edges 25000 --max-nodes 2000
    .venv/bin/python bench/viewer.py --screenshot bench/large.png

A synthetic KnowledgeGraph (seeded, a few hubs and many small actors, as news graphs
have) is rendered with kg.render, then opened from a file:// URL in Debian's chromium
with every other request blocked and counted. Printed:

- render: seconds to build the page in Python, and its size;
- ready: from navigation start to the layout settled, physics off and the graph drawn
  (body[data-ready]), as the page's own performance clock measures it;
- interactive: after ready, the time for a search to list a node, and for a click on a
  node to fill its profile (mouse events through the browser, answered by the page);
- outside requests and page errors, which must both be 0.

The page's own performance marks (data parsed, network built, laid out) go to stderr.
The exit status is 1 when the worst run misses the bar or a run had a request or an error.

The issue's bar: 2,000 nodes and 10,000 edges ready and interactive within 10 s.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType
from kg.render import DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES, render_html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
KIND_WEIGHTS = {
    EntityKind.PERSON: 40,
    EntityKind.COUNTRY: 10,
    EntityKind.ORGANIZATION: 15,
    EntityKind.ARMED_GROUP: 10,
    EntityKind.AGREEMENT: 10,
    EntityKind.EVENT: 15,
}


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> KnowledgeGraph:
    """``n_nodes`` entities and ``n_edges`` distinct relations, with evidence from 500 documents.

    Endpoints are drawn with weights falling off as a power of the rank, so a few nodes
    are hubs, as countries are in news about a conflict.
    """
    rng = random.Random(seed)
    n_docs = 500
    documents = [
        Document(f"doc{i}", "", f"doc{i}.txt", title=f"Article {i} about the talks", date="2020-02-10",
                 url=f"https://example.org/news/{i}", source="Example News")
        for i in range(n_docs)
    ]
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=n_nodes)
    entities = {}
    for i, kind in enumerate(kinds):
        entity_id = f"n{i}"
        entities[entity_id] = Entity(entity_id, kind, f"{kind.value} {i}", {f"Alias {i}", f"N{i}"},
                                     {f"doc{rng.randrange(n_docs)}" for _ in range(3)})
    ids = list(entities)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(n_nodes)]
    relations = list(RelationType)
    modes = [Mode.FACT, Mode.FACT, Mode.REPORTED, Mode.FUTURE]
    seen: set[tuple[str, RelationType, str]] = set()
    assertions = []
    while len(seen) < n_edges:
        subject, obj = rng.choices(ids, weights=weights, k=2)
        relation = rng.choice(relations)
        if subject == obj or (subject, relation, obj) in seen:
            continue
        seen.add((subject, relation, obj))
        doc = f"doc{rng.randrange(n_docs)}"
        sentence = f"{entities[subject].label} {relation.value} {entities[obj].label}, officials said on Monday."
        assertions.append(Assertion(subject, relation, obj, Evidence(doc, sentence, 0, len(sentence), rng.choice(modes))))
    return KnowledgeGraph(documents=documents, entities=entities, assertions=assertions)


def measure(page_path: Path, screenshot: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri(), wait_until="commit")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
        ready = page.evaluate("performance.now()") / 1000
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000
        marks = page.evaluate("Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime / 1000]))")
        print("  marks:", {k: round(v, 2) for k, v in marks.items()}, file=sys.stderr)

        # interactive: a search lists a node, a click on a node shows its profile
        start = time.perf_counter()
        page.fill("#kg-search", "alias 1")
        page.wait_for_selector("#kg-results button")
        search = time.perf_counter() - start
        node = page.evaluate("network.body.data.nodes.get().sort((a, b) => b.importance - a.importance)[0].id")
        point = page.evaluate(
            """id => { const box = document.getElementById('mynetwork').getBoundingClientRect();
                       const p = network.canvasToDOM(network.getPosition(id));
                       return {x: Math.round(box.left + p.x), y: Math.round(box.top + p.y)}; }""",
            node,
        )
        start = time.perf_counter()
        page.mouse.click(point["x"], point["y"])
        page.wait_for_selector("#kg-details[data-showing^='node:']", state="attached", timeout=30_000)
        click = time.perf_counter() - start
        shown = page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
        if screenshot:
            page.screenshot(path=str(screenshot))
        browser.close()
    return {"loaded": loaded, "ready": ready, "search": search, "click": click, "shown": shown,
            "outside": outside, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES)
    parser.add_argument("--max-edges", type=int, default=DEFAULT_MAX_EDGES)
    parser.add_argument("--runs", type=int, default=3, help="open the page this many times; the worst is reported")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the last run here")
    args = parser.parse_args(argv)

    kg = synthetic_graph(args.nodes, args.edges)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "graph.html"
        start = time.perf_counter()
        render_html(kg, page_path, max_nodes=args.max_nodes, max_edges=args.max_edges)
        rendered = time.perf_counter() - start
        size = page_path.stat().st_size
        print(f"graph: {args.nodes:,} nodes, {args.edges:,} edges; page limits {args.max_nodes:,} nodes, "
              f"{args.max_edges:,} edges")
        print(f"render: {rendered:.2f} s in Python, page {size / 1e6:.1f} MB")
        results = [measure(page_path, args.screenshot if i == args.runs - 1 else None) for i in range(args.runs)]
    worst = max(results, key=lambda r: r["ready"] + r["click"])
    nodes, edges = worst["shown"]
    print(f"drawn: {nodes:,} nodes, {edges:,} edges")
    for i, r in enumerate(results, 1):
        print(f"run {i}: DOM loaded {r['loaded']:.2f} s, ready (laid out, physics off) {r['ready']:.2f} s, "
              f"search {r['search'] * 1000:.0f} ms, click to profile {r['click'] * 1000:.0f} ms")
    total = worst["ready"] + worst["click"]
    print(f"worst: ready + first click answered = {total:.2f} s (bar: 10 s)")
    outside = sum(len(r["outside"]) for r in results)
    errors = sum(len(r["errors"]) for r in results)
    print(f"outside requests: {outside}, page errors: {errors}")
    for r in results:
        for error in r["errors"]:
            print(f"  page error: {error}")
    return 0 if total <= 10 and outside == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
