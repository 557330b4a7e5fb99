package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// demoCatalogue is the demo's sources labelled by its truth.
func demoCatalogue(t *testing.T, sample float64) Dataset {
	t.Helper()
	d, err := LoadCatalogue(context.Background(), "demo", "../../testdata/demo.yaml", "../../testdata/demo/truth.csv", "", "", sample)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadCatalogue(t *testing.T) {
	d := demoCatalogue(t, 0.5)
	c := d.Calibration
	matches := 0
	for _, p := range c.Pairs {
		if p.Match != c.Truth.Pairs[schemas.PairKey(p.A.Key(), p.B.Key())] {
			t.Fatalf("pair %s %s labelled %v against the truth", p.A.Key(), p.B.Key(), p.Match)
		}
		if p.Match {
			matches++
		}
	}
	// Every candidate pair whose records the truth names calibrates; every
	// second one is fitted on.
	if len(c.Pairs) < 100 || matches < 20 || len(d.Pairs) != (len(c.Pairs)+1)/2 {
		t.Fatalf("%d candidate pairs (%d matches), %d to fit on", len(c.Pairs), matches, len(d.Pairs))
	}
	// Each pair is marked confirmed as the job marks its edge, from the
	// records' matching views.
	if len(c.Confirmed) != len(c.Pairs) {
		t.Fatalf("%d confirmed flags for %d pairs", len(c.Confirmed), len(c.Pairs))
	}
	confirmed := 0
	for i, p := range c.Pairs {
		brands := matchers.DefaultBrandIndex()
		va, vb := transforms.MatchView(&p.A, brands), transforms.MatchView(&p.B, brands)
		if want := matchers.IdentifiersAgree(va.GTIN, vb.GTIN, va.Models, vb.Models); c.Confirmed[i] != want {
			t.Fatalf("pair %s %s: confirmed %v, want %v", p.A.Key(), p.B.Key(), c.Confirmed[i], want)
		}
		if c.Confirmed[i] {
			confirmed++
		}
	}
	if confirmed == 0 || confirmed == len(c.Pairs) {
		t.Fatalf("%d of %d pairs confirmed: the demo has both kinds", confirmed, len(c.Pairs))
	}
}

func TestModelKeepsSigns(t *testing.T) {
	d := demoCatalogue(t, 1)
	res, err := Model([]Dataset{d}, Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	signs := matchers.FeatureSigns(m.Features)
	for i, w := range m.Weights {
		if float64(signs[i])*w < 0 {
			t.Errorf("feature %s has weight %.3f against its sign %+d", m.Features[i], w, signs[i])
		}
	}
	// The threshold is the calibration catalogue's best on the 0.01 grid.
	if th := m.Threshold * 100; th != float64(int(th+0.5)) || res.EndToEnd.F1 < 0.8 {
		t.Fatalf("threshold %v, end-to-end F1 %.3f", m.Threshold, res.EndToEnd.F1)
	}
}

// TestThresholdForUnseenData: with two datasets, the threshold is the
// best of the mean F1 each dataset gets from a model fitted on the other,
// not the one the pooled model would pick on its own training pairs.
func TestThresholdForUnseenData(t *testing.T) {
	demo := demoCatalogue(t, 1)
	// The second dataset is the demo's pairs without model numbers and
	// GTINs: a kind of data the first does not teach.
	var pairs []LabelledPair
	for _, p := range demo.Pairs {
		p.A.ModelNumber, p.A.GTIN, p.B.ModelNumber, p.B.GTIN = "", "", "", ""
		pairs = append(pairs, p)
	}
	datasets := []Dataset{demo, {Name: "no codes", Pairs: pairs}}
	opts := Options{Features: matchers.DefaultModel().Features, Holdout: 0.3, Seed: 5}
	res, err := Model(datasets, opts)
	if err != nil {
		t.Fatal(err)
	}
	grid := evaluate.DefaultSweepThresholds()
	mean := make([]float64, len(grid))
	for i, d := range datasets {
		f, err := fit(datasets[1-i:2-i], opts)
		if err != nil {
			t.Fatal(err)
		}
		points, err := curve(f.model, d, grid)
		if err != nil {
			t.Fatal(err)
		}
		for k := range grid {
			mean[k] += points[k].F1 / 2
		}
	}
	at := func(th float64) float64 { return mean[int(math.Round(th*100))-1] }
	best := slices.Max(mean)
	if at(res.Model.Threshold) != best {
		t.Fatalf("threshold %.2f: held-out mean F1 %.4f, best %.4f", res.Model.Threshold, at(res.Model.Threshold), best)
	}
}

func TestLeaveOneOut(t *testing.T) {
	demo := demoCatalogue(t, 1)
	// A second dataset: the demo's matches and non-matches as bare pairs,
	// reversed so the two differ.
	var pairs []LabelledPair
	for _, p := range demo.Pairs {
		pairs = append(pairs, LabelledPair{A: p.B, B: p.A, Match: p.Match})
	}
	datasets := []Dataset{demo, {Name: "pairs", Pairs: pairs}}
	rows, err := LeaveOneOut(datasets, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Dataset != "demo" || rows[1].Dataset != "pairs" {
		t.Fatalf("rows %+v", rows)
	}
	for _, h := range rows {
		if !(h.At.F1 > 0.5 && h.Best.F1 > 0.5) || h.BestThreshold <= 0 || h.BestThreshold >= 1 {
			t.Errorf("%s: F1 %.3f at %.2f, best %.3f at %.2f", h.Dataset, h.At.F1, h.Threshold, h.Best.F1, h.BestThreshold)
		}
	}
	var b strings.Builder
	if err := WriteHeldOut(&b, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| demo | ") || strings.Count(b.String(), "\n") != 4 {
		t.Fatalf("table:\n%s", b.String())
	}
}

// TestTitleCountsOverCatalogue: training counts the records per title
// over the whole catalogue, as the job does, not only over the records of
// the pairs it fits on.
func TestTitleCountsOverCatalogue(t *testing.T) {
	pairs := []LabelledPair{{A: schemas.Product{Source: "a", SourceID: "1", Title: "Acme Garden Hose"},
		B: schemas.Product{Source: "b", SourceID: "1", Title: "acme garden hose"}, Match: true}}
	features := []string{"title_tfidf_uncoded_tf", "title_shared"}
	X, _, err := FeatureMatrix(pairs, features)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(X[0], []float64{1, 0}) { // the pair's two records alone
		t.Errorf("over the pairs: %v, want [1 0]", X[0])
	}
	var titles matchers.TitleCounts
	for range 5 { // five records of the catalogue share the title
		titles.Add([]string{"hose", "acme", "garden"})
	}
	d := Dataset{Name: "c", Pairs: pairs, Calibration: &Calibration{Pairs: pairs, Titles: titles}}
	X, _, err = featureMatrix(d.Pairs, features, d.titles())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(X[0], []float64{0.25, 0.75}) { // 1/(5-1), 1 - 1/(5-1)
		t.Errorf("over the catalogue: %v, want [0.25 0.75]", X[0])
	}
	// LoadCatalogue counts every record of the demo, not only those of
	// candidate pairs.
	demo := demoCatalogue(t, 1)
	total := 0
	for _, n := range demo.Calibration.Titles {
		total += int(n)
	}
	if total != 70 { // 75 accepted, 5 superseded (README)
		t.Errorf("demo: %d records counted by title, want 70", total)
	}
}
