package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/explain"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// reportFixture is a small run over sources a and b with id-pair truth
// a:n = b:n for n in 1..4:
//
//	m1 {a:1 b:1}        true pair, merged
//	m2 {a:2 b:9}        false positive; b:2 alone in m3, a missed scored pair
//	m4 {a:3}, m5 {b:3}  a true pair blocking never paired
//	m6 {a:4 b:4 a:5}    true pair merged, false positive a:5-b:4, and a:4-a:5
//	                    inside source a, which id-pair truth does not judge
func reportFixture() Input {
	link := func(master, source, id string, p float64) schemas.LinkRow {
		return schemas.LinkRow{MasterID: master, Source: source, SourceID: id, MatchProbability: p}
	}
	pair := func(ls, li, rs, ri string, p float64) schemas.PairRow {
		return schemas.PairRow{LeftSource: ls, LeftID: li, RightSource: rs, RightID: ri, MatchProbability: p}
	}
	truth := &evaluate.Truth{Pairs: map[[2]string]bool{}, Records: map[string]bool{}, CrossSources: [2]string{"a", "b"}}
	for _, n := range []string{"1", "2", "3", "4"} {
		truth.Pairs[schemas.PairKey("a:"+n, "b:"+n)] = true
		truth.Records["a:"+n], truth.Records["b:"+n] = true, true
	}
	titles := map[string]string{
		"a:1": "Sony WH-1000XM4 headphones black", "b:1": "SONY WH1000XM4/B wireless headphones",
		"a:2": "Bose QC45 headphones", "b:2": "Bose QuietComfort 45 <b>&</b> case", "b:9": "Bose QC Ultra headphones",
		"a:3": "Canon EOS R50 kit", "b:3": "EOS R50 mirrorless + 18-45mm",
		"a:4": "LG OLED65C3 65in TV", "b:4": "LG OLED65C3PUA 65 inch OLED evo", "a:5": "LG OLED55C3 55in TV",
	}
	var records []schemas.Product
	for k, title := range titles {
		s, id, _ := strings.Cut(k, ":")
		records = append(records, schemas.Product{Source: s, SourceID: id, Title: title})
	}
	return Input{
		Links: []schemas.LinkRow{
			link("m1", "a", "1", 0.95), link("m1", "b", "1", 0.95),
			link("m2", "a", "2", 0.8), link("m2", "b", "9", 0.8), link("m3", "b", "2", 0),
			link("m4", "a", "3", 0), link("m5", "b", "3", 0),
			link("m6", "a", "4", 0.9), link("m6", "b", "4", 0.9), link("m6", "a", "5", 0.7),
		},
		Pairs: []schemas.PairRow{
			pair("a", "1", "b", "1", 0.95), pair("b", "1", "a", "1", 0.95), // scored in two shards
			pair("a", "2", "b", "9", 0.8), pair("a", "2", "b", "2", 0.3),
			pair("a", "4", "b", "4", 0.9), pair("b", "4", "a", "5", 0.7),
			pair("a", "4", "a", "5", 0.6), pair("a", "1", "b", "9", 0.1),
		},
		Truth:     truth,
		Threshold: 0.5,
		Corpus:    replay.New(records),
		Model:     matchers.DefaultModel(),
		About:     []Fact{{"output", "out/test"}},
	}
}

func pairKeys(ps []Pair) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.A.Key+"~"+p.B.Key)
	}
	return out
}

func TestBuild(t *testing.T) {
	in := reportFixture()
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	m := r.Metrics
	if m.TruePositives != 2 || m.FalsePositives != 2 || m.FalseNegatives != 2 {
		t.Errorf("metrics %s, want tp 2, fp 2, fn 2", m)
	}
	if r.Records != 10 || r.Masters != 6 || r.TruePairs != 4 {
		t.Errorf("records %d, masters %d, true pairs %d; want 10, 6, 4", r.Records, r.Masters, r.TruePairs)
	}
	if r.ScoredPairs != 7 || r.JudgedPairs != 6 || r.CandidateTruePairs != 3 || r.BlockingRecall != 0.75 {
		t.Errorf("scored %d, judged %d, candidate true pairs %d, blocking recall %v; want 7, 6, 3, 0.75",
			r.ScoredPairs, r.JudgedPairs, r.CandidateTruePairs, r.BlockingRecall)
	}
	if r.BlockingRecall != evaluate.BlockingRecall(in.Pairs, in.Truth) {
		t.Errorf("blocking recall %v, BlockingRecall says %v", r.BlockingRecall, evaluate.BlockingRecall(in.Pairs, in.Truth))
	}

	wantMatches := map[int]int{19: 1, 18: 1, 6: 1}    // 0.95, 0.9, 0.3
	wantNonMatches := map[int]int{16: 1, 14: 1, 2: 1} // 0.8, 0.7, 0.1
	if len(r.Histogram) != 20 {
		t.Fatalf("%d histogram bins, want 20", len(r.Histogram))
	}
	for i, b := range r.Histogram {
		if b.Matches != wantMatches[i] || b.NonMatches != wantNonMatches[i] {
			t.Errorf("bin %d [%v, %v): %d matches, %d non-matches; want %d, %d",
				i, b.Lo, b.Hi, b.Matches, b.NonMatches, wantMatches[i], wantNonMatches[i])
		}
	}

	if got, want := fmt.Sprint(r.ClusterSizes), "[{1 1 3} {2 2 2} {3 3 1}]"; got != want {
		t.Errorf("cluster sizes %s, want %s", got, want)
	}

	if got, want := strings.Join(pairKeys(r.FalsePositives), " "), "a:2~b:9 a:5~b:4 a:1~b:9"; got != want {
		t.Errorf("false positives %s, want %s", got, want)
	}
	if !r.FalsePositives[0].SameMaster || r.FalsePositives[2].SameMaster || r.NonMatchesAbove != 2 {
		t.Errorf("false positives: same master %v %v, %d above the threshold; want true false, 2",
			r.FalsePositives[0].SameMaster, r.FalsePositives[2].SameMaster, r.NonMatchesAbove)
	}
	if got := strings.Join(pairKeys(r.MissedScored), " "); got != "a:2~b:2" || r.MissedScoredCount != 1 || r.MissedScored[0].Probability != 0.3 {
		t.Errorf("missed scored pairs %s (%d), want a:2~b:2 at 0.3", got, r.MissedScoredCount)
	}
	if got := strings.Join(pairKeys(r.MissedUnscored), " "); got != "a:3~b:3" || r.MissedUnscoredCount != 1 || r.MissedUnscored[0].Scored {
		t.Errorf("missed unscored pairs %s (%d), want a:3~b:3", got, r.MissedUnscoredCount)
	}
	for _, p := range append(append(r.FalsePositives, r.MissedScored...), r.MissedUnscored...) {
		if p.A.Title == "" || p.B.Title == "" || !p.A.Linked || !p.B.Linked {
			t.Errorf("%s ~ %s: titles %q, %q, linked %v %v", p.A.Key, p.B.Key, p.A.Title, p.B.Title, p.A.Linked, p.B.Linked)
		}
		e := p.Explanation
		if e == nil {
			t.Errorf("%s ~ %s: no features", p.A.Key, p.B.Key)
			continue
		}
		sum := e.Bias
		for _, c := range e.Contributions {
			sum += c.Contribution
		}
		if math.Abs(sum-e.Logit) > 1e-9 || len(e.Contributions) != len(in.Model.Features) {
			t.Errorf("%s ~ %s: %d contributions sum with the bias to %v, logit %v", p.A.Key, p.B.Key, len(e.Contributions), sum, e.Logit)
		}
		if len(p.Top) != 3 || math.Abs(p.Top[0].Contribution) < math.Abs(p.Top[2].Contribution) {
			t.Errorf("%s ~ %s: top contributions %+v", p.A.Key, p.B.Key, p.Top)
		}
	}

	// The fixture's probabilities are made up, so every listed scored pair
	// disagrees with the model.
	if want := len(r.FalsePositives) + len(r.MissedScored); r.StalePairs != want {
		t.Errorf("%d stale pairs, want %d", r.StalePairs, want)
	}

	// The sweep rebuilds the run's clusters at the run's threshold.
	var atRun *evaluate.SweepPoint
	for i := range r.Sweep {
		if r.Sweep[i].Threshold == in.Threshold {
			atRun = &r.Sweep[i]
		}
	}
	if len(r.Sweep) != len(evaluate.DefaultSweepThresholds()) || atRun == nil {
		t.Fatalf("sweep of %d points without the run's threshold", len(r.Sweep))
	}
	if atRun.PairMetrics != r.Metrics {
		t.Errorf("sweep at the run's threshold: %s, the run: %s", atRun.PairMetrics, r.Metrics)
	}
	if r.Best.F1 < atRun.F1 {
		t.Errorf("best F1 %v below the run's %v", r.Best.F1, atRun.F1)
	}

	// Chart geometry: one dot per sweep point and metric, one bar per
	// non-empty bin, cluster size and fate of the true pairs.
	if len(r.PRCurve.Series) != 3 || len(r.PRCurve.Series[0].Dots) != len(r.Sweep) || r.PRCurve.Empty != "" {
		t.Errorf("pr-curve: %d series, %d dots", len(r.PRCurve.Series), len(r.PRCurve.Series[0].Dots))
	}
	for name, c := range map[string]struct {
		chart Chart
		bars  int
	}{"prob-hist": {r.ProbHist, 6}, "cluster-sizes": {r.Clusters, 3}, "blocking-recall": {r.Blocking, 3}} {
		if len(c.chart.Bars) != c.bars || c.chart.ID != name {
			t.Errorf("%s: %d bars, want %d", name, len(c.chart.Bars), c.bars)
		}
		for _, b := range c.chart.Bars {
			if !(b.W > 0 && b.H > 0 && b.X >= 0 && b.Y >= 0 && b.X+b.W <= c.chart.Width && b.Y+b.H <= c.chart.Height) {
				t.Errorf("%s: bar %+v outside the %vx%v chart", name, b, c.chart.Width, c.chart.Height)
			}
		}
	}
}

func TestBuildWithoutPairs(t *testing.T) {
	in := reportFixture()
	in.Pairs = nil
	in.Corpus, in.Model = nil, nil
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.HasPairs || r.HasFeatures || len(r.Sweep) != 0 || len(r.Histogram) != 0 || len(r.FalsePositives) != 0 {
		t.Errorf("without pairs/: has pairs %v, features %v, %d sweep points, %d bins, %d false positives",
			r.HasPairs, r.HasFeatures, len(r.Sweep), len(r.Histogram), len(r.FalsePositives))
	}
	if r.PRCurve.Empty == "" || r.ProbHist.Empty == "" || r.Clusters.Empty != "" {
		t.Errorf("charts without pairs/: pr-curve %q, prob-hist %q, clusters %q", r.PRCurve.Empty, r.ProbHist.Empty, r.Clusters.Empty)
	}
	if got := strings.Join(pairKeys(r.MissedUnscored), " "); got != "a:2~b:2 a:3~b:3" {
		t.Errorf("missed pairs %s, want a:2~b:2 a:3~b:3 in key order", got)
	}
	var html bytes.Buffer
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "output.write_pairs") {
		t.Error("report without pairs/ does not say how to get them")
	}
}

func TestReportHTML(t *testing.T) {
	r, err := Build(reportFixture())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, id := range []string{"pr-curve", "prob-hist", "cluster-sizes", "blocking-recall"} {
		if !strings.Contains(html, `<svg id="`+id+`"`) {
			t.Errorf("no <svg id=%q>", id)
		}
	}
	if n, want := strings.Count(html, `<circle class="point"`), 3*len(r.Sweep); n != want {
		t.Errorf("%d points, want %d", n, want)
	}
	if n := strings.Count(html, `<rect class="bar"`); n != 6+3+3 {
		t.Errorf("%d bars, want 12", n)
	}
	// Self-contained: nothing to fetch, nothing to run.
	for _, banned := range []string{"http://", "https://", "<script", "<link", " src=", "@import", "url("} {
		if strings.Contains(html, banned) {
			t.Errorf("report contains %q", banned)
		}
	}
	// Titles are data, escaped.
	if !strings.Contains(html, "Bose QuietComfort 45 &lt;b&gt;&amp;&lt;/b&gt; case") {
		t.Error("record title missing or not escaped")
	}
	for _, want := range []string{"0.5000", "a:2", "b:9", "title_tfidf", "logit"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestClusterSizes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members map[string]int
		want    string
	}{
		{"empty", nil, "[]"},
		{"one", map[string]int{"m1": 1}, "[{1 1 1}]"},
		{"mixed", map[string]int{"m1": 2, "m2": 1, "m3": 2}, "[{1 1 1} {2 2 2}]"},
		{"long tail grouped", func() map[string]int {
			m := map[string]int{}
			for i := 1; i <= 14; i++ {
				m[fmt.Sprint("m", i)] = i
			}
			return m
		}(), "[{1 1 1} {2 2 1} {3 3 1} {4 4 1} {5 5 1} {6 6 1} {7 7 1} {8 8 1} {9 9 1} {10 10 1} {11 11 1} {12 12+ 3}]"},
	} {
		if got := fmt.Sprint(clusterSizes(tc.members)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		max     float64
		n       int
		want    string
		wantTop float64
	}{
		{0, 4, "[0 1]", 1},
		{3, 2, "[0 2 4]", 4},
		{7, 4, "[0 2 4 6 8]", 8},
		{1234, 4, "[0 500 1000 1500]", 1500},
	} {
		ticks, top := niceTicks(tc.max, tc.n)
		if got := fmt.Sprint(ticks); got != tc.want || top != tc.wantTop {
			t.Errorf("niceTicks(%v, %d) = %s, %v; want %s, %v", tc.max, tc.n, got, top, tc.want, tc.wantTop)
		}
	}
}

func TestReportStalePairs(t *testing.T) {
	in := reportFixture()
	pe, err := explain.Score(in.Corpus, in.Model, "a:2", "b:9")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range in.Pairs {
		if p.LeftID == "2" && p.RightID == "9" {
			in.Pairs[i].MatchProbability = pe.Probability // as the run scored it
		}
	}
	r, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.FalsePositives {
		if want := p.A.Key != "a:2" || p.B.Key != "b:9"; p.Stale != want {
			t.Errorf("%s ~ %s: stale %v, want %v", p.A.Key, p.B.Key, p.Stale, want)
		}
	}
	var html bytes.Buffer
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), `class="warn"`) {
		t.Error("no warning about pairs the model scores differently")
	}
}
