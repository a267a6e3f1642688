#!/usr/bin/env bash
# The odds map of "When do grids emerge" (issue 30): screens of CPU recipe v3 (params/cpu.yaml)
# with one factor changed at a time, 16 fresh seeds each (100-115; seeds 0-53 were used to
# choose recipe v3), screened at step 3000 by the sweep's rule and stopped there
# (--screen-only). One worker, one torch thread, so the other core stays free. Restartable:
# run it again and every sweep resumes where it stopped. The table is runs/odds/sweep.jsonl;
# experiments/results/odds_screens.jsonl is a copy committed as rows arrive.
set -u
cd "$(dirname "$0")/.."
G=".venv/bin/gridcells sweep --params params/cpu.yaml --sweep-dir runs/odds --seeds 100-115 \
  --screen-only --workers 1 --threads 1 --dashboard :0"
for axis in "periodic=true" "Ng=256" "place_cell_rf=0.16" "surround_scale=1.5" \
            "DoG=false" "batch_size=200" "learning_rate=1e-3"; do
    $G --grid "$axis" || echo "sweep $axis exited $?"
    cp runs/odds/sweep.jsonl experiments/results/odds_screens.jsonl
done
