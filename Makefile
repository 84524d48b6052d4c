# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench mutation workbook pictures playground playground-as playground-e2e clean package lock image image-check teams-schema

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

# ruff (lint, then format check) and mypy; both configured and pinned in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Every figure of the README's Performance section, and its targets; also as JSON
# (bench/last-run.json). One part: make bench BENCH_ARGS="--only clicks".
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# Mutation testing of the routine's rules (cases/) with mutmut; slow, so not in
# CI (tests/mutation/). Prints the kill rate; `$(BIN)/mutmut browse` shows what
# survived. Reruns test only what changed: `rm -rf mutants` starts over.
MUTATION_STAMP := $(VENV)/.installed-mutation
$(MUTATION_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	touch $(MUTATION_STAMP)

mutation: $(STAMP) $(MUTATION_STAMP)
	$(BIN)/mutmut run
	$(BIN)/python -m tests.mutation.score

# An empty "Stora ärenden" workbook from the template: make workbook OUT=path.xlsx
workbook: $(STAMP)
	$(BIN)/python -m local_workbook.template $(or $(OUT),stora-arenden.xlsx)

# The README's pictures of the cards (needs npm and Chromium).
pictures: $(STAMP)
	$(BIN)/python docs/render/render_cards.py docs/img

# Chat with the running bot (`make run` in another terminal) as Teams would, on
# http://localhost:$(PLAYGROUND_PORT) (`-p`; it takes a free port if that one is
# busy, and says which). It opens no browser of its own (TEAMSAPPTESTER_BROWSER=none,
# read by 0.2.28): without a desktop, opening one crashed it (spawn xdg-open ENOENT).
# PLAYGROUND_BROWSER= (empty) lets it open one. Its log goes to devTools/, kept out of git.
PLAYGROUND_VERSION ?= 0.2.28
PLAYGROUND_PORT    ?= 56150
PLAYGROUND_BROWSER ?= none
playground:
	TEAMSAPPTESTER_BROWSER=$(PLAYGROUND_BROWSER) \
	npx --yes @microsoft/m365agentsplayground@$(PLAYGROUND_VERSION) \
		-e http://127.0.0.1:$(or $(STORA_PORT),3978)/api/messages -c msteams --disable-telemetry \
		-p $(PLAYGROUND_PORT)

# A second agent in that Playground: its page on PLAYGROUND_AS_PORT acts as another
# of its mock users (megan, adele, isaiah, patti, lynne; tests/e2e/as_user.py).
PLAYGROUND_AS      ?= megan
PLAYGROUND_AS_PORT ?= 56151
playground-as: $(STAMP)
	$(BIN)/python -m tests.e2e.as_user --user $(PLAYGROUND_AS) --port $(PLAYGROUND_AS_PORT) \
		--playground http://localhost:$(PLAYGROUND_PORT)

# The same Playground, driven in Chromium against a bot of its own from register
# to close (tests/e2e/playground.py, docs/playground.md). Needs npx and Chromium
# at /usr/bin/chromium; screenshots and logs go to ARTEFACTS (default: a temp dir).
E2E_STAMP := $(VENV)/.installed-e2e
$(E2E_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[e2e]'
	touch $(E2E_STAMP)

playground-e2e: $(E2E_STAMP)
	PLAYGROUND_VERSION=$(PLAYGROUND_VERSION) $(BIN)/python -m tests.e2e.playground \
		$(if $(ARTEFACTS),--artefacts $(ARTEFACTS))

# -- shipping: docs/deploy.md ---------------------------------------------------
# The Teams app zip to upload; MicrosoftAppId and STORA_BOT_DOMAIN from the environment or .env.
package: $(STAMP)
	$(BIN)/python -m deployment.teams.package $(if $(OUT),--out $(OUT))

# The image's dependencies, pinned with hashes, from pyproject.toml. Keeps the
# current pins where they still fit; `make lock UPGRADE=1` moves to the newest.
UV_VERSION ?= 0.13.8
LOCK       := deployment/requirements.lock
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

# The container image (needs a Docker engine), and the check CI runs on it.
IMAGE ?= stora-arenden:dev
image:
	docker build -t $(IMAGE) .
image-check:
	bash deployment/image-check.sh

# The official Teams manifest schema, from npm, into deployment/teams/schema/ (see SOURCE.md there).
TEAMS_MANIFEST_VERSION ?= 1.30
APP_MANIFEST_PACKAGE   ?= @microsoft/app-manifest@1.1.2
teams-schema:
	tmp=$$(mktemp -d) && npm pack --silent --pack-destination $$tmp $(APP_MANIFEST_PACKAGE) >/dev/null \
	&& tar xzf $$tmp/*.tgz -C $$tmp \
	&& cp $$tmp/package/build/json-schemas/teams/v$(TEAMS_MANIFEST_VERSION)/MicrosoftTeams.schema.json \
	      $$tmp/package/build/json-schemas/teams/v$(TEAMS_MANIFEST_VERSION)/MicrosoftTeams.Localization.schema.json \
	      deployment/teams/schema/ \
	&& rm -rf $$tmp && sha256sum deployment/teams/schema/*.json

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis mutants
