// Package jobtest runs a job on the test runner (ptest: prism by default,
// --runner to choose) the way cmd/linkbeam runs it, for the tests of
// pipelines and of the packages that read a run. It does not import
// pipelines, so that pipelines' own tests can use it.
package jobtest

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/runners"
)

// Staged is a built job whose output a commit publishes
// (*pipelines.Staged).
type Staged interface {
	comparable
	Commit(context.Context) error
}

// Run lays out a job with build, runs it on the test runner and, when
// build returns a staged output (Build left the commit to the caller),
// commits it after a successful run as cmd/linkbeam does. It returns the
// job's metrics.
func Run[S Staged](t *testing.T, build func(beam.Scope) (S, error)) (metrics.QueryResults, error) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	staged, err := build(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ptest.RunWithMetrics(p)
	if err != nil {
		return metrics.QueryResults{}, err
	}
	var none S
	if staged != none {
		if err := staged.Commit(context.Background()); err != nil {
			return metrics.QueryResults{}, err
		}
	}
	return res.Metrics().AllMetrics(), nil
}

// CommitInJob is the commit cmd/linkbeam chooses for the test runner
// (--runner): in the job, unless the runner commits after the run.
func CommitInJob() bool {
	return !runners.CommitAfterRun(runners.Selected(flag.CommandLine), runners.FlagValues(flag.CommandLine))
}

// TempOutput is a temporary output directory. Unlike t.TempDir, its
// removal retries: after a failed job prism may still be finishing a
// bundle that writes into the staging folder.
func TempOutput(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "linkbeam-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if err := os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("could not remove %s", dir)
	})
	return dir
}
