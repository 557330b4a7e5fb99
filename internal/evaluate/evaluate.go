// Package evaluate measures a run against ground truth: pairwise
// precision, recall and F1 of its clusters, blocking recall, a sweep of
// thresholds with the clusters rebuilt at each. internal/report lays them
// out as a self-contained HTML page.
package evaluate

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Truth is ground truth as record-key pairs that refer to the same entity.
type Truth struct {
	Pairs map[[2]string]bool // schemas.PairKey of the matching pairs
	// CrossSources, when set, restricts evaluation to pairs across these
	// two sources: truth given as id pairs says nothing about pairs inside
	// one source.
	CrossSources [2]string
	Records      map[string]bool // every record key the truth mentions
}

// ReadTruth reads ground truth in either form:
//   - "source,source_id,entity_id" with that header: records sharing an
//     entity id are duplicates;
//   - two id columns (for example Abt-Buy's "idAbt","idBuy"): each row is a
//     matching pair, left ids from source left and right ids from source
//     right.
func ReadTruth(r io.Reader, left, right string) (*Truth, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("truth: reading header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	t := &Truth{Pairs: map[[2]string]bool{}, Records: map[string]bool{}}
	if len(header) == 3 && header[0] == "source" && header[1] == "source_id" && header[2] == "entity_id" {
		entities := map[string][]string{}
		for line := 2; ; line++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec) != 3 {
				return nil, fmt.Errorf("truth: line %d: want source,source_id,entity_id", line)
			}
			k := schemas.RecordKey(rec[0], rec[1])
			t.Records[k] = true
			entities[rec[2]] = append(entities[rec[2]], k)
		}
		for _, keys := range entities {
			for i := range keys {
				for j := i + 1; j < len(keys); j++ {
					t.Pairs[schemas.PairKey(keys[i], keys[j])] = true
				}
			}
		}
		return t, nil
	}
	if len(header) != 2 {
		return nil, fmt.Errorf("truth: header %q: want source,source_id,entity_id or two id columns", header)
	}
	if left == "" || right == "" {
		return nil, fmt.Errorf("truth: id pairs need the left and right source names")
	}
	t.CrossSources = [2]string{left, right}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec) != 2 {
			return nil, fmt.Errorf("truth: line %d: want two ids", line)
		}
		a := schemas.RecordKey(left, strings.TrimSpace(rec[0]))
		b := schemas.RecordKey(right, strings.TrimSpace(rec[1]))
		t.Records[a], t.Records[b] = true, true
		t.Pairs[schemas.PairKey(a, b)] = true
	}
	return t, nil
}

// PairMetrics are pairwise precision, recall and F1 of clusters.
type PairMetrics struct {
	TruePositives, FalsePositives, FalseNegatives int
	Precision, Recall, F1                         float64
}

func (m PairMetrics) String() string {
	return fmt.Sprintf("precision %.4f  recall %.4f  F1 %.4f  (tp %d, fp %d, fn %d)",
		m.Precision, m.Recall, m.F1, m.TruePositives, m.FalsePositives, m.FalseNegatives)
}

// Links compares the clusters of a run (its links) with the truth:
// every pair of records in one master is a predicted match. Pairs are
// counted, not listed, so a giant cluster (a sweep at a low threshold)
// costs no more than a small one.
func Links(links []schemas.LinkRow, t *Truth) PairMetrics {
	masterOf := make(map[string]string, len(links))
	type count struct{ all, left, right int }
	sizes := map[string]*count{}
	for _, l := range links {
		masterOf[schemas.RecordKey(l.Source, l.SourceID)] = l.MasterID
		c := sizes[l.MasterID]
		if c == nil {
			c = &count{}
			sizes[l.MasterID] = c
		}
		c.all++
		switch l.Source {
		case t.CrossSources[0]:
			c.left++
		case t.CrossSources[1]:
			c.right++
		}
	}
	predicted := 0
	for _, c := range sizes {
		if t.CrossSources[0] == "" {
			predicted += c.all * (c.all - 1) / 2
		} else {
			predicted += c.left * c.right
		}
	}
	var m PairMetrics
	for p := range t.Pairs {
		if ma, ok := masterOf[p[0]]; ok && ma == masterOf[p[1]] {
			m.TruePositives++
		}
	}
	m.FalsePositives = predicted - m.TruePositives
	m.FalseNegatives = len(t.Pairs) - m.TruePositives
	if n := m.TruePositives + m.FalsePositives; n > 0 {
		m.Precision = float64(m.TruePositives) / float64(n)
	}
	if n := len(t.Pairs); n > 0 {
		m.Recall = float64(m.TruePositives) / float64(n)
	}
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	return m
}

// Judges reports whether the truth says anything about a pair of records:
// with id-pair truth, only pairs across its two sources.
func (t *Truth) Judges(a, b string) bool {
	if t.CrossSources[0] == "" {
		return true
	}
	sa, sb := schemas.KeySource(a), schemas.KeySource(b)
	return (sa == t.CrossSources[0] && sb == t.CrossSources[1]) || (sa == t.CrossSources[1] && sb == t.CrossSources[0])
}

// BlockingRecall is the share of true pairs that blocking made candidates
// (that were scored at all), given a run's pairs/ output.
func BlockingRecall(pairs []schemas.PairRow, t *Truth) float64 {
	if len(t.Pairs) == 0 {
		return 0
	}
	found := map[[2]string]bool{} // a pair sharing blocks in two shards is scored in both
	for _, p := range pairs {
		k := p.PairKey()
		if t.Pairs[k] {
			found[k] = true
		}
	}
	return float64(len(found)) / float64(len(t.Pairs))
}

// SweepPoint is the end-to-end result of clustering at one threshold.
type SweepPoint struct {
	Threshold float64
	PairMetrics
}

// DefaultSweepThresholds are the thresholds evaluate and the evaluation
// report sweep: 0.01, 0.02, ..., 0.99, fine enough that the best
// threshold is not an artefact of the grid.
func DefaultSweepThresholds() []float64 {
	out := make([]float64, 0, 99)
	for i := 1; i < 100; i++ {
		out = append(out, float64(i)/100)
	}
	return out
}

// WithThreshold returns thresholds with run added, sorted, without
// repeats, so that a sweep includes the run's own point.
func WithThreshold(thresholds []float64, run float64) []float64 {
	out := append(slices.Clone(thresholds), run)
	slices.Sort(out)
	return slices.Compact(out)
}

// SweepWithRun sweeps DefaultSweepThresholds and the run's threshold.
func SweepWithRun(pairs []schemas.PairRow, t *Truth, run float64, opts matchers.ClusterOptions) []SweepPoint {
	return Sweep(pairs, t, WithThreshold(DefaultSweepThresholds(), run), opts)
}

// BestSweepPoint is the point with the highest F1, the lowest threshold
// among ties; the zero point for no points.
func BestSweepPoint(points []SweepPoint) SweepPoint {
	var best SweepPoint
	for _, p := range points {
		if p.F1 > best.F1 {
			best = p
		}
	}
	return best
}

// Sweep re-clusters the scored pairs at each threshold with the job's
// clustering rule and scores the clusters against the truth, so each point
// is what a run with that threshold would have produced.
func Sweep(pairs []schemas.PairRow, t *Truth, thresholds []float64, opts matchers.ClusterOptions) []SweepPoint {
	// Nodes in key order, as the job numbers them: best-first clustering
	// breaks ties of probability by node, so the order of pairs must not
	// matter.
	ids := map[string]int32{}
	for _, p := range pairs {
		a, b := p.Keys()
		ids[a], ids[b] = 0, 0
	}
	keys := make([]string, 0, len(ids))
	for k := range ids {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		ids[k] = int32(i)
	}
	edges := make([]matchers.Edge, 0, len(pairs))
	for _, p := range pairs {
		a, b := p.Keys()
		edges = append(edges, matchers.Edge{A: ids[a], B: ids[b], P: p.MatchProbability, Confirmed: p.IdentifiersAgree,
			Tie: p.TextSimilarity})
	}
	srcIDs := map[string]int32{}
	opts.Sources = make([]int32, len(keys))
	for i, k := range keys {
		s := schemas.KeySource(k)
		if _, ok := srcIDs[s]; !ok {
			srcIDs[s] = int32(len(srcIDs))
		}
		opts.Sources[i] = srcIDs[s]
	}
	var out []SweepPoint
	for _, th := range thresholds {
		opts.Threshold = th
		rep := matchers.Cluster(len(keys), edges, opts)
		links := make([]schemas.LinkRow, len(keys))
		for i, k := range keys {
			s, id, _ := strings.Cut(k, ":")
			links[i] = schemas.LinkRow{MasterID: keys[rep[i]], Source: s, SourceID: id}
		}
		out = append(out, SweepPoint{Threshold: th, PairMetrics: Links(links, t)})
	}
	return out
}
