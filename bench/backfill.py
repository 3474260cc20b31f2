"""Benchmark a backfill of the whole history and the daily run that follows it.

    .venv/bin/python bench/backfill.py                                # 2,000-paper backfill; daily runs
    .venv/bin/python bench/backfill.py --papers 4000 --history 2000 10000 40000 \\
        --postgres-dsn postgresql://postgres@127.0.0.1:5432/bench     # also publish to PostgreSQL

Backfill: `--papers` publications are archived the way the fetch stage leaves them (ledger and
raw archive), in the real mix of kinds, each with the files of a real or typeset paper of its
kind (`MIX`: Kamerstukken and Handelingen with official XML, Aanhangsels, papers without usable
XML, scans), then parsed by the parse stage as a backfill (XML first, the agreement sample's PDFs
laid out) in `--workers` processes. Printed: papers/s, pages laid out per paper and per second,
and the hours a 40,000-paper backfill takes at that rate.

Daily run: a parsed store of `--history` papers is generated directly (`history_papers`: realistic
sample papers at a constant `--per-year` papers per vergaderjaar, newest year first, so a longer
history has more years, not fuller ones; parsing 40,000 PDFs would take hours), published once
(the first, full build), then 20 new papers of the current year arrive and normalise, validate and
publish run again: the incremental build rebuilds the current year and carries the rest over.

Every stage runs in its own process: its peak RSS (wait4) is its own (a parse stage's includes its
worker processes'). The machine is measured as it is: shared, the figures include its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.normalise.stage import Batch  # noqa: E402
from pipeline.parse.store import ParsedPaper  # noqa: E402
from tests.support.paths import AH_PDF, AH_XML, GENERATED, KST_PDF, KST_XML, OFFICIAL_XML, SCAN_PDF  # noqa: E402

STAGES = ("normalise", "validate", "publish")
DAILY_NEW = 20
#: Pages per paper of the Eerste Kamer history since 1995 (about 300,000 over 40,000 publications).
REAL_PAGES_PER_PAPER = 7.5
NEWEST_YEAR = 2025


@dataclass(frozen=True)
class Kind:
    """A kind of publication in the history: its share, how its identifiers look, and its files."""

    name: str
    share: float
    identifier: str  # format string over n
    files: dict[str, Path]


#: The mix of the Eerste Kamer history since 1995 (shares estimated): most papers have official XML.
#: The files are the repository's real and typeset papers: about 5 pages a paper, shorter than the
#: real history's 7.5 (300,000 pages over 40,000 papers), which the backfill estimate scales to.
MIX = (
    Kind("kamerstuk with XML, 9 pages", 0.35, "kst-{d}-{n}", {"pdf": GENERATED / "kst-27925-AA.pdf",
                                                              "xml": OFFICIAL_XML / "kst-27925-AA-ek.xml"}),
    Kind("kamerstuk with XML, 1 page", 0.20, "kst-{d}-{n}", {"pdf": KST_PDF, "xml": KST_XML}),
    Kind("handelingen with XML", 0.22, "h-ek-{y}-{n}-1", {"pdf": GENERATED / "h-ek-20202021-1-1.pdf",
                                                          "xml": OFFICIAL_XML / "h-ek-20202021-1-1.xml"}),
    Kind("aanhangsel with XML", 0.10, "ah-ek-{y}-{n}", {"pdf": AH_PDF, "xml": AH_XML}),
    Kind("kamerstuk, PDF only", 0.10, "kst-{d}-{n}", {"pdf": GENERATED / "kst-27925-AA.pdf"}),
    Kind("scan without text", 0.03, "blg-{n}", {"pdf": SCAN_PDF}),
)


def kind_of(n: int) -> Kind:
    """The kind of the n-th paper: the shares of `MIX`, spread evenly over n."""
    position, start = (n * 0.6180339887) % 1.0, 0.0  # golden-ratio sequence: evenly spread, deterministic
    for kind in MIX:
        start += kind.share
        if position < start:
            return kind
    return MIX[-1]


def archive_history(settings: Settings, papers: int) -> None:
    """Record and archive `papers` publications of the mix, as the fetch stage leaves them."""
    from tests.support.archive import archive_version

    for n in range(papers):
        kind = kind_of(n)
        year = NEWEST_YEAR - n // 1400
        identifier = kind.identifier.format(d=30000 + n // 8, n=n + 1, y=f"{year}{year + 1}")
        archive_version(settings, identifier, kind.files)


# --- the generated parsed store ----------------------------------------------------------------


def _papers(n: int, start: int) -> list[ParsedPaper]:
    """Paper n of vergaderjaar `start`-`start + 1`; every tenth with a second version."""
    from pipeline.normalise.samples import TYPES, sample_paper

    dossier = str(30000 + n // 4)
    kwargs = dict(identifier=f"kst-{dossier}-{'ABCDEFGH'[n % 4]}", vergaderjaar=f"{start}-{start + 1}",
                  dossier=dossier, doc_type=TYPES[n % len(TYPES)],
                  day=date(start, 9, 15) + timedelta(days=(n * 7) % 300), similarity=0.999 - (n % 7) * 0.003)
    return [sample_paper(version=v, **kwargs) for v in ((1, 2) if n % 10 == 0 else (1,))]


def history_papers(count: int, per_year: int) -> Iterator[ParsedPaper]:
    """A history of `count` papers, `per_year` papers per vergaderjaar, paper 0 in the newest year."""
    for n in range(count):
        yield from _papers(n, NEWEST_YEAR - n // per_year)


def new_papers(history: int) -> Iterator[ParsedPaper]:
    """`DAILY_NEW` new papers of the newest year (identifiers after the history's)."""
    for n in range(history + 1, history + 1 + DAILY_NEW * 10, 10):  # n % 10 != 0: one version each
        yield from _papers(n, NEWEST_YEAR)


# --- one stage in its own process ---------------------------------------------------------------


def _batch_file(settings: Settings) -> Path:
    return settings.data_dir / "bench-batch.json"


def run_stage(settings: Settings, stage: str) -> dict[str, object]:
    """Run one stage in this process; returns its seconds and what it handled."""
    from pipeline.flow.journal import new_run_id

    start = time.perf_counter()
    out: dict[str, object] = {}
    if stage == "parse":
        from pipeline.parse.stage import parse_papers, pending_keys

        report = parse_papers(settings, pending_keys(settings))
        held = [f for f in report.failed if f["source"] == "record"]  # a file under another paper's identifier
        out = {"papers": report.parsed, "by_pdf_pass": report.by_pdf_pass, "failed": len(report.failed) - len(held),
               "held_back": len(held)}
    elif stage == "normalise":
        from pipeline.normalise.stage import build_batch
        from pipeline.publish.stage import current_release

        base = current_release(settings)
        batch = build_batch(settings, new_run_id(), base.manifest if base else None)
        _batch_file(settings).write_text(json.dumps(batch.to_dict()))
        out = {"rebuilt": len(batch.rebuilt), "partitions": len(batch.inputs)}
    elif stage == "validate":
        from pipeline.quality.stage import validate_batch

        batch = Batch.from_dict(json.loads(_batch_file(settings).read_text()))
        report = validate_batch(settings, batch)
        if not report.passed:
            raise SystemExit(f"validation failed: {report.critical_failures[:3]}")
        (settings.data_dir / "bench-report.json").write_text(json.dumps(report.to_dict(), default=str))
        _batch_file(settings).write_text(json.dumps(batch.to_dict()))
    else:
        from pipeline.publish.stage import publish_batch
        from pipeline.quality.stage import QualityReport

        batch = Batch.from_dict(json.loads(_batch_file(settings).read_text()))
        report = QualityReport(**json.loads((settings.data_dir / "bench-report.json").read_text()))
        publish_batch(settings, batch, report)
    return {**out, "seconds": time.perf_counter() - start}


def measure(data_dir: Path, stage: str, dsn: str | None, workers: int) -> dict:
    """Run a stage in a child process; its result plus its peak RSS in MiB."""
    cmd = [sys.executable, __file__, "--stage", stage, "--data-dir", str(data_dir), "--workers", str(workers)]
    if dsn:
        cmd += ["--postgres-dsn", dsn]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stage {stage} failed; run it alone to see why: {' '.join(cmd)}")
    return {**json.loads(out), "peak_mib": usage.ru_maxrss / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime}


# --- the two benchmarks -------------------------------------------------------------------------


def bench_backfill(papers: int, workers: int, keep: bool) -> None:
    from pipeline.parse.store import PDF_FULL, ParsedStore

    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-backfill-{papers}-"))
    settings = Settings(data_dir=data_dir, workers=workers)
    settings.layout.ensure()
    start = time.perf_counter()
    archive_history(settings, papers)
    print(f"\nBackfill: {papers:,} papers archived in {time.perf_counter() - start:.0f} s "
          f"({', '.join(f'{k.name} {k.share:.0%}' for k in MIX)})")
    m = measure(data_dir, "parse", None, workers)
    store = ParsedStore(settings.layout)
    parsed = [store.load(e.identifier, e.version) for e in store.entries()]
    full = [p for p in parsed if p.pdf_pass == PDF_FULL]
    laid_out = sum(p.pdf.pages for p in full if p.pdf is not None)
    pages = sum(p.pdf.pages for p in parsed if p.pdf is not None) / len(parsed)
    rate = m["papers"] / m["seconds"]
    print(f"parse stage, {workers} worker(s): {m['papers']:,} papers in {m['seconds']:.0f} s = {rate:.1f} papers/s; "
          f"PDF passes {m['by_pdf_pass']}, {m['failed']} source(s) failed, {m['held_back']} held back (the bench "
          f"archives each file under many identifiers: parsed in full, then held back); peak RSS {m['peak_mib']:.0f} MiB")
    print(f"pages laid out: {laid_out:,} ({laid_out / m['papers']:.2f} per paper, {laid_out / m['seconds']:.1f} pages/s "
          f"laid out) in {len(full):,} papers with the full PDF pass")
    cpu = m["cpu_seconds"] / m["papers"]
    hours = 40_000 * cpu / workers / 3600
    print(f"estimate for a 40,000-paper backfill at this rate: {40_000 / rate / 3600:.2f} h wall on this (shared) "
          f"machine; by CPU time ({cpu:.3f} CPU s/paper, the workers' included) on {workers} free core(s): "
          f"{hours:.2f} h; scaled from {pages:.1f} to the history's {REAL_PAGES_PER_PAPER} pages per paper "
          f"(cost taken as proportional to pages: an upper bound): {hours * REAL_PAGES_PER_PAPER / pages:.2f} h "
          f"(target <= 2 h)")
    if not keep:
        shutil.rmtree(data_dir)


def _save_and_record(settings: Settings, papers: Iterator[ParsedPaper]) -> int:
    """Store the papers (parsed) and record their SRU records in the ledger, as the fetch stage
    would have (the ledger feeds `source_status`, a table of every listed version)."""
    from pipeline.ledger import StateStore
    from pipeline.parse.store import ParsedStore

    records = []

    def tee() -> Iterator[ParsedPaper]:
        for paper in papers:
            records.append(paper.record)
            yield paper

    saved = ParsedStore(settings.layout).save_all(tee())
    with StateStore(settings.layout) as state:
        state.record_versions(records)
    return saved


def bench_daily(history: int, per_year: int, dsn: str | None, workers: int, keep: bool) -> dict[str, dict]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-daily-{history}-"))
    settings = Settings(data_dir=data_dir, postgres_dsn=dsn)
    settings.layout.ensure()
    start = time.perf_counter()
    versions = _save_and_record(settings, history_papers(history, per_year))
    years = -(-history // per_year)
    print(f"\n{history:,} papers of history ({versions:,} versions, {years} vergaderjaren) generated as parsed papers "
          f"and recorded in the ledger in {time.perf_counter() - start:.0f} s")
    first = {stage: measure(data_dir, stage, dsn, workers) for stage in STAGES}
    _save_and_record(settings, new_papers(history))
    daily = {stage: measure(data_dir, stage, dsn, workers) for stage in STAGES}
    print(f"{'stage':<10} {'first (full) s':>15} {'CPU s':>6} {'MiB':>6} {'daily (+20) s':>14} {'CPU s':>6} {'MiB':>6}")
    for stage in STAGES:
        print(f"{stage:<10} {first[stage]['seconds']:>15.1f} {first[stage]['cpu_seconds']:>6.1f} "
              f"{first[stage]['peak_mib']:>6.0f} {daily[stage]['seconds']:>14.1f} {daily[stage]['cpu_seconds']:>6.1f} "
              f"{daily[stage]['peak_mib']:>6.0f}")
    total = sum(m["seconds"] for m in daily.values())
    print(f"daily run: {total:.1f} s, {daily['normalise']['rebuilt']} of {daily['normalise']['partitions']} "
          f"partition(s) rebuilt")
    if not keep:
        shutil.rmtree(data_dir)
    return daily


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000, help="papers to backfill (0: no backfill)")
    parser.add_argument("--history", type=int, nargs="*", default=[2000, 10_000, 40_000],
                        help="history sizes for the daily run")
    parser.add_argument("--per-year", type=int, default=1400, help="papers per vergaderjaar of the history")
    parser.add_argument("--workers", type=int, default=2, help="parse worker processes")
    parser.add_argument("--postgres-dsn", help="also publish to this PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the generated data directories")
    parser.add_argument("--stage", choices=("parse", *STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        settings = Settings(data_dir=args.data_dir, postgres_dsn=args.postgres_dsn, workers=args.workers)
        print(json.dumps(run_stage(settings, args.stage)))
        return 0
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if args.papers:
        bench_backfill(args.papers, args.workers, args.keep)
    daily = {history: bench_daily(history, args.per_year, args.postgres_dsn, args.workers, args.keep)
             for history in args.history}
    if len(daily) > 1:
        smallest, largest = min(daily), max(daily)
        cost = {h: sum(m["seconds"] for m in d.values()) for h, d in daily.items()}
        cpu = {h: sum(m["cpu_seconds"] for m in d.values()) for h, d in daily.items()}
        peak = max(m["peak_mib"] for m in daily[largest].values())
        print(f"\ndaily run at {largest:,} vs {smallest:,} papers of history: {cost[largest] / cost[smallest]:.2f}x wall, "
              f"{cpu[largest] / cpu[smallest]:.2f}x CPU (target <= 1.5x); peak RSS at {largest:,}: {peak:.0f} MiB "
              f"(target < 1024)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
