"""What the experiments that analyse many networks share: the command line (networks by run
directory, ``pretrained:NAME`` or ``--ensemble NAME``), loading a network, and the
provenance of each recorded row."""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

import gridcells as gc
from gridcells.rundir.history import cpu_model, git_commit
from gridcells.shipped.pretrained import ensemble_members


def load(net: str) -> gc.PathRNN:
    """A network by run directory or ``pretrained:NAME`` (a shipped model)."""
    if net.startswith("pretrained:"):
        return gc.load_pretrained(net.split(":", 1)[1])
    return gc.load_model(net)


def parse_args(doc: str, out: Path) -> argparse.Namespace:
    """``--params``, ``--out`` (default ``out``), ``--ensemble NAME`` (its members are added to
    ``nets`` as ``pretrained:NAME/MEMBER``) and the networks; no network is a one-line error."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--out", default=str(out))
    ap.add_argument("--ensemble", help="analyse every member of this shipped ensemble")
    ap.add_argument("nets", nargs="*")
    args = ap.parse_args()
    if args.ensemble:
        args.nets += [f"pretrained:{args.ensemble}/{m}" for m in ensemble_members(args.ensemble)]
    if not args.nets:
        ap.error("no network given; expected run directories, pretrained:NAME or --ensemble")
    return args


class Recorder:
    """Appends one JSON line per analysed network to ``out``, with its provenance: date, the
    commit of the code that runs (read once, at construction, before any later commit),
    hardware and threads, wall time since ``start()`` and the params file."""

    def __init__(self, out: str | Path, params: str):
        self.out, self.params, self.commit = out, params, git_commit()
        self.t0 = time.perf_counter()

    def start(self) -> None:
        self.t0 = time.perf_counter()

    def header(self, net: str) -> dict:
        return {"network": net, "date": time.strftime("%Y-%m-%d %H:%M"),
                "commit": self.commit, "hardware": f"{cpu_model()} "
                f"({platform.machine()}), {torch.get_num_threads()} threads",
                "wall_s": time.perf_counter() - self.t0, "params": self.params}

    def write(self, record: dict) -> None:
        with open(self.out, "a") as fh:
            fh.write(json.dumps(record, default=float) + "\n")


def record_each(doc: str, out: Path, analyse) -> None:
    """The experiments' main loop: for every network of the command line (:func:`parse_args`
    with ``doc`` and the default ``out``), ``analyse(model, cfg, net)`` returns the rows to
    record (dicts); each is appended with the network's provenance (one wall time for all
    of a network's rows) and printed as one JSON line."""
    args = parse_args(doc, out)
    cfg = gc.load_config(args.params, device="cpu")
    rec = Recorder(args.out, args.params)
    for net in args.nets:
        rec.start()
        rows = analyse(load(net), cfg, net)
        header = rec.header(net)
        for row in rows:
            record = {**header, **row}
            rec.write(record)
            print(json.dumps(record, default=float), flush=True)
