# The README's commands. `make run` and `make test` set up everything they need themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Optional extras installed with the dev tools. The handwriting engine ("tulisan-tangan",
# ~0.4 GB) is on by default; `make run EXTRAS=dev` in a new checkout leaves it out (slips are
# then read by tesseract alone).
EXTRAS ?= dev,tulisan-tangan
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run test lint bench system-packages clean

run: $(STAMP) system-packages
	$(BIN)/aduan run

test: $(STAMP) system-packages
	bash scripts/run-tests.sh

# mypy cannot follow setuptools' editable-install hook: give it the aduan.* import root as
# a farm of symlinks, so it checks the code under the names the code imports it by.
lint: $(STAMP)
	mkdir -p build/typecheck/aduan
	for d in daemon parsers models; do ln -sfn ../../../$$d build/typecheck/aduan/$$d; done
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p aduan.daemon -p aduan.parsers -p aduan.models

bench: $(STAMP) system-packages
	$(BIN)/python bench/mail_intake.py
	$(BIN)/python bench/escalation_latency.py
	$(BIN)/python bench/classify_eval.py
	$(BIN)/python bench/slip_accuracy.py
	$(BIN)/python bench/slip_intake.py
	$(BIN)/python bench/handwriting.py
	$(BIN)/python bench/startup.py

system-packages:
	@bash scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || bash scripts/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	@case ',$(EXTRAS),' in *,tulisan-tangan,*) $(BIN)/python -c 'import sys; from aduan.parsers import handwriting as h; s = h.status(); print("handwriting engine:", s.detail); sys.exit(not s.usable)';; esac
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
