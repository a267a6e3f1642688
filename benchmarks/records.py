"""The recorded speed benchmarks (benchmarks/results/speed.jsonl): the newest record of each,
whether it is stale, and the README's speed paragraph written from them.

    python benchmarks/records.py [--update-readme]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gridcells.records.speed import main  # noqa: E402

if __name__ == "__main__":
    main()
