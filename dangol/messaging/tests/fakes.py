"""Local stand-ins for the outside world, run in the test process: an SMTP server (aiosmtpd) and an HTTP server
speaking SOLAPI's send and list API. Nothing leaves the machine."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- SMTP


class SmtpInbox:
    """An aiosmtpd handler that keeps every mail, or answers with `refuse` (e.g. "550 5.1.1 no such user")."""

    def __init__(self) -> None:
        self.mails: list[Any] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        self.mails.append(envelope)
        return "250 Message accepted for delivery"


# ---------------------------------------------------------------- SOLAPI


@dataclass
class FakeSolapi:
    """Answers POST /messages/v4/send-many/detail and GET /messages/v4/list-old like the provider.

    mode: "ok" accepts; "fail" puts the message in failedMessageList; "error500" answers HTTP 500; "slow" accepts,
    then answers after `slow_seconds` (past the SDK's 5 s timeout); "hang" accepts, sets `accepted`, and answers
    only when `release` is set (the test kills the worker meanwhile). `received` counts accepted messages."""

    mode: str = "ok"
    slow_seconds: float = 6.5
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def accept(self, message: dict[str, Any]) -> dict[str, Any]:
        record = {
            **message,
            "messageId": "M4V" + uuid.uuid4().hex[:20].upper(),
            "statusCode": "2000",
            "statusMessage": "정상 접수",
            "dateCreated": dt.datetime.now(dt.UTC).isoformat(),
        }
        with self.lock:
            self.received.append(record)
        return record


def _group_info(total: int, failed: int) -> dict[str, Any]:
    cash = {"requested": 0, "replacement": 0, "refund": 0, "sum": 0}
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "count": {
            "total": total,
            "sentTotal": 0,
            "sentSuccess": 0,
            "sentPending": total - failed,
            "sentReplacement": 0,
            "refund": 0,
            "registeredFailed": failed,
            "registeredSuccess": total - failed,
        },
        "countForCharge": {},
        "balance": cash,
        "point": cash,
        "app": {"profit": {}, "appId": None},
        "log": [],
        "status": "SENDING",
        "allowDuplicates": False,
        "isRefunded": False,
        "accountId": "ACC1",
        "masterAccountId": None,
        "apiVersion": "4",
        "groupId": "G4V" + uuid.uuid4().hex[:20].upper(),
        "price": {},
        "dateCreated": now,
        "dateUpdated": now,
    }


def _handler(fake: FakeSolapi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if self.path != "/messages/v4/send-many/detail":
                return self._json(404, {"errorCode": "NotFound", "errorMessage": self.path})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fake.requests.append({"headers": dict(self.headers), "body": body})
            messages = body["messages"]
            if fake.mode == "error500":
                data = b"Internal Server Error"
                self.send_response(500)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            if fake.mode == "fail":
                failed = [
                    {
                        "to": m["to"],
                        "from": m.get("from"),
                        "type": m.get("type", "SMS"),
                        "statusMessage": "수신번호 형식이 올바르지 않습니다.",
                        "country": "82",
                        "messageId": "",
                        "statusCode": "1062",
                        "accountId": "ACC1",
                        "customFields": m.get("customFields"),
                    }
                    for m in messages
                ]
                return self._json(
                    200,
                    {"groupInfo": _group_info(len(messages), len(messages)), "failedMessageList": failed},
                )
            records = [fake.accept(m) for m in messages]
            if fake.mode == "slow":
                time.sleep(fake.slow_seconds)
            if fake.mode == "hang":
                fake.accepted.set()
                fake.release.wait(60)
            listed = [
                {k: r[k] for k in ("messageId", "statusCode", "statusMessage")}
                | {"customFields": r.get("customFields")}
                for r in records
            ]
            return self._json(
                200,
                {"groupInfo": _group_info(len(messages), 0), "failedMessageList": [], "messageList": listed},
            )

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != "/messages/v4/list-old":
                return self._json(404, {"errorCode": "NotFound", "errorMessage": self.path})
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            with fake.lock:
                found = {r["messageId"]: r for r in fake.received if r["to"] == query.get("to")}
            return self._json(200, {"limit": 100, "messageList": found, "startKey": None, "nextKey": None})

    return Handler


def start_solapi(fake: FakeSolapi) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
