package matchers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A Fellegi-Sunter model sorts each comparison of a pair into one of a
// few named levels and weighs level l of comparison c by ln(m/u), where
// m = P(l | match) and u = P(l | non-match). With the comparisons taken as
// independent given the match status (the model's assumption), the log-odds
// of a match is logit(λ) + Σ_c ln(m_c,l / u_c,l), λ the share of matches:
// linear in one-hot level indicators. So a Fellegi-Sunter model is a plain
// Model whose features are level indicators, named "comparison=level"
// ("model=agree", "title_tfidf=[0.7,0.9)") and resolved by NewFeatureSet,
// with weights ln(m/u), bias logit(λ) and no standardisation.

// Comparison is a named comparison of two records with mutually exclusive
// levels, tested in order: a pair is at the first level that holds.
type Comparison struct {
	Name   string
	Levels []Level
}

// Level is one outcome of a Comparison. It holds when Min <= Feature's
// value < Max; a level without a Feature always holds, and only the last
// level may (and must) have none. A Null level means the comparison could
// not be made (a value is missing): as in Splink, it carries no evidence
// (m = u, weight 0), so it gets no indicator in a model.
type Level struct {
	Name     string
	Feature  string
	Min, Max float64
	Null     bool
}

// band is the level Min <= feature < Max, named by its interval; a Max of
// 1 includes 1 (similarities reach 1 exactly).
func band(feature string, lo, hi float64) Level {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	if hi == 1 {
		return Level{Name: "[" + f(lo) + ",1]", Feature: feature, Min: lo, Max: math.Inf(1)}
	}
	return Level{Name: "[" + f(lo) + "," + f(hi) + ")", Feature: feature, Min: lo, Max: hi}
}

// flag is the level at which a 0/1 feature is 1.
func flag(name, feature string) Level {
	return Level{Name: name, Feature: feature, Min: 1, Max: math.Inf(1)}
}

// Comparisons are the comparisons of the unsupervised model, each over
// existing features, their levels ordered from the strongest evidence of a
// match to the strongest against (null levels last). Features that
// restate one another (title Jaccard and containment next to TF-IDF) are
// left out: the model takes its comparisons as independent, and counting
// one piece of evidence twice would overweigh it.
var Comparisons = []Comparison{
	{"title_tfidf", []Level{
		band("title_tfidf", 0.9, 1), band("title_tfidf", 0.7, 0.9), band("title_tfidf", 0.5, 0.7),
		band("title_tfidf", 0.3, 0.5), {Name: "[0,0.3)"},
	}},
	{"model", []Level{
		flag("agree", "model_agree"), flag("partial", "model_partial"), flag("in_title", "model_in_title"),
		flag("variant", "model_variant"), flag("disagree", "model_disagree"), {Name: "unknown", Null: true},
	}},
	{"gtin", []Level{
		flag("agree", "gtin_agree"), flag("disagree", "gtin_disagree"), {Name: "unknown", Null: true},
	}},
	// A brand owned by the other (JBL, Harman) is neither agree nor
	// disagree, so it counts as unknown.
	{"brand", []Level{
		flag("agree", "brand_agree"), flag("disagree", "brand_disagree"), {Name: "unknown", Null: true},
	}},
	{"price", []Level{
		{Name: "unknown", Feature: "price_known", Min: math.Inf(-1), Max: 1, Null: true},
		band("price_ratio", 0.9, 1), band("price_ratio", 0.75, 0.9), band("price_ratio", 0.5, 0.75),
		{Name: "[0,0.5)"},
	}},
	// title_number_mismatch is 0 both when the numbers agree and when a
	// title has none, so "0" is an ordinary level, not a null one.
	{"title_numbers", []Level{
		{Name: "0", Feature: "title_number_mismatch", Min: math.Inf(-1), Max: 1e-9},
		{Name: "(0,0.5)", Feature: "title_number_mismatch", Min: 1e-9, Max: 0.5},
		{Name: "[0.5,1]"},
	}},
	{"colour", []Level{
		flag("agree", "colour_agree"), flag("mismatch", "colour_mismatch"), {Name: "unknown", Null: true},
	}},
}

// LevelFeature is the name of the indicator feature of level l of c.
func LevelFeature(c Comparison, l Level) string { return c.Name + "=" + l.Name }

// ComparisonSet sorts pairs into the levels of its comparisons.
type ComparisonSet struct {
	Comparisons []Comparison
	compiled    []compiledComparison
}

type compiledComparison struct {
	features []func(a, b *Prepared) float64
	levels   []compiledLevel
}

type compiledLevel struct {
	feature  int // index in features; the last level has none
	min, max float64
}

// NewComparisonSet checks the comparisons and resolves their features.
func NewComparisonSet(cs []Comparison) (*ComparisonSet, error) {
	set := &ComparisonSet{Comparisons: cs}
	byName := featureFuncs()
	var errs []error
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("comparison %q declared twice", c.Name))
		}
		seen[c.Name] = true
		cc, err := compileComparison(c, byName)
		errs = append(errs, err)
		set.compiled = append(set.compiled, cc)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func featureFuncs() map[string]func(a, b *Prepared) float64 {
	byName := make(map[string]func(a, b *Prepared) float64, len(Features))
	for _, f := range Features {
		byName[f.Name] = f.Compute
	}
	return byName
}

// compileComparison checks c: a name without "=", at least two levels of
// distinct names, one of them not null, a Feature on every level but the
// last, known features, Min < Max.
func compileComparison(c Comparison, byName map[string]func(a, b *Prepared) float64) (compiledComparison, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("comparison %q: "+format, append([]any{c.Name}, args...)...))
	}
	if c.Name == "" || strings.Contains(c.Name, "=") {
		bad("name must be non-empty and without '='")
	}
	if len(c.Levels) < 2 {
		bad("%d levels, want at least 2", len(c.Levels))
	}
	var cc compiledComparison
	index := map[string]int{}
	names := map[string]bool{}
	informative := false
	for i, l := range c.Levels {
		if names[l.Name] || l.Name == "" {
			bad("level %d: name %q empty or repeated", i, l.Name)
		}
		names[l.Name] = true
		informative = informative || !l.Null
		last := i == len(c.Levels)-1
		if last != (l.Feature == "") {
			bad("level %q: every level but the last tests a feature, and the last none", l.Name)
			continue
		}
		if last {
			break
		}
		fn, ok := byName[l.Feature]
		if !ok {
			bad("level %q: unknown feature %q", l.Name, l.Feature)
			continue
		}
		if !(l.Min < l.Max) {
			bad("level %q: min %v not below max %v", l.Name, l.Min, l.Max)
		}
		k, ok := index[l.Feature]
		if !ok {
			k = len(cc.features)
			index[l.Feature] = k
			cc.features = append(cc.features, fn)
		}
		cc.levels = append(cc.levels, compiledLevel{feature: k, min: l.Min, max: l.Max})
	}
	if !informative {
		bad("every level is null")
	}
	return cc, errors.Join(errs...)
}

// level returns the index of the level the pair is at. A feature tested by
// consecutive levels is computed once.
func (c *compiledComparison) level(a, b *Prepared) int {
	last, v := -1, 0.0
	for i, l := range c.levels {
		if l.feature != last {
			last, v = l.feature, c.features[l.feature](a, b)
		}
		if v >= l.min && v < l.max {
			return i
		}
	}
	return len(c.levels) // the last, unconditional level
}

// Levels appends the pair's level index in each comparison to dst.
func (s *ComparisonSet) Levels(a, b *Prepared, dst []uint8) []uint8 {
	for i := range s.compiled {
		dst = append(dst, uint8(s.compiled[i].level(a, b)))
	}
	return dst
}

// levelIndicator resolves a "comparison=level" feature name of the
// declared Comparisons to its 0/1 indicator.
func levelIndicator(name string, byName map[string]func(a, b *Prepared) float64) (func(a, b *Prepared) float64, bool) {
	cname, lname, ok := strings.Cut(name, "=")
	if !ok {
		return nil, false
	}
	for _, c := range Comparisons {
		if c.Name != cname {
			continue
		}
		for k, l := range c.Levels {
			if l.Name != lname {
				continue
			}
			cc, err := compileComparison(c, byName)
			if err != nil {
				return nil, false
			}
			return func(a, b *Prepared) float64 { return is(cc.level(a, b) == k) }, true
		}
	}
	return nil, false
}

// LevelCounts tallies pairs by their vector of levels (ComparisonSet.Levels):
// EM then works on the few distinct vectors instead of every pair.
type LevelCounts struct {
	Patterns [][]uint8
	Counts   []float64
	index    map[string]int
}

// Add counts n pairs at the given levels.
func (lc *LevelCounts) Add(levels []uint8, n float64) {
	if lc.index == nil {
		lc.index = map[string]int{}
	}
	k, ok := lc.index[string(levels)]
	if !ok {
		k = len(lc.Patterns)
		lc.index[string(levels)] = k
		lc.Patterns = append(lc.Patterns, append([]uint8(nil), levels...))
		lc.Counts = append(lc.Counts, 0)
	}
	lc.Counts[k] += n
}

// Total is the number of pairs counted.
func (lc *LevelCounts) Total() float64 {
	t := 0.0
	for _, n := range lc.Counts {
		t += n
	}
	return t
}

// FellegiSunter is an estimated Fellegi-Sunter model.
type FellegiSunter struct {
	Comparisons []Comparison
	// M and U hold, per comparison and level, P(level | match) and
	// P(level | non-match) given that the comparison could be made; 0 at
	// null levels.
	M, U [][]float64
	// Lambda is the share of matches among the pairs EM ran on.
	Lambda     float64
	Iterations int
	Converged  bool
}

// EMOptions configure EstimateU and EstimateM; zero values take the
// defaults.
type EMOptions struct {
	// Pseudocount is added to every non-null level's count of pairs
	// (a Dirichlet prior), so that a level no pair reached still has a
	// finite weight; default 1.
	Pseudocount float64
	// InitialLambda is the share of matches EM starts from; default 0.1.
	InitialLambda float64
	// CandidateU re-estimates u by EM as well, from the candidate pairs
	// EM believes are non-matches, starting from the given u. Blocking
	// keeps only similar pairs, so its non-matches look far more alike
	// than random pairs: with u fixed from random pairs EM takes nearly
	// every candidate pair for a match.
	CandidateU    bool
	MaxIterations int     // default 100
	Tolerance     float64 // stop when no m nor λ moves more than this; default 1e-6
}

func (o EMOptions) withDefaults() EMOptions {
	o.Pseudocount = cmpOrFloat(o.Pseudocount, 1)
	o.InitialLambda = cmpOrFloat(o.InitialLambda, 0.1)
	o.Tolerance = cmpOrFloat(o.Tolerance, 1e-6)
	if o.MaxIterations == 0 {
		o.MaxIterations = 100
	}
	return o
}

func cmpOrFloat(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// levelShares returns, per comparison, the share of each non-null level
// in counts weighted by weight (nil: weight 1), after adding pseudo to
// every non-null level; null levels get 0.
func levelShares(cs []Comparison, counts *LevelCounts, weight []float64, pseudo float64) [][]float64 {
	shares := make([][]float64, len(cs))
	for c := range cs {
		shares[c] = make([]float64, len(cs[c].Levels))
	}
	for p, levels := range counts.Patterns {
		n := counts.Counts[p]
		if weight != nil {
			n *= weight[p]
		}
		for c, l := range levels {
			if !cs[c].Levels[l].Null {
				shares[c][l] += n
			}
		}
	}
	for c, s := range shares {
		total := 0.0
		for l := range s {
			if !cs[c].Levels[l].Null {
				s[l] += pseudo
				total += s[l]
			}
		}
		for l := range s {
			s[l] /= total
		}
	}
	return shares
}

// EstimateU estimates the u probabilities from the levels of pairs drawn
// at random: nearly all random pairs are non-matches (Splink's
// estimate_u_using_random_sampling).
func EstimateU(cs []Comparison, random *LevelCounts, opts EMOptions) [][]float64 {
	return levelShares(cs, random, nil, opts.withDefaults().Pseudocount)
}

// EstimateM estimates the m probabilities and the share of matches λ by
// expectation-maximisation over the levels of the candidate pairs, with u
// fixed. EM starts from λ = InitialLambda and m halving from each
// comparison's first non-null level to the next, so that the "match"
// component starts as the one with the strong levels.
func EstimateM(cs []Comparison, u [][]float64, candidates *LevelCounts, opts EMOptions) (*FellegiSunter, error) {
	opts = opts.withDefaults()
	if len(candidates.Patterns) == 0 {
		return nil, errors.New("fellegi-sunter: no candidate pairs to estimate m from")
	}
	fs := &FellegiSunter{Comparisons: cs, U: u, Lambda: opts.InitialLambda, M: make([][]float64, len(cs))}
	for c := range cs {
		fs.M[c] = make([]float64, len(cs[c].Levels))
		w := 1.0
		for l := range cs[c].Levels {
			if !cs[c].Levels[l].Null {
				fs.M[c][l] = w
				w /= 2
			}
		}
		normalise(fs.M[c])
	}
	posterior := make([]float64, len(candidates.Patterns))
	nonMatch := make([]float64, len(candidates.Patterns))
	total := candidates.Total()
	for fs.Iterations < opts.MaxIterations && !fs.Converged {
		fs.Iterations++
		matches := 0.0
		for p, levels := range candidates.Patterns {
			posterior[p] = logistic(fs.logOdds(levels))
			matches += posterior[p] * candidates.Counts[p]
		}
		m := levelShares(cs, candidates, posterior, opts.Pseudocount)
		u := fs.U
		if opts.CandidateU {
			for p := range nonMatch {
				nonMatch[p] = 1 - posterior[p]
			}
			u = levelShares(cs, candidates, nonMatch, opts.Pseudocount)
		}
		// A Beta(1,1) prior keeps λ off 0 and 1.
		lambda := (matches + 1) / (total + 2)
		moved := math.Abs(lambda - fs.Lambda)
		for c := range m {
			for l := range m[c] {
				moved = max(moved, math.Abs(m[c][l]-fs.M[c][l]), math.Abs(u[c][l]-fs.U[c][l]))
			}
		}
		fs.M, fs.U, fs.Lambda = m, u, lambda
		fs.Converged = moved < opts.Tolerance
	}
	return fs, nil
}

func normalise(v []float64) {
	t := 0.0
	for _, x := range v {
		t += x
	}
	for i := range v {
		v[i] /= t
	}
}

// logOdds is the log-odds of a match for a pair at the given levels.
func (fs *FellegiSunter) logOdds(levels []uint8) float64 {
	z := math.Log(fs.Lambda / (1 - fs.Lambda))
	for c, l := range levels {
		if !fs.Comparisons[c].Levels[l].Null {
			z += math.Log(fs.M[c][l] / fs.U[c][l])
		}
	}
	return z
}

// Model expresses fs as a match model: one indicator feature per non-null
// level, weight ln(m/u), bias logit(λ), threshold 0.5 (a pair matches when
// it is more likely a match than not).
func (fs *FellegiSunter) Model() *Model {
	m := &Model{Version: ModelVersion, Bias: math.Log(fs.Lambda / (1 - fs.Lambda)), Threshold: 0.5}
	for c, comp := range fs.Comparisons {
		for l, level := range comp.Levels {
			if level.Null {
				continue
			}
			m.Features = append(m.Features, LevelFeature(comp, level))
			m.Weights = append(m.Weights, math.Log(fs.M[c][l]/fs.U[c][l]))
		}
	}
	return m
}
