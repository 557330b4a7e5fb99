package replay

import (
	"context"
	"math"
	"testing"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func TestNewestPerKey(t *testing.T) {
	got := NewestPerKey([]schemas.Product{
		{Source: "s", SourceID: "2", Title: "old", UpdatedAt: 1},
		{Source: "s", SourceID: "1", Title: "only"},
		{Source: "s", SourceID: "2", Title: "new", UpdatedAt: 3},
		{Source: "s", SourceID: "2", Title: "middle", UpdatedAt: 2},
	})
	if len(got) != 2 || got[0].Key() != "s:1" || got[1].Key() != "s:2" || got[1].Title != "new" {
		t.Errorf("NewestPerKey = %+v; want s:1, then s:2 titled new", got)
	}
}

// TestDemoBlocking checks that the three views of the demo's blocking
// agree: the candidate pairs CandidatePairs lists are the pairs Shared
// says a block pairs, and ScoreCandidates scores them all but, under
// one_per_source, those within one source.
func TestDemoBlocking(t *testing.T) {
	ctx := context.Background()
	cfg, model, err := pipelines.LoadJob(ctx, "../../testdata/demo.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	records, err := pipelines.LoadSources(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	records = NewestPerKey(records)
	idx, err := CandidatePairs(records, cfg.Matching.Blocking)
	if err != nil {
		t.Fatal(err)
	}
	candidate := map[[2]string]bool{}
	for _, p := range idx {
		candidate[[2]string{records[p[0]].Key(), records[p[1]].Key()}] = true
	}
	c := New(records)
	if c.Len() != len(records) {
		t.Fatalf("corpus of %d records holds %d", len(records), c.Len())
	}
	ix, err := c.Blocking(cfg.Matching.Blocking)
	if err != nil {
		t.Fatal(err)
	}
	sameSource := 0
	for i := range records {
		for j := i + 1; j < len(records); j++ {
			a, b := records[i].Key(), records[j].Key()
			paired := false
			for _, s := range ix.Shared(a, b) {
				paired = paired || s.Paired
			}
			if paired != candidate[[2]string{a, b}] {
				t.Errorf("%s ~ %s: Shared pairs them %v, CandidatePairs %v", a, b, paired, !paired)
			}
			if paired && records[i].Source == records[j].Source {
				sameSource++
			}
		}
	}
	if len(candidate) == 0 {
		t.Fatal("the demo has no candidate pairs")
	}
	t.Logf("%d candidate pairs, %d within one source", len(candidate), sameSource)
	scored, err := c.ScoreCandidates(cfg, model)
	if err != nil {
		t.Fatal(err)
	}
	want := len(candidate)
	if cfg.Matching.Clustering.OnePerSource {
		want -= sameSource
	}
	if len(scored) != want {
		t.Errorf("ScoreCandidates scored %d pairs, want %d (%d candidates, %d within one source, one_per_source %v)",
			len(scored), want, len(candidate), sameSource, cfg.Matching.Clustering.OnePerSource)
	}
}

// TestCorpusCountsTitles: explain and evaluate weigh records with the
// corpus's records per title, as the job does (transforms'
// TestBlockAndScoreCountTitles has the same records and model).
func TestCorpusCountsTitles(t *testing.T) {
	c := New([]schemas.Product{
		{Source: "a", SourceID: "1", Title: "Acme Garden Hose"},
		{Source: "b", SourceID: "1", Title: "Acme garden  hose"},
		{Source: "c", SourceID: "1", Title: "ACME Garden Hose"},
		{Source: "a", SourceID: "2", Title: "Zeta Desk Lamp"},
		{Source: "b", SourceID: "2", Title: "Zeta Desk Lamp"},
	})
	cfg := &schemas.Config{}
	cfg.Matching.Blocking = schemas.BlockingConfig{Rules: []schemas.BlockingRuleConfig{{Rule: "title_tokens", MinLen: 4}},
		MaxBlockSize: 100, Window: 10}
	m := &matchers.Model{Version: matchers.ModelVersion, Features: []string{"title_tfidf_uncoded_tf"},
		Weights: []float64{4}, Bias: -3, Threshold: 0.5}
	rows, err := c.ScoreCandidates(cfg, m)
	if err != nil {
		t.Fatal(err)
	}
	sigmoid := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	if len(rows) != 4 {
		t.Fatalf("%d candidate pairs, want 4: %+v", len(rows), rows)
	}
	for _, r := range rows {
		want := sigmoid(-1) // 4 * 1/(3-1) - 3
		if r.LeftID == "2" {
			want = sigmoid(1) // 4 * 1 - 3
		}
		if math.Abs(r.MatchProbability-want) > 1e-9 {
			t.Errorf("%s:%s ~ %s:%s: p %v, want %v", r.LeftSource, r.LeftID, r.RightSource, r.RightID, r.MatchProbability, want)
		}
	}
}
