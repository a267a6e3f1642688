"""Parameters as text: params YAML files (one may ``extends`` another) and ``key=value``
overrides, parsed with the same YAML rules (``1e-4`` is a float, ``False`` a bool). Values
are validated by :mod:`gridcells.world.config`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A parameter is unknown, of the wrong type or out of range."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads ``1e-4`` (no dot) as a float, as people write it."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$"
               r"|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."),
)


def _int_or_float(loader, node):
    text = loader.construct_scalar(node)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:  # .nan, .inf, -.Inf: YAML's spellings (refused later, with the key)
        return loader.construct_yaml_float(node)


_Loader.add_constructor("tag:yaml.org,2002:float", _int_or_float)


def parse_value(key: str, text: str) -> Any:
    """Parse the text of a ``key=value`` override with YAML rules (``False``, ``1e-4``,
    ``null``)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{key}: cannot parse value {text!r}") from exc


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``["Ng=1024", "DoG=False"]`` -> ``{"Ng": 1024, "DoG": False}`` (validated later)."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"override {item!r}: expected key=value")
        key, text = item.split("=", 1)
        out[key.strip()] = parse_value(key.strip(), text.strip())
    return out


def read_params(path: str | Path) -> dict[str, Any]:
    """The overrides stored in a params YAML file (a mapping; may be empty), with those of
    the file it ``extends`` (a path relative to this file) underneath: ``extends:
    cpu.yaml`` then ``Ng: 1024`` is cpu.yaml with Ng 1024. Chains are followed; a cycle,
    a missing base or a non-text ``extends`` is a one-line ConfigError."""
    return _read_chain(Path(path), ())


def _read_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """:func:`read_params` of ``path``, reached through the files ``seen`` (for cycles)."""
    data = _read_one(path)
    if "extends" not in data:
        return data
    base = data.pop("extends")
    if not isinstance(base, str) or not base.strip():
        raise ConfigError(f"params file {str(path)!r}: extends {base!r}: expected the path of "
                          "another params file, relative to this one")
    base_path = (path.parent / base).resolve()
    chain = (*seen, path.resolve())
    if base_path in chain:
        names = " -> ".join(p.name for p in (*chain, base_path))
        raise ConfigError(f"params file {str(path)!r}: extends forms a cycle ({names})")
    if not base_path.is_file():
        raise ConfigError(f"params file {str(path)!r}: extends {base!r}, but {str(base_path)!r} "
                          "is not a file")
    return {**_read_chain(base_path, chain), **data}


def _read_one(path: Path) -> dict[str, Any]:
    """The mapping stored in one params YAML file, ``extends`` not followed."""
    if path.is_dir():
        raise ConfigError(f"params file {str(path)!r} is a directory; expected a YAML file")
    if not path.is_file():
        raise ConfigError(f"params file {str(path)!r} not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except UnicodeDecodeError:
        raise ConfigError(f"params file {str(path)!r} is not text (binary or not UTF-8); "
                          "expected a YAML mapping of name: value") from None
    except OSError as exc:
        raise ConfigError(f"params file {str(path)!r} cannot be read ({exc.strerror}); "
                          "expected a readable YAML file") from None
    except yaml.YAMLError as exc:
        msg = " ".join(str(exc).split())  # one line
        raise ConfigError(f"params file {str(path)!r} is not valid YAML: {msg}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"params file {str(path)!r}: expected a mapping of name: value")
    return data
