package pipelines

import (
	"sort"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// CandidatePairs blocks records in memory with the config's blocking rules
// and block-size cap, exactly as the job does, and returns each candidate
// pair once (record indices, i < j). Training on the pairs blocking
// actually produces teaches the model the non-matches it will meet.
func CandidatePairs(records []schemas.Product, cfg schemas.BlockingConfig) ([][2]int, error) {
	rules, err := transforms.BlockingRules(cfg)
	if err != nil {
		return nil, err
	}
	brands := matchers.DefaultBrandIndex()
	blocks := map[string][]int{}
	titles := make([]string, len(records))
	var keys []string
	for i := range records {
		p := transforms.Prepare(&records[i], brands)
		titles[i] = p.Title
		keys = keys[:0]
		for _, r := range rules {
			keys = r.Keys(&p, keys)
		}
		for _, k := range keys {
			if m := blocks[k]; len(m) == 0 || m[len(m)-1] != i {
				blocks[k] = append(m, i)
			}
		}
	}
	names := make([]string, 0, len(blocks))
	for k := range blocks {
		names = append(names, k)
	}
	sort.Strings(names)
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, k := range names {
		m := blocks[k]
		if len(m) > cfg.MaxBlockSize && matchers.DropsOversized(k) {
			continue
		}
		less := func(a, b int) bool { return titles[m[a]] < titles[m[b]] }
		matchers.BlockPairs(len(m), less, cfg.MaxBlockSize, cfg.Window, func(a, b int) {
			i, j := m[a], m[b]
			if i > j {
				i, j = j, i
			}
			if p := [2]int{i, j}; !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		})
	}
	return out, nil
}

// LabelCandidates labels the candidate pairs of records with a truth.
// Pairs the truth cannot judge are left out: a record it does not mention
// (entity truth), or two records of one source when the truth lists
// matching id pairs across two sources.
func LabelCandidates(records []schemas.Product, cfg schemas.BlockingConfig, t *Truth) ([]LabelledPair, error) {
	pairs, err := CandidatePairs(records, cfg)
	if err != nil {
		return nil, err
	}
	out := make([]LabelledPair, 0, len(pairs))
	for _, p := range pairs {
		a, b := records[p[0]], records[p[1]]
		ka, kb := a.Key(), b.Key()
		if !t.counts(ka, kb) || t.CrossSources[0] == "" && (!t.Records[ka] || !t.Records[kb]) {
			continue
		}
		out = append(out, LabelledPair{A: a, B: b, Match: t.Pairs[orderedPair(ka, kb)]})
	}
	return out, nil
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
