"""Start-up time of the command line: ``scrapy list``, ``scrapy version`` and ``scrapy --help``.

Usage: python -m benchmarks.bench_startup [--runs N]

Each command runs ``N`` times as a fresh process (``python -m scrapy`` with the checkout first on
``PYTHONPATH``, as the Makefile and README run it); the fastest and the median wall time are
printed against the budget (``BUDGET_SECONDS``), with the CPU time the median run used (a loaded
machine stretches wall time, not CPU time much). The floor is Scrapy's own start outside any
project (``scrapy version`` in an empty folder). Then the heaviest top-level imports of
``scrapy list`` (``python -X importtime``): what to defer when the figure grows.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 0.4  # an idle machine; the figure of `scrapy list`
COMMANDS = (["list"], ["version"], ["--help"])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def time_command(args: list[str], runs: int, cwd: Path) -> tuple[float, float, float]:
    """(fastest wall, median wall, median CPU) seconds of ``python -m scrapy ARGS`` over ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=_env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), statistics.median(walls), statistics.median(cpus)


def heaviest_imports(args: list[str], count: int = 8) -> list[tuple[str, float]]:
    """The top-level imports of ``python -m scrapy ARGS`` with the largest cumulative time (s)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "scrapy", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, check=True)
    top = []
    for line in proc.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)  # no indent: imported at top level
        if match:
            top.append((match.group(2), int(match.group(1)) / 1e6))
    return sorted(top, key=lambda t: -t[1])[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default 7)")
    args = parser.parse_args(argv)
    print(f"Command-line start-up ({args.runs} runs each; budget {BUDGET_SECONDS:.2f} s on an idle machine, "
          f"load average {os.getloadavg()[0]:.2f})")
    print(f"  {'command':<24} {'fastest':>8} {'median':>8} {'CPU':>7}")
    with tempfile.TemporaryDirectory() as empty:
        floor = time_command(["version"], args.runs, Path(empty))
    print(f"  {'(Scrapy alone: version)':<24} {floor[0]:>7.3f}s {floor[1]:>7.3f}s {floor[2]:>6.3f}s")
    for command in COMMANDS:
        fastest, median, cpu = time_command(command, args.runs, ROOT)
        verdict = "ok" if fastest <= BUDGET_SECONDS else "OVER BUDGET"
        print(f"  {'scrapy ' + ' '.join(command):<24} {fastest:>7.3f}s {median:>7.3f}s {cpu:>6.3f}s  {verdict}")
    print("Heaviest top-level imports of `scrapy list` (cumulative):")
    for module, seconds in heaviest_imports(["list"]):
        print(f"  {module:<40} {seconds:.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
