# `make run` and `make test` build .venv from scratch when it is missing (pip only).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out
EXAMPLES := $(wildcard corpus/examples/*.html corpus/examples/*.xml corpus/examples/*.pdf corpus/examples/*.txt)

.PHONY: setup run test lint typecheck check schemas examples bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the toolkit and its dependencies into $(VENV) (pip, quiet; minutes the first time)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## The main job on the team's example documents.
run: setup
	mkdir -p $(OUT)/parsed
	$(BIN)/extractor parse $(EXAMPLES) -o $(OUT)/parsed/
	$(BIN)/extractor extract $(EXAMPLES) -o $(OUT)/evidence.jsonl
	$(BIN)/extractor batch corpus/examples -o $(OUT)/batch
	$(BIN)/extractor table $(OUT)/evidence.jsonl --findings --format md
	$(BIN)/extractor infer corpus/examples/trial_summary_pagedump.txt --outcome "PASI 75" \
	    --intervention apremilast --comparator methotrexate -o $(OUT)/infer.json
	@echo "extractor infer: $$(grep -m1 '"label"' $(OUT)/infer.json)  ($(OUT)/infer.json)"

test: setup browser
	EXTRACTOR_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check extractor tests benchmarks corpus models setup.py
	$(BIN)/mypy

check: lint test

schemas: setup
	$(BIN)/extractor schema -o schemas

## Rebuild the example PDF from its HTML source (deterministic).
examples: setup
	$(BIN)/python corpus/examples/make_pdf.py

bench: setup
	$(BIN)/python benchmarks/parse_articles.py
	$(BIN)/python benchmarks/cross_format.py
	$(BIN)/python benchmarks/icdar_tables.py
	$(BIN)/python benchmarks/pdf_speed.py
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/ner.py
	$(BIN)/python benchmarks/lexicon.py
	$(BIN)/python benchmarks/context_phee.py
	$(BIN)/python benchmarks/rct_tables.py
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/report_size.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache

## Rebuild the shipped NER model (models/ner) from ../shared/corpora: deterministic (fixed
## seeds, one thread); about 25 minutes on one busy CPU core. Settings: models/ner.cfg.
.PHONY: model ner-model findings-model
model: ner-model findings-model
ner-model: setup
	OMP_NUM_THREADS=1 $(BIN)/extractor train --config models/ner.cfg --out models/ner

## Rebuild the trial-findings models (models/findings: evidence retrieval and direction) from
## ../shared/corpora/evidence_inference_v2 train: deterministic, about 10 minutes on one core.
findings-model: setup
	OMP_NUM_THREADS=1 $(BIN)/python -m extractor.train.findings --out models/findings

## Headless Chromium for the review report's browser tests (Debian packages; root or sudo).
## A plain pytest without it skips those tests; under `make test` they fail instead.
.PHONY: browser
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends \
	      chromium chromium-driver; } \
	  || echo "warning: could not install chromium; the browser tests will fail"; }
