#!/usr/bin/env bash
# Does a perturbation far below any setting's decide the coin? The recipe's fresh seeds
# (100-115, screened on this machine's default kernels in runs/odds) screened again on the
# AVX2 kernels (ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2): the same weights, paths
# and code, with only the rounding of bf16 and fp32 arithmetic changed, which is what another
# CPU type changes (issue 25: the book's seed went square on an Intel Xeon). One worker, one
# thread; restartable. The table is runs/odds_kernels/sweep.jsonl, committed as
# experiments/results/odds_kernels_screens.jsonl. Each run's provenance.json records the
# kernels it ran on (cpu_kernels).
set -u
cd "$(dirname "$0")/.."
ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 .venv/bin/gridcells sweep \
  --params params/cpu.yaml --sweep-dir runs/odds_kernels --seeds ${KERNEL_SEEDS:-100-115} \
  --screen-only --workers 1 --threads 1 --dashboard :0 || echo "kernel sweep exited $?"
cp runs/odds_kernels/sweep.jsonl experiments/results/odds_kernels_screens.jsonl
