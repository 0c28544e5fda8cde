"""Time and memory of ``kg build`` on one very long article, against the same text as ordinary articles.

    .venv/bin/python bench/memory_long_doc.py                   # 3 MB: articles, paragraphs, one line
    .venv/bin/python bench/memory_long_doc.py --mb 10 --shapes articles,line

The text is the sample articles of ``input/`` repeated up to the size, in three shapes, each
built by ``python -m kg build FILE --out DIR --no-cache --stats S`` as its own process:

- ``articles`` (the baseline): a JSONL feed, one record per copy of an article, each with its
  own URL so that every copy is a document of its own;
- ``paragraphs``: one document, the copies one after another with their own line breaks;
- ``line``: one document of N MB on one line (every line break a space), which ``kg.nlp.lines``
  cuts at sentence ends into pieces of at most ``kg.nlp.MAX_LINE_CHARS`` characters (spaCy
  alone refuses more than 1,000,000).

For each it prints the wall and CPU seconds of the process, its peak resident memory
(``ru_maxrss`` of that process, from ``os.wait4``), the seconds of parsing and extraction (from
``--stats``) and the distinct relations written; then each long document's time and memory as
a ratio to ``articles``, measured in the same run. On a machine shared with other work the CPU
ratio moves less than the wall ratio. Figures are printed, not asserted; the exit status is 1
when a build fails. Measured figures: bench/README.md ("One huge article").
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
SHAPES = ("articles", "paragraphs", "line")


def copies(size: int) -> list[str]:
    """The sample articles, in turn, until they make ``size`` characters (the last one cut at a sentence end)."""
    texts = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "input").glob("*.txt"))]
    body, n = [], 0
    while n < size:
        text = texts[len(body) % len(texts)]
        body.append(text[: size - n])
        n += len(text) + 2
    body[-1] = body[-1][: body[-1].rfind(".") + 1] or body[-1]
    return body


def write_case(shape: str, body: list[str], folder: Path) -> Path:
    if shape == "articles":
        path = folder / "articles.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for number, text in enumerate(body):
                fh.write(json.dumps({"url": f"https://news.example/{number}", "text": text}) + "\n")
        return path
    text = "\n\n".join(body)
    path = folder / f"{shape}.txt"
    path.write_text(re.sub(r"\s*\n\s*", " ", text) if shape == "line" else text, encoding="utf-8")
    return path


def measured(path: Path, out: Path) -> dict:
    """Run the build as a child of this process and read that child's own time and peak memory."""
    stats = out.with_suffix(".stats.json")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(path), "--out", str(out), "--no-cache",
                                    "--stats", str(stats)],
                                   stdout=subprocess.DEVNULL, stderr=errors, env={**os.environ, "COLUMNS": "200"})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    row = {"exit": code, "seconds": round(seconds, 1), "cpu": round(usage.ru_utime + usage.ru_stime, 1),
           "peak_rss_mb": round(usage.ru_maxrss / 1024), "nlp": None, "extract": None, "relations": 0,
           "error": stderr.strip().splitlines()[-1] if code and stderr.strip() else ""}
    if code == 0:
        from rdflib import Graph

        from kg.namespaces import KG
        graph = Graph().parse(out / "graph.ttl")
        row["relations"] = sum(len(set(graph.subject_objects(KG[r]))) for r in ("backs", "opposes", "attended", "agreed"))
        figures = json.loads(stats.read_text(encoding="utf-8"))
        row.update(nlp=round(figures["seconds"]["nlp"], 1), extract=round(figures["seconds"]["extract"], 1),
                   documents=figures["documents"], tokens=figures["tokens"])
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of the text in MB (default 3)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"some of {', '.join(SHAPES)} (default: all)")
    args = parser.parse_args()
    shapes = [s for s in SHAPES if s in args.shapes.split(",")]
    body = copies(int(args.mb * 1_000_000))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for shape in shapes:
            path = write_case(shape, body, base)
            text = path.read_text(encoding="utf-8")
            longest = max(len(line) for line in text.split("\n"))
            row = {"case": shape, "bytes": path.stat().st_size, "longest_line": longest, **measured(path, base / f"out-{shape}")}
            rows.append(row)
            print(json.dumps(row), flush=True)
    baseline = next((row for row in rows if row["case"] == "articles" and row["exit"] == 0), None)
    print()
    print(f"{len(body):,} copies of the sample articles, {sum(map(len, body)):,} characters of text")
    print(f"{'case':<11}{'bytes':>12}{'longest line':>14}{'documents':>11}{'tokens':>11}{'wall s':>9}{'CPU s':>9}"
          f"{'nlp s':>9}{'extract s':>11}{'peak RSS MB':>13}{'relations':>11}{'wall ratio':>12}{'CPU ratio':>11}"
          f"{'RSS ratio':>11}")
    for row in rows:
        ratios = ("", "", "")
        if baseline and row["exit"] == 0:
            ratios = (f"{row['seconds'] / baseline['seconds']:.2f}", f"{row['cpu'] / baseline['cpu']:.2f}",
                      f"{row['peak_rss_mb'] / baseline['peak_rss_mb']:.2f}")
        print(f"{row['case']:<11}{row['bytes']:>12,}{row['longest_line']:>14,}{row.get('documents', ''):>11}"
              f"{row.get('tokens', 0):>11,}{row['seconds']:>9}{row['cpu']:>9}{row['nlp'] or '':>9}{row['extract'] or '':>11}"
              f"{row['peak_rss_mb']:>13}{row['relations']:>11}{ratios[0]:>12}{ratios[1]:>11}{ratios[2]:>11}  {row['error']}")
    return 1 if any(row["exit"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
