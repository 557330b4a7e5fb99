package pipelines

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/jobtest"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

func TestMain(m *testing.M) { ptest.Main(m) }

const demoConfig = "../testdata/demo.yaml"

// runJob builds and runs the job on the test runner and returns its summary.
func runJob(t *testing.T, cfg *schemas.Config, opts Options) (Summary, error) {
	t.Helper()
	res, err := runJobMetrics(t, cfg, opts)
	if err != nil {
		return Summary{}, err
	}
	return Summarize(res), nil
}

// runJobMetrics builds and runs the job on the test runner, commits as
// cmd/linkbeam does (after a successful run, when Build left the commit to
// the caller), and returns the job's metrics.
func runJobMetrics(t *testing.T, cfg *schemas.Config, opts Options) (metrics.QueryResults, error) {
	t.Helper()
	return jobtest.Run(t, func(s beam.Scope) (*Staged, error) { return Build(s, cfg, opts) })
}

// loadDemo returns the demo config and options for the test runner
// (--runner), with the commit cmd/linkbeam chooses for it.
func loadDemo(t *testing.T) (*schemas.Config, Options) {
	t.Helper()
	cfg, model, err := LoadJob(context.Background(), demoConfig, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, Options{Output: jobtest.TempOutput(t), RunID: "test", Model: model, CommitInJob: jobtest.CommitInJob()}
}

func TestDemoJob(t *testing.T) {
	ctx := context.Background()
	cfg, opts := loadDemo(t)
	sum, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.Check(); err != nil {
		t.Fatalf("accounting: %v", err)
	}
	for _, name := range cfg.SourceNames() {
		if sum.Sources[name].Read == 0 {
			t.Errorf("source %s: nothing read", name)
		}
	}

	links, err := ReadLinks(ctx, opts.Output)
	if err != nil {
		t.Fatal(err)
	}
	masters, err := ReadMasters(ctx, opts.Output)
	if err != nil {
		t.Fatal(err)
	}
	rejects, err := ReadRejects(ctx, opts.Output)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(links)) != sum.Linked() {
		t.Errorf("links/ has %d rows, summary says %d linked", len(links), sum.Linked())
	}
	if int64(len(masters)) != sum.Masters {
		t.Errorf("masters/ has %d rows, summary says %d", len(masters), sum.Masters)
	}
	var rejected int64
	for _, c := range sum.Sources {
		rejected += c.Rejected
	}
	if int64(len(rejects)) != rejected {
		t.Errorf("rejected/ has %d rows, summary says %d", len(rejects), rejected)
	}
	for _, r := range rejects {
		if r.Source == "" || r.Reason == "" {
			t.Errorf("reject without source or reason: %+v", r)
		}
	}

	// Every surviving record is linked exactly once, to a master that exists.
	masterIDs := map[string]schemas.MasterRow{}
	for _, m := range masters {
		masterIDs[m.MasterID] = m
	}
	seen := map[string]bool{}
	members := map[string]int64{}
	for _, l := range links {
		k := schemas.RecordKey(l.Source, l.SourceID)
		if seen[k] {
			t.Errorf("%s linked twice", k)
		}
		seen[k] = true
		if _, ok := masterIDs[l.MasterID]; !ok {
			t.Errorf("%s links to unknown master %s", k, l.MasterID)
		}
		members[l.MasterID]++
	}
	for id, m := range masterIDs {
		if m.MemberCount != members[id] {
			t.Errorf("master %s: member_count %d, links %d", id, m.MemberCount, members[id])
		}
	}

	// The demo's duplicates are merged as testdata/demo/truth.csv says, up
	// to the default model's accuracy on its look-alikes (README figures).
	// Recall 0.7: the model that generalises to catalogues without codes
	// (session 5) no longer joins the legacy feed's own SKUs to makers'
	// codes on codes alone (0.71 here, was 0.94); precision stays 1.00.
	f, err := os.Open("../testdata/demo/truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := evaluate.ReadTruth(f, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if m := evaluate.Links(links, truth); m.Precision < 0.95 || m.Recall < 0.7 {
		t.Errorf("demo clusters against truth: %s; want precision ≥ 0.95, recall ≥ 0.7", m)
	}
	assertGTINGroups(t, cfg, links)
}

// assertGTINGroups checks that records sharing a GTIN share a master and
// that no master mixes two GTINs.
func assertGTINGroups(t *testing.T, cfg *schemas.Config, links []schemas.LinkRow) {
	t.Helper()
	gtin := map[string]string{}
	for _, name := range cfg.SourceNames() {
		ps, _, err := LoadRecords(context.Background(), cfg, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range replay.NewestPerKey(ps) {
			if g := matchers.NormalizeGTIN(p.GTIN); g != "" {
				gtin[p.Key()] = g
			}
		}
	}
	masterOfGTIN := map[string]string{}
	gtinOfMaster := map[string]string{}
	for _, l := range links {
		g, ok := gtin[schemas.RecordKey(l.Source, l.SourceID)]
		if !ok {
			continue
		}
		if m, seen := masterOfGTIN[g]; seen && m != l.MasterID {
			t.Errorf("GTIN %s split across masters %s and %s", g, m, l.MasterID)
		}
		masterOfGTIN[g] = l.MasterID
		if other, seen := gtinOfMaster[l.MasterID]; seen && other != g {
			t.Errorf("master %s mixes GTINs %s and %s", l.MasterID, other, g)
		}
		gtinOfMaster[l.MasterID] = g
	}
	if len(masterOfGTIN) == 0 {
		t.Error("no GTINs in the demo data")
	}
}

func TestDemoJobIsIdempotent(t *testing.T) {
	cfg, opts := loadDemo(t)
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, opts.Output)
	opts.RunID = "second"
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	second := snapshot(t, opts.Output)
	if len(first) == 0 {
		t.Fatal("no output files")
	}
	for name, data := range first {
		if second[name] != data {
			t.Errorf("%s differs between runs", name)
		}
	}
	for name := range second {
		if _, ok := first[name]; !ok {
			t.Errorf("%s appeared in the second run only", name)
		}
	}
}

// failedRuns is how often the failure tests run their failing job: prism
// used to publish a failed job's partial output in about 1 run of 15 to
// 45, through a commit step inside the job (see Build).
const failedRuns = 8

// A job that fails, here because no source file exists, leaves the
// previous output byte for byte as it was, and publishes nothing.
func TestFailedJobKeepsPreviousOutput(t *testing.T) {
	cfg, opts := loadDemo(t)
	broken := *cfg
	broken.Sources = map[string]schemas.SourceConfig{}
	for name, src := range cfg.Sources {
		if src.Type != "rest_api" {
			src.Location = filepath.Join(t.TempDir(), "missing-"+name+".csv")
		}
		broken.Sources[name] = src
	}
	failRepeatedly(t, cfg, opts, "missing-", func(string) *schemas.Config { return &broken })
}

// A job whose last stage fails on one shard, here a masters/ file its
// writer cannot create, after every stage before has run and the other
// shards are written, leaves the previous output as it was.
func TestFailedWriteKeepsPreviousOutput(t *testing.T) {
	cfg, opts := loadDemo(t)
	failRepeatedly(t, cfg, opts, "part-00003.parquet", func(runID string) *schemas.Config {
		// A directory where the writer of shard 3 creates its file.
		blocker := filepath.Join(opts.Output, transforms.StagingPrefix+runID, transforms.MastersDir, "part-00003.parquet")
		if err := os.MkdirAll(blocker, 0o755); err != nil {
			t.Fatal(err)
		}
		return cfg
	})
}

// failRepeatedly commits a run of cfg into opts.Output, then runs
// failedRuns jobs that broken returns for each run id, and checks that
// each fails with an error containing wantErr and that the committed
// output (every file outside staging folders, _SUCCESS included) stays
// byte for byte what it was.
func failRepeatedly(t *testing.T, cfg *schemas.Config, opts Options, wantErr string, broken func(runID string) *schemas.Config) {
	t.Helper()
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, opts.Output)
	if _, ok := before[transforms.SuccessMarker]; !ok {
		t.Fatalf("no %s after the first run", transforms.SuccessMarker)
	}
	for i := range failedRuns {
		opts.RunID = fmt.Sprintf("broken-%d", i)
		_, err := runJob(t, broken(opts.RunID), opts)
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("run %d: err = %v, want an error naming %s", i, err, wantErr)
		}
	}
	after := snapshot(t, opts.Output)
	for name, data := range before {
		if got, ok := after[name]; !ok {
			t.Errorf("%s removed by a failed run", name)
		} else if got != data {
			t.Errorf("%s changed by a failed run", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s published by a failed run", name)
		}
	}
}

// snapshot reads every file under dir outside the staging folders.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), transforms.StagingPrefix) {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRejectRatioStopsPublication(t *testing.T) {
	cfg, opts := loadDemo(t)
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, opts.Output)

	strict := *cfg
	strict.Sources = map[string]schemas.SourceConfig{}
	for name, src := range cfg.Sources {
		src.MaxRejectRatio = 0.05 // every demo feed rejects more than 5%
		strict.Sources[name] = src
	}
	opts.RunID = "strict"
	_, err := runJob(t, &strict, opts)
	if err == nil || !strings.Contains(err.Error(), "max_reject_ratio") {
		t.Fatalf("err = %v, want the reject ratio failure", err)
	}
	after := snapshot(t, opts.Output)
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed by a run stopped by its reject ratio", name)
		}
	}
}

// TestAutoShards: without output.shards, the shard count follows the
// size of the sources' files, a REST source counting nothing.
func TestAutoShards(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size counts, not its blocks on disk.
	if err := f.Truncate(10*transforms.ShardInputBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cfg := &schemas.Config{Sources: map[string]schemas.SourceConfig{
		"feed": {Type: "csv", Location: filepath.Join(dir, "*.csv")},
		"api":  {Type: "rest_api", URL: "http://127.0.0.1:1/items"},
	}}
	if got := autoShards(cfg); got != 11 {
		t.Errorf("autoShards = %d, want 11", got)
	}
	cfg.Sources["feed"] = schemas.SourceConfig{Type: "csv", Location: filepath.Join(dir, "missing", "*.csv")}
	if got := autoShards(cfg); got != transforms.DefaultShards {
		t.Errorf("autoShards of a location matching nothing = %d, want the default %d", got, transforms.DefaultShards)
	}
}
