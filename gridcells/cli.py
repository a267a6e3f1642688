"""Command line: ``gridcells train | sweep | run | book``."""

from __future__ import annotations

import argparse
import sys

from gridcells.world.config import load_config
from gridcells.world.params import ConfigError, parse_overrides


def _train(args) -> int:
    from gridcells.training.loop import train

    cfg = load_config(args.params, **parse_overrides(args.overrides))
    result = train(cfg, args.run_dir, resume=args.resume, progress=not args.quiet)
    last = result.history[-1] if result.history else {}
    print(f"trained {int(last.get('step', 0))} steps into {result.run_dir}: loss "
          f"{last.get('loss', float('nan')):.4f}, decoding error {last.get('err_cm', 0):.1f} cm")
    return 0


def _sweep(args) -> int:
    from gridcells.sweep.client import run_cli

    return run_cli(args)


def _run(args) -> int:
    from gridcells.book.pipeline import run_notebook

    run_notebook(args.notebook, args.params, dict(args.p or []), output=args.output)
    return 0


def _book(args) -> int:
    from gridcells.book.pipeline import build_book

    build_book(args.params, dict(args.p or []), execute=not args.no_execute)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridcells", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train a path-integrating RNN into a run directory")
    t.add_argument("--params", help="params YAML file (keys override the defaults)")
    t.add_argument("--run-dir", required=True, help="output folder (must be new unless --resume)")
    t.add_argument("--resume", action="store_true", help="continue the checkpoint in --run-dir")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides")
    t.set_defaults(func=_train)

    from gridcells.sweep.client import add_arguments as sweep_arguments

    s = sub.add_parser("sweep", help="train many seeds (or a grid of overrides) on Dask, "
                       "screened early by the shared lattice")
    sweep_arguments(s)
    s.set_defaults(func=_sweep)

    r = sub.add_parser("run", help="execute one notebook with papermill")
    r.add_argument("notebook", help="notebooks/NN_name.py (or its .ipynb)")
    r.add_argument("--params", default="params/default.yaml", help="params YAML file")
    r.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="override one parameter (repeatable)")
    r.add_argument("--output", help="executed notebook path (default: book/generated/)")
    r.set_defaults(func=_run)

    b = sub.add_parser("book", help="execute every notebook, then build the HTML book")
    b.add_argument("--params", default="params/default.yaml", help="params YAML file")
    b.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="override one parameter (repeatable)")
    b.add_argument("--no-execute", action="store_true",
                   help="build from the notebooks already executed")
    b.set_defaults(func=_book)
    return parser


def _os_error(exc: OSError) -> str:
    """One line for a failed file operation: the file, what went wrong, what was expected."""
    import errno

    expected = {errno.ENOSPC: "free space on that disk, then resume (the last checkpoint is "
                              "kept)",
                errno.EDQUOT: "free space on that disk, then resume (the last checkpoint is "
                              "kept)",
                errno.EACCES: "a writable (or readable) path", errno.EPERM: "a writable path",
                errno.EROFS: "a directory on a writable file system",
                errno.EISDIR: "a file, not a directory",
                errno.ENOTDIR: "a directory, but a part of the path is a file",
                errno.ENOENT: "an existing path"}.get(exc.errno)
    if exc.filename is None:
        return str(exc)
    what = f"{str(exc.filename)!r}: {exc.strerror or type(exc).__name__}"
    return f"{what}; expected {expected}" if expected else what


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # key=value on both sides of an option: train --params P a=1 --run-dir R b=2
        if isinstance(getattr(args, "overrides", None), list) and \
                all("=" in e and not e.startswith("-") for e in extra):
            args.overrides += extra
        else:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except OSError as exc:  # full disk, read-only or missing paths, a file for a directory
        print(f"gridcells {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except (ConfigError, ValueError, RuntimeError) as exc:
        print(f"gridcells {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
