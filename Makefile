# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench workbook pictures playground clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench.ledger
	$(BIN)/python -m bench.clicks

# An empty "Stora ärenden" workbook from the template: make workbook OUT=path.xlsx
workbook: $(STAMP)
	$(BIN)/python -m cases.template $(or $(OUT),stora-arenden.xlsx)

# The README's pictures of the cards (needs npm and Chromium).
pictures: $(STAMP)
	$(BIN)/python docs/render/render_cards.py docs/img

# Chat with the running bot (`make run` in another terminal) as Teams would.
PLAYGROUND_VERSION ?= 0.2.28
playground:
	npx --yes @microsoft/m365agentsplayground@$(PLAYGROUND_VERSION) \
		-e http://127.0.0.1:$(or $(STORA_PORT),3978)/api/messages -c msteams --disable-telemetry

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
