package transforms

import (
	"context"
	"fmt"
	"slices"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// An incremental run whose previous output was decided under the same
// ScoringHash keeps the previous decision on every pair of two unchanged
// records (README: "Incremental runs"): Block marks the records whose
// record key and fingerprint are not in the previous records/ and sends
// Score only the blocks they touch, and Score adds the previous edges
// between unchanged records.

// fingerprintRow is the part of a records/ row that tells whether a
// record changed.
type fingerprintRow struct {
	Source      string `parquet:"source"`
	SourceID    string `parquet:"source_id"`
	Fingerprint string `parquet:"fingerprint"`
}

// unchangedSet holds versionHash of every record of a previous records/,
// sorted: 8 bytes a record, so that every Block worker can hold it. A
// collision (odds about n/2^64 per changed record) could only pass a
// changed record for an unchanged one.
type unchangedSet []uint64

func loadUnchanged(ctx context.Context, dir string) (unchangedSet, error) {
	files, err := listPrevious(ctx, dir, RecordsDir)
	if err != nil {
		return nil, err
	}
	var set unchangedSet
	for _, f := range files {
		rows, err := readParquetFile[fingerprintRow](ctx, f)
		if err != nil {
			return nil, fmt.Errorf("previous records: %w", err)
		}
		for _, r := range rows {
			set = append(set, versionHash(schemas.RecordKey(r.Source, r.SourceID), r.Fingerprint))
		}
	}
	slices.Sort(set)
	return set, nil
}

// has reports whether p is a record of the previous run, unchanged. It
// costs nothing on an empty set.
func (u unchangedSet) has(p *schemas.Product) bool {
	if len(u) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(u, versionHash(p.Key(), schemas.Fingerprint(p)))
	return ok
}

func versionHash(key, fingerprint string) uint64 { return matchers.FNV1a(key + "\x00" + fingerprint) }

// appendKeptEdges appends the previous edges whose two records are both
// unchanged candidates of the shard, with their previous probability.
// The two shared a blocking key in the previous run and, unchanged under
// the same blocking config, still do: they meet in that key's shard. An
// edge whose records meet in several shards is added by each; Cluster and
// WriteEdges keep one.
func appendKeptEdges(dst []byte, sb *shardBlocks, previous []schemas.EdgeRow) ([]byte, int64) {
	if len(previous) == 0 {
		return dst, 0
	}
	// The unchanged candidates by record key: a binary search of the
	// candidates, each a few hundred bytes, missed the cache at every step.
	var kept int64
	unchanged := make(map[string]int32, len(sb.cands))
	for i := range sb.cands {
		if sb.cands[i].Unchanged {
			unchanged[sb.cands[i].Key] = int32(i)
		}
	}
	for _, e := range previous {
		i, okA := unchanged[e.A]
		if !okA {
			continue
		}
		if j, okB := unchanged[e.B]; okB {
			ed := newEdge(sb, i, j, e.MatchProbability)
			dst = bulk.AppendEdge(dst, &ed)
			kept++
		}
	}
	return dst, kept
}
