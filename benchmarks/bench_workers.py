"""Distributed crawl on one machine: do 1 and 2 workers fill the cores?

Serves ``--sites`` static news sites (default 48; ``benchmarks/bench_sites.py``: the demo network's
stories and reprints ×``--multiply``, dressed to real-page weight, one loopback address per site)
from a separate process, seeds them with ``scrapy seed`` and crawls them once with 1 worker and
once with 2 (``scrapy worker``, the ``distributed`` profile: ``prod`` politeness per site, 2
concurrent requests and ≥ 0.5 s between requests per site, AutoThrottle). Many sites, each small,
give enough parallel work that the workers, not the sites' politeness, set the pace; every
article is one sitemap away, so no chain of listing pages serialises the round.

For each run: pages/s from the first page taken to the frontier drained, against
``cores × extraction-alone`` (``ArticleExtractor`` in a loop in one process over half the pages:
the capacity the workers could reach if crawling cost nothing but extraction) and against
``cores`` extraction processes side by side (what the cores extract when all are busy at once:
on a shared or virtual machine less than ``cores`` × one). Both are measured before every round
and after the last, and a round is set against the mean of its two neighbours: on a shared
machine the speed drifts by ±15 % within minutes. The figure free of that drift is measured in
the round itself: the workers' ``extract/cpu_seconds`` over ``cores`` × the round's seconds, the
share of the machine that went into extraction. Also printed: the CPU of the workers, of Redis
and of everything else, the machine's busy share (/proc/stat) and Redis commands per page. The
machine's load *before* the bench (other users) is printed too: the figures are judged on an
otherwise idle machine.

Redis: a redis-server of its own on a free loopback port (exact CPU and command counts), or
REDIS_URL when set (keys under a fresh prefix, deleted afterwards). Storage: DATABASE_URL when
set, else a throwaway schema in BENCH_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), else SQLite.

``BENCH_DEBUG=1`` prints, at every look (``POLL`` s) on stderr, the requests queued, the busy worker entries and
each worker's CPU seconds: how the work is shared over the round (``--keep`` keeps the logs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, text

from benchmarks.bench_memory import breakdown, describe
from benchmarks.bench_sites import build_sites, serve_sites
from benchmarks.bench_throughput import cores, extraction_alone, extraction_side_by_side
from benchmarks.workers_spiders import spider_name
from crawler.distributed import FrontierKeys
from crawler.embedded_redis import redis_server_binary
from pipelines.dedup.index import unlink_keys

ROOT = Path(__file__).resolve().parent.parent
# seconds between the bench's looks at the frontier (3 commands per spider each, pipelined): the
# start and the end of a round are timed to within this
POLL = 0.25
TARGET_SHARE, TARGET_BUSY = 0.80, 0.80  # 2 workers: pages/s ÷ (cores × extraction-alone); the machine's busy share


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of process ``pid`` and its live descendants (its extraction
    pool), from Linux /proc; 0.0 elsewhere or when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    try:
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:  # a thread gone meanwhile, or a kernel without CONFIG_PROC_CHILDREN
        children = []
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(cpu_seconds(c) for c in children)


def machine_busy() -> float:
    """CPU-seconds all cores of this machine spent not idle so far (Linux /proc/stat; 0.0 elsewhere)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def background_load(seconds: float, n_cores: int) -> float:
    """The machine's busy share over ``seconds`` while this bench runs nothing (other users)."""
    before, started = machine_busy(), time.monotonic()
    time.sleep(seconds)
    return (machine_busy() - before) / (n_cores * (time.monotonic() - started))


def redis_counters(client: redis.Redis) -> tuple[float, dict[str, int]]:
    """(CPU seconds, calls per command) of the Redis server so far."""
    info = client.info()
    calls = {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in client.info("commandstats").items()}
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"]), calls


@contextmanager
def redis_server(tmp: Path) -> Iterator[tuple[str, bool]]:
    """(URL, own?): REDIS_URL when set, else a redis-server of the bench's own on a free port."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"], False
        return
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tmp.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("bench_workers: its redis-server did not start") from None
                time.sleep(0.05)
        yield url, True
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def storage(tmp: Path) -> Iterator[tuple[str, str]]:
    """(DATABASE_URL, description): DATABASE_URL, a throwaway PostgreSQL schema, or an SQLite file."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"], "DATABASE_URL"
        return
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))  # noqa: S608 (generated name)
    except Exception as exc:  # no PostgreSQL here: workers on one machine can share an SQLite file
        admin.dispose()
        yield f"sqlite:///{tmp / 'bench.sqlite3'}", f"SQLite file (PostgreSQL unreachable: {exc.__class__.__name__})"
        return
    try:
        yield f"{pg}?options=-csearch_path%3D{schema}", f"PostgreSQL schema {schema} (dropped afterwards)"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))  # noqa: S608
        admin.dispose()


_children: list[subprocess.Popen] = []  # every scrapy process started; main() stops those still running


def stop_children() -> None:
    """Terminate (then kill) the scrapy processes still running: a bench stopped by an error or a
    SIGTERM leaves no worker behind to skew the next measurement."""
    running = [proc for proc in _children if proc.poll() is None]
    for proc in running:
        proc.terminate()
    for proc in running:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def children_stopped() -> Iterator[None]:
    """On the way out, ``stop_children()``: before the storage and Redis they use are removed."""
    try:
        yield
    finally:
        stop_children()


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: children, servers, schemas


def scrapy(args: list[str], settings: dict[str, Any], data_dir: Path, **popen: Any) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scrapy", *args]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_PROJECT": "distributed", "NEWSDEDUP_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, **popen)
    _children.append(proc)
    return proc


class Snapshot:
    """All spiders' frontiers in two pipelined round trips: is anything queued or held?"""

    def __init__(self, client: redis.Redis, keys: list[FrontierKeys]) -> None:
        self.client, self.keys = client, keys
        self.sent: dict[str, int] = {}  # this bench's own commands, taken out of the workers' counts

    def count(self, command: str, n: int = 1) -> None:
        self.sent[command] = self.sent.get(command, 0) + n

    def take(self) -> tuple[int, int]:
        """(requests and source entries queued, busy worker entries)."""
        pipe = self.client.pipeline(transaction=False)
        for k in self.keys:
            pipe.llen(k.start_urls).zcard(k.requests).smembers(k.workers)
        replies = pipe.execute()
        for command in ("llen", "zcard", "smembers"):
            self.count(command, len(self.keys))
        queued = sum(int(r) for i, r in enumerate(replies) if i % 3 != 2)
        workers = [k.worker(w.decode()) for k, members in zip(self.keys, replies[2::3], strict=True)
                   for w in members]
        if workers:
            self.count("mget")
        busy = sum(1 for s in (self.client.mget(workers) if workers else []) if s == b"busy")
        return queued, busy


def run_round(n: int, names: list[str], urls: dict[str, str], server_pid: int, redis_url: str,
              extract_workers: str, tmp: Path, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """One crawl of every site by ``n`` workers: pages, seconds, CPU seconds of the workers, the
    site server, Redis and the machine in the timed window, Redis commands."""
    client = redis.Redis.from_url(redis_url)
    prefix = f"bench-w{n}-{uuid.uuid4().hex[:6]}"
    run_dir = tmp / f"w{n}"
    run_dir.mkdir(parents=True, exist_ok=True)
    memory_before = client.info("memory")["used_memory"]
    try:
        with storage(run_dir) as (db_url, db_desc), children_stopped():
            settings = {
                "SPIDER_MODULES": "crawler.spiders,benchmarks.workers_spiders", "DEMO_SITE_URLS": urls,
                "DATABASE_URL": db_url, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": prefix,
                "MAX_IDLE_TIME_BEFORE_CLOSE": 2, "DISTRIBUTED_WORKER_TTL": 6, "RETRY_TIMES": 0,
                "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING",
            }
            if extract_workers != "auto":
                settings["EXTRACT_WORKERS"] = int(extract_workers)
            settings.update(extra or {})
            seeded = scrapy(["seed", *names], settings, run_dir / "seed", stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
            out, _ = seeded.communicate(timeout=300)
            if seeded.returncode != 0:
                raise RuntimeError(f"scrapy seed failed:\n{out}")
            snapshot = Snapshot(client, [FrontierKeys(prefix, s) for s in names])
            logs = [run_dir / f"worker-{i}.log" for i in range(n)]
            workers = []
            for i, log in enumerate(logs):
                with log.open("w") as out:
                    stats_file = str(run_dir / f"stats-{i}" / "{spider}.json")
                    workers.append(scrapy(["worker", *names], {**settings, "STATS_FILE": stats_file},
                                          run_dir / f"data-{i}", stdout=out, stderr=subprocess.STDOUT))
            started = drained = None
            cpu_start: dict[str, float] = {}
            cpu_end: dict[str, float] = {}

            def cpu_now() -> dict[str, Any]:
                redis_cpu, calls = redis_counters(client)
                snapshot.count("info", 2)
                own = {c: calls.get(c, 0) - snapshot.sent.get(c, 0) for c in calls}  # the workers' and seed's
                return {"workers": sum(cpu_seconds(w.pid) for w in workers), "server": cpu_seconds(server_pid),
                        "redis": redis_cpu, "commands": sum(own.values()), "calls": own, "machine": machine_busy()}

            launched = time.monotonic()
            while any(w.poll() is None for w in workers):
                queued, busy = snapshot.take()
                now = time.monotonic()
                if os.environ.get("BENCH_DEBUG"):
                    print(f"{now - launched:6.1f} queued {queued} busy {busy} cpu "
                          f"{[round(cpu_seconds(w.pid), 1) for w in workers]}", file=sys.stderr)
                if started is None and busy:
                    started, cpu_start = now, cpu_now()
                if started is not None and drained is None and not queued and not busy:
                    drained, cpu_end = now, cpu_now()
                time.sleep(POLL)
            for w, log in zip(workers, logs, strict=True):
                if w.returncode:
                    raise RuntimeError(f"a worker exited {w.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            stats = [json.loads(p.read_text()) for p in run_dir.glob("stats-*/*.json")]
            pages = sum(s.get("downloader/response_count", 0) for s in stats)
            articles = sum(s.get("extract/articles", 0) for s in stats)
            extracted = sum(s.get("extract/articles", 0) + sum(v for k, v in s.items()
                                                                 if k.startswith("extract/rejected/"))
                            for s in stats)
            extract_cpu = sum(s.get("extract/cpu_seconds", 0.0) for s in stats)
            seconds = (drained or time.monotonic()) - (started or 0.0)
            cpu = {k: cpu_end.get(k, 0.0) - cpu_start.get(k, 0.0)
                   for k in ("workers", "server", "redis", "commands", "machine")}
            calls_end, calls_start = cpu_end.get("calls", {}), cpu_start.get("calls", {})
            by_command = sorted(((c, n - calls_start.get(c, 0)) for c, n in calls_end.items()),
                                key=lambda x: -x[1])
            indexed = int(client.get(f"{prefix}:seq") or 0)
            size, count = breakdown(client, prefix)
            memory = (client.info("memory")["used_memory"] - memory_before) / max(1, indexed)
            return {"workers": n, "pages": pages, "articles": articles, "seconds": seconds, "db": db_desc, "cpu": cpu,
                    "extracted": extracted, "extract_cpu": extract_cpu,
                    "by_command": [(c, k) for c, k in by_command if k > 0],
                    "memory": f"{indexed} articles indexed, used_memory {memory:.0f} B per indexed article "
                              f"(with the frontier): {describe(size, count, max(1, indexed), memory)}"}
    finally:
        unlink_keys(client, list(client.scan_iter(f"{prefix}:*", count=1000)))
        client.close()


def shares(row: dict[str, Any], n_cores: int, alone: float) -> tuple[float, float, float]:
    """The judged figures of a round: pages/s ÷ (cores × extraction-alone), the share of the
    round the cores spent extracting, and the machine's busy share."""
    cores_seconds = n_cores * row["seconds"]
    return (row["pages"] / row["seconds"] / (n_cores * alone), row["extract_cpu"] / cores_seconds,
            row["cpu"]["machine"] / cores_seconds)


def report(row: dict[str, Any], n_cores: int, alone: float, side: float, background: float,
           own_redis: bool) -> str:
    cpu, seconds = row["cpu"], row["seconds"]
    rate = row["pages"] / seconds
    by_rate, in_round, busy = shares(row, n_cores, alone)
    others = max(0.0, cpu["machine"] - cpu["workers"] - cpu["server"] - cpu["redis"])
    redis_part = (f"Redis {cpu['redis'] / seconds:.2f} ({cpu['commands'] / max(1, row['pages']):.1f} commands/page), "
                  if own_redis else f"Redis {cpu['redis'] / seconds:.2f} (shared server), ")
    return (f"{row['workers']} worker{'s' if row['workers'] > 1 else ' '}: {row['pages']:>5} pages "
            f"({row['articles']} articles) in {seconds:5.1f} s = {rate:6.1f} pages/s "
            f"= {by_rate:.2f} × cores × extraction-alone "
            f"= {rate / side:.2f} × extraction side by side (the capacity around this round: "
            f"{n_cores} × {alone:.1f}, side by side {side:.1f})\n"
            f"   extraction in the crawl itself: {1000 * row['extract_cpu'] / max(1, row['extracted']):.1f} CPU ms "
            f"per extracted page ({row['extract_cpu'] / max(1e-9, cpu['workers']):.0%} of the workers' CPU): the "
            f"cores spent {in_round:.2f} of the round extracting (the ratio above "
            f"measured in the round itself, free of the machine's drift)\n"
            f"   cores used on average: workers {cpu['workers'] / seconds:.2f} "
            f"({1000 * cpu['workers'] / max(1, row['pages']):.1f} CPU ms per page), site server "
            f"{cpu['server'] / seconds:.2f}, {redis_part}everything else {others / seconds:.2f} "
            f"(PostgreSQL, OS, other users); machine {busy:.0%} busy "
            f"(before the bench: {background:.0%}); load average now {loadavg()}"
            + ("\n   Redis commands per page (the workers'; this bench's own polling not counted): "
               + ", ".join(f"{c} {k / max(1, row['pages']):.1f}" for c, k in row["by_command"][:16])
               if own_redis and row.get("by_command") else ""))


def verdict(row: dict[str, Any], n_cores: int, alone: float, background: float) -> str:
    """One line: a round of 2 or more workers against the targets, each figure met or not."""
    by_rate, in_round, busy = shares(row, n_cores, alone)

    def mark(value: float, target: float) -> str:
        return "met" if value >= target else "not met"

    return (f"{row['workers']} workers against the targets: {by_rate:.2f} × cores × extraction-alone "
            f"({mark(by_rate, TARGET_SHARE)}); {in_round:.2f} of the round extracting ({mark(in_round, TARGET_SHARE)}; "
            f"the same share measured in the round, free of the drift of the capacity measurements: when the two "
            f"disagree, it is the one to trust); machine {busy:.0%} busy ({mark(busy, TARGET_BUSY)})"
            + (f". The machine was {background:.0%} busy before the bench: not idle, so not a judgement"
               if background > 0.10 else ""))


def describe_capacity(measured: tuple[dict[str, float], dict[str, float]], n_cores: int) -> str:
    alone, side = measured[0]["pages_per_s"], measured[1]["pages_per_s"]
    return (f"  extraction alone (1 process): {alone:.1f} pages/s, so cores × extraction-alone = "
            f"{n_cores * alone:.1f}; "
            f"{n_cores} processes side by side: {side:.1f} pages/s = {side / (n_cores * alone):.2f} × cores × "
            f"extraction-alone (the most a crawl could reach if crawling cost nothing but extraction)")


def capacity(pages: list[tuple[str, str]], base: str, n_cores: int) -> tuple[dict[str, float], dict[str, float]]:
    """Extraction alone in one process over ``pages``, then in ``n_cores`` processes side by side."""
    return extraction_alone(pages, base), extraction_side_by_side(pages, base, n_cores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=48, help="sites served, one spider each (at most 64)")
    parser.add_argument("--multiply", type=int, default=20, help="copies of every demo story (~74 pages each)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2,3")
    parser.add_argument("--extract-workers", default="0",
                        help="EXTRACT_WORKERS of each worker: 0 (default) = in the worker's process, N = a pool of "
                             "N processes, auto = the profile's (one per core)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for seed and workers (repeatable), e.g. -s WARC_ARCHIVE=False")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (worker logs, stats) and print it")
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.set if "=" in item)
    if len(extra) != len(args.set):
        parser.error("--set takes NAME=VALUE")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    n_cores = cores()
    tmp = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    rows: list[dict[str, Any]] = []
    verdicts: list[str] = []
    server = None
    try:
        with redis_server(tmp / "redis") as (redis_url, own_redis):
            try:
                redis.Redis.from_url(redis_url).ping()
            except redis.ConnectionError as exc:
                print(f"bench_workers: cannot reach Redis at {redis_url}: {exc}", file=sys.stderr)
                return 2
            background = background_load(3.0, n_cores)
            given = "".join(f", {k}={v}" for k, v in extra.items())
            print(f"Distributed crawl on one {n_cores}-core machine: {args.sites} sites on loopback, "
                  f"EXTRACT_WORKERS={args.extract_workers}{given}, Redis {'of its own' if own_redis else redis_url}; "
                  f"before the bench the machine was {background:.0%} busy (load average {loadavg()})")
            pages = build_sites(tmp / "sites", args.multiply, args.sites)
            server, bases = serve_sites(tmp / "sites", args.sites)
            names = [spider_name(k) for k in range(args.sites)]
            urls = {spider_name(k): base for k, base in bases.items()}
            sample = pages[::2]  # the capacity is measured before every round and after the last
            print(f"{len(pages)} article pages; the machine's extraction capacity is measured on {len(sample)} of "
                  f"them before every round and after the last, and each round is set against the mean of the "
                  f"measurements on either side of it (the machine's speed drifts when it is shared)", flush=True)
            measured = [capacity(sample, bases[0], n_cores)]
            print(describe_capacity(measured[-1], n_cores), flush=True)
            for n in (int(x) for x in args.workers.split(",") if x):
                rows.append(run_round(n, names, urls, server.pid, redis_url, args.extract_workers, tmp, extra))
                measured.append(capacity(sample, bases[0], n_cores))
                print(describe_capacity(measured[-1], n_cores), flush=True)
            print()
            for i, row in enumerate(rows):
                alone = (measured[i][0]["pages_per_s"] + measured[i + 1][0]["pages_per_s"]) / 2
                side = (measured[i][1]["pages_per_s"] + measured[i + 1][1]["pages_per_s"]) / 2
                print(report(row, n_cores, alone, side, background, own_redis))
                if row["workers"] >= 2:
                    verdicts.append(verdict(row, n_cores, alone, background))
            print(f"(storage: {rows[0]['db'] if rows else '-'})")
            if own_redis and rows:
                print(f"Redis memory of the last crawl: {rows[-1]['memory']}")
    finally:
        stop_children()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if args.keep:
            print(f"work folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if len(rows) >= 2:
        base = rows[0]["pages"] / rows[0]["seconds"]
        for row in rows[1:]:
            ratio = row["pages"] / row["seconds"] / base
            print(f"{row['workers']} workers / {rows[0]['workers']}: {ratio:.2f}x pages/s")
    for line in verdicts:
        print(line)
    print(f"Targets (idle machine): 2 workers ≥ {TARGET_SHARE:.2f} × cores × extraction-alone and the machine "
          f"≥ {TARGET_BUSY:.0%} busy; "
          "CPU of other users (the 'before the bench' share) is taken from the workers. '× extraction side by "
          "side' is the share of what this machine's cores extract when all are busy at once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
