"""How fast ``greenrec --help`` starts, beside an empty Python measured in the same run.

python benchmarks/cli_startup.py [--repeats 5]

Prints the median wall time of each command over ``--repeats`` runs (interleaved, so a busy
moment of this shared machine hits both alike), the ratio, and the heavy libraries that
``import recommender.cli`` loads (none is the target: click only).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET_S = 0.3
HEAVY = ("sklearn", "scipy", "pandas", "numpy", "pyarrow", "flask")


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    greenrec = shutil.which("greenrec")
    if greenrec is None:
        sys.exit("greenrec is not installed in this environment (pip install -e .)")
    commands = {
        "greenrec --help": [greenrec, "--help"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeats):
        for name, command in commands.items():
            times[name].append(_wall(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:18s} median {median * 1000:7.1f} ms over {args.repeats} runs")
    ratio = medians["greenrec --help"] / medians["python -c pass"]
    verdict = "met" if medians["greenrec --help"] <= TARGET_S else "MISSED"
    print(f"greenrec --help is {ratio:.1f}x an empty Python; target <= {TARGET_S} s: {verdict}")
    probe = f"import sys, recommender.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    print(f"heavy libraries loaded by `import recommender.cli`: {loaded.stdout.strip()}")


if __name__ == "__main__":
    main()
