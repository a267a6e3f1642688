#!/usr/bin/env bash
# Train the paper's network (params/paper.yaml, Ng = 4096) on one GPU and export it, in one
# go, as done on a lent GPU machine:
#
#     experiments/paper_gpu.sh OUT_DIR TIME_BUDGET_S [KEY=VALUE ...]
#
# OUT_DIR/speed.txt   steps/s of the original step and of gridcells (benchmarks/train_speed.py)
# OUT_DIR/train.log   one line per epoch
# OUT_DIR/paper/      float16 weight shards, model_card.json and run.tar.gz (config,
#                     provenance, history, gridness); weights and run.tar.gz are also
#                     written every 10 epochs, so an interrupted run leaves its latest state.
# Training stops at the first checkpoint after TIME_BUDGET_S seconds (or at the end of the
# schedule); KEY=VALUE overrides params/paper.yaml (e.g. n_epochs=200: the paper's constant
# learning rate makes its first 100 epochs exactly the paper's run).
set -euo pipefail
out=$1 budget=$2
shift 2
mkdir -p "$out/paper"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
torch_version=$(python3 -c 'import torch; print(torch.__version__)')
timeout 120 python3 benchmarks/train_speed.py --device cuda --sizes 4096 --steps 30 \
    2>&1 | tee "$out/speed.txt" || echo "speed benchmark failed or timed out" >>"$out/speed.txt"
python3 -m experiments.train_pretrained --params params/paper.yaml "$@" --run-dir /tmp/paper \
    --name paper --hardware "1x $gpu, torch $torch_version" --time-budget "$budget" --tf32 \
    --snapshot-every 10 --out-root "$out" 2>&1 | tee "$out/train.log"
