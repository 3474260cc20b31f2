"""Run `python -m pipeline` and die by SIGKILL at a chosen point: a crash a test can aim.

    python -m tests.support.killpoint MODULE:FUNCTION:before|after -- run --data-dir DIR ...

The named function is wrapped so that the process kills itself (no cleanup, no finally) just
before it is called or just after it returns; then the command line runs as usual.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def aim(spec: str) -> None:
    """Wrap `module:function` so that the process dies `before` or `after` its first call."""
    module_name, function_name, when = spec.split(":")
    module = importlib.import_module(module_name)
    original: Callable[..., Any] = getattr(module, function_name)

    @functools.wraps(original)
    def dying(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(module, function_name, dying)


if __name__ == "__main__":
    separator = sys.argv.index("--")
    aim(sys.argv[1])
    from pipeline.cli import main

    raise SystemExit(main(sys.argv[separator + 1:]))
