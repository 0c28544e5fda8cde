"""Memory and time of ``kg build`` on one very long article, against a normal one.

    .venv/bin/python bench/memory_long_doc.py                # 3 MB, as paragraphs and as one line
    .venv/bin/python bench/memory_long_doc.py --mb 1 --shapes line

Each case writes one article (the sample articles of ``input/`` repeated up to the size) and runs
``python -m kg build ARTICLE --out DIR --no-cache`` as its own process, then prints its wall time,
peak resident memory (``ru_maxrss`` of that process, from ``os.wait4``), and the number of
relations written. Shapes: ``paragraphs`` (the articles' own line breaks), ``line`` (every line
break replaced by a space: one line of N MB, which ``kg.nlp.lines`` cuts at sentence ends into
pieces of at most ``kg.nlp.MAX_LINE_CHARS`` characters; spaCy alone refuses more than 1,000,000).
The ``baseline`` row is one sample article. Figures are printed, not asserted.

On the 2-core development machine (shared with other work, so times are loose):

    case             chars  longest line  seconds  peak RSS MB  relations
    baseline         3,073           463      2.7          197          7
    paragraphs   2,999,880           463    287.6         1004         34
    line         2,990,001     2,990,001    252.3         1137         34

With 100,000-character pieces the ``line`` case peaked at 8,325 MB (nlp.pipe batches up to 64
pieces, and its memory grows with the longest one), hence MAX_LINE_CHARS = 2,000.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def article(size: int, shape: str) -> str:
    texts = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "input").glob("*.txt"))]
    body, n = [], 0
    while n < size:
        text = texts[len(body) % len(texts)]
        body.append(text)
        n += len(text) + 2
    text = "\n\n".join(body)[:size]
    text = text[: text.rfind(".") + 1]  # end on a sentence
    return re.sub(r"\s*\n\s*", " ", text) if shape == "line" else text


def measured(path: Path, out: Path) -> dict:
    """Run the build as a child of this process and read that child's own peak memory."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(path), "--out", str(out), "--no-cache"],
                                   stdout=subprocess.DEVNULL, stderr=errors, env={**os.environ, "COLUMNS": "200"})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    relations = 0
    if code == 0:
        from rdflib import Graph

        from kg.namespaces import KG
        graph = Graph().parse(out / "graph.ttl")
        relations = sum(len(set(graph.subject_objects(KG[r]))) for r in ("backs", "opposes", "attended", "agreed"))
    return {"exit": code, "seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "relations": relations, "error": stderr.strip().splitlines()[-1] if code and stderr.strip() else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="article size in MB (default 3)")
    parser.add_argument("--shapes", default="paragraphs,line", help="paragraphs, line or both (default)")
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        cases = [("baseline", next(iter(sorted((ROOT / "input").glob("*.txt")))).read_text(encoding="utf-8"))]
        cases += [(shape, article(size, shape)) for shape in args.shapes.split(",")]
        rows = []
        for name, text in cases:
            path = base / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            longest = max(len(line) for line in text.split("\n"))
            row = {"case": name, "chars": len(text), "longest_line": longest, **measured(path, base / f"out-{name}")}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print()
    print(f"{'case':<11}{'chars':>11}{'longest line':>14}{'seconds':>9}{'peak RSS MB':>13}{'relations':>11}")
    for row in rows:
        print(f"{row['case']:<11}{row['chars']:>11,}{row['longest_line']:>14,}{row['seconds']:>9}"
              f"{row['peak_rss_mb']:>13}{row['relations']:>11}  {row['error']}")


if __name__ == "__main__":
    main()
