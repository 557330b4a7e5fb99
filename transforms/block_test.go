package transforms

import (
	"testing"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// In an incremental run an unchanged record in no block a change touches
// travels as a stub, which still carries what Score's kept edges read of
// it: its identifiers and its text sketch (the tie order clustering reads,
// so that kept edges tie as the full run's do).
func TestBlockSendsUnchangedRecordsAsStubs(t *testing.T) {
	fn := blockFn{Blocking: schemas.BlockingConfig{Rules: []schemas.BlockingRuleConfig{{Rule: "title_tokens"}}}, Shards: 1}
	if err := fn.Setup(); err != nil {
		t.Fatal(err)
	}
	p := schemas.Product{Source: "shop", SourceID: "1", Title: "Acme garden hose 20m", Description: "Green, kink free",
		ModelNumber: "AGH-20", GTIN: "4006381333931"}
	var marks bulk.ChangeMarks // nothing changed
	marks.Sort()
	chunk := fn.block([]schemas.Product{p}, &marks)
	runs, err := bulk.CandidateRuns(nil, bulk.AppendCandidateRun(nil, chunk.counts[0], chunk.byShard[0]))
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	got := make([]bulk.Candidate, runs[0].N)
	if err := bulk.DecodeRun(runs[0], got); err != nil || len(got) != 1 {
		t.Fatalf("decoded %d candidates, %v", len(got), err)
	}
	c := got[0]
	want := MatchView(&p, nil)
	if !c.Unchanged || len(c.Blocks) != 0 || c.Prep.Title != "" {
		t.Errorf("not a stub: unchanged %v, blocks %v, title %q", c.Unchanged, c.Blocks, c.Prep.Title)
	}
	if c.Key != "shop:1" || c.Prep.GTIN != want.GTIN || len(c.Prep.Models) == 0 || c.Prep.Models[0] != want.Models[0] {
		t.Errorf("stub %q: GTIN %q, models %v; want %q, %v", c.Key, c.Prep.GTIN, c.Prep.Models, want.GTIN, want.Models)
	}
	if c.Prep.Text != want.Text || c.Prep.Text == (matchers.TextSketch{}) {
		t.Errorf("stub sketch %v, want %v", c.Prep.Text, want.Text)
	}
}
