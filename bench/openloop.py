"""An open-loop HTTP load generator: requests leave on a fixed schedule, whatever the server does.

A closed-loop client (N threads, each waiting for its answer before sending the next) slows down
with the server and so hides queueing: at an offered 200 req/s a server that manages 15 req/s
looks like 15 req/s with modest latencies. Here request *i* is due at ``start + i / rate`` and its
latency is measured from that due time, not from when a connection happened to be free — the
"coordinated omission" correction — so a server that falls behind shows the seconds its callers
really wait. ``saturate`` is the closed-loop counterpart, for the throughput ceiling.

Plain HTTP/1.1 over asyncio streams, one connection per request (gunicorn's sync workers close
every connection anyway), so the client stays cheap next to the servers it measures.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

Request = tuple[dict[str, str], bytes]  # (query parameters, JSON body)


@dataclass
class Result:
    """What one run measured: answers, failures and latencies (seconds)."""

    offered: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cut: int = 0  # no answer: reset, closed, timed out (a worker killed mid-request)
    refused: int = 0  # an answer, but not a good one (5xx, 4xx, unexpected body)
    late_start: float = 0.0  # how far the client itself fell behind its schedule at worst

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        """The ``q`` quantile of the latencies in milliseconds (NaN without any answer)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        return self.pct(0.99)


async def _post(host: str, port: int, path: str, req: Request, timeout: float) -> tuple[int, bytes]:
    """POST one request on a fresh connection; returns (status, body). Raises on a cut connection."""
    params, body = req
    target = path + ("?" + urlencode(params) if params else "")
    head = (
        f"POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()

    async def exchange() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(head + body)
            await writer.drain()
            raw = await reader.read()  # Connection: close — the answer ends with the connection
        finally:
            writer.close()
        if not raw:
            raise ConnectionError("closed without an answer")
        header, _, payload = raw.partition(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        return status, payload

    return await asyncio.wait_for(exchange(), timeout)


def _split(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"


async def _open_loop(
    url: str, reqs: Sequence[Request], rate: float, check: Callable[[int, bytes], bool], timeout: float, limit: int
) -> Result:
    host, port, path = _split(url)
    result = Result(offered=len(reqs))
    gate = asyncio.Semaphore(limit)  # file descriptors are finite; waiting here still counts as latency
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(i: int, req: Request) -> None:
        due = start + i / rate
        async with gate:
            try:
                status, payload = await _post(host, port, path, req, timeout)
            except (OSError, TimeoutError, ValueError, IndexError):
                result.cut += 1
                return
        if check(status, payload):
            result.latencies.append(loop.time() - due)
        else:
            result.refused += 1

    tasks = []
    for i, req in enumerate(reqs):
        delay = start + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            result.late_start = max(result.late_start, -delay)
        tasks.append(asyncio.create_task(one(i, req)))
    await asyncio.gather(*tasks)
    result.wall = loop.time() - start
    return result


async def _closed_loop(
    url: str, reqs: Sequence[Request], clients: int, check: Callable[[int, bytes], bool], timeout: float
) -> Result:
    host, port, path = _split(url)
    result = Result(offered=len(reqs))
    queue = list(reversed(reqs))

    async def client() -> None:
        while queue:
            req = queue.pop()
            t0 = time.perf_counter()
            try:
                status, payload = await _post(host, port, path, req, timeout)
            except (OSError, TimeoutError, ValueError, IndexError):
                result.cut += 1
                continue
            if check(status, payload):
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.refused += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    result.wall = time.perf_counter() - t0
    return result


def offer(
    url: str,
    reqs: Sequence[Request],
    rate: float,
    check: Callable[[int, bytes], bool],
    *,
    timeout: float = 35.0,
    limit: int = 512,
) -> Result:
    """Send ``reqs`` at a fixed ``rate`` (req/s) whatever the answers; latency from each due time."""
    return asyncio.run(_open_loop(url, reqs, rate, check, timeout, limit))


def saturate(
    url: str, reqs: Sequence[Request], clients: int, check: Callable[[int, bytes], bool], *, timeout: float = 35.0
) -> Result:
    """Send ``reqs`` from ``clients`` connections back to back: the server's throughput ceiling."""
    return asyncio.run(_closed_loop(url, reqs, clients, check, timeout))
