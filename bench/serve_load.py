"""Load on ``wiretrace serve``: concurrent compare requests against the same work in-process.

Starts ``wiretrace serve`` on a free loopback port (an empty store in a
temporary folder; a compare does not read the store), then sends the seed pair
(``../shared/seeds/000_*.txt`` and ``002_*.txt``) to ``POST /api/compare``
from ``--clients`` concurrent clients (httpx, asyncio, one connection pool
each), ``--requests`` requests in total, split evenly between the clients.

The named baseline, timed in the same run on the same machine: the same number
of compares of the same pair called in-process, one after another, doing what
the server does for each request: read both texts (``read_bytes``), compare
them (``Engine.compare``, the model loaded once) and serialise the result to
JSON (``comparison_to_dict`` + ``json.dumps``). The ratio says what serving
over HTTP with concurrent clients costs or gains in throughput.

Printed: requests, errors (anything but a 200 with a rewrite verdict), req/s (those without error),
p50 and p99 latency per request. Not a test: nothing is asserted except that
the run had no errors (exit status 1 otherwise).

Usage:
    python bench/serve_load.py [--clients 20] [--requests 200] [--warmup 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        raise SystemExit(f"error: {SEEDS}/{prefix}_*.txt not found (the shared folder must sit beside the checkout)")
    return found[0].read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def _row(name: str, latencies: list[float], errors: int, wall_s: float) -> dict[str, object]:
    n = len(latencies) + errors
    return {
        "name": name,
        "requests": n,
        "errors": errors,
        "req_s": len(latencies) / wall_s if wall_s else 0.0,  # a failed request is no throughput
        "p50_ms": 1000 * _percentile(latencies, 0.50) if latencies else float("nan"),
        "p99_ms": 1000 * _percentile(latencies, 0.99) if latencies else float("nan"),
        "wall_s": wall_s,
    }


def in_process(a: str, b: str, n: int, warmup: int) -> dict[str, object]:
    """The baseline: read, compare, serialise, one after another, model loaded once."""
    from wiretrace.adapters.readers import read_bytes
    from wiretrace.pipeline import Engine
    from wiretrace.report import comparison_to_dict

    engine = Engine()

    def once() -> str:
        result = engine.compare(read_bytes(a.encode(), "a"), read_bytes(b.encode(), "b"))
        return json.dumps(comparison_to_dict(result, engine.embedder.name))

    for _ in range(warmup):
        once()
    latencies = []
    started = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        once()
        latencies.append(time.perf_counter() - t)
    return _row("in-process read + Engine.compare + JSON (baseline)", latencies, 0, time.perf_counter() - started)


async def over_http(base: str, body: dict[str, object], clients: int, n: int, warmup: int) -> dict[str, object]:
    """``clients`` concurrent clients sending ``n`` requests in total."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=120) as warm:
        for _ in range(warmup):
            (await warm.post("/api/compare", json=body)).raise_for_status()
    latencies: list[float] = []
    errors = 0
    shares = [n // clients + (1 if k < n % clients else 0) for k in range(clients)]

    async def client(count: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            for _ in range(count):
                t = time.perf_counter()
                try:
                    response = await http.post("/api/compare", json=body)
                    ok = response.status_code == 200 and response.json().get("relation") == "rewrite"
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in shares if c))
    wall = time.perf_counter() - started
    return _row(f"wiretrace serve, {clients} concurrent clients (HTTP, loopback)", latencies, errors, wall)


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
    return subprocess.Popen(
        [sys.executable, "-m", "wiretrace", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(600):
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"error: wiretrace serve exited {proc.returncode}: {err.strip()}")
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("error: wiretrace serve did not answer in 60 s")


def main() -> int:
    """Run both, print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent HTTP clients (default 20)")
    parser.add_argument("--requests", type=int, default=200, help="compare requests in total (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first, each side (default 20)")
    args = parser.parse_args()
    a, b = _seed("000"), _seed("002")
    body = {"a": {"text": a}, "b": {"text": b}}
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc = serve(Path(tmp) / "bench.db", port)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, proc)
            http_row = asyncio.run(over_http(base, body, args.clients, args.requests, args.warmup))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    base_row = in_process(a, b, args.requests, args.warmup)
    print(f"seed pair ({len(a):,} + {len(b):,} characters), {args.requests} compares each; {os.cpu_count()} CPUs")
    print()
    print("| run | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for row in (http_row, base_row):
        print(
            f"| {row['name']} | {row['requests']} | {row['errors']} | {row['req_s']:.1f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} |"
        )
    ratio = float(http_row["req_s"]) / float(base_row["req_s"])
    print()
    print(f"throughput ratio, server / in-process baseline: {ratio:.2f}")
    print(f"p50 latency under load / p50 in-process: {float(http_row['p50_ms']) / float(base_row['p50_ms']):.1f}x")
    return 1 if http_row["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
