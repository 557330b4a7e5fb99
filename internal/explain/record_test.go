package explain

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/demojob"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/pipelines"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func TestExplainDemoRecord(t *testing.T) {
	ctx := context.Background()
	cfg, opts := demojob.RunWithPairs(t)
	model := opts.Model
	threshold := replay.MatchThreshold(cfg, model)

	// testdata/demo/EXPECTED.md: apple-airpods-pro-2-usbc is SHP-1011 and
	// 20411, which share a GTIN and a model number; the demo has no other
	// AirPods.
	const record, partner = "shop:SHP-1011", "marketplace:20411"
	wantMembers := []string{partner, record}
	e, err := Record(ctx, cfg, model, RecordOptions{Output: opts.Output, Record: record})
	if err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, m := range e.Members {
		members = append(members, m.Key)
		if m.Title == "" {
			t.Errorf("member %s has no title", m.Key)
		}
	}
	if strings.Join(members, " ") != strings.Join(wantMembers, " ") {
		t.Fatalf("members of %s's master: %v, want %v", record, members, wantMembers)
	}
	if !e.FromPairs || e.Threshold != threshold {
		t.Errorf("FromPairs %v, threshold %v; want pairs/ and %v", e.FromPairs, e.Threshold, threshold)
	}
	checkPairs(t, e, threshold)
	var matched bool
	for _, p := range e.Pairs {
		if !p.HasStored {
			t.Errorf("%s ~ %s: no probability from pairs/", p.A, p.B)
		}
		// The features recomputed in process are the ones the job scored.
		if math.Abs(p.Stored-p.Probability) > 1e-9 {
			t.Errorf("%s ~ %s: explained probability %v, the run scored %v", p.A, p.B, p.Probability, p.Stored)
		}
		if p.A == partner && p.B == record && p.Probability >= threshold {
			matched = true
		}
	}
	if !matched {
		t.Errorf("no pair %s ~ %s at or above %v in %+v", partner, record, threshold, e.Pairs)
	}

	var out bytes.Buffer
	if err := e.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range append([]string{e.MasterID, "threshold", partner + " ~ " + record, "bias", "logit"}, model.Features...) {
		if !strings.Contains(text, want) {
			t.Errorf("explain output lacks %q:\n%s", want, text)
		}
	}

	// Without pairs/, the record is compared with every other member.
	run, err := LoadRun(ctx, cfg, model, opts.Output, 0)
	if err != nil {
		t.Fatal(err)
	}
	corpus := run.Corpus
	all, err := RecordIn(corpus, model, threshold, run.Links, nil, record)
	if err != nil {
		t.Fatal(err)
	}
	if all.FromPairs || len(all.Pairs) != len(wantMembers)-1 {
		t.Errorf("without pairs/: FromPairs %v, %d pairs; want %d recomputed", all.FromPairs, len(all.Pairs), len(wantMembers)-1)
	}
	checkPairs(t, all, threshold)
	for _, p := range all.Pairs {
		for _, q := range e.Pairs {
			if p.A == q.A && p.B == q.B && p.Probability != q.Probability {
				t.Errorf("%s ~ %s: %v recomputed, %v with pairs/", p.A, p.B, p.Probability, q.Probability)
			}
		}
	}

	if _, err := RecordIn(corpus, model, threshold, run.Links, nil, "shop:NO-SUCH"); err == nil {
		t.Error("explaining an unknown record: no error")
	}
	if _, err := pipelines.LoadSources(ctx, cfg, []string{"abt", "shop"}); err == nil || !strings.Contains(err.Error(), "abt are not in config") {
		t.Errorf("a corpus of a source the config lacks: err = %v", err)
	}
}

// checkPairs checks that every pair involves the record, that its feature
// contributions add up with the bias to its logit and that the record has
// a pair at or above the threshold, as every member of a merged master does.
func checkPairs(t *testing.T, e *RecordExplanation, threshold float64) {
	t.Helper()
	if len(e.Pairs) == 0 {
		t.Fatalf("%s: no pairs", e.Record)
	}
	var best float64
	for _, p := range e.Pairs {
		if p.A != e.Record && p.B != e.Record {
			t.Errorf("pair %s ~ %s does not involve %s", p.A, p.B, e.Record)
		}
		if len(p.Contributions) != len(e.Model.Features) {
			t.Errorf("%s ~ %s: %d contributions for %d features", p.A, p.B, len(p.Contributions), len(e.Model.Features))
		}
		sum := p.Bias
		for i, c := range p.Contributions {
			if c.Feature != e.Model.Features[i] {
				t.Errorf("contribution %d is %q, want %q", i, c.Feature, e.Model.Features[i])
			}
			sum += c.Contribution
		}
		if math.Abs(sum-p.Logit) > 1e-9 {
			t.Errorf("%s ~ %s: bias + contributions = %v, logit %v", p.A, p.B, sum, p.Logit)
		}
		if want := 1 / (1 + math.Exp(-p.Logit)); math.Abs(want-p.Probability) > 1e-12 {
			t.Errorf("%s ~ %s: probability %v, logistic(logit) %v", p.A, p.B, p.Probability, want)
		}
		best = max(best, p.Probability)
	}
	if best < threshold {
		t.Errorf("%s: best pair probability %v below the threshold %v", e.Record, best, threshold)
	}
}
