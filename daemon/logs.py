"""Logging set-up, done once at the entry point.

Lines are `key=value` (or JSON) on stderr; journald adds the time. Third-party loggers that
would write personal data are pinned: imapclient logs whole IMAP conversations, bodies
included, at DEBUG (FINDINGS).
"""

from __future__ import annotations

import json
import logging
import sys

QUIET_LOGGERS = {
    "imapclient": logging.WARNING,
    "imapclient.imaplib": logging.WARNING,
    "mailparser": logging.ERROR,
    "alembic": logging.WARNING,
    "sqlalchemy": logging.WARNING,
}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = json.dumps(record.getMessage(), ensure_ascii=False)
        line = f"level={record.levelname.lower()} logger={record.name} msg={message}"
        if record.exc_info:
            line += " exc=" + json.dumps(self.formatException(record.exc_info))
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "kv") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(quiet)
