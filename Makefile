# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench workbook clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Until the Teams endpoint lands, `run` prepares the local workbook the bot will keep.
run: $(STAMP)
	@test -f data/stora-arenden.xlsx || $(BIN)/python -m cases.template data/stora-arenden.xlsx
	@echo "Local workbook: data/stora-arenden.xlsx"

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.ledger

# An empty "Stora ärenden" workbook from the template: make workbook OUT=path.xlsx
workbook: $(STAMP)
	$(BIN)/python -m cases.template $(or $(OUT),stora-arenden.xlsx)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
