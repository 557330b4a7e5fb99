package train

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Label is an answer about one pair of records, by record key.
type Label struct {
	A, B  string // "source:source_id"
	Match bool
	Line  int // in the file it was read from; 0 for a new answer
}

// LabelHeader is the header of a labels file, the layout ReadLabels and
// ReadPairsCSV read first.
var LabelHeader = []string{"left_source", "left_id", "right_source", "right_id", "label"}

// Record is l as a row under LabelHeader.
func (l Label) Record() []string {
	as, aid, _ := strings.Cut(l.A, ":")
	bs, bid, _ := strings.Cut(l.B, ":")
	label := "0"
	if l.Match {
		label = "1"
	}
	return []string{as, aid, bs, bid, label}
}

// Answer is a labeller's reply about a pair.
type Answer int

const (
	Yes    Answer = iota // the same product
	No                   // different products
	Unsure               // skipped: not asked again this session
	Quit                 // stop asking; the labels so far are kept
)

// ActiveOptions configure ActiveLearning.
type ActiveOptions struct {
	Rounds   int // rounds of questions, a fine-tune after each
	PerRound int // pairs asked per round
	// PriorWeight is how many labelled pairs the prior model counts as:
	// with fewer labels than that it moves little, with many more the
	// labels decide.
	PriorWeight float64
	// Threshold is the probability the job merges at (the config's or the
	// prior's); the pairs nearest it are asked, and it stays the model's.
	Threshold float64
}

// ActiveLearning adapts prior to a catalogue from a labeller's answers,
// as dedupe does: each round it scores the candidate pairs of cfg's
// blocking with the current model, asks about PerRound of them
// (PairsToAsk: nearest the threshold and across the accepted ones; no
// record twice in a round, no pair labelled before), then fine-tunes
// prior on every label so far (FineTune). labels are earlier answers,
// kept and never asked again; each new one is passed to save as it comes.
// It returns the last model and all labels.
func ActiveLearning(c *replay.Corpus, cfg *schemas.Config, prior *matchers.Model, labels []Label, opts ActiveOptions,
	ask func(n int, pair schemas.PairRow) (Answer, error), save func(Label) error) (*matchers.Model, []Label, error) {
	model, err := FineTune(c, labels, prior, opts)
	if err != nil {
		return nil, labels, err
	}
	skip := map[[2]string]bool{}
	for _, l := range labels {
		skip[schemas.PairKey(l.A, l.B)] = true
	}
	asked := 0
	for round := 0; round < opts.Rounds; round++ {
		pairs, err := c.ScoreCandidates(cfg, model)
		if err != nil {
			return nil, labels, err
		}
		for _, p := range PairsToAsk(pairs, opts.Threshold, opts.PerRound, skip) {
			a, b := p.Keys()
			skip[schemas.PairKey(a, b)] = true
			asked++
			ans, err := ask(asked, p)
			if err != nil {
				return nil, labels, err
			}
			if ans == Quit {
				return model, labels, nil
			}
			if ans == Unsure {
				continue
			}
			l := Label{A: a, B: b, Match: ans == Yes}
			labels = append(labels, l)
			if err := save(l); err != nil {
				return nil, labels, err
			}
		}
		m, err := FineTune(c, labels, prior, opts)
		if err != nil {
			return nil, labels, err
		}
		model = m
	}
	return model, labels, nil
}

// PairsToAsk returns up to n pairs to ask about, taken in turn from three
// lists: the pairs nearest the threshold on the logit scale above it and
// below it (the ones an answer teaches most; a confident model's nearest
// pairs are mostly of one side, so both are taken), and the pairs the
// model accepts, spread evenly over their probabilities (without them, a
// catalogue whose accepted pairs are mostly wrong is only ever asked about
// non-matches, and a fine-tune learns nothing of what does match). Pairs
// in skip are left out, and so is any pair with a record an earlier pick
// has, so that one record's look-alikes do not fill a round.
func PairsToAsk(pairs []schemas.PairRow, threshold float64, n int, skip map[[2]string]bool) []schemas.PairRow {
	t := logit(threshold)
	var above, below []schemas.PairRow
	for _, p := range pairs {
		if p.MatchProbability >= threshold {
			above = append(above, p)
		} else {
			below = append(below, p)
		}
	}
	dist := func(p schemas.PairRow) float64 { return math.Abs(logit(p.MatchProbability) - t) }
	byDist := func(x, y schemas.PairRow) int { return cmp.Compare(dist(x), dist(y)) }
	nearAbove := slices.SortedStableFunc(slices.Values(above), byDist)
	nearBelow := slices.SortedStableFunc(slices.Values(below), byDist)
	// The spread list visits the accepted pairs, most probable first, at
	// a stride that crosses them once in about n/3 picks.
	spread := make([]schemas.PairRow, 0, len(above))
	if k := max(n/3, 1); len(above) > 0 {
		stride := max(len(above)/k, 1)
		for start := range stride {
			for i := len(above) - 1 - start; i >= 0; i -= stride {
				spread = append(spread, nearAbove[i])
			}
		}
	}
	lists := [][]schemas.PairRow{nearAbove, nearBelow, spread}
	used := map[string]bool{}
	var out []schemas.PairRow
	for turn := 0; len(out) < n; turn++ {
		list := &lists[turn%len(lists)]
		if len(lists[0])+len(lists[1])+len(lists[2]) == 0 {
			break
		}
		for len(*list) > 0 {
			p := (*list)[0]
			*list = (*list)[1:]
			a, b := p.Keys()
			if skip[schemas.PairKey(a, b)] || used[a] || used[b] {
				continue
			}
			used[a], used[b] = true, true
			out = append(out, p)
			break
		}
	}
	return out
}

func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

// FineTune fits prior's features on the labels, with prior as the
// prior (matchers.TrainOptions.Prior) weighing opts.PriorWeight labelled
// pairs, the features computed over the whole corpus as the job computes
// them. The model keeps opts.Threshold. Without labels it returns prior.
func FineTune(c *replay.Corpus, labels []Label, prior *matchers.Model, opts ActiveOptions) (*matchers.Model, error) {
	if len(labels) == 0 {
		return prior, nil
	}
	X := make([][]float64, 0, len(labels))
	y := make([]bool, 0, len(labels))
	matches := 0
	for _, l := range labels {
		x, err := c.Features(prior.Features, l.A, l.B)
		if err != nil {
			return nil, fmt.Errorf("label %s %s: %w", l.A, l.B, err)
		}
		X, y = append(X, x), append(y, l.Match)
		if l.Match {
			matches++
		}
	}
	// The loss is a mean over the labels and a row's curvature about a
	// quarter at most, so λ = PriorWeight/(4n) makes the prior count
	// about as much as PriorWeight rows.
	l2 := max(opts.PriorWeight, 1e-6) / (4 * float64(len(labels)))
	m, err := matchers.Train(X, y, matchers.TrainOptions{FeatureNames: prior.Features, L2: l2,
		Signs: matchers.FeatureSigns(prior.Features), Prior: prior})
	if err != nil {
		return nil, err
	}
	m.Threshold = opts.Threshold
	m.TrainedOn = fmt.Sprintf("fine-tuned on %d labelled pairs (%d matches), prior weighing %g pairs: %s",
		len(labels), matches, opts.PriorWeight, prior.TrainedOn)
	return m, nil
}
