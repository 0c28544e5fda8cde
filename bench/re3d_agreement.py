"""How the extractor's opposes/backs claims agree with re3d's actor relations (text nobody tuned for).

    python bench/re3d_agreement.py [../shared/re3d] [--show]

re3d (Dstl) annotates relations between spans of defence press releases. Its FightingAgainst and
Dislikes map to opposes, AlliesOf and Likes to backs. A claim agrees with an annotation when its
two mentions overlap the annotation's two spans (either order for FightingAgainst). Prints recall
over annotations whose two ends are actors we could name (both spans overlap a mention of ours)
and over all annotations, and the share of our claims that some annotation supports.
re3d also annotates weapons and buildings as targets and "we"/"our" as actors: recall over all
annotations is a floor, not the figure to tune for.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.extract import Extractor
from kg.model import Document
from kg.nlp import load_pipeline, parse

MAPPING = {"FightingAgainst": "opposes", "Dislikes": "opposes", "AlliesOf": "backs", "Likes": "backs"}


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load(folder: Path):
    documents, annotations = [], []
    for source in sorted(p for p in folder.iterdir() if p.is_dir()):
        for line in (source / "documents.json").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            documents.append(Document(record["_id"], record["text"], str(source), title=record.get("title")))
        for line in (source / "relations.json").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["type"] in MAPPING:
                annotations.append(record)
    return documents, annotations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="../shared/re3d")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    documents, annotations = load(Path(args.folder))
    nlp = load_pipeline()
    extractor = Extractor(nlp.vocab)
    claims, mention_spans = [], {}
    for document, doc in parse(nlp, documents):
        extraction = extractor(document, doc)
        claims += extraction.claims
        mention_spans[document.doc_id] = [(m.start, m.end) for m in extraction.mentions]

    def supported(claim) -> dict | None:
        s = (claim.subject.start, claim.subject.end)
        o = (claim.object.start, claim.object.end)
        for a in annotations:
            if a["documentId"] != claim.evidence.doc_id or MAPPING[a["type"]] != claim.relation.value:
                continue
            src, tgt = (a["sourceBegin"], a["sourceEnd"]), (a["targetBegin"], a["targetEnd"])
            if overlaps(s, src) and overlaps(o, tgt) or a["type"] == "FightingAgainst" and overlaps(s, tgt) and overlaps(o, src):
                return a
        return None

    found = {id(a) for c in claims if (a := supported(c)) is not None}
    nameable = [a for a in annotations
                if any(overlaps(m, (a["sourceBegin"], a["sourceEnd"])) for m in mention_spans[a["documentId"]])
                and any(overlaps(m, (a["targetBegin"], a["targetEnd"])) for m in mention_spans[a["documentId"]])]
    hits_nameable = sum(1 for a in nameable if id(a) in found)
    ours = [c for c in claims if c.relation.value in ("opposes", "backs")]
    agreeing = [c for c in ours if supported(c) is not None]
    print(f"re3d actor relations (opposes/backs): {len(annotations)}; both ends named by kg: {len(nameable)}")
    print(f"recall, both ends named: {hits_nameable}/{len(nameable)} = {hits_nameable / max(1, len(nameable)):.2f}")
    print(f"recall, all annotations: {len(found)}/{len(annotations)} = {len(found) / max(1, len(annotations)):.2f}")
    print(f"our opposes/backs claims that an annotation supports: {len(agreeing)}/{len(ours)}")
    if args.show:
        for c in ours:
            mark = "OK " if supported(c) else "?? "
            print(mark, c.subject.text, c.relation.value, c.object.text, "::", c.evidence.sentence[:120])


if __name__ == "__main__":
    main()
