"""Benchmark normalise, validate and publish on a generated corpus; prints rows/s and peak memory.

    .venv/bin/python bench/publish.py                      # 10,000 papers
    .venv/bin/python bench/publish.py --papers 2000 10000  # shows whether memory grows with size
    .venv/bin/python bench/publish.py --papers 2000 10000 --papers-per-year 1000  # grows by years
    .venv/bin/python bench/publish.py --postgres-dsn postgresql://postgres@127.0.0.1:5432/bench
                                                           # also: the release published there again

Each stage runs in its own process, so its peak RSS (from wait4) is its own. The corpus is
`pipeline.normalise.samples.sample_corpus`: realistic papers over ten parliamentary years (or as
many years as `--papers-per-year` makes: a real corpus grows by years, not by fuller years), every
tenth with a second version. Validation works a year (partition) at a time, so its memory follows
the size of a year, not of the corpus.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.normalise.stage import Batch  # noqa: E402

STAGES = ("normalise", "validate", "publish")
#: With PostgreSQL: the current release published there again, by the usual in-place row swap
#: (the first publish into an empty database builds the schema).
REPUBLISH = "pg-again"


def generate(settings: Settings, papers: int, years: int) -> float:
    from pipeline.normalise.samples import sample_corpus
    from pipeline.parse.store import ParsedStore

    start = time.perf_counter()
    store = ParsedStore(settings.layout)
    for paper in sample_corpus(papers, years=years):
        store.save(paper)
    return time.perf_counter() - start


def _batch_file(settings: Settings) -> Path:
    return settings.data_dir / "bench-batch.json"


def _load_batch(settings: Settings) -> Batch:
    return Batch.from_dict(json.loads(_batch_file(settings).read_text()))


def _save_batch(settings: Settings, batch: Batch) -> None:
    _batch_file(settings).write_text(json.dumps(batch.to_dict()))


def run_stage(settings: Settings, stage: str) -> dict[str, float]:
    """Run one stage in this process; returns seconds and rows handled."""
    from pipeline.flow.journal import new_run_id

    start = time.perf_counter()
    if stage == "normalise":
        from pipeline.normalise.stage import build_batch

        batch = build_batch(settings, new_run_id())
        _save_batch(settings, batch)
    elif stage == "validate":
        from pipeline.quality.stage import validate_batch

        batch = _load_batch(settings)
        report = validate_batch(settings, batch)
        if not report.passed:
            raise SystemExit(f"validation failed: {report.critical_failures[:3]}")
        (settings.data_dir / "bench-report.json").write_text(json.dumps(report.to_dict(), default=str))
        _save_batch(settings, batch)
    elif stage == REPUBLISH:
        from pipeline.parse.structure.parties import known_party_codes
        from pipeline.publish.postgres import publish_postgres
        from pipeline.publish.stage import current_release

        release = current_release(settings)
        assert release is not None and settings.postgres_dsn
        publish_postgres(settings.postgres_dsn, release, known_party_codes())
        return {"seconds": time.perf_counter() - start,
                "rows": sum(t["rows"] for t in release.manifest["tables"].values())}
    else:
        from pipeline.publish.stage import publish_batch
        from pipeline.quality.stage import QualityReport

        batch = _load_batch(settings)
        report = QualityReport(**json.loads((settings.data_dir / "bench-report.json").read_text()))
        publish_batch(settings, batch, report)
    rows = sum(batch.row_counts.values())
    return {"seconds": time.perf_counter() - start, "rows": rows}


def measure(data_dir: Path, stage: str, dsn: str | None) -> dict[str, float]:
    """Run a stage in a child process; its result plus its peak RSS in MiB."""
    cmd = [sys.executable, __file__, "--stage", stage, "--data-dir", str(data_dir)]
    if dsn:
        cmd += ["--postgres-dsn", dsn]
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed (exit {proc.returncode}); run it alone to see why: {' '.join(cmd)}")
    return {**json.loads(out), "peak_mib": usage.ru_maxrss / 1024}


def bench(papers: int, per_year: int | None, dsn: str | None, keep: bool) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-publish-{papers}-"))
    settings = Settings(data_dir=data_dir, postgres_dsn=dsn)
    settings.layout.ensure()
    years = -(-papers // per_year) if per_year else 10
    seconds = generate(settings, papers, years)
    print(f"\n{papers:,} papers over {years} year(s) in {data_dir}: generated the parsed store in {seconds:.1f} s")
    print(f"{'stage':<10} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'peak MiB':>9}")
    for stage in (*STAGES, REPUBLISH) if dsn else STAGES:
        m = measure(data_dir, stage, dsn)
        print(f"{stage:<10} {m['rows']:>10,} {m['seconds']:>9.1f} {m['rows'] / m['seconds']:>10,.0f} {m['peak_mib']:>9.0f}")
    if not keep:
        shutil.rmtree(data_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000], help="corpus size(s)")
    parser.add_argument("--papers-per-year", type=int, help="spread each corpus over this many papers a year "
                        "(default: over ten years)")
    parser.add_argument("--postgres-dsn", help="also publish to this PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the generated data directories")
    parser.add_argument("--stage", choices=(*STAGES, REPUBLISH), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        settings = Settings(data_dir=args.data_dir, postgres_dsn=args.postgres_dsn)
        print(json.dumps(run_stage(settings, args.stage)))
        return 0
    for papers in args.papers:
        bench(papers, args.papers_per_year, args.postgres_dsn, args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
