# linkbeam: see README.md. Every target works on a fresh machine with Go.
GO       ?= go
BIN      := bin/linkbeam
GOFLAGS  ?=
LDFLAGS  := -s -w

.PHONY: all build demo test test-direct vet bench fuzz eval-abt-buy clean

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

test-direct:
	$(GO) test -count=1 ./pipelines/ ./transforms/ -args --runner=direct

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...

# Go benchmarks of the hot code (ns/op per comparison, per record).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./matchers/ ./schemas/ ./transforms/sources/

# Each fuzz target for a bounded time.
FUZZTIME ?= 20s
fuzz:
	@for pkg in ./matchers ./schemas ./transforms/sources; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

ABT_BUY ?= ../shared/datasets/Abt-Buy
eval-abt-buy: build
	./$(BIN) run --config testdata/benchmarks/abt-buy.yaml --output out/abt-buy
	./$(BIN) evaluate --output out/abt-buy --truth $(ABT_BUY)/abt_buy_perfectMapping.csv --left abt --right buy --config testdata/benchmarks/abt-buy.yaml

clean:
	rm -rf bin out
