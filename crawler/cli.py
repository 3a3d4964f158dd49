"""How project commands fail: one line on stderr and an exit code, never a traceback.

``scrapy.cmdline.execute`` prints a command's usage and exits 2 when ``run`` (or
``process_options``) raises ``UsageError``, exits with ``command.exitcode`` once ``run``
returns, and lets any other exception escape with a traceback. ``operator_errors`` wraps a
command's ``run`` so that the failures an operator causes or can fix become
``<command>: <one line>`` on stderr and an exit code instead:

- ``OperatorError``: raised by the command itself (its ``exitcode``, 2 by default);
- Redis unreachable (``redis.ConnectionError`` / ``TimeoutError``): the line names it (URL or
  embedded path, password masked), exit 2;
- the database unreachable or failing (SQLAlchemy ``OperationalError`` / ``InterfaceError``):
  the line names it, exit 2;
- a file that cannot be read or written (``OSError``): its path and the reason, exit 2;
- a database without tables or with an older schema opened by a reader
  (``pipelines.storage.schema.SchemaNotReady``): its line, exit 2.

``UsageError`` still reaches Scrapy (usage, exit 2). Anything else is a bug and keeps its
traceback.

Importing this module imports neither redis nor SQLAlchemy (every command module imports it, and
``scrapy list`` imports every command module): their exceptions are recognised through
``sys.modules``; an exception of a library that was never imported cannot have been raised.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

from crawler.preflight import EXIT_CONFIG, database_location, error_line, redis_location

Run = Callable[[Any, list[str], argparse.Namespace], None]


class OperatorError(Exception):
    """A failure the operator can fix; printed as one line, the command exits ``exitcode``."""

    def __init__(self, message: str, exitcode: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.exitcode = exitcode


def command_name(command: Any) -> str:
    """The name Scrapy gives a project command: its module's last part (``crawlall``, …)."""
    return type(command).__module__.rsplit(".", 1)[-1]


def _loaded(module: str, *names: str) -> tuple[type[BaseException], ...]:
    """The exception classes ``names`` of ``module`` when it is imported, else none."""
    loaded = sys.modules.get(module)
    return tuple(getattr(loaded, name) for name in names) if loaded is not None else ()


def failure_line(exc: BaseException, settings: Any) -> str | None:
    """The one line an operator failure prints, or None when ``exc`` is not one."""
    if isinstance(exc, OperatorError):
        return str(exc)
    if isinstance(exc, _loaded("redis.exceptions", "ConnectionError", "TimeoutError")):
        return f"{redis_location(settings)} unreachable: {error_line(exc)}"
    if isinstance(exc, _loaded("sqlalchemy.exc", "OperationalError", "InterfaceError")):
        return f"database {database_location(settings)} failed: {error_line(exc)}"
    if isinstance(exc, _loaded("pipelines.storage.schema", "SchemaNotReady")):
        return str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or error_line(exc)}"
    return None


def operator_errors(run: Run) -> Run:
    """Decorate a ``ScrapyCommand.run``: operator failures print one line and set ``exitcode``."""

    @functools.wraps(run)
    def wrapper(self: Any, args: list[str], opts: argparse.Namespace) -> None:
        try:
            run(self, args, opts)
        except Exception as exc:
            line = failure_line(exc, self.settings)
            if line is None:
                raise
            print(f"{command_name(self)}: {line}", file=sys.stderr)
            self.exitcode = exc.exitcode if isinstance(exc, OperatorError) else EXIT_CONFIG

    return wrapper
