package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// UnsupervisedOptions configure Unsupervised.
type UnsupervisedOptions struct {
	Comparisons []matchers.Comparison // default matchers.Comparisons
	// RandomPairs is how many record pairs u is estimated from, drawn
	// uniformly with Seed (every pair when there are fewer); default 1e6.
	RandomPairs int
	Seed        uint64
	EM          matchers.EMOptions
	TrainedOn   string
}

// UnsupervisedResult is a Fellegi-Sunter model estimated without labels.
type UnsupervisedResult struct {
	Model          *matchers.Model
	FS             *matchers.FellegiSunter
	Records        int
	CandidatePairs int
	RandomPairs    int
}

// Unsupervised estimates a Fellegi-Sunter match model from the
// records alone, as Splink does: u from pairs drawn at random (nearly all
// non-matches), then m and the share of matches λ by EM over the candidate
// pairs the blocking produces, u fixed. Records are prepared and TF-IDF
// weighted over all of them, as the job does.
func Unsupervised(records []schemas.Product, blocking schemas.BlockingConfig, opts UnsupervisedOptions) (UnsupervisedResult, error) {
	if opts.Comparisons == nil {
		opts.Comparisons = matchers.Comparisons
	}
	if opts.RandomPairs == 0 {
		opts.RandomPairs = 1_000_000
	}
	records = replay.NewestPerKey(records)
	if len(records) < 2 {
		return UnsupervisedResult{}, fmt.Errorf("unsupervised training: %d records, want at least 2", len(records))
	}
	set, err := matchers.NewComparisonSet(opts.Comparisons)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	candidates, err := replay.CandidatePairs(records, blocking)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	brands := matchers.DefaultBrandIndex()
	prepared := make([]matchers.Prepared, len(records))
	idf := &matchers.IDF{DF: map[string]int32{}}
	for i := range records {
		prepared[i] = transforms.MatchView(&records[i], brands)
		idf.Add(prepared[i].TitleTokens)
		idf.AddTitle(prepared[i].TitleTokens)
	}
	for i := range prepared {
		idf.Weigh(&prepared[i])
	}
	var levels []uint8
	count := func(lc *matchers.LevelCounts, i, j int) {
		levels = set.Levels(&prepared[i], &prepared[j], levels[:0])
		lc.Add(levels, 1)
	}
	random := &matchers.LevelCounts{}
	drawn := randomPairs(len(records), opts.RandomPairs, opts.Seed, func(i, j int) { count(random, i, j) })
	blocked := &matchers.LevelCounts{}
	for _, p := range candidates {
		count(blocked, p[0], p[1])
	}
	u := matchers.EstimateU(opts.Comparisons, random, opts.EM)
	fs, err := matchers.EstimateM(opts.Comparisons, u, blocked, opts.EM)
	if err != nil {
		return UnsupervisedResult{}, err
	}
	m := fs.Model()
	m.TrainedOn = opts.TrainedOn
	m.Metrics = map[string]float64{
		"records": float64(len(records)), "candidate_pairs": float64(len(candidates)),
		"random_pairs": float64(drawn), "lambda": fs.Lambda, "em_iterations": float64(fs.Iterations),
	}
	for c, comp := range opts.Comparisons {
		for l, level := range comp.Levels {
			if !level.Null {
				name := matchers.LevelFeature(comp, level)
				m.Metrics["m "+name], m.Metrics["u "+name] = fs.M[c][l], fs.U[c][l]
			}
		}
	}
	return UnsupervisedResult{Model: m, FS: fs, Records: len(records), CandidatePairs: len(candidates), RandomPairs: drawn}, nil
}

// randomPairs calls fn with want pairs of distinct indices below n drawn
// uniformly with seed, or with every pair once when there are no more
// than want; it returns how many pairs it gave.
func randomPairs(n, want int, seed uint64, fn func(i, j int)) int {
	if all := n * (n - 1) / 2; all <= want {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				fn(i, j)
			}
		}
		return all
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for k := 0; k < want; k++ {
		i := rng.IntN(n)
		j := rng.IntN(n - 1)
		if j >= i {
			j++ // uniform over the n-1 others
		}
		fn(i, j)
	}
	return want
}

// String reports the estimate for the train command.
func (r UnsupervisedResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d candidate pairs, %d random pairs\n", r.Records, r.CandidatePairs, r.RandomPairs)
	fmt.Fprintf(&b, "EM: %d iterations, converged %v; share of matches among candidate pairs λ %.4f\n", r.FS.Iterations, r.FS.Converged, r.FS.Lambda)
	fmt.Fprintf(&b, "%-28s %9s %9s %8s\n", "level", "m", "u", "ln(m/u)")
	for c, comp := range r.FS.Comparisons {
		for l, level := range comp.Levels {
			if !level.Null {
				fmt.Fprintf(&b, "%-28s %9.5f %9.5f %8.3f\n", matchers.LevelFeature(comp, level), r.FS.M[c][l], r.FS.U[c][l], math.Log(r.FS.M[c][l]/r.FS.U[c][l]))
			}
		}
	}
	fmt.Fprintf(&b, "threshold %.2f", r.Model.Threshold)
	return b.String()
}
