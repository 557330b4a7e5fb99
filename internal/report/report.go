// Package report lays out the evaluation of a run against ground truth
// (internal/evaluate) as a self-contained HTML page: figures, SVG charts
// drawn in Go (charts.go), and the worst pairs explained feature by
// feature (internal/explain).
package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/explain"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Input is what an evaluation report is built from: a run's output,
// the ground truth and, for titles and features, the run's records and
// model.
type Input struct {
	Links     []schemas.LinkRow
	Pairs     []schemas.PairRow // the run's pairs/; nil when it wrote none
	Truth     *evaluate.Truth
	Threshold float64                 // the run's match threshold
	Cluster   matchers.ClusterOptions // the run's clustering rule, for the sweep
	// Corpus, when set, gives records their titles; with Model too, the
	// listed pairs get their features and a recomputed probability.
	Corpus *replay.Corpus
	Model  *matchers.Model
	// Thresholds are the sweep's, to which the run's threshold is added;
	// default DefaultSweepThresholds.
	Thresholds []float64
	// Worst is how many pairs each error table lists; default 15.
	Worst int
	// About describes the inputs (output, truth, config, model) in the
	// report's header.
	About []Fact
}

// Fact is a labelled value in the report's header.
type Fact struct{ Label, Value string }

// Report is an evaluation of a run against ground truth, ready to render
// as a self-contained HTML page (WriteHTML).
type Report struct {
	About     []Fact
	Threshold float64
	Metrics   evaluate.PairMetrics // of the run's clusters (evaluate.Links)
	TruePairs int
	Records   int // linked records
	Masters   int

	HasPairs bool
	// ScoredPairs counts distinct scored pairs; JudgedPairs those the
	// truth says something about (with id-pair truth, pairs across its two
	// sources).
	ScoredPairs, JudgedPairs int
	// CandidateTruePairs of TruePairs were scored; BlockingRecall is the
	// share.
	CandidateTruePairs int
	BlockingRecall     float64
	Sweep              []evaluate.SweepPoint
	Best               evaluate.SweepPoint // the sweep point with the highest F1
	Histogram          []HistogramBin
	ClusterSizes       []ClusterSizeCount

	// FalsePositives are the judged non-matches with the highest
	// probability; NonMatchesAbove counts those at or above the threshold.
	FalsePositives  []Pair
	NonMatchesAbove int
	// MissedScored are true pairs in different masters that were scored,
	// least probable first; MissedUnscored are those blocking never made
	// candidates, the ones the model would have scored highest first.
	MissedScored, MissedUnscored           []Pair
	MissedScoredCount, MissedUnscoredCount int
	HasFeatures                            bool
	// StalePairs counts listed pairs whose recomputed probability differs
	// from the run's (Pair.Stale).
	StalePairs int

	PRCurve, ProbHist, Clusters, Blocking Chart
}

// HistogramBin counts judged scored pairs with a probability in [Lo, Hi)
// (the last bin includes 1).
type HistogramBin struct {
	Lo, Hi              float64
	Matches, NonMatches int
}

// ClusterSizeCount is how many masters have Size members; Label is the size
// as shown ("12+" for the last, grouped bar).
type ClusterSizeCount struct {
	Size    int
	Label   string
	Masters int
}

// Record is one side of a listed pair.
type Record struct {
	Key, Title string
	Linked     bool // the record is in links/
}

// Pair is a pair listed in an error table.
type Pair struct {
	A, B        Record
	Probability float64 // the run's, when Scored
	Scored      bool
	SameMaster  bool
	// Explanation recomputes the pair's features and probability; nil
	// without a corpus and model.
	Explanation *matchers.Explanation
	// Top are the largest contributions by magnitude, for a one-line view.
	Top []matchers.Contribution
	// Stale is set when the recomputed probability differs from the run's:
	// the model or the records changed since the run.
	Stale bool
}

const (
	histogramBins   = 20
	maxClusterBars  = 12
	defaultWorst    = 15
	topContribution = 3
)

// Build evaluates a run against the truth and lays out the report.
func Build(in Input) (*Report, error) {
	if in.Truth == nil {
		return nil, fmt.Errorf("report: no truth")
	}
	if in.Worst <= 0 {
		in.Worst = defaultWorst
	}
	r := &Report{About: in.About, Threshold: in.Threshold, Records: len(in.Links), TruePairs: len(in.Truth.Pairs),
		Metrics: evaluate.Links(in.Links, in.Truth), HasPairs: len(in.Pairs) > 0,
		HasFeatures: in.Corpus != nil && in.Model != nil}

	master := make(map[string]string, len(in.Links))
	members := map[string]int{}
	for _, l := range in.Links {
		master[schemas.RecordKey(l.Source, l.SourceID)] = l.MasterID
		members[l.MasterID]++
	}
	r.Masters = len(members)
	r.ClusterSizes = clusterSizes(members)

	scored := map[[2]string]float64{} // a pair scored in two shards has one probability
	for _, p := range in.Pairs {
		scored[p.PairKey()] = p.MatchProbability
	}
	r.ScoredPairs = len(scored)
	if r.HasPairs {
		r.Histogram = make([]HistogramBin, histogramBins)
		for i := range r.Histogram {
			r.Histogram[i] = HistogramBin{Lo: float64(i) / histogramBins, Hi: float64(i+1) / histogramBins}
		}
	}
	pair := func(k [2]string) Pair {
		rp := Pair{A: in.record(k[0], master), B: in.record(k[1], master)}
		rp.Probability, rp.Scored = scored[k]
		rp.SameMaster = rp.A.Linked && rp.B.Linked && master[k[0]] == master[k[1]]
		return rp
	}
	var nonMatches []Pair
	for k, p := range scored {
		if !in.Truth.Judges(k[0], k[1]) {
			continue
		}
		r.JudgedPairs++
		bin := &r.Histogram[min(int(p*histogramBins), histogramBins-1)]
		if in.Truth.Pairs[k] {
			r.CandidateTruePairs++
			bin.Matches++
			continue
		}
		bin.NonMatches++
		if p >= in.Threshold {
			r.NonMatchesAbove++
		}
		nonMatches = append(nonMatches, pair(k))
	}
	if r.TruePairs > 0 && r.HasPairs {
		r.BlockingRecall = float64(r.CandidateTruePairs) / float64(r.TruePairs)
	}
	sort.Slice(nonMatches, func(i, j int) bool {
		return byProbability(nonMatches[i], nonMatches[j], true)
	})
	r.FalsePositives = in.explain(nonMatches[:min(len(nonMatches), in.Worst)])

	var missedScored, missedUnscored []Pair
	for k := range in.Truth.Pairs {
		rp := pair(k)
		switch {
		case rp.SameMaster:
		case rp.Scored:
			missedScored = append(missedScored, rp)
		default:
			missedUnscored = append(missedUnscored, rp)
		}
	}
	r.MissedScoredCount, r.MissedUnscoredCount = len(missedScored), len(missedUnscored)
	sort.Slice(missedScored, func(i, j int) bool { return byProbability(missedScored[i], missedScored[j], false) })
	r.MissedScored = in.explain(missedScored[:min(len(missedScored), in.Worst)])
	// Blocking misses have no run probability: explain them all and list
	// the ones the model would have matched most surely first.
	if r.HasFeatures {
		missedUnscored = in.explain(missedUnscored)
	}
	sort.Slice(missedUnscored, func(i, j int) bool {
		return byProbability(missedUnscored[i], missedUnscored[j], true)
	})
	r.MissedUnscored = missedUnscored[:min(len(missedUnscored), in.Worst)]

	if r.HasPairs {
		th := in.Thresholds
		if len(th) == 0 {
			th = evaluate.DefaultSweepThresholds()
		}
		r.Sweep = evaluate.Sweep(in.Pairs, in.Truth, evaluate.WithThreshold(th, in.Threshold), in.Cluster)
		r.Best = evaluate.BestSweepPoint(r.Sweep)
	}
	for _, list := range [][]Pair{r.FalsePositives, r.MissedScored} {
		for _, p := range list {
			if p.Stale {
				r.StalePairs++
			}
		}
	}
	r.PRCurve = sweepChart(r.Sweep, r.Threshold)
	r.ProbHist = histogramChart(r.Histogram, r.Threshold)
	r.Clusters = clusterChart(r.ClusterSizes)
	merged := r.TruePairs - r.MissedScoredCount - r.MissedUnscoredCount
	r.Blocking = blockingChart(merged, r.MissedScoredCount, r.MissedUnscoredCount, r.BlockingRecall, r.HasPairs)
	return r, nil
}

func (in *Input) record(key string, master map[string]string) Record {
	_, linked := master[key]
	return Record{Key: key, Title: in.Corpus.Title(key), Linked: linked}
}

// explain adds features to the pairs when the input has a corpus and a
// model; a pair with a record missing from the corpus stays without.
func (in *Input) explain(pairs []Pair) []Pair {
	if in.Corpus == nil || in.Model == nil {
		return pairs
	}
	for i := range pairs {
		pe, err := explain.Score(in.Corpus, in.Model, pairs[i].A.Key, pairs[i].B.Key)
		if err != nil {
			continue
		}
		pairs[i].Explanation = &pe.Explanation
		pairs[i].Stale = pairs[i].Scored && math.Abs(pe.Probability-pairs[i].Probability) > explain.StaleTolerance
		top := append([]matchers.Contribution(nil), pe.Contributions...)
		sort.SliceStable(top, func(a, b int) bool { return math.Abs(top[a].Contribution) > math.Abs(top[b].Contribution) })
		pairs[i].Top = top[:min(len(top), topContribution)]
	}
	return pairs
}

// probability is the run's probability of a scored pair, else the
// recomputed one, else -1.
func (p *Pair) probability() float64 {
	switch {
	case p.Scored:
		return p.Probability
	case p.Explanation != nil:
		return p.Explanation.Probability
	}
	return -1
}

// byProbability orders pairs by probability (descending when desc), then
// by keys, so reports are deterministic.
func byProbability(a, b Pair, desc bool) bool {
	pa, pb := a.probability(), b.probability()
	if pa != pb {
		return (pa > pb) == desc
	}
	if a.A.Key != b.A.Key {
		return a.A.Key < b.A.Key
	}
	return a.B.Key < b.B.Key
}

// clusterSizes counts masters by member count; sizes beyond the first
// maxClusterBars-1 distinct ones share a last "N+" bar.
func clusterSizes(members map[string]int) []ClusterSizeCount {
	bySize := map[int]int{}
	for _, n := range members {
		bySize[n]++
	}
	sizes := make([]int, 0, len(bySize))
	for s := range bySize {
		sizes = append(sizes, s)
	}
	sort.Ints(sizes)
	var out []ClusterSizeCount
	for i, s := range sizes {
		if i == maxClusterBars-1 && len(sizes) > maxClusterBars {
			rest := 0
			for _, t := range sizes[i:] {
				rest += bySize[t]
			}
			return append(out, ClusterSizeCount{Size: s, Label: strconv.Itoa(s) + "+", Masters: rest})
		}
		out = append(out, ClusterSizeCount{Size: s, Label: strconv.Itoa(s), Masters: bySize[s]})
	}
	return out
}

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"f1":       func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"f2":       func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
	"f4":       func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) },
	"describe": explain.FeatureDescription,
	"plus": func(v float64) string {
		if v+0 >= 0 {
			return "+" + strconv.FormatFloat(v+0, 'f', 2, 64)
		}
		return strconv.FormatFloat(v, 'f', 2, 64)
	},
}).Parse(reportTemplateText))

// WriteHTML renders the report as one self-contained HTML page: inline CSS
// and SVG, no script, nothing fetched.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := reportTemplate.Execute(w, r); err != nil {
		return fmt.Errorf("rendering report: %w", err)
	}
	return nil
}
