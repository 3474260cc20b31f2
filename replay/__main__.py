"""`python -m replay`: serve the recorded data, or run the offline demo. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line: `error: <reason>`."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\n")


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m replay",
                     description="A local replay of repository.overheid.nl (SRU and FRBR files), offline.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the recorded data on 127.0.0.1 until interrupted")
    serve.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (default: a free one)")
    demo = sub.add_parser("demo", help="run the whole pipeline against the recorded data, print what it published")
    demo.add_argument("--data-dir", type=Path, default=Path("demo-data"), help="default ./demo-data")
    return parser


def _serve(args: argparse.Namespace) -> int:
    from replay.server import serve_forever

    try:
        serve_forever(port=args.port)
    except OSError as err:
        print(f"error: cannot serve on 127.0.0.1:{args.port}: {err.strerror or err}", file=sys.stderr)
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    from replay.demo import run_demo

    try:
        return run_demo(args.data_dir)
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return {"serve": _serve, "demo": _demo}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
