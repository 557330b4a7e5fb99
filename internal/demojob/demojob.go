// Package demojob runs the demo job (testdata/demo.yaml) on the test
// runner, for the tests of the packages that read a run: explain,
// evaluate and jobmetrics. Their tests need ptest.Main in a TestMain.
package demojob

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"

	"github.com/linkbeam/linkbeam/internal/jobtest"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

// Config is the path of testdata/demo.yaml, and Truth that of its ground
// truth, wherever the test runs.
var Config, Truth = testdata("demo.yaml"), testdata("demo", "truth.csv")

func testdata(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", "..", "testdata"}, elem...)...)
}

// Load returns the demo config and options for the test runner
// (--runner): a temporary output, the config's model, and the commit
// cmd/linkbeam chooses for the runner.
func Load(t *testing.T) (*schemas.Config, pipelines.Options) {
	t.Helper()
	cfg, model, err := pipelines.LoadJob(context.Background(), Config, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, pipelines.Options{Output: jobtest.TempOutput(t), RunID: "test", Model: model, CommitInJob: jobtest.CommitInJob()}
}

// Run runs the job of cfg and opts on the test runner, commits it as
// cmd/linkbeam does and returns its metrics.
func Run(t *testing.T, cfg *schemas.Config, opts pipelines.Options) (metrics.QueryResults, error) {
	t.Helper()
	return jobtest.Run(t, func(s beam.Scope) (*pipelines.Staged, error) { return pipelines.Build(s, cfg, opts) })
}

// RunWithPairs runs the demo job with output.write_pairs set and returns
// its config and options (opts.Output is the committed output).
func RunWithPairs(t *testing.T) (*schemas.Config, pipelines.Options) {
	t.Helper()
	cfg, opts := Load(t)
	cfg.Output.WritePairs = true
	if _, err := Run(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	return cfg, opts
}
