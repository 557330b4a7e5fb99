package replay

import (
	"runtime"
	"slices"
	"sort"
	"strings"
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
	ix, err := newBlocking(prepared, cfg)
	if err != nil {
		return nil, err
	}
	return ix.pairs(), nil
}

// Blocking is the job's blocking of a set of records, in memory: the
// members of every block and the order sorted neighbourhood uses.
type Blocking struct {
	cfg    schemas.BlockingConfig
	rules  []matchers.BlockingRule
	titles []string         // normalised titles, by record index
	blocks map[string][]int // blocking key -> record indices, ascending
	corpus *Corpus          // the records, when they are a corpus's
}

func newBlocking(prepared []*matchers.Prepared, cfg schemas.BlockingConfig) (*Blocking, error) {
	rules, err := transforms.BlockingRules(cfg)
	if err != nil {
		return nil, err
	}
	ix := &Blocking{cfg: cfg, rules: rules, titles: make([]string, len(prepared)), blocks: map[string][]int{}}
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

// Blocking blocks the corpus's records as the job would.
func (c *Corpus) Blocking(cfg schemas.BlockingConfig) (*Blocking, error) {
	prepared := make([]*matchers.Prepared, len(c.list))
	for i, r := range c.list {
		prepared[i] = &r.prep
	}
	ix, err := newBlocking(prepared, cfg)
	if err != nil {
		return nil, err
	}
	ix.corpus = c
	return ix, nil
}

// Rules are the blocking rules of the config, in order.
func (ix *Blocking) Rules() []matchers.BlockingRule { return ix.rules }

// blockPairs emits the pairs block key makes (record indices, i < j)
// with matchers.BlockPairs, members sorted by title as Score sorts them.
func (ix *Blocking) blockPairs(key string, emit func(i, j int)) {
	m := ix.blocks[key]
	if len(m) > ix.cfg.MaxBlockSize && matchers.DropsOversized(key) {
		return
	}
	compare := func(a, b int) int { return strings.Compare(ix.titles[m[a]], ix.titles[m[b]]) }
	matchers.BlockPairs(len(m), compare, ix.cfg.MaxBlockSize, ix.cfg.Window, func(a, b int) {
		i, j := m[a], m[b]
		if i > j {
			i, j = j, i
		}
		emit(i, j)
	})
}

// pairs returns every candidate pair once, in block key order.
func (ix *Blocking) pairs() [][2]int {
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
	ix, err := c.Blocking(cfg.Matching.Blocking)
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
					RightSource: b.product.Source, RightID: b.product.SourceID, MatchProbability: m.Probability(x),
					IdentifiersAgree: confirmed(&a.prep, &b.prep), TextSimilarity: a.prep.Text.Similarity(&b.prep.Text)}
			}
		})
	}
	wg.Wait()
	return out, nil
}

// SharedBlock is a blocking key both records of a pair have.
type SharedBlock struct {
	Rule, Key string
	Size      int  // records with the key
	Oversized bool // Size > max_block_size: pairs only by sorted neighbourhood
	// Paired: the block makes the records a candidate pair (always, unless
	// Oversized and the window does not reach).
	Paired bool
}

// Shared lists, by rule, the blocking keys the corpus's records a and b
// share, and whether each block pairs them.
func (ix *Blocking) Shared(a, b string) []SharedBlock {
	i, j := ix.corpus.index[a], ix.corpus.index[b]
	if i > j {
		i, j = j, i
	}
	return ix.shared(&ix.corpus.list[i].prep, &ix.corpus.list[j].prep, i, j)
}

// shared lists, by rule, the blocking keys records i and j (prepared as
// pi and pj) share, and whether each block pairs them.
func (ix *Blocking) shared(pi, pj *matchers.Prepared, i, j int) []SharedBlock {
	var out []SharedBlock
	for _, rule := range ix.rules {
		keysJ := rule.Keys(pj, nil)
		for _, key := range rule.Keys(pi, nil) {
			if !slices.Contains(keysJ, key) {
				continue
			}
			size := len(ix.blocks[key])
			s := SharedBlock{Rule: rule.Name(), Key: key, Size: size,
				Oversized: ix.cfg.MaxBlockSize > 0 && size > ix.cfg.MaxBlockSize}
			s.Paired = !s.Oversized
			if s.Oversized {
				ix.blockPairs(key, func(x, y int) { s.Paired = s.Paired || (x == i && y == j) })
			}
			out = append(out, s)
		}
	}
	return out
}

// isCandidate reports whether blocking pairs records i and j.
func (ix *Blocking) isCandidate(pi, pj *matchers.Prepared, i, j int) bool {
	for _, s := range ix.shared(pi, pj, i, j) {
		if s.Paired {
			return true
		}
	}
	return false
}

// ScoredEdges scores the candidate pairs among nodes (record keys of the
// corpus, ascending) as the job does and returns those at or above th,
// over node indices: the edges clustering sees among them. Under
// onePerSource pairs within one source are left out, as the job leaves
// them unscored.
func (ix *Blocking) ScoredEdges(m *matchers.Model, th float64, nodes []string, onePerSource bool) ([]matchers.Edge, error) {
	c := ix.corpus
	fs, err := matchers.NewFeatureSet(m.Features)
	if err != nil {
		return nil, err
	}
	var edges []matchers.Edge
	var x []float64
	for u := range nodes {
		iu := c.index[nodes[u]]
		ru := c.list[iu]
		for v := u + 1; v < len(nodes); v++ {
			iv := c.index[nodes[v]]
			rv := c.list[iv]
			if onePerSource && ru.product.Source == rv.product.Source {
				continue
			}
			lo, hi := min(iu, iv), max(iu, iv)
			if !ix.isCandidate(&c.list[lo].prep, &c.list[hi].prep, lo, hi) {
				continue
			}
			x = fs.Compute(&ru.prep, &rv.prep, x[:0])
			if p := m.Probability(x); p >= th {
				edges = append(edges, matchers.Edge{A: int32(u), B: int32(v), P: p, Confirmed: confirmed(&ru.prep, &rv.prep),
					Tie: ru.prep.Text.Similarity(&rv.prep.Text)})
			}
		}
	}
	return edges, nil
}

// confirmed reports whether two records' identifiers agree, as the job
// marks an edge for clustering.confirmed_first.
func confirmed(a, b *matchers.Prepared) bool {
	return matchers.IdentifiersAgree(a.GTIN, b.GTIN, a.Models, b.Models)
}
