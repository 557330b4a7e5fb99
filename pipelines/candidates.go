package pipelines

import (
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// CandidatePairs blocks records in memory with the config's blocking rules
// and block-size cap, exactly as the job does, and returns each candidate
// pair once (record indices, i < j). Training on the pairs blocking
// actually produces teaches the model the non-matches it will meet.
// records must be in key order (NewestPerKey), as the job orders a block's
// members: it breaks ties of the sorted neighbourhood.
func CandidatePairs(records []schemas.Product, cfg schemas.BlockingConfig) ([][2]int, error) {
	brands := matchers.DefaultBrandIndex()
	prepared := make([]*matchers.Prepared, len(records))
	for i := range records {
		p := transforms.MatchView(&records[i], brands)
		prepared[i] = &p
	}
	ix, err := newBlockIndex(prepared, cfg)
	if err != nil {
		return nil, err
	}
	return ix.pairs(), nil
}

// blockIndex is the job's blocking of a set of records, in memory: the
// members of every block and the order sorted neighbourhood uses.
type blockIndex struct {
	cfg    schemas.BlockingConfig
	rules  []matchers.BlockingRule
	titles []string         // normalised titles, by record index
	blocks map[string][]int // blocking key -> record indices, ascending
}

func newBlockIndex(prepared []*matchers.Prepared, cfg schemas.BlockingConfig) (*blockIndex, error) {
	rules, err := transforms.BlockingRules(cfg)
	if err != nil {
		return nil, err
	}
	ix := &blockIndex{cfg: cfg, rules: rules, titles: make([]string, len(prepared)), blocks: map[string][]int{}}
	var keys []string
	for i, p := range prepared {
		ix.titles[i] = p.Title
		keys = keys[:0]
		for _, r := range rules {
			keys = r.Keys(p, keys)
		}
		for _, k := range keys {
			if m := ix.blocks[k]; len(m) == 0 || m[len(m)-1] != i {
				ix.blocks[k] = append(m, i)
			}
		}
	}
	return ix, nil
}

// blockIndex blocks the corpus's records as the job would.
func (c *Corpus) blockIndex(cfg schemas.BlockingConfig) (*blockIndex, error) {
	prepared := make([]*matchers.Prepared, len(c.list))
	for i, r := range c.list {
		prepared[i] = &r.prep
	}
	return newBlockIndex(prepared, cfg)
}

// blockPairs emits the pairs block key makes (record indices, i < j)
// with matchers.BlockPairs, members sorted by title as Score sorts them.
func (ix *blockIndex) blockPairs(key string, emit func(i, j int)) {
	m := ix.blocks[key]
	if len(m) > ix.cfg.MaxBlockSize && matchers.DropsOversized(key) {
		return
	}
	less := func(a, b int) bool { return ix.titles[m[a]] < ix.titles[m[b]] }
	matchers.BlockPairs(len(m), less, ix.cfg.MaxBlockSize, ix.cfg.Window, func(a, b int) {
		i, j := m[a], m[b]
		if i > j {
			i, j = j, i
		}
		emit(i, j)
	})
}

// pairs returns every candidate pair once, in block key order.
func (ix *blockIndex) pairs() [][2]int {
	names := make([]string, 0, len(ix.blocks))
	for k := range ix.blocks {
		names = append(names, k)
	}
	sort.Strings(names)
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, k := range names {
		ix.blockPairs(k, func(i, j int) {
			if p := [2]int{i, j}; !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		})
	}
	return out
}

// LabelCandidates labels the candidate pairs of records with a truth and
// reports which labels the truth vouches for: not a pair with a record
// the truth does not mention (entity truth), nor two records of one source
// when the truth lists matching id pairs across two sources. Those are
// labelled non-matches; they stay, since the job scores and clusters them
// too.
func LabelCandidates(records []schemas.Product, cfg schemas.BlockingConfig, t *Truth) (pairs []LabelledPair, judged []bool, err error) {
	idx, err := CandidatePairs(records, cfg)
	if err != nil {
		return nil, nil, err
	}
	pairs, judged = make([]LabelledPair, len(idx)), make([]bool, len(idx))
	for n, p := range idx {
		a, b := records[p[0]], records[p[1]]
		ka, kb := a.Key(), b.Key()
		judged[n] = t.counts(ka, kb) && (t.CrossSources[0] != "" || t.Records[ka] && t.Records[kb])
		pairs[n] = LabelledPair{A: a, B: b, Match: judged[n] && t.Pairs[orderedPair(ka, kb)]}
	}
	return pairs, judged, nil
}

// NewestPerKey keeps the newest version of each record, as Dedupe does,
// in key order.
func NewestPerKey(records []schemas.Product) []schemas.Product {
	newest := map[string]schemas.Product{}
	for _, p := range records {
		if q, ok := newest[p.Key()]; !ok || p.UpdatedAt > q.UpdatedAt {
			newest[p.Key()] = p
		}
	}
	keys := make([]string, 0, len(newest))
	for k := range newest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]schemas.Product, len(keys))
	for i, k := range keys {
		out[i] = newest[k]
	}
	return out
}

// ScoreCandidates blocks the corpus as the job does and scores every
// candidate pair with model m: the pairs/ a run of cfg writes with
// output.write_pairs, for an output without them. Under
// clustering.one_per_source pairs within one source are left out, as the
// job leaves them unscored. Pairs come in block key order.
func (c *Corpus) ScoreCandidates(cfg *schemas.Config, m *matchers.Model) ([]schemas.PairRow, error) {
	ix, err := c.blockIndex(cfg.Matching.Blocking)
	if err != nil {
		return nil, err
	}
	fs, err := matchers.NewFeatureSet(m.Features)
	if err != nil {
		return nil, err
	}
	candidates := ix.pairs()
	if cfg.Matching.Clustering.OnePerSource {
		candidates = slices.DeleteFunc(candidates, func(p [2]int) bool {
			return c.list[p[0]].product.Source == c.list[p[1]].product.Source
		})
	}
	out := make([]schemas.PairRow, len(candidates))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var x []float64
			for i := w; i < len(candidates); i += workers {
				a, b := c.list[candidates[i][0]], c.list[candidates[i][1]]
				x = fs.Compute(&a.prep, &b.prep, x[:0])
				out[i] = schemas.PairRow{LeftSource: a.product.Source, LeftID: a.product.SourceID,
					RightSource: b.product.Source, RightID: b.product.SourceID, MatchProbability: m.Probability(x)}
			}
		})
	}
	wg.Wait()
	return out, nil
}
