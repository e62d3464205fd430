"""Start-up time of `aduan --help` and `aduan status`, against a bare Python start.

    .venv/bin/python bench/startup.py [--n 10]

Each command runs `--n` times in a fresh process (the embedded default, a register with
nothing in it); prints the median wall time, and the ratio to `python -c pass` measured in
the same run. Target: ≤ 0.3 s for both commands.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], cwd: Path, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10)
    args = parser.parse_args()
    aduan = [sys.executable, "-m", "aduan.daemon"]
    with tempfile.TemporaryDirectory(prefix="aduan-startup-") as tmp:
        cwd = Path(tmp)
        subprocess.run([*aduan, "status"], cwd=cwd, check=True, capture_output=True)  # create
        bare = median_seconds([sys.executable, "-c", "pass"], cwd, args.n)
        print(f"python -c pass: {bare:.3f} s")
        for name, command in (("--help", [*aduan, "--help"]), ("status", [*aduan, "status"])):
            took = median_seconds(command, cwd, args.n)
            ratio = took / bare
            print(f"aduan {name:<7} {took:.3f} s  ({ratio:.1f} times a bare start; target ≤ 0.3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
