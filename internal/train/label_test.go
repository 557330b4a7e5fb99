package train

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
)

func pairRow(a, b string, p float64) schemas.PairRow {
	return schemas.PairRow{LeftSource: "s", LeftID: a, RightSource: "t", RightID: b, MatchProbability: p}
}

func TestPairsToAsk(t *testing.T) {
	pairs := []schemas.PairRow{
		pairRow("1", "1", 0.99), pairRow("2", "2", 0.9), pairRow("3", "3", 0.6),
		pairRow("4", "4", 0.55), pairRow("5", "5", 0.45), pairRow("6", "6", 0.1),
		pairRow("4", "7", 0.51), // nearest of all; shares s:4 with 4-4
		pairRow("8", "8", 0.3),
	}
	ids := func(ps []schemas.PairRow) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.LeftID+"-"+p.RightID)
		}
		return out
	}
	// In turn: nearest above (4-7 at 0.51), nearest below (5-5 at 0.45),
	// the most probable accepted (1-1); then nearest above again (4-4
	// shares s:4 with 4-7: skipped, so 3-3), nearest below (8-8).
	got := ids(PairsToAsk(pairs, 0.5, 5, nil))
	if want := []string{"4-7", "5-5", "1-1", "3-3", "8-8"}; !slices.Equal(got, want) {
		t.Errorf("asked %v, want %v", got, want)
	}
	skip := map[[2]string]bool{schemas.PairKey("s:4", "t:7"): true}
	got = ids(PairsToAsk(pairs, 0.5, 3, skip))
	if want := []string{"4-4", "5-5", "1-1"}; !slices.Equal(got, want) {
		t.Errorf("with 4-7 labelled before: asked %v, want %v", got, want)
	}
	if got := PairsToAsk(pairs, 0.5, 100, nil); len(got) != 7 { // all but the pair sharing s:4
		t.Errorf("asked %d of 8 pairs, want 7", len(got))
	}
}

func TestLabelRecordReadsBack(t *testing.T) {
	want := []Label{{A: "abt:1", B: "buy:x:2", Match: true}, {A: "abt:3", B: "buy:4"}}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(LabelHeader)
	for _, l := range want {
		w.Write(l.Record())
	}
	w.Flush()
	got, err := ReadLabels(strings.NewReader(b.String()), "", "")
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i].Line = 0
	}
	if !slices.Equal(got, want) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
}

// TestActiveLearningAdaptsToDemo: answered from the demo's truth, a few
// rounds of questions fine-tune the shipped model to a better end-to-end
// F1 on the demo; every answer is saved once, no pair is asked twice, and
// quitting keeps the answers so far.
func TestActiveLearningAdaptsToDemo(t *testing.T) {
	ctx := context.Background()
	cfg, err := schemas.Load("../../testdata/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	all, err := pipelines.LoadSources(ctx, cfg, cfg.SourceNames())
	if err != nil {
		t.Fatal(err)
	}
	corpus := replay.New(all)
	demo := demoCatalogue(t, 1)
	truth := demo.Calibration.Truth
	prior := matchers.DefaultModel()
	opts := ActiveOptions{Rounds: 3, PerRound: 10, PriorWeight: 100, Threshold: prior.Threshold}
	asked := map[[2]string]bool{}
	oracle := func(_ int, p schemas.PairRow) (Answer, error) {
		k := p.PairKey()
		if asked[k] {
			t.Errorf("pair %v asked twice", k)
		}
		asked[k] = true
		if truth.Pairs[k] {
			return Yes, nil
		}
		return No, nil
	}
	var saved []Label
	save := func(l Label) error { saved = append(saved, l); return nil }
	model, labels, err := ActiveLearning(corpus, cfg, prior, nil, opts, oracle, save)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 30 || !slices.Equal(labels, saved) {
		t.Fatalf("%d labels, %d saved; want 30 of each", len(labels), len(saved))
	}
	before, err := EvaluateHeldOut(prior, demo)
	if err != nil {
		t.Fatal(err)
	}
	after, err := EvaluateHeldOut(model, demo)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo F1 %.3f before, %.3f after %d labels", before.At.F1, after.At.F1, len(labels))
	if !(after.At.F1 > before.At.F1+0.02) || model.Threshold != prior.Threshold {
		t.Errorf("F1 %.3f before, %.3f after; threshold %v", before.At.F1, after.At.F1, model.Threshold)
	}

	// Earlier labels are kept and not asked again; Quit stops at once.
	n := 0
	quitSecond := func(_ int, p schemas.PairRow) (Answer, error) {
		k := p.PairKey()
		if asked[k] {
			t.Errorf("pair %v labelled before is asked again", k)
		}
		if n++; n == 2 {
			return Quit, nil
		}
		return No, nil
	}
	_, again, err := ActiveLearning(corpus, cfg, prior, labels, opts, quitSecond, func(Label) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 31 || n != 2 {
		t.Errorf("after quitting at the second question: %d labels, %d asked; want 31, 2", len(again), n)
	}
}
