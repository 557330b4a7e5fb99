# linkbeam: see README.md. Every target works on a fresh machine with Go.
GO       ?= go
BIN      := bin/linkbeam
GOFLAGS  ?=
LDFLAGS  := -s -w

.PHONY: all build demo test test-direct test-report test-portable worker template bq-smoke vet bench bench-incremental bench-go fuzz eval-abt-buy model clean

all: build

build:
	$(GO) build -ldflags='$(LDFLAGS)' -o $(BIN) ./cmd/linkbeam

# The demo job on the embedded prism runner: out/demo/{masters,links,rejected}.
demo: build
	./$(BIN) run --config testdata/demo.yaml --output out/demo

# Unit tests everywhere, the Beam tests on prism, then again on the
# (deprecated, still shipped) direct runner.
test: vet
	$(GO) test -count=1 ./...
	$(MAKE) test-direct

# The packages whose tests run Beam jobs (ptest.Main in their TestMain).
BEAM_TESTS := ./pipelines/ ./internal/explain/ ./internal/jobmetrics/ ./internal/report/

test-direct:
	$(GO) test -count=1 $(BEAM_TESTS) -args --runner=direct

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...

# End to end on generated catalogues: wall time, records/s, candidate
# pairs, peak RSS and F1 (see BENCHMARKS.md). BENCH_RECORDS=10000000 for 10M.
BENCH_RECORDS ?= 100000 1000000
bench: build
	GO=$(GO) scripts/bench.sh $(BENCH_RECORDS)

# An incremental run (--previous) after 1% of one source's titles changed,
# side by side with full runs. BENCH_RECORDS=1000000 for 1M.
bench-incremental: build
	scripts/bench-incremental.sh $(firstword $(BENCH_RECORDS))

# The evaluation report rendered in headless Chromium (Debian's package).
test-report:
	@command -v chromium >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(GO) test -count=1 -run 'TestReportInBrowser' -v ./internal/report/

# Go benchmarks of the hot code (ns/op per comparison, per record).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./matchers/ ./schemas/ ./transforms/ ./transforms/sources/

# Each fuzz target for a bounded time.
FUZZTIME ?= 20s
fuzz:
	@for pkg in ./matchers ./schemas ./transforms/sources; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Static linux/amd64 linkbeam for --worker_binary and the Flex Template image.
worker:
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -ldflags='$(LDFLAGS)' -o bin/linux_amd64/linkbeam ./cmd/linkbeam

# Flex Template image + spec; prints the commands when gcloud or
# PROJECT/REGION/REPOSITORY/TEMPLATE are missing.
template:
	runners/dataflow/template.sh

# The demo job through a standalone prism job server (the Job API Flink's
# job server serves): --runner=universal, --runner=flink, flink + PROCESS.
test-portable:
	GO=$(GO) runners/portable/test.sh

# Manual smoke test against a real dataset (not in `make test`); see docs/bigquery.md.
bq-smoke:
	@test -n "$(PROJECT)" && test -n "$(DATASET)" && test -n "$(STAGING)" || { echo 'usage: make bq-smoke PROJECT=p DATASET=d STAGING=gs://bucket/prefix [LOCATION=EU]'; exit 2; }
	LINKBEAM_BQ_SMOKE=$(PROJECT).$(DATASET) LINKBEAM_BQ_STAGING=$(STAGING) LINKBEAM_BQ_LOCATION=$(LOCATION) $(GO) test -count=1 -v -run '^TestBigQuerySmoke$$' ./pipelines/

# Retrain the shipped model and print its leave-one-dataset-out and
# held-out figures (README, "Matching quality"). MODEL_OUT=/tmp/m.json to
# train without replacing it.
MODEL_OUT ?= matchers/default_model.json
model: build
	scripts/train-model.sh $(MODEL_OUT)

ABT_BUY ?= ../shared/datasets/Abt-Buy
eval-abt-buy: build
	./$(BIN) run --config testdata/benchmarks/abt-buy.yaml --output out/abt-buy
	./$(BIN) evaluate --output out/abt-buy --truth $(ABT_BUY)/abt_buy_perfectMapping.csv --left abt --right buy \
	  --config testdata/benchmarks/abt-buy.yaml --report out/abt-buy/report.html

clean:
	rm -rf bin out
