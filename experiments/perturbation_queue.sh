#!/usr/bin/env bash
# Does a change far smaller than any setting redraw the coin? The recipe's fresh seeds
# (100-115, screened in runs/odds) screened again with the learning rate changed by one part
# in 20 000 (2.0e-3 -> 2.0001e-3): the same weights, place-cell centres, paths and precision,
# every update a little different. One worker, one thread; restartable. The table is
# runs/odds_lr_nudge/sweep.jsonl, committed as experiments/results/odds_nudge_screens.jsonl.
# Then the same seeds nudged the other way (2.0e-3 -> 1.9999e-3, runs/odds_lr_nudge_down,
# experiments/results/odds_nudge_down_screens.jsonl): a replicate, and two nudged runs of each
# seed to compare with each other.
#
# Tried first (2026-12-07, AMD EPYC):
# - the bf16 recipe on the AVX2 kernels of the same CPU (ATEN_CPU_CAPABILITY=avx2
#   ONEDNN_MAX_CPU_ISA=AVX2), the rounding another CPU type changes: bf16 runs about 14 times
#   slower there (1000 steps in 1310 s against 86-97 s, experiments/results/fingerprints.jsonl),
#   so 16 screens would take about 17 hours of one core;
# - the recipe in fp32 (precision=fp32): it learns more slowly than in bf16, so a verdict at
#   step 3000 would confound speed with rounding (seed 100: 82 cm against 62 cm in bf16;
#   seed 101: 100 cm, still at chance, against 90 cm), and it was stopped after two seeds.
set -u
cd "$(dirname "$0")/.."
nudge() {
    .venv/bin/gridcells sweep --params params/cpu.yaml --sweep-dir "runs/$1" \
      --seeds ${NUDGE_SEEDS:-100-115} --screen-only --workers ${NUDGE_WORKERS:-1} --threads 1 \
      --dashboard :0 "learning_rate=$2" || echo "nudge sweep $1 exited $?"
    cp "runs/$1/sweep.jsonl" "experiments/results/$3"
}
nudge odds_lr_nudge 2.0001e-3 odds_nudge_screens.jsonl
nudge odds_lr_nudge_down 1.9999e-3 odds_nudge_down_screens.jsonl
