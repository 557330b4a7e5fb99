package pipelines

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"

	"github.com/linkbeam/linkbeam/reconcile"
	"github.com/linkbeam/linkbeam/transforms"
)

// SourceCounts account for every record of one source. Reused are the
// records an incremental run took from the previous output instead of
// reading the source (--sources with --previous); they are linked too.
type SourceCounts struct {
	Read, Accepted, Rejected, Superseded, Linked, Reused int64
}

// Summary is what a run did, built from its Beam metrics.
type Summary struct {
	Sources        map[string]SourceCounts
	CandidatePairs int64
	ScoredPairs    int64
	KeptEdges      int64 // previous edges of two records unchanged since --previous
	MatchedPairs   int64
	Masters        int64
	MultiMasters   int64 // masters that merge two or more records
	MaxClusterSize int64
	// Changes counts the change events of an incremental run by kind
	// (reconcile.Created, ...); nil without --previous.
	Changes map[string]int64
	Wall    time.Duration
}

// sourceCounters are the count each per-source counter's stage adds to.
var sourceCounters = map[string]func(*SourceCounts) *int64{
	transforms.MetricRead:       func(c *SourceCounts) *int64 { return &c.Read },
	transforms.MetricAccepted:   func(c *SourceCounts) *int64 { return &c.Accepted },
	transforms.MetricRejected:   func(c *SourceCounts) *int64 { return &c.Rejected },
	transforms.MetricSuperseded: func(c *SourceCounts) *int64 { return &c.Superseded },
	transforms.MetricLinked:     func(c *SourceCounts) *int64 { return &c.Linked },
	transforms.MetricReused:     func(c *SourceCounts) *int64 { return &c.Reused },
}

// jobCounters are the count each job-wide counter adds to.
var jobCounters = map[string]func(*Summary) *int64{
	transforms.MetricCandidatePairs: func(s *Summary) *int64 { return &s.CandidatePairs },
	transforms.MetricScoredPairs:    func(s *Summary) *int64 { return &s.ScoredPairs },
	transforms.MetricKeptEdges:      func(s *Summary) *int64 { return &s.KeptEdges },
	transforms.MetricMatchedPairs:   func(s *Summary) *int64 { return &s.MatchedPairs },
	transforms.MetricMasters:        func(s *Summary) *int64 { return &s.Masters },
	transforms.MetricMultiClusters:  func(s *Summary) *int64 { return &s.MultiMasters },
}

// Summarize reads a finished run's metrics.
func Summarize(res metrics.QueryResults) Summary {
	sum := Summary{Sources: map[string]SourceCounts{}}
	for _, c := range res.Counters() {
		if c.Namespace() != transforms.Namespace {
			continue
		}
		v := c.Result()
		stage, source, perSource := strings.Cut(c.Name(), "/")
		if perSource {
			sc := sum.Sources[source]
			if count, ok := sourceCounters[stage]; ok {
				*count(&sc) += v
			}
			sum.Sources[source] = sc
			continue
		}
		if kind, ok := strings.CutPrefix(c.Name(), transforms.MetricChangesPrefix); ok {
			if sum.Changes == nil {
				sum.Changes = map[string]int64{}
			}
			sum.Changes[kind] += v
			continue
		}
		if count, ok := jobCounters[c.Name()]; ok {
			*count(&sum) += v
		}
	}
	for _, d := range res.Distributions() {
		if d.Key.Namespace == transforms.Namespace && d.Key.Name == transforms.MetricClusterSize {
			sum.MaxClusterSize = max(sum.MaxClusterSize, d.Result().Max)
		}
	}
	return sum
}

// Check verifies that every record read is accounted for: per source,
// read = accepted + rejected and accepted + reused = linked + superseded.
func (s Summary) Check() error {
	var errs []error
	for _, name := range s.SourceNames() {
		c := s.Sources[name]
		if c.Read != c.Accepted+c.Rejected {
			errs = append(errs, fmt.Errorf("source %s: read %d != accepted %d + rejected %d",
				name, c.Read, c.Accepted, c.Rejected))
		}
		if c.Accepted+c.Reused != c.Linked+c.Superseded {
			errs = append(errs, fmt.Errorf("source %s: accepted %d + reused %d != linked %d + superseded %d",
				name, c.Accepted, c.Reused, c.Linked, c.Superseded))
		}
	}
	return errors.Join(errs...)
}

// Linked is the number of distinct records across sources after
// within-source deduplication.
func (s Summary) Linked() int64 {
	var n int64
	for _, c := range s.Sources {
		n += c.Linked
	}
	return n
}

// Write prints the summary as a table.
func (s Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "%-16s %10s %10s %10s %10s %10s\n", "source", "read", "accepted", "rejected", "superseded", "linked")
	var total SourceCounts
	for _, name := range s.SourceNames() {
		c := s.Sources[name]
		fmt.Fprintf(w, "%-16s %10d %10d %10d %10d %10d\n", name, c.Read, c.Accepted, c.Rejected, c.Superseded, c.Linked)
		for _, count := range sourceCounters {
			*count(&total) += *count(&c)
		}
	}
	fmt.Fprintf(w, "%-16s %10d %10d %10d %10d %10d\n", "total", total.Read, total.Accepted, total.Rejected, total.Superseded, total.Linked)
	var reused []string
	for _, name := range s.SourceNames() {
		if n := s.Sources[name].Reused; n > 0 {
			reused = append(reused, fmt.Sprintf("%s %d", name, n))
		}
	}
	if len(reused) > 0 {
		fmt.Fprintf(w, "reused from the previous run (linked, not read): %s\n", strings.Join(reused, ", "))
	}
	kept := ""
	if s.KeptEdges > 0 {
		kept = fmt.Sprintf(", %d previous edges kept (unchanged records)", s.KeptEdges)
	}
	fmt.Fprintf(w, "candidate pairs %d, scored %d, matched %d%s\n", s.CandidatePairs, s.ScoredPairs, s.MatchedPairs, kept)
	fmt.Fprintf(w, "masters %d (%d merge duplicates; %d cross-source duplicates found; largest cluster %d)\n",
		s.Masters, s.MultiMasters, total.Linked-s.Masters, s.MaxClusterSize)
	if s.Changes != nil {
		var parts []string
		for _, kind := range reconcile.Kinds {
			parts = append(parts, fmt.Sprintf("%d %s", s.Changes[kind], kind))
		}
		fmt.Fprintf(w, "changes since the previous run: %s\n", strings.Join(parts, ", "))
	}
	if s.Wall > 0 {
		fmt.Fprintf(w, "wall time %s\n", s.Wall.Round(time.Millisecond))
	}
}

// SourceNames are the sources of the summary, sorted.
func (s Summary) SourceNames() []string {
	names := make([]string, 0, len(s.Sources))
	for n := range s.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
