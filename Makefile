# Two entry points: `make book` (the main job) and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(abspath $(VENV))/bin
PARAMS ?= params/default.yaml
export PATH := $(BIN):$(PATH)

.PHONY: setup book test test-fast lint clean

setup: $(VENV)/.installed

# torch: keep one that is already installed (e.g. a CUDA build); otherwise take the CPU
# build 2.13.0 (an unpinned torch would pull several GB of CUDA wheels).
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[book,dev]"
	touch $@

book: setup
	$(BIN)/gridcells book --params $(PARAMS)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# the quick suite while editing: everything but the book build and the tests over ~5 s
test-fast: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf _build book/generated
