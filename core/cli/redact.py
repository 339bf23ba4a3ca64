"""What the CLI may print about a fault: never personal data. ``-v`` shows where a fault happened and
its message with names and numbers masked; log lines go through the same mask, and without ``-v`` a
log record prints one line (no traceback).

Masking is by pattern, the way ``core.model.privacy`` masks a column: digit runs of seven or more
(phones, identity numbers) keep their first three and last four digits (138****5678); runs of Chinese
characters (names, addresses: SQL and error texts are ASCII) keep their first character (张*);
a value quoted in a database error's detail (``Key (phone)=(13800000000)``) is replaced by ``***``.
"""

from __future__ import annotations

import logging
import re
import traceback

_DETAIL_VALUE = re.compile(r"=\([^)\n]*\)|(?<=Failing row contains )\([^\n]*\)")
_DIGITS = re.compile(r"\+?\d[\d\- ]{5,}\d")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_QUOTED = re.compile(r"'[^'\n]{0,200}'")


def _digits(m: re.Match[str]) -> str:
    text = m.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return text
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _cjk(m: re.Match[str]) -> str:
    text = m.group(0)
    return text[:1] + "*" * (len(text) - 1)


def redact(text: str) -> str:
    """``text`` with personal data masked (see the module)."""
    text = _DETAIL_VALUE.sub(lambda m: "=(***)" if m.group(0).startswith("=") else "(***)", text)
    text = _QUOTED.sub("'***'", text)
    text = _DIGITS.sub(_digits, text)
    return _CJK.sub(_cjk, text)


def fault_detail(exc: BaseException) -> str:
    """``-v``: the frames (file, line, function), the exception's class and its message, masked."""
    frames = [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    message = str(exc).strip()[:2000]  # a failed migration quotes whole CREATE TABLE statements
    head = type(exc).__name__ + (f": {redact(message)}" if message else "")
    return "\n".join([*frames, head])


class RedactingFormatter(logging.Formatter):
    """Log lines with personal data masked; ``detail=False`` leaves out tracebacks (one line each)."""

    def __init__(self, fmt: str, *, detail: bool) -> None:
        super().__init__(fmt)
        self.detail = detail

    def format(self, record: logging.LogRecord) -> str:
        try:
            record.message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not become a traceback
            record.message = str(record.msg)
        line = redact(self.formatMessage(record))
        if self.detail and record.exc_info and record.exc_info[1] is not None:
            line += "\n" + fault_detail(record.exc_info[1])
        return line


def configure_logging(verbose: bool) -> None:
    """Root logging for one CLI run: WARNING (DEBUG with ``-v``), every line masked. SQLAlchemy's own
    loggers stay at WARNING even with ``-v`` (at INFO/DEBUG they print statements, parameters and rows)
and are silent without it (a pool's "exception during reset" would print a traceback)."""
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING if verbose else logging.CRITICAL)
    root = logging.getLogger()
    if root.handlers:  # as logging.basicConfig: a host that set up logging (a test runner) keeps it
        return
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s", detail=verbose))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
