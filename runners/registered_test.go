package runners_test

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx" // registers the SDK's runners, as the CLI does

	"github.com/linkbeam/linkbeam/runners"
)

var _ = beamx.Run

// Every runner name and alias linkbeam accepts must be one the SDK
// registers: beam.Run would otherwise log.Exit at submission.
// beam.RegisterRunner panics on a name that is already registered, which is
// the only way to ask the SDK's registry.
func TestSupportedRunnersAreRegistered(t *testing.T) {
	for _, name := range runners.Names() {
		if !registered(name) {
			t.Errorf("runner %q is not registered by the Beam SDK", name)
		}
	}
}

func registered(name string) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = fmt.Sprint(r) == fmt.Sprintf("runner %v already defined", name)
		}
	}()
	beam.RegisterRunner(name, func(context.Context, *beam.Pipeline) (beam.PipelineResult, error) { return nil, nil })
	return false
}

// Dataflow's --execute_async is an alias of --async (one variable), so
// CommitAfterRun sees either under "async".
func TestExecuteAsyncIsAsync(t *testing.T) {
	f := flag.Lookup("execute_async")
	if f == nil {
		t.Fatal("the SDK registers no --execute_async")
	}
	if err := f.Value.Set("true"); err != nil {
		t.Fatal(err)
	}
	defer f.Value.Set("false")
	if runners.CommitAfterRun("prism", runners.FlagValues(flag.CommandLine)) {
		t.Error("--execute_async: CommitAfterRun = true; want false, the launcher does not wait")
	}
}
