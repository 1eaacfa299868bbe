# kitbuilder: `make demo` builds the example kit, `make test` runs the tests.
# Both set up everything they need on a fresh Debian/Ubuntu machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What the tests need from Debian: LibreOffice for PDF checks, the fonts the templates use
# (metric-compatible with Calibri, Cambria, Arial), hunspell dictionaries, poppler,
# fontconfig (slide text is measured with the installed fonts), cairo (SVG logos), Chromium
# (a test opens the contact sheet in a real browser).
APT_PACKAGES := libreoffice-writer-nogui libreoffice-impress-nogui \
	fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 \
	hunspell hunspell-da hunspell-sv hunspell-no hunspell-en-gb poppler-utils \
	fontconfig libcairo2 chromium

.PHONY: demo demo-deps test bench system-deps templates docs docs-images clean

$(BIN)/kitbuilder: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

demo: $(BIN)/kitbuilder demo-deps
	$(BIN)/kitbuilder build config/example.yaml --out output

test: $(BIN)/kitbuilder system-deps
	$(BIN)/python -m pytest -q

bench: $(BIN)/kitbuilder
	$(BIN)/python tools/bench.py

# The demo only needs the fonts its decks are measured with.
demo-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="fontconfig fonts-crosextra-carlito"

# Installs only the Debian packages that are missing.
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Regenerate the default Word templates after changing tools/make_templates.py.
templates: $(BIN)/kitbuilder
	$(BIN)/python tools/make_templates.py

# The README's configuration reference, generated from the config's JSON Schema.
docs: $(BIN)/kitbuilder
	$(BIN)/kitbuilder schema > config/kitbuilder.schema.json
	$(BIN)/python tools/config_reference.py

# The README's contact sheets of the example kit (Danish), regenerated from a fresh preview, and
# its screenshots of the web app (from the browser test).
docs-images: $(BIN)/kitbuilder
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="libreoffice-writer-nogui libreoffice-impress-nogui \
		fontconfig fonts-crosextra-carlito"
	$(BIN)/kitbuilder -q preview config/example.yaml --locale da --out output
	mkdir -p docs
	for sheet in output/fjordby/da/preview/contact-sheet-*.png; do \
		cp "$$sheet" "docs/$$(basename "$$sheet" | sed 's/^contact-sheet-/contact-sheet-da-/')"; done
	KITBUILDER_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/test_web_browser.py

clean:
	rm -rf output/* .pytest_cache
