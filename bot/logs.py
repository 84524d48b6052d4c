"""Logging: one JSON object a line, a correlation id on every line, no customer data.

``configure_logging`` is called once, by ``python -m bot``. It puts one handler
on the root logger, so the SDKs' records (botbuilder, msrest, aiohttp, azure,
msgraph) come out in the same shape as ours. JSON through python-json-logger:
a plain ``logging.Formatter`` subclass, so the handlers' existing
``log.info("...", extra={"verb": ..., "case_id": ...})`` calls need no change
and every ``extra`` becomes a JSON field.

Correlation: ``log_context(**fields)`` binds fields to the running task
(contextvars, so they follow ``await`` and ``asyncio.to_thread``); a filter on
the handler copies them onto every record, the SDKs' included. The app binds a
``correlation_id`` per HTTP request (one activity), the action router an
``action_id`` per card action with its ``verb`` and ``case_id``.

What keeps customer data out, besides never passing it to a logger:

- Loggers that print HTTP bodies or headers at DEBUG are capped (``CAPPED``):
  msrest's http logger prints whole request bodies once a client enables it.
- An exception's message may quote what an agent typed; a traceback is logged
  with its frames and exception types, and the message only for exception
  types known to carry none (``_SAFE_MESSAGES``, or ``log_safe = True``).
- An 18-digit installation ID (735999…) is masked wherever it appears.

And what keeps a request from writing lines of its own: every message and
field is escaped (``escape``) in both formats, so a newline, a NUL, any other
control character, a line or paragraph separator, or a bidirectional
override sent in a verb or an id shows as ``\\n``, ``\\x00``, ``\\u202e``...
on the one line it belongs to. Only a traceback keeps its line breaks.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import traceback
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType, TracebackType
from typing import IO, Any, Literal

from aiohttp.http_exceptions import HttpProcessingError
from pythonjsonlogger.json import JsonFormatter

from cases.errors import DomainError

LogFormat = Literal["json", "text"]

# Loggers that print what travels over HTTP (bodies, headers) at DEBUG or INFO.
CAPPED: Mapping[str, int] = {
    "msrest.http_logger": logging.WARNING,  # request and response bodies
    "azure.core.pipeline.policies.http_logging_policy": logging.WARNING,  # headers, query
    "hpack": logging.WARNING,  # every HTTP/2 header, bearer tokens included
}
_SAFE_MESSAGES: tuple[type[BaseException], ...] = (DomainError, OSError, TimeoutError)
_INSTALLATION_ID = re.compile(r"(?<!\d)735999\d{12}(?!\d)")
_MASK = "735999************"

_context: ContextVar[Mapping[str, str]] = ContextVar(
    "stora_log_context", default=MappingProxyType({})
)
_HANDLER_MARK = "_stora_arenden_handler"
_MULTILINE = frozenset({"exc_info", "stack_info"})  # our own tracebacks: their lines stay


def new_id() -> str:
    """A short random id: unique enough to follow one activity through the logs."""
    return uuid.uuid4().hex[:16]


@contextlib.contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add ``fields`` to every record logged inside the block, by any logger."""
    added = {key: str(value) for key, value in fields.items() if value not in (None, "")}
    token = _context.set({**_context.get(), **added})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> Mapping[str, str]:
    return _context.get()


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record; an explicit ``extra`` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def format_exception(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None]
    | tuple[None, None, None],
) -> str:
    """A traceback with frames and types; messages only where they are known to be safe."""
    _, exc, _ = exc_info
    if exc is None:
        return ""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for position, error in enumerate(reversed(chain)):
        if position:
            caused = error.__cause__ is not None
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if caused
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        name = f"{type(error).__module__}.{type(error).__qualname__}"
        if _message_is_safe(error):
            parts.append(f"{name}: {error}\n")
        else:
            parts.append(f"{name} (message not logged: it may quote customer data)\n")
    return mask("".join(parts).rstrip("\n"))


def _message_is_safe(error: BaseException) -> bool:
    return isinstance(error, _SAFE_MESSAGES) or getattr(error, "log_safe", False) is True


def mask(text: str) -> str:
    return _INSTALLATION_ID.sub(_MASK, text)


# Control (Cc), format (Cf: zero-width and bidirectional marks), line and
# paragraph separators (Zl, Zp): each can break a line or hide what it shows.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """``text`` on one line, every unprintable character written as its escape."""
    if text.isprintable():  # the common case, and fast: nothing to escape
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _UNPRINTABLE:
        return char
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_value(value: Any) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {escape(str(k)): _escape_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escape_value(v) for v in value]
    return value


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, then every bound or extra field."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei: Any) -> str:
        return format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None  # never reuse a traceback another formatter rendered in full
        return mask(super().format(record))

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value if key in _MULTILINE else _escape_value(value)
            for key, value in log_data.items()
        }


class TextLogFormatter(logging.Formatter):
    """For a person at a terminal (``make run``): one line, the correlation fields at the end."""

    _FIELDS = (
        "correlation_id",
        "activity_type",
        "action_id",
        "verb",
        "case_id",
        "work",
        "status",
        "reason",
    )

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatException(self, ei: Any) -> str:
        return format_exception(ei)

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None
        one_line = logging.makeLogRecord(
            {**record.__dict__, "msg": escape(record.getMessage()), "args": None}
        )
        line = super().format(one_line)
        fields = " ".join(
            f"{key}={escape(str(getattr(record, key)))}"
            for key in self._FIELDS
            if getattr(record, key, None)
        )
        if fields:
            head, sep, rest = line.partition("\n")
            line = f"{head} [{fields}]{sep}{rest}"
        return mask(line)


def configure_logging(
    level: str | int = "INFO", fmt: LogFormat = "json", *, stream: IO[str] | None = None
) -> logging.Handler:
    """Route every logger to one handler on ``stream`` (stderr by default).

    Safe to call again: the handler installed before is replaced.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonLogFormatter() if fmt == "json" else TextLogFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    cap_chatty_loggers()
    return handler


def cap_chatty_loggers() -> None:
    for name, ceiling in CAPPED.items():
        logger = logging.getLogger(name)
        if logger.level < ceiling:
            logger.setLevel(ceiling)
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedHttp) for f in server.filters):
        server.addFilter(MalformedHttp())


class MalformedHttp(logging.Filter):
    """aiohttp's parser refusing a request is the client's mistake, not the bot's fault.

    aiohttp answers it 400 and logs "Error handling request" at ERROR with a
    traceback: anyone could fill the log with them. Such a record becomes the
    endpoint's one line instead (bot/endpoint.py): ``request refused``, status,
    reason code, a correlation id, no traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg, record.args = "request refused", ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
            record.status = getattr(error, "code", 400) or 400
            record.reason = "http_malformed"
            record.correlation_id = new_id()
        return True
