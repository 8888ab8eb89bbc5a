# The two commands of the README: `make dev` runs the desk locally, `make test` runs the tests.
# Both set up the virtualenv in .venv first (again whenever a requirements file changes).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: dev test lint typecheck bench clean package

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 refuses newer
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

dev: $(STAMP)
	$(PY) -m local

# Two workers, each with its own local stack (tests own their data, so any split works).
test: $(STAMP)
	$(PY) -m pytest -n 2

lint: $(STAMP)
	$(PY) -m ruff check .

# What pyproject.toml's [tool.mypy] names (chalicelib/ and the unit tier's fakes); `make test`
# runs it too (tests/unit/test_types.py).
typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) bench/import_time.py

# `make package STAGE=prod`: what a deploy uploads, built offline into build/STAGE/: sam.json
# (Chalice's functions and APIs merged with infra/template.py's resources) and deployment.zip.
# The policy file Chalice reads, .chalice/policy-STAGE.json, is written first by infra/policy.py.
# Chalice needs a region name to start, not credentials; the template itself is region-free.
STAGE ?= dev
REGION ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),us-east-1)

package: $(STAMP)
	rm -rf build/$(STAGE)
	mkdir -p build
	$(PY) -m infra.policy $(STAGE)
	$(PY) -m infra.template $(STAGE) > build/merge-template-$(STAGE).json
	AWS_DEFAULT_REGION=$(REGION) $(VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template build/merge-template-$(STAGE).json build/$(STAGE)
	$(VENV)/bin/cfn-lint --regions $(REGION) -- build/$(STAGE)/sam.json

clean:
	rm -rf $(VENV) build .pytest_cache

# `make deploy STAGE=prod SUPPORT_DOMAIN=help.example.com [ADMIN_EMAIL=you@example.com]
# [ALARM_EMAIL=ops@example.com] [REGION=eu-west-1]`: `make package`, then infra/deploy.py puts it
# into the AWS account of the current credentials (AWS_PROFILE=...) and prints what to do next.
.PHONY: deploy
ifneq ($(filter deploy,$(MAKECMDGOALS)),)
ifeq ($(SUPPORT_DOMAIN),)
$(error Set SUPPORT_DOMAIN, e.g. make deploy STAGE=$(STAGE) SUPPORT_DOMAIN=help.example.com)
endif
endif
deploy: package
	$(PY) -m infra.deploy --stage $(STAGE) --region $(REGION) --packaged build/$(STAGE) \
		--support-domain $(SUPPORT_DOMAIN) $(if $(ADMIN_EMAIL),--admin-email $(ADMIN_EMAIL)) \
		$(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL)) \
		$(if $(RETENTION_DAYS),--retention-days $(RETENTION_DAYS))
