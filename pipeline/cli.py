"""`python -m pipeline`: the command-line interface. Errors are one clear line on stderr."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pipeline.config import DEFAULT_KINDS, DEFAULT_MAX_RPS, LIVE_SRU_URL, Settings, data_location
from pipeline.errors import InvalidParameter, PipelineError
from pipeline.sources import vergaderjaar

log = logging.getLogger(__name__)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _rps(value: str) -> float:
    try:
        rps = float(value)
    except ValueError:
        rps = -1.0
    if rps < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of requests per second >= 0")
    return rps


def _vergaderjaar(value: str) -> str:
    try:
        return vergaderjaar.name(vergaderjaar.parse(value))
    except InvalidParameter as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _add_data_dir(p: argparse.ArgumentParser, what: str = "data directory (state, raw archive, releases): a "
                  "path or an object store URL (s3://bucket/prefix); default $EK_DATA_DIR or ./data") -> None:
    p.add_argument("--data-dir", type=data_location, help=what)
    p.add_argument("--state-dsn", help="keep the run state (ledger, run journal, locks) in this PostgreSQL "
                   "database instead of the data directory; default $EK_STATE_DSN")


def _add_source_options(p: argparse.ArgumentParser) -> None:
    _add_data_dir(p)
    p.add_argument("--sru-url", help=f"SRU 2.0 endpoint (default $EK_SRU_URL or {LIVE_SRU_URL})")
    p.add_argument("--since", type=_date, help="harvest records modified on or after this date "
                   "(YYYY-MM-DD); default: the stored watermark minus a day of overlap; on a first run, "
                   "the last EK_FIRST_RUN_DAYS (30) days")
    p.add_argument("--until", type=_date, help="harvest records modified up to this date (YYYY-MM-DD)")
    p.add_argument("--max-rps", type=_rps, help="cap on requests per second to the source "
                   f"(default $EK_MAX_RPS or {DEFAULT_MAX_RPS}; 0 = no limit)")
    p.add_argument("--kind", action="append", choices=DEFAULT_KINDS, dest="kinds",
                   help="publication kind to harvest (repeatable; default all)")
    p.add_argument("--dossier", help="only this dossier, e.g. 36867 or 36600-VII")
    p.add_argument("--id", action="append", dest="identifiers", default=[],
                   help="only this publication identifier, e.g. kst-36867-C (repeatable)")
    p.add_argument("--vergaderjaar", type=_vergaderjaar,
                   help="only the papers of this vergaderjaar, e.g. 2019-2020 (whenever modified)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Eerste Kamer ETL: fetch, parse, normalise, validate and publish Senate papers.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run every stage; exit 0 when a release was published or nothing was new")
    _add_source_options(run)
    run.add_argument("--reparse", action="store_true", help="parse every archived paper again")
    run.add_argument("--no-publish", action="store_true", help="stop after validation")

    fetch = sub.add_parser("fetch", help="only harvest: discover and archive new publications")
    _add_source_options(fetch)

    parse = sub.add_parser("parse", help="parse one file (PDF or official XML), or the pending papers of a data dir")
    parse.add_argument("file", nargs="?", type=Path, help="a PDF or official XML file")
    parse.add_argument("--json", action="store_true", help="print the parsed document as one JSON object")
    _add_data_dir(parse, "parse the archived papers not yet parsed here")
    parse.add_argument("--reparse", action="store_true", help="with --data-dir: parse everything again")

    validate = sub.add_parser("validate", help="build the tables from parsed papers and run the expectations")
    _add_data_dir(validate)

    publish = sub.add_parser("publish", help="build, validate and publish a release (quarantine on failure)")
    _add_data_dir(publish)

    verify = sub.add_parser("verify", help="check the archived files against the ledger; a missing or changed "
                            "file is fetched again by the next run")
    _add_data_dir(verify)
    verify.add_argument("--checksums", action="store_true", help="also compare every file's sha256 (slower)")

    rebuild = sub.add_parser("rebuild-ledger", help="rebuild a lost or damaged state.sqlite (or fill an empty "
                             "state database) from the journal beside the raw archive (raw/ledger.jsonl)")
    _add_data_dir(rebuild)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    if args.since and args.until and args.since > args.until:
        raise InvalidParameter(f"--since {args.since} is after --until {args.until}")
    return Settings.load({
        "data_dir": args.data_dir, "sru_url": args.sru_url, "max_rps": args.max_rps, "since": args.since,
        "until": args.until, "kinds": tuple(args.kinds or DEFAULT_KINDS), "dossier": args.dossier,
        "identifiers": tuple(args.identifiers), "vergaderjaar": args.vergaderjaar,
        "reparse": getattr(args, "reparse", False), "publish": not getattr(args, "no_publish", False),
        "state_dsn": args.state_dsn,
    })


def _where(args: argparse.Namespace, **given: object) -> Settings:
    """The settings of a command that takes only the data directory and the state database."""
    return Settings.load({"data_dir": args.data_dir, "state_dsn": args.state_dsn, **given})


def _print(obj: object) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.flow.run import run

    summary = run(_settings(args))
    print(f"run {summary.run_id}: {summary.outcome}", file=sys.stderr)
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from pipeline.flow.run import run

    summary = run(_settings(args), fetch_only=True)
    _print(summary.stages.get("harvest", {}))
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    if args.file is None:
        if args.data_dir is None:
            raise InvalidParameter("parse needs a FILE or --data-dir")
        from pipeline.flow import lock
        from pipeline.parse.stage import parse_pending

        settings = _where(args, reparse=args.reparse)
        with lock.holding(settings):
            _print(parse_pending(settings).to_dict())
        return 0
    from pipeline.parse import parse_file

    doc = parse_file(args.file)
    if args.json:
        print(json.dumps(doc.to_json(), ensure_ascii=False))
    else:
        m = doc.metadata
        print(f"{args.file}: {doc.pages} page(s), text layer: {doc.has_text_layer}, "
              f"{m.identifier or '?'} {m.document_type or '?'} {m.title!r}, "
              f"{len(doc.footnotes)} footnote(s), {len(doc.qa)} Q&A pair(s), {len(doc.references)} reference(s)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    import shutil

    from pipeline.flow import lock
    from pipeline.normalise.stage import build_batch
    from pipeline.quality.stage import validate_batch

    settings = _where(args)
    with lock.holding(settings) as run_id:
        batch = build_batch(settings, run_id)  # in staging; nothing is published
        try:
            report = validate_batch(settings, batch)
        finally:
            shutil.rmtree(batch.path, ignore_errors=True)
    _print(report.to_dict())
    return 0 if report.passed else 1


def _cmd_publish(args: argparse.Namespace) -> int:
    from pipeline.flow.run import run

    summary = run(_where(args), fetch=False, rebuild=True)
    print(f"run {summary.run_id}: {summary.outcome}", file=sys.stderr)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from pipeline.flow import lock
    from pipeline.ledger import StateStore, check_ledger

    settings = _where(args)
    with lock.holding(settings):
        check_ledger(settings.layout)
        settings.layout.store.mirror(settings.layout.raw, prune=False)  # object storage: check the stored files
        with StateStore(settings.layout) as store:
            requeued = store.requeue_missing(checksums=args.checksums)
            counts = store.counts()
    _print({"files_checked": counts.get("files_archived", 0) + len(requeued), "requeued": requeued})
    return 0 if not requeued else 1


def _cmd_rebuild_ledger(args: argparse.Namespace) -> int:
    from pipeline.flow import lock
    from pipeline.ledger import rebuild_ledger

    settings = _where(args)
    with lock.holding(settings):
        _print(rebuild_ledger(settings.layout))
    return 0


COMMANDS = {"run": _cmd_run, "fetch": _cmd_fetch, "parse": _cmd_parse, "validate": _cmd_validate,
            "publish": _cmd_publish, "verify": _cmd_verify, "rebuild-ledger": _cmd_rebuild_ledger}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("botocore", "aiobotocore"):  # an object-store data directory: where credentials came from
        logging.getLogger(chatty).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return COMMANDS[args.command](args)
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; the next run resumes where this one stopped", file=sys.stderr)
        return 130
    except OSError as err:  # a read-only or full data directory, a vanished file
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 1
    except Exception as err:  # a bug or an unforeseen failure: the traceback goes to the log only
        log.debug("traceback", exc_info=True)
        print(f"error: unexpected {type(err).__name__}: {err} (run with -v for the traceback)", file=sys.stderr)
        return 1
