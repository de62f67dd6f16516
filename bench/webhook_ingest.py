"""Benchmark: encrypted DingTalk attendance callbacks into the real app, next to a bare Flask endpoint.

Both are served on 127.0.0.1 by Werkzeug's threaded WSGI server in this process and hit by the
same client threads, so the ratio shows what verification, decryption, the durable inbox write and
the answer cost on this machine. The app runs as ``carebot serve --with-scheduler`` does
([inbox] process = "background", a batch processor in the same process, temporary SQLite
database); the run is bounded by ``--requests`` and stops by itself. The production setup
(gunicorn, PostgreSQL, an open-loop client) is bench/ingest_rush.py.

    .venv/bin/python bench/webhook_ingest.py [--requests 2000] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from flask import Flask, request
from werkzeug.serving import BaseWSGIServer, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from bot.core.config import load_settings
from bot.core.migrate import upgrade
from bot.pipeline.inbox_worker import InboxWorker
from bot.platforms.crypto import CallbackCrypto

TOKEN, AES_KEY, APP_KEY = "benchToken", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "dingbenchappkey"


def serve(app: Any) -> tuple[BaseWSGIServer, str]:
    """Serve ``app`` on a free loopback port in a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def bare_app() -> Flask:
    """The baseline: a Flask endpoint that reads the JSON body and answers a small JSON object."""
    app = Flask("bare")

    @app.post("/bare")
    def bare() -> dict[str, str]:
        body = request.get_json(force=True)
        return {"ok": str(bool(body))}

    return app


def attendance_callbacks(n: int) -> list[tuple[dict[str, str], bytes]]:
    """``n`` distinct encrypted, signed attendance callbacks (query parameters, body)."""
    crypto = CallbackCrypto(TOKEN, AES_KEY, [APP_KEY])
    # One punch a minute, ending now: the app rejects punches from the future.
    start_ms = int(time.time() * 1000) - n * 60_000
    out = []
    for i in range(n):
        event = {
            "EventType": "attendance_check_record",
            "eventId": f"bench-{i}",
            "CorpId": "dingbenchcorp",
            "dataList": [
                {
                    "userId": f"user{i % 500:04d}",
                    "checkTime": start_ms + i * 60_000,
                    "bizId": f"biz-{i}",
                    "address": "上海市浦东新区张江高科技园区",
                    "locationResult": "Normal",
                }
            ],
        }
        sealed = crypto.seal(json.dumps(event, ensure_ascii=False), timestamp=str(start_ms + i), nonce=f"n{i}")
        params = {"msg_signature": sealed.signature, "timestamp": sealed.timestamp, "nonce": sealed.nonce}
        out.append((params, json.dumps({"encrypt": sealed.encrypt}).encode()))
    return out


def fire(
    url: str, requests_: list[tuple[dict[str, str], bytes]], clients: int, check: Callable[[requests.Response], bool]
) -> tuple[float, list[float]]:
    """POST every request from ``clients`` threads; returns (wall seconds, per-request latencies)."""
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(item: tuple[dict[str, str], bytes]) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        params, body = item
        t0 = time.perf_counter()
        response = session.post(url, params=params, data=body, headers={"Content-Type": "application/json"})
        elapsed = time.perf_counter() - t0
        if not check(response):
            raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:200]}")
        with lock:
            latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, requests_))
    return time.perf_counter() - start, latencies


def report(name: str, wall: float, latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    figures = {
        "rps": len(ordered) / wall,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }
    print(f"{name:<22} {figures['rps']:>9.0f} req/s   p50 {figures['p50']:>7.2f} ms   p99 {figures['p99']:>7.2f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="callbacks per endpoint (max 20000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument(
        "--database-url", default="", help="an EMPTY PostgreSQL database to use instead of a temporary SQLite file"
    )
    args = parser.parse_args()
    n = max(50, min(args.requests, 20_000))
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        upgrade(url)
        empty = Path(tmp) / "empty.toml"
        empty.write_text("")
        settings = load_settings(
            path=empty,
            environ={},
            overrides={
                "app": {"development_with_platform_keys": True},  # a local bench, not a tenant
                "database": {"url": url},
                "dingtalk": {"app_key": APP_KEY, "callback_token": TOKEN, "callback_aes_key": AES_KEY},
                "inbox": {"process": "background"},
            },
        )
        app = create_app(settings)
        logging.getLogger().setLevel(logging.WARNING)  # create_app configures INFO logging
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        runtime = app.extensions["carebot"]
        worker = InboxWorker(runtime, app).start()  # as `carebot serve --with-scheduler` runs one
        carebot_server, carebot_url = serve(app)
        bare_server, bare_url = serve(bare_app())

        callbacks = attendance_callbacks(n + 50)
        warm, measured = callbacks[:50], callbacks[50:]
        bare_body = [({}, body) for _params, body in measured]

        def ok_json(r: requests.Response) -> bool:
            return r.status_code == 200 and "encrypt" in r.json()

        fire(carebot_url + "/callbacks/dingtalk/events", warm, args.clients, ok_json)
        fire(bare_url + "/bare", bare_body[:50], args.clients, lambda r: r.status_code == 200)

        print(
            f"{n} requests per endpoint, {args.clients} client threads, {backend}, "
            "one batch processor in the same process\n"
        )
        bare = report("bare Flask endpoint", *fire(bare_url + "/bare", bare_body, args.clients, lambda r: r.ok))
        ours = report(
            "DingTalk events", *fire(carebot_url + "/callbacks/dingtalk/events", measured, args.clients, ok_json)
        )
        print(
            f"\nratio (DingTalk / bare): throughput {ours['rps'] / bare['rps']:.2f}x, "
            f"p50 {ours['p50'] / bare['p50']:.2f}x, p99 {ours['p99'] / bare['p99']:.2f}x"
        )

        t0 = time.perf_counter()
        while worker.totals.claimed < n + 50 and time.perf_counter() - t0 < 600:
            time.sleep(0.05)
        worker.stop()
        print(
            f"batch processing finished {time.perf_counter() - t0:.2f} s after the last answer "
            f"({worker.totals.processed} processed, {worker.totals.failed} failed)"
        )
        carebot_server.shutdown()
        bare_server.shutdown()
        runtime.db.dispose()


if __name__ == "__main__":
    main()
