package pipelines

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func TestMain(m *testing.M) { ptest.Main(m) }

const demoConfig = "../testdata/demo.yaml"

// runJob builds and runs the job on the test runner and returns its summary.
func runJob(t *testing.T, cfg *schemas.Config, opts Options) (Summary, error) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, cfg, opts); err != nil {
		t.Fatal(err)
	}
	res, err := ptest.RunWithMetrics(p)
	if err != nil {
		return Summary{}, err
	}
	return Summarize(res.Metrics().AllMetrics()), nil
}

func loadDemo(t *testing.T) (*schemas.Config, Options) {
	t.Helper()
	cfg, model, err := Prepare(context.Background(), demoConfig, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, Options{Output: tempOutput(t), RunID: "test", Model: model}
}

// tempOutput is a temporary output directory. Unlike t.TempDir, its
// removal retries: after a failed job prism may still be finishing a
// bundle that writes into the staging folder.
func tempOutput(t *testing.T) string {
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
	f, err := os.Open("../testdata/demo/truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := ReadTruth(f, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if m := EvaluateLinks(links, truth); m.Precision < 0.95 || m.Recall < 0.8 {
		t.Errorf("demo clusters against truth: %s; want precision ≥ 0.95, recall ≥ 0.8", m)
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
		for _, p := range NewestPerKey(ps) {
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

func TestFailedJobKeepsPreviousOutput(t *testing.T) {
	cfg, opts := loadDemo(t)
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, opts.Output)

	broken := *cfg
	broken.Sources = map[string]schemas.SourceConfig{}
	for name, src := range cfg.Sources {
		if src.Type != "rest_api" {
			src.Location = filepath.Join(t.TempDir(), "missing-"+name+".csv")
		}
		broken.Sources[name] = src
	}
	opts.RunID = "broken"
	_, err := runJob(t, &broken, opts)
	if err == nil || !strings.Contains(err.Error(), "missing-") {
		t.Fatalf("job over missing files: err = %v, want an error naming the path", err)
	}
	after := snapshot(t, opts.Output)
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed by a failed run", name)
		}
	}
}

// snapshot reads every committed output file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, sub := range []string{"masters", "links", "rejected"} {
		paths, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[filepath.Join(sub, filepath.Base(p))] = string(data)
		}
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
