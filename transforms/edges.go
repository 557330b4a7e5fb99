package transforms

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*packEdgesFn)(nil))
	registerBatchFn((*writeEdgesFn)(nil))
	registerBatchFn((*writeScoringFn)(nil))
}

// EdgesDir holds every accepted match edge of a run (schemas.EdgeRow) and
// ScoringFile: what a later incremental run keeps for pairs of records
// that did not change (README: "Incremental runs").
const EdgesDir = "edges"

// ScoringFile, in edges/, holds the ScoringHash the edges were decided
// under. Its leading underscore keeps Parquet readers of the folder off it.
const ScoringFile = "_scoring.json"

type scoringManifest struct {
	Scoring string `json:"scoring"`
}

// ScoringHash identifies what a run's match decisions depend on besides
// the two records: the model's features, weights, bias and
// standardisation, the threshold, the blocking config (which pairs are
// candidates) and whether same-source pairs are skipped. The model's
// provenance (trained_on, metrics) is left out. It does not cover
// linkbeam's own code: see README, "Incremental runs".
func ScoringHash(m *matchers.Model, threshold float64, blocking schemas.BlockingConfig, crossSourceOnly bool) string {
	h := sha256.New()
	// %v prints float64s in their shortest exact form.
	fmt.Fprintf(h, "features %q\nweights %v\nbias %v\nmean %v\nstd %v\nthreshold %v\nblocking %+v\ncross-source only %v\n",
		m.Features, m.Weights, m.Bias, m.Mean, m.Std, threshold, blocking, crossSourceOnly)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// WriteEdges writes the PCollection<spill.Ref> of edge batches from Score to
// edges/ under dir, in shards by the smaller record key, each sorted and
// holding each pair once with its highest probability (as Cluster keeps
// it), and scoring to edges/_scoring.json. It returns the
// PCollection<string> of written paths.
func WriteEdges(s beam.Scope, dir, compression string, store spill.Store, shards int, scoring string, edges beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteEdges")
	packed := beam.ParDo(s, &packEdgesFn{Shards: shards, Spill: store}, edges)
	parts := beam.ParDo(s, &writeEdgesFn{Dir: dir, Compression: compression}, beam.GroupByKey(s, packed))
	manifest := beam.ParDo(s, &writeScoringFn{Dir: dir, Scoring: scoring}, beam.Impulse(s))
	return beam.Flatten(s, parts, manifest)
}

// packEdgesFn repacks edge batches by the shard of their smaller key.
type packEdgesFn struct {
	Shards int
	Spill  spill.Store

	buf bulk.Buffers
}

func (fn *packEdgesFn) ProcessElement(ctx context.Context, ref spill.Ref, emit func(int, spill.Ref)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return fmt.Errorf("write edges: %w", err)
	}
	out := bulk.NewSpiller(ctx, fn.Spill, spillEdgeShards, emit)
	err = bulk.ForEachEdge(batch, func(e *bulk.Edge) {
		if e.A > e.B {
			e.Swap()
		}
		fn.buf.Add(bulk.ShardOf(e.A, fn.Shards), func(dst []byte) []byte { return bulk.AppendEdge(dst, e) }, out.Put)
	})
	if err != nil {
		return fmt.Errorf("write edges: %w", err)
	}
	return out.Err()
}

func (fn *packEdgesFn) FinishBundle(ctx context.Context, emit func(int, spill.Ref)) error {
	out := bulk.NewSpiller(ctx, fn.Spill, spillEdgeShards, emit)
	fn.buf.Flush(out.Put)
	return out.Err()
}

type writeEdgesFn struct {
	Dir         string
	Compression string
}

func (fn *writeEdgesFn) ProcessElement(ctx context.Context, shard int, batches func(*spill.Ref) bool, emit func(string)) error {
	best := map[[2]string]float64{}
	err := bulk.Read(ctx, batches, func(batch []byte) error {
		return bulk.ForEachEdge(batch, func(e *bulk.Edge) {
			k := [2]string{e.A, e.B}
			if p, ok := best[k]; !ok || e.P > p {
				best[k] = e.P
			}
		})
	})
	if err != nil {
		return fmt.Errorf("write edges: %w", err)
	}
	rows := make([]schemas.EdgeRow, 0, len(best))
	for k, p := range best {
		rows = append(rows, schemas.EdgeRow{A: k[0], B: k[1], MatchProbability: p})
	}
	slices.SortFunc(rows, func(x, y schemas.EdgeRow) int {
		return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B))
	})
	return writePart(ctx, fn.Dir+"/"+EdgesDir, shard, rows, fn.Compression, emit)
}

type writeScoringFn struct {
	Dir     string
	Scoring string
}

func (fn *writeScoringFn) ProcessElement(ctx context.Context, _ []byte, emit func(string)) error {
	data, err := json.Marshal(scoringManifest{Scoring: fn.Scoring})
	if err != nil {
		return err
	}
	path := fn.Dir + "/" + EdgesDir + "/" + ScoringFile
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer fs.Close()
	if err := filesystem.Write(ctx, fs, path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	emit(path)
	return nil
}

// PreviousScoring returns the ScoringHash of the edges/ of a committed
// output, or "" when it has none (written by an older linkbeam).
func PreviousScoring(ctx context.Context, dir string) (string, error) {
	path := dir + "/" + EdgesDir + "/" + ScoringFile
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return "", fmt.Errorf("--previous %s: %w", dir, err)
	}
	defer fs.Close()
	found, err := fs.List(ctx, path)
	if err != nil {
		return "", fmt.Errorf("--previous %s: listing %s/: %w", dir, EdgesDir, err)
	}
	if len(found) == 0 {
		return "", nil
	}
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return "", fmt.Errorf("--previous %s: %w", dir, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return "", fmt.Errorf("--previous %s: reading %s: %w", dir, path, err)
	}
	var m scoringManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("--previous %s: %s: %w", dir, path, err)
	}
	return m.Scoring, nil
}
