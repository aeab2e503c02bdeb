"""The web app's pages on a scanned store: latency with the stories built once for each state of the store.

The server builds every story (from every decided pair) when a page needs them
and keeps them until the store changes. This times the pages that read
stories, in-process (FastAPI's test client, no network), two ways on the same
store in the same run:

* **kept**: nothing changes between requests, so the stories are built once;
* **rebuilt** (the named baseline): another connection commits to the store
  before each request (it records the scan settings again, changing nothing),
  so every request builds the stories anew: what every request cost before the
  server kept them, and what it costs while a scan runs beside the server.

Printed: each route's median and worst latency over ``--rounds`` requests,
both ways, their ratio, and the process's peak RSS. The store is opened as the
server opens it and only its scan settings are written (to their own value).

Usage::

    python bench/web_pages.py --db wiretrace.db [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROUTES = ["/", "/stories", "/stories/1", "/api/stories/1", "/api/stats", "ARTICLE"]


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a scanned wiretrace store")
    parser.add_argument("--rounds", type=int, default=5, help="requests per route and way (default 5)")
    args = parser.parse_args(argv)
    if not Path(args.db).is_file():
        print(f"error: {args.db}: no such store", file=sys.stderr)
        return 1

    from fastapi.testclient import TestClient

    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import store_fingerprint
    from wiretrace.web import WebConfig, create_app

    app = create_app(WebConfig(db=args.db))
    client = TestClient(app)
    settings = app.state.service.engine.settings
    other = SQLiteStore(args.db, store_fingerprint(settings))  # a connection beside the server's, as a CLI's
    recorded = other.scan_settings()
    first = client.get("/api/stories", params={"limit": 1}).json()
    if not first:
        print(f"error: {args.db}: the store has no stories (run wiretrace scan first)", file=sys.stderr)
        return 1
    article = "/articles/" + quote(first[0]["articles"][0]["id"], safe="")
    stats = client.get("/api/stats").json()

    def touch() -> None:
        other.scan_settings(recorded or {})  # a commit that changes nothing a page shows

    rows = []
    for route in ROUTES:
        url = article if route == "ARTICLE" else route
        timed: dict[str, list[float]] = {"kept": [], "rebuilt": []}
        for _ in range(args.rounds):
            for way in ("rebuilt", "kept"):
                if way == "rebuilt":
                    touch()
                start = time.perf_counter()
                response = client.get(url)
                timed[way].append(1000 * (time.perf_counter() - start))
                if response.status_code != 200:
                    print(f"error: GET {url}: {response.status_code}", file=sys.stderr)
                    return 1
        rows.append((route, timed))
    other.close()

    print(
        f"store {args.db}: {stats['articles']} articles, {sum(stats['pairs'].values())} decided pairs, "
        f"{stats['stories']} stories; {args.rounds} requests per route and way"
    )
    print(f"{'route':<16} {'kept p50 ms':>12} {'kept max':>9} {'rebuilt p50 ms':>15} {'rebuilt max':>12} {'ratio':>7}")
    for route, timed in rows:
        kept, rebuilt = statistics.median(timed["kept"]), statistics.median(timed["rebuilt"])
        print(
            f"{route:<16} {kept:>12.1f} {max(timed['kept']):>9.1f} {rebuilt:>15.1f} "
            f"{max(timed['rebuilt']):>12.1f} {rebuilt / kept:>6.1f}x"
        )
    print(f"peak RSS {_peak_rss_mib():.0f} MiB (both ways, one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
