#!/usr/bin/env bash
# Does a change of rounding alone redraw the coin? The recipe's fresh seeds (100-115,
# screened in bf16 in runs/odds) screened again in fp32 (precision=fp32): the same weights,
# place-cell centres and paths, with only the rounding of every operation changed. One
# worker, one thread; restartable. The table is runs/odds_fp32/sweep.jsonl, committed as
# experiments/results/odds_fp32_screens.jsonl.
#
# First tried (2026-12-07, AMD EPYC): the same bf16 recipe on the AVX2 kernels of the same CPU
# (ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2), the rounding another CPU type changes.
# It runs bf16 about 14 times slower there (1000 steps in 1310 s against 86-97 s on the
# default AVX-512 kernels, experiments/results/fingerprints.jsonl; the first screen had not
# reached step 1000 after 13 minutes), so 16 screens would take about 17 hours of one core.
# fp32 runs at the default kernels' speed (91 s per 1000 steps).
set -u
cd "$(dirname "$0")/.."
.venv/bin/gridcells sweep --params params/cpu.yaml --sweep-dir runs/odds_fp32 \
  --seeds ${ROUNDING_SEEDS:-100-115} --screen-only --workers 1 --threads 1 --dashboard :0 \
  precision=fp32 || echo "fp32 sweep exited $?"
cp runs/odds_fp32/sweep.jsonl experiments/results/odds_fp32_screens.jsonl
