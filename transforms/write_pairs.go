package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*writePairsFn)(nil))
}

// PairsDir holds the scored candidate pairs when output.write_pairs is set.
const PairsDir = "pairs"

// WritePairs writes the scored pairs from Score, one Parquet file per score
// shard, under dir/pairs. It takes a PCollection<KV<int,spill.Ref>> of
// edge batches (Score spills a shard's pairs in several) and returns the
// PCollection<string> of written paths.
func WritePairs(s beam.Scope, dir, compression string, pairs beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WritePairs")
	return beam.ParDo(s, &writePairsFn{Dir: dir, Compression: compression}, beam.GroupByKey(s, pairs))
}

type writePairsFn struct {
	Dir         string
	Compression string
}

func (fn *writePairsFn) ProcessElement(ctx context.Context, shard int, refs func(*spill.Ref) bool, emit func(string)) error {
	var rows []schemas.PairRow
	err := bulk.Read(ctx, refs, func(batch []byte) error {
		return bulk.ForEachEdge(batch, func(e *bulk.Edge) { rows = append(rows, pairRow(*e)) })
	})
	if err != nil {
		return fmt.Errorf("write pairs: %w", err)
	}
	slices.SortFunc(rows, func(a, b schemas.PairRow) int {
		return cmp.Or(strings.Compare(a.LeftSource, b.LeftSource), strings.Compare(a.LeftID, b.LeftID),
			strings.Compare(a.RightSource, b.RightSource), strings.Compare(a.RightID, b.RightID))
	})
	return writePart(ctx, fn.Dir+"/"+PairsDir, shard, rows, fn.Compression, emit)
}

func pairRow(e bulk.Edge) schemas.PairRow {
	if e.A > e.B {
		e.A, e.B = e.B, e.A
	}
	ls, lid := splitKey(e.A)
	rs, rid := splitKey(e.B)
	return schemas.PairRow{LeftSource: ls, LeftID: lid, RightSource: rs, RightID: rid, MatchProbability: e.P,
		IdentifiersAgree: matchers.IdentifiersAgree(e.GA, e.GB, e.MA, e.MB), TextSimilarity: e.Tie}
}

func splitKey(key string) (source, id string) {
	source = sourceOf(key)
	return source, key[len(source)+1:]
}
