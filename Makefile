# diagnostic — make help lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PROJECT ?= $(or $(DIAGNOSTIC_PROJECT),data/example/diagnostic.toml)
# Voila with the apps' template (Voila's « lab » without calls to an outside server)
VOILA  := JUPYTER_PATH=$(abspath src/diagnostic/apps/jupyter)$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) $(BIN)/voila --template=diagnostic

.DEFAULT_GOAL := help
.PHONY: help install sysdeps demo lint test test-fast bench bench-quick lab app paroles atelier example example-data docs captures clean

help: ## liste les commandes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## crée .venv et installe le projet (fait par les autres commandes)

demo: $(STAMP) ## construit l'exemple : out/diagnostic.xlsx, out/diagnostic.html, out/tables/
	$(BIN)/diagnostic demo out

# Debian packages the tests use: LibreOffice renders the workbook to PDF, Chromium shows
# the collective's app to the browser test.
SYSTEM_PACKAGES := libreoffice-calc-nogui chromium

sysdeps: ## installe les paquets Debian des tests (LibreOffice, Chromium), s'ils manquent
	@{ command -v soffice && command -v chromium; } >/dev/null 2>&1 || { \
	  echo "Installation des paquets Debian : $(SYSTEM_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }

lint: $(STAMP) ## vérifie le code : ruff (règles et mise en forme) et mypy (types)
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy
	$(BIN)/mypy

test: $(STAMP) sysdeps lint ## vérifie le code puis lance toute la suite de tests
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) ## la suite sans les tests lents (carnets, navigateur, LibreOffice, mesures)
	$(BIN)/python -m pytest -q -m "not slow"

# Generates bench/data/ (S, M, L; L takes minutes and a few GB of RAM) if missing, then
# measures: repeat timings (median, min, max), compare ratios rather than single runs.
bench: $(STAMP) ## mesure les performances (écrit bench/RESULTS.md)
	$(BIN)/python bench/run.py --sizes S,M,L --repeats 3 --data bench/data --out bench/RESULTS.md

bench-quick: $(STAMP) ## mesure rapide pour le développement (S et M, processus entiers ; écrit bench/RESULTS-quick.md)
	$(BIN)/python bench/run.py --quick --repeats 3 --data bench/data --out bench/RESULTS-quick.md

lab: $(STAMP) ## ouvre les notebooks dans JupyterLab
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

app: $(STAMP) ## sert l'application des collectifs (explorer, coopérer) avec Voila sur 127.0.0.1
	DIAGNOSTIC_PROJECT=$(abspath $(PROJECT)) DIAGNOSTIC_OUT=$(abspath out) $(VOILA) notebooks/application.ipynb --no-browser --Voila.ip=127.0.0.1

paroles: $(STAMP) ## sert au consultant le codage des réponses libres (carnet 06) avec Voila sur 127.0.0.1
	DIAGNOSTIC_PROJECT=$(abspath $(PROJECT)) DIAGNOSTIC_OUT=$(abspath out) $(VOILA) notebooks/06_paroles.ipynb --no-browser --Voila.ip=127.0.0.1

# The room's phones reach it on the local network: every interface, a token drawn at random
# and printed with a QR code; participants read, the facilitator's address saves.
PORT ?= 8866
atelier: $(STAMP) ## sert l'application à la salle d'un atelier (réseau local, jeton, QR code ; PORT=8866)
	$(BIN)/diagnostic atelier $(abspath $(PROJECT)) -o $(abspath out) --port $(PORT)

example: $(STAMP) ## régénère l'enquête et l'atelier fictifs de l'exemple (identiques à l'octet près)
	$(BIN)/python -c "from diagnostic.datasets import write_example; write_example()"

example-data: $(STAMP) ## reconstruit la géographie, les contours et les indicateurs de l'exemple depuis ../shared/data (DOSSIER_COMPLET=fichier : âges et pharmacies ; APL=fichier : médecins)
	$(BIN)/python -c "from diagnostic.datasets import extract_example_data; extract_example_data(dossier_complet=\"$(DOSSIER_COMPLET)\" or None, apl=\"$(APL)\" or None)"

docs: $(STAMP) ## construit le guide de l'utilisateur (docs/) dans site/
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	$(BIN)/mkdocs build --strict

# The guide's screenshots, from the example: workbook pages (LibreOffice → PDF → PNG), the
# HTML report and the collective's app (Voila, photographed by Debian's Chromium).
captures: $(STAMP) sysdeps ## régénère les captures d'écran du guide (docs/images/) depuis l'exemple
	$(BIN)/python docs/captures.py --out docs/images

clean: ## supprime out/ et .venv/
	rm -rf out $(VENV)
