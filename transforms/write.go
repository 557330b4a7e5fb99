package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*writeMastersFn)(nil))
	register.DoFn4x1[context.Context, int, func(*schemas.RejectRow) bool, func(string), error](&writeRejectsFn{})
	register.Function1x2(keyReject)
	register.Emitter1[string]()
	register.Iter1[schemas.RejectRow]()
}

// Output folders under the job's output directory.
const (
	MastersDir  = "masters"
	LinksDir    = "links"
	RejectedDir = "rejected"
)

// rejectShards spreads dead letters over a few files; they are few unless a
// feed went bad, and then max_reject_ratio stops the job.
const rejectShards = 4

// WriteMasters writes each masters batch as one Parquet file in masters/
// and one in links/ under dir, named by shard number so a retried bundle
// overwrites its own files. Every worker writes its own shards: no single
// worker funnels the output. It takes the PCollection<KV<int,spill.Ref>>
// of masters batches from Survive and returns the PCollection<string> of
// written paths. WriteReconciledMasters writes them under reconciled ids.
func WriteMasters(s beam.Scope, dir, compression string, shards beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteMasters")
	return beam.ParDo(s, &writeMastersFn{Dir: dir, Compression: compression}, shards)
}

// WriteRejects writes the PCollection<schemas.RejectRow> to rejected/ under
// dir and returns the PCollection<string> of written paths.
func WriteRejects(s beam.Scope, dir, compression string, rejects beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteRejects")
	keyed := beam.ParDo(s, keyReject, rejects)
	return beam.ParDo(s, &writeRejectsFn{Dir: dir, Compression: compression}, beam.GroupByKey(s, keyed))
}

func keyReject(r schemas.RejectRow) (int, schemas.RejectRow) {
	return bulk.ShardOf(r.Source+"\x00"+r.Position+"\x00"+r.Raw, rejectShards), r
}

type writeMastersFn struct {
	Dir         string
	Compression string
}

func (fn *writeMastersFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, emit func(string)) error {
	masters, links, err := bulk.GetMasters(ctx, ref)
	if err != nil {
		return err
	}
	return writeMasterShard(ctx, fn.Dir, fn.Compression, shard, masters, links, emit)
}

// writeMasterShard writes a shard's masters and links to masters/ and
// links/ under dir and emits both paths.
func writeMasterShard(ctx context.Context, dir, compression string, shard int, masters []schemas.MasterRow, links []schemas.LinkRow, emit func(string)) error {
	name := partName(shard)
	mp := dir + "/" + MastersDir + "/" + name
	if err := writeParquet(ctx, mp, masters, compression); err != nil {
		return err
	}
	lp := dir + "/" + LinksDir + "/" + name
	if err := writeParquet(ctx, lp, links, compression); err != nil {
		return err
	}
	emit(mp)
	emit(lp)
	return nil
}

type writeRejectsFn struct {
	Dir         string
	Compression string
}

func (fn *writeRejectsFn) ProcessElement(ctx context.Context, shard int, rows func(*schemas.RejectRow) bool, emit func(string)) error {
	var all []schemas.RejectRow
	var r schemas.RejectRow
	for rows(&r) {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b schemas.RejectRow) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Position, b.Position),
			strings.Compare(a.Reason, b.Reason), strings.Compare(a.Raw, b.Raw))
	})
	return writePart(ctx, fn.Dir+"/"+RejectedDir, shard, all, fn.Compression, emit)
}

func partName(shard int) string { return fmt.Sprintf("part-%05d.parquet", shard) }

// writePart writes rows to shard's file in dir (partName) and emits its
// path.
func writePart[T any](ctx context.Context, dir string, shard int, rows []T, compression string, emit func(string)) error {
	path := dir + "/" + partName(shard)
	if err := writeParquet(ctx, path, rows, compression); err != nil {
		return err
	}
	emit(path)
	return nil
}

// Codec returns the Parquet codec for a config compression name.
func Codec(name string) (compress.Codec, error) {
	switch name {
	case "", "snappy":
		return &fastSnappy{}, nil
	case "zstd":
		return &parquet.Zstd, nil
	case "none":
		return &parquet.Uncompressed, nil
	}
	return nil, fmt.Errorf("unknown compression %q", name)
}

// fastSnappy is Parquet's SNAPPY codec with s2's standard snappy encoder.
// parquet-go's encodes with s2's "better" mode, which took 2% of a 1M
// run's CPU for files a few percent smaller; any snappy decoder reads
// either.
type fastSnappy struct{ snappy.Codec }

func (*fastSnappy) Encode(dst, src []byte) ([]byte, error) {
	return s2.EncodeSnappy(dst, src), nil
}

// writeParquet writes rows to path through the Beam filesystem of its
// scheme (local, gs://, s3://).
func writeParquet[T any](ctx context.Context, path string, rows []T, compression string) (err error) {
	codec, err := Codec(compression)
	if err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %w", path, cerr)
		}
	}()
	pw := parquet.NewGenericWriter[T](w, parquet.Compression(codec))
	if _, err := pw.Write(rows); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
