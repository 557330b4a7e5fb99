package pipelines

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// incremental is what Options.Previous adds to Build (README:
// "Incremental runs"): the records of the sources that are not due come
// from the previous output's records/, pairs of unchanged records keep the
// previous decisions, and the masters keep the previous ids
// (transforms.Reconcile), with the changes in changes/. A nil
// *incremental is a run without --previous and adds nothing.
type incremental struct {
	previous string
	runID    string
	reuse    []string // sources whose records come from previous/records/
	// rescore says why every candidate pair is scored; empty when pairs
	// of unchanged records keep the previous decisions.
	rescore string
}

// newIncremental validates opts.Previous against the config and checks the
// previous output at launch. due are the sources this run reads; scoring
// is this run's transforms.ScoringHash.
func newIncremental(cfg *schemas.Config, opts Options, due []string, scoring string) (*incremental, error) {
	if opts.Previous == "" {
		return nil, nil
	}
	if cfg.Output.Layout == schemas.LayoutLake {
		return nil, fmt.Errorf("pipelines: --previous needs the standard output layout (masters/, records/); output.layout is lake")
	}
	inc := &incremental{previous: strings.TrimRight(opts.Previous, "/"), runID: opts.RunID}
	if len(opts.Sources) > 0 {
		for _, name := range cfg.SourceNames() {
			if !slices.Contains(due, name) {
				inc.reuse = append(inc.reuse, name)
			}
		}
	}
	ctx := context.Background()
	if err := transforms.CheckPrevious(ctx, inc.previous, len(inc.reuse) > 0); err != nil {
		return nil, fmt.Errorf("pipelines: %w", err)
	}
	previous, err := transforms.PreviousScoring(ctx, inc.previous)
	if err != nil {
		return nil, fmt.Errorf("pipelines: %w", err)
	}
	switch {
	case cfg.Output.WritePairs:
		inc.rescore = "output.write_pairs lists every candidate pair with its probability"
	case previous == "":
		inc.rescore = "it has no " + transforms.EdgesDir + "/ (written by an older linkbeam)"
	case previous != scoring:
		inc.rescore = "its " + transforms.EdgesDir + "/ were decided under another model, threshold or blocking config"
	}
	if inc.rescore != "" {
		log.Infof(ctx, "--previous %s: scoring every candidate pair: %s", inc.previous, inc.rescore)
	}
	return inc, nil
}

// keptFrom is the previous output whose decisions pairs of unchanged
// records keep, or "" when every pair is scored.
func (inc *incremental) keptFrom() string {
	if inc == nil || inc.rescore != "" {
		return ""
	}
	return inc.previous
}

// addReused returns the PCollection<schemas.Product> of accepted records
// with the reused ones added.
func (inc *incremental) addReused(s beam.Scope, accepted beam.PCollection) beam.PCollection {
	if inc == nil || len(inc.reuse) == 0 {
		return accepted
	}
	return beam.Flatten(s, accepted, transforms.ReadPrevious(s, inc.previous, inc.reuse))
}

// writeMasters writes the masters batches from Survive (PCollection<KV<int,
// spill.Ref>>) to masters/ and links/ under staging and returns the
// PCollection<string> of written paths. With --previous they keep the
// previous ids (transforms.Reconcile), and changes/ is written too.
func (inc *incremental) writeMasters(s beam.Scope, store spill.Store, staging, compression string, masters beam.PCollection) beam.PCollection {
	if inc == nil {
		return transforms.WriteMasters(s, staging, compression, masters)
	}
	plan, changes := transforms.Reconcile(s, transforms.ReconcileOptions{Previous: inc.previous, RunID: inc.runID, Spill: store}, masters)
	return beam.Flatten(s, transforms.WriteReconciledMasters(s, staging, compression, masters, plan),
		transforms.WriteChanges(s, staging, compression, changes))
}
