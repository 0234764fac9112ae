# Two promises: `make demo` and `make test` work on a fresh machine and are fast when nothing changed.
# Every step leaves a stamp under .make/, rebuilt only when its inputs change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMPS := .make
ANVIL_DIR := $(CURDIR)/node_modules/@foundry-rs/anvil-linux-amd64/bin

# ape-solidity finds the compiler adapter here (py-solc-x looks for solc-v<version> in this folder).
export SOLCX_BINARY_PATH := $(CURDIR)/toolchain
export PATH := $(BIN):$(ANVIL_DIR):$(PATH)

SOLIDITY := $(shell find contracts -name '*.sol' -not -path 'contracts/.cache/*')
PYTEST_ARGS ?=

.PHONY: help install demo devnet test bench-gas bench-keeper bench-keeper-ref bench-audit bench-backtest bench clean

help:
	@echo "make demo     set up what is missing, then run the devnet demo on two local chains"
	@echo "make test     set up what is missing, then run the test suite"
	@echo "make devnet   like demo, but keep the chains running until Ctrl-C"
	@echo "make bench-gas | bench-keeper | bench-audit | bench-backtest   write bench/results/*.json"

$(STAMPS):
	mkdir -p $(STAMPS)

$(STAMPS)/python: requirements.lock pyproject.toml | $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(STAMPS)/node: package.json package-lock.json | $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	test -x $(ANVIL_DIR)/anvil
	# OpenZeppelin's sources without its 258 build JSONs: ape copies a dependency under contracts/.cache,
	# and ape 0.8 lists at most 500 files in the contracts folder, so the JSONs would hide our own sources.
	rm -rf .deps/openzeppelin && mkdir -p .deps
	cp -r node_modules/@openzeppelin/contracts .deps/openzeppelin && rm -rf .deps/openzeppelin/build
	touch $@

$(STAMPS)/compiled: $(SOLIDITY) ape-config.yaml $(STAMPS)/python $(STAMPS)/node
	# --force: ape's incremental build does not recompile the dependents of a changed file.
	$(BIN)/ape compile --force
	touch $@

install: $(STAMPS)/compiled

demo: install
	$(BIN)/ape run devnet

devnet: install
	$(BIN)/ape run devnet --keep-running

test: install
	$(BIN)/ape test tests $(PYTEST_ARGS)

bench-gas: install
	$(BIN)/python bench/bench_gas.py

bench-keeper: install
	$(BIN)/python bench/bench_keeper_weights.py
	$(BIN)/python bench/bench_keeper_cycle.py

# Optional: a PyPortfolioOpt reference in its own venv (never in the project's); bench-keeper uses it when present.
bench/.venv-ref/bin/python:
	$(PYTHON) -m venv bench/.venv-ref
	bench/.venv-ref/bin/pip install --quiet --disable-pip-version-check numpy pandas pyportfolioopt packaging

bench-keeper-ref: bench/.venv-ref/bin/python bench-keeper

bench-audit: install
	$(BIN)/python bench/bench_audit.py

bench-backtest: $(STAMPS)/python
	$(BIN)/python bench/bench_backtest.py

bench: bench-gas bench-keeper bench-audit bench-backtest

clean:
	rm -rf $(STAMPS) .build contracts/.cache
