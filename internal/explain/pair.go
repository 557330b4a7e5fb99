package explain

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Stage is the step of the job that decided a pair of records.
type Stage string

// The stages, in the order the job reaches them.
const (
	// StageNotBlocked: no block made the records a candidate pair (they
	// share no key, or only keys of oversized blocks whose sorted
	// neighbourhood does not reach from one to the other), so they were
	// never scored.
	StageNotBlocked Stage = "not blocked"
	// StageBelowThreshold: scored, with a probability below the threshold.
	StageBelowThreshold Stage = "below threshold"
	// StageRefused: a rule of clustering kept them apart although the
	// pair is at or above the threshold (PairDiagnosis.Refusal says which).
	StageRefused Stage = "refused by clustering"
	// StageMatchedDirectly: one master, and the pair itself is at or above
	// the threshold.
	StageMatchedDirectly Stage = "matched directly"
	// StageMatchedThrough: one master, joined by pairs with other
	// members (PairDiagnosis.Path).
	StageMatchedThrough Stage = "matched through other records"
)

// Clustering rules that refuse merges, as PairDiagnosis.Refusal names them.
const (
	RefusedOnePerSource   = "one_per_source"
	RefusedMaxClusterSize = "max_cluster_size"
	RefusedGTIN           = "GTIN conflict"
	RefusedLinkage        = "min_linkage"
)

// RuleKeys are the blocking keys one rule gives a record.
type RuleKeys struct {
	Rule string
	Keys []string
}

// DiagnosedRecord is one record of a diagnosed pair as the matcher sees it.
type DiagnosedRecord struct {
	Key      string
	Prepared matchers.Prepared // the fields features and blocking read
	MasterID string            // its master in links/
	Members  int               // records in that master
	Blocking []RuleKeys        // per configured rule, in order
}

// PairDiagnosis says which stage of the job decided a pair of records and
// why: blocking, scoring (feature by feature) or clustering.
type PairDiagnosis struct {
	A, B DiagnosedRecord // in key order
	// Shared are the blocking keys both records have; Candidate is set
	// when one of them pairs the records.
	Shared    []replay.SharedBlock
	Candidate bool
	// MaxBlockSize and Window are the run's block-size cap and
	// sorted-neighbourhood window.
	MaxBlockSize, Window int
	// PairExplanation is the model's probability for the pair, feature by
	// feature, computed whether or not the run scored it; Stored is the
	// run's when its pairs/ holds the pair.
	PairExplanation
	Threshold float64
	Stage     Stage
	// Refusal names the clustering rule that refused the merge
	// (StageRefused): one of the Refused* constants, or "" when
	// replaying clustering here does not refuse it (the run used other
	// records or another model). RefusalDetail says what the rule saw.
	Refusal, RefusalDetail string
	// Path links A to B through members of their master by pairs at or
	// above the threshold (StageMatchedThrough, and StageMatchedDirectly
	// as the two keys); nil when no such chain is found here.
	Path []string
	// RunPairs: the run wrote pairs/, so HasStored says whether it scored
	// the pair.
	RunPairs bool
	Model    *matchers.Model
}

// PairOptions locate a run and a pair for Pair.
type PairOptions struct {
	Output    string    // the run's committed output directory
	Pair      [2]string // SOURCE:ID each
	Threshold float64   // the run's threshold; 0 means replay.MatchThreshold
}

// Pair reads a run's links/ and pairs/, loads the sources it read and
// diagnoses one pair of records.
func Pair(ctx context.Context, cfg *schemas.Config, m *matchers.Model, opts PairOptions) (*PairDiagnosis, error) {
	for _, k := range opts.Pair {
		if _, _, ok := strings.Cut(k, ":"); !ok {
			return nil, fmt.Errorf("record %q: want SOURCE:ID", k)
		}
	}
	r, err := LoadRun(ctx, cfg, m, opts.Output, opts.Threshold)
	if err != nil {
		return nil, err
	}
	return PairIn(r.Corpus, cfg, m, r.Threshold, r.Links, r.Pairs, opts.Pair[0], opts.Pair[1])
}

// PairIn diagnoses the pair of records a and b of a run of cfg with model
// m and threshold th, from its links and scored pairs (nil when it wrote
// none) and its records c: blocking is redone over the whole corpus as
// the job does it, the pair and the pairs among the records of both
// masters are scored again, and clustering is replayed over those.
func PairIn(c *replay.Corpus, cfg *schemas.Config, m *matchers.Model, th float64, links []schemas.LinkRow, pairs []schemas.PairRow, a, b string) (*PairDiagnosis, error) {
	if a == b {
		return nil, fmt.Errorf("%s and %s are one record: give two", a, b)
	}
	if a > b {
		a, b = b, a
	}
	master := map[string]string{}
	members := map[string][]string{} // master -> record keys
	for _, l := range links {
		k := schemas.RecordKey(l.Source, l.SourceID)
		master[k] = l.MasterID
		members[l.MasterID] = append(members[l.MasterID], k)
	}
	for _, k := range []string{a, b} {
		if _, ok := master[k]; !ok {
			return nil, fmt.Errorf("record %s is not in links/: it was not read, was rejected or superseded, or the key is wrong (want SOURCE:ID)", k)
		}
		if _, ok := c.Product(k); !ok {
			return nil, fmt.Errorf("record %s is in links/ but not in the sources: they changed since the run", k)
		}
	}
	pe, err := Score(c, m, a, b)
	if err != nil {
		return nil, err
	}
	ix, err := c.Blocking(cfg.Matching.Blocking)
	if err != nil {
		return nil, err
	}
	d := &PairDiagnosis{PairExplanation: pe, Threshold: th, Model: m, RunPairs: len(pairs) > 0,
		MaxBlockSize: cfg.Matching.Blocking.MaxBlockSize, Window: cfg.Matching.Blocking.Window}
	for _, p := range pairs {
		if p.PairKey() == [2]string{a, b} {
			d.Stored, d.HasStored = p.MatchProbability, true
		}
	}
	for i, k := range []string{a, b} {
		prep, _ := c.Prepared(k)
		r := DiagnosedRecord{Key: k, Prepared: prep, MasterID: master[k], Members: len(members[master[k]])}
		for _, rule := range ix.Rules() {
			r.Blocking = append(r.Blocking, RuleKeys{Rule: rule.Name(), Keys: rule.Keys(&r.Prepared, nil)})
		}
		if i == 0 {
			d.A = r
		} else {
			d.B = r
		}
	}
	d.Shared = ix.Shared(a, b)
	for _, s := range d.Shared {
		d.Candidate = d.Candidate || s.Paired
	}

	// The records of both masters, the pairs among them the job scores,
	// and those at or above the threshold: the edges clustering saw.
	nodes := slices.Clone(members[d.A.MasterID])
	if d.B.MasterID != d.A.MasterID {
		nodes = append(nodes, members[d.B.MasterID]...)
	}
	nodes = slices.DeleteFunc(nodes, func(k string) bool { _, ok := c.Product(k); return !ok })
	slices.Sort(nodes)
	edges, err := ix.ScoredEdges(m, th, nodes, cfg.Matching.Clustering.OnePerSource)
	if err != nil {
		return nil, err
	}
	na, nb := int32(slices.Index(nodes, a)), int32(slices.Index(nodes, b))
	sameSource := schemas.KeySource(a) == schemas.KeySource(b)
	switch {
	case d.A.MasterID == d.B.MasterID:
		d.Stage = StageMatchedThrough
		if d.Candidate && !(sameSource && cfg.Matching.Clustering.OnePerSource) && d.Probability >= th {
			d.Stage = StageMatchedDirectly
		}
		d.Path = edgePath(nodes, edges, na, nb)
	case !d.Candidate:
		d.Stage = StageNotBlocked
	case sameSource && cfg.Matching.Clustering.OnePerSource:
		d.Stage, d.Refusal = StageRefused, RefusedOnePerSource
		d.RefusalDetail = fmt.Sprintf("both records are from %s: under one_per_source the job does not even score the pair", schemas.KeySource(a))
	case d.Probability < th:
		d.Stage = StageBelowThreshold
	default:
		d.Stage = StageRefused
		d.Refusal, d.RefusalDetail = replayRefusal(nodes, edges, c, na, nb, d.Probability, cfg.Matching.Clustering)
	}
	return d, nil
}

// edgePath returns a shortest chain of record keys from node a to node b
// over edges, or nil when there is none.
func edgePath(nodes []string, edges []matchers.Edge, a, b int32) []string {
	adj := make([][]int32, len(nodes))
	for _, e := range edges {
		adj[e.A] = append(adj[e.A], e.B)
		adj[e.B] = append(adj[e.B], e.A)
	}
	prev := make([]int32, len(nodes))
	for i := range prev {
		prev[i] = -1
	}
	prev[a] = a
	queue := []int32{a}
	for len(queue) > 0 && prev[b] < 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if prev[v] < 0 {
				prev[v] = u
				queue = append(queue, v)
			}
		}
	}
	if prev[b] < 0 {
		return nil
	}
	var path []string
	for v := b; ; v = prev[v] {
		path = append(path, nodes[v])
		if v == a {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// replayRefusal replays clustering over the edges among the records of two
// masters up to the edge (a, b, p) and names the first rule, in the order
// the job checks them, that refuses to merge the clusters of a and b then.
// Only edges among the two masters matter: a merge with any other record
// would have put it in one of them.
func replayRefusal(nodes []string, edges []matchers.Edge, c *replay.Corpus, a, b int32, p float64, cc schemas.ClusteringConfig) (rule, detail string) {
	// Edges before (a, b) in the job's best-first order; node indices
	// follow key order as the job's do.
	opts := replay.ClusterOptions(cc)
	pair := matchers.Edge{A: a, B: b, P: p}
	for _, e := range edges {
		if e.A == a && e.B == b {
			pair = e
		}
	}
	var before []matchers.Edge
	for _, e := range edges {
		if opts.Before(e, pair) {
			before = append(before, e)
		}
	}
	sources := make([]int32, len(nodes))
	idents := make([]int32, len(nodes))
	sourceIDs, gtinIDs := map[string]int32{}, map[string]int32{}
	gtins := make([]string, len(nodes))
	for i, k := range nodes {
		s := schemas.KeySource(k)
		if _, ok := sourceIDs[s]; !ok {
			sourceIDs[s] = int32(len(sourceIDs))
		}
		sources[i] = sourceIDs[s]
		idents[i] = -1
		p, _ := c.Prepared(k)
		if g := p.GTIN; g != "" {
			if _, ok := gtinIDs[g]; !ok {
				gtinIDs[g] = int32(len(gtinIDs))
			}
			idents[i], gtins[i] = gtinIDs[g], g
		}
	}
	opts.Sources, opts.Identifiers = sources, idents
	rep := matchers.Cluster(len(nodes), before, opts)
	type side struct {
		size    int
		sources map[string]bool
		gtin    string
	}
	sides := [2]side{{sources: map[string]bool{}}, {sources: map[string]bool{}}}
	for i, r := range rep {
		for s, end := range []int32{a, b} {
			if r == rep[end] {
				sides[s].size++
				sides[s].sources[schemas.KeySource(nodes[i])] = true
				sides[s].gtin = cmp.Or(sides[s].gtin, gtins[i])
			}
		}
	}
	if rep[a] == rep[b] {
		return "", "replaying clustering here merges them: the run used other records, another model or another threshold"
	}
	if n := sides[0].size + sides[1].size; cc.MaxClusterSize > 0 && n > cc.MaxClusterSize {
		return RefusedMaxClusterSize, fmt.Sprintf("clusters of %d and %d records when the pair came up: %d would exceed max_cluster_size %d",
			sides[0].size, sides[1].size, n, cc.MaxClusterSize)
	}
	if cc.OnePerSource {
		var both []string
		for s := range sides[0].sources {
			if sides[1].sources[s] {
				both = append(both, s)
			}
		}
		if len(both) > 0 {
			slices.Sort(both)
			return RefusedOnePerSource, fmt.Sprintf("both clusters already held a record of %s when the pair came up", strings.Join(both, ", "))
		}
	}
	if g0, g1 := sides[0].gtin, sides[1].gtin; g0 != "" && g1 != "" && g0 != g1 {
		return RefusedGTIN, fmt.Sprintf("the clusters carry GTINs %s and %s", g0, g1)
	}
	if opts.MinLinkage > 0 && sides[0].size+sides[1].size > 2 {
		return RefusedLinkage, fmt.Sprintf("clusters of %d and %d records when the pair came up: their mean probability over all cross pairs (unscored pairs count 0) is below min_linkage %.2f",
			sides[0].size, sides[1].size, opts.MinLinkage)
	}
	return "", "replaying clustering here finds no rule that refuses them: the run used other records, another model or another threshold"
}

// WriteText prints the diagnosis for a terminal.
func (d *PairDiagnosis) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "pair   %s ~ %s\nstage  %s: %s\n\n", d.A.Key, d.B.Key, d.Stage, d.verdict())
	row := func(label string, f func(r *DiagnosedRecord) string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", label, f(&d.A), f(&d.B))
	}
	row("record", func(r *DiagnosedRecord) string { return r.Key })
	row("title", func(r *DiagnosedRecord) string { return r.Prepared.Title })
	row("brand", func(r *DiagnosedRecord) string { return r.Prepared.Brand })
	row("model", func(r *DiagnosedRecord) string { return strings.Join(r.Prepared.Models, " ") })
	row("gtin", func(r *DiagnosedRecord) string { return r.Prepared.GTIN })
	row("price", func(r *DiagnosedRecord) string {
		if !r.Prepared.HasPrice {
			return ""
		}
		return fmt.Sprintf("%.2f %s", r.Prepared.Price, r.Prepared.Currency)
	})
	row("master", func(r *DiagnosedRecord) string { return fmt.Sprintf("%s (%d records)", r.MasterID, r.Members) })
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nblocking keys (max_block_size %d, window %d):\n", d.MaxBlockSize, d.Window)
	for i := range d.A.Blocking { // one line per record: LSH keys are long
		fmt.Fprintf(w, "  %s\n    %s: %s\n    %s: %s\n", d.A.Blocking[i].Rule,
			d.A.Key, keyList(d.A.Blocking[i].Keys), d.B.Key, keyList(d.B.Blocking[i].Keys))
	}
	if len(d.Shared) == 0 {
		fmt.Fprintln(w, "shared keys: none")
	} else {
		fmt.Fprintln(w, "shared keys:")
		for _, s := range d.Shared {
			note := "pairs them"
			switch {
			case s.Oversized && s.Paired:
				note = fmt.Sprintf("oversized: sorted neighbourhood (window %d) pairs them", d.Window)
			case s.Oversized:
				note = fmt.Sprintf("oversized: sorted neighbourhood (window %d) does not pair them", d.Window)
			}
			fmt.Fprintf(tw, "  %s\t%d records\t%s\n", s.Key, s.Size, note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	fmt.Fprintf(w, "\nprobability %.4f, threshold %.4f", d.Probability, d.Threshold)
	switch {
	case d.HasStored:
		fmt.Fprintf(w, "  (pairs/: %.4f", d.Stored)
		if math.Abs(d.Stored-d.Probability) > StaleTolerance {
			fmt.Fprint(w, ", differs: the run used another model or other records")
		}
		fmt.Fprint(w, ")")
	case d.RunPairs:
		fmt.Fprint(w, "  (not in pairs/: the run did not score it)")
	}
	fmt.Fprintln(w)
	if !d.Candidate {
		fmt.Fprintln(w, "(never scored by the run: the probability is what the model would say)")
	}
	if err := writeContributions(tw, d.PairExplanation); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nfeatures (contribution = weight × standardised value; logit = bias + Σ contributions, probability = 1/(1+e^-logit)):")
	for _, f := range d.Model.Features {
		fmt.Fprintf(tw, "  %s\t%s\n", f, FeatureDescription(f))
	}
	return tw.Flush()
}

// verdict says in one line why the stage decided the pair.
func (d *PairDiagnosis) verdict() string {
	switch d.Stage {
	case StageNotBlocked:
		for _, s := range d.Shared {
			if s.Oversized {
				return "every key they share is an oversized block whose sorted neighbourhood does not pair them"
			}
		}
		return "they share no blocking key"
	case StageBelowThreshold:
		return fmt.Sprintf("probability %.4f < threshold %.4f", d.Probability, d.Threshold)
	case StageRefused:
		if d.Refusal == "" {
			return fmt.Sprintf("probability %.4f >= %.4f but different masters; %s", d.Probability, d.Threshold, d.RefusalDetail)
		}
		return fmt.Sprintf("probability %.4f >= %.4f, refused by %s: %s", d.Probability, d.Threshold, d.Refusal, d.RefusalDetail)
	case StageMatchedDirectly:
		return fmt.Sprintf("probability %.4f >= %.4f, both in master %s", d.Probability, d.Threshold, d.A.MasterID)
	}
	if len(d.Path) == 0 {
		return fmt.Sprintf("both in master %s, but no chain of pairs at or above the threshold is found here: the run used other records or another model", d.A.MasterID)
	}
	return fmt.Sprintf("both in master %s, through %s", d.A.MasterID, strings.Join(d.Path, " ~ "))
}

func keyList(keys []string) string {
	if len(keys) == 0 {
		return "-"
	}
	return strings.Join(keys, " ")
}
