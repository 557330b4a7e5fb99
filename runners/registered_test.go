package runners_test

import (
	"context"
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
