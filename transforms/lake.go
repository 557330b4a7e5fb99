package transforms

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn3x1[context.Context, SourceRecord, func(string), error](&writeRawFn{})
	registerBatchFn((*writeProcessedFn)(nil))
	registerBatchFn((*writeCuratedFn)(nil))
}

// Folders of the lake layout (output.layout: lake), besides links/,
// rejected/ and pairs/, which it shares with the standard layout:
//
//	raw/source=<source>/run_date=<YYYY-MM-DD>/part-<hash>.parquet   schemas.RawRow
//	processed/part-<shard>.parquet                                  schemas.ProductRow
//	curated/category=<category>/part-<shard>.parquet                schemas.CuratedMasterRow
//
// raw/ keeps one partition per source and run date: a run replaces its
// own partitions and leaves earlier dates alone. processed/ and curated/
// are the current state and are replaced whole, like masters/.
const (
	RawDir       = "raw"
	ProcessedDir = "processed"
	CuratedDir   = "curated"
)

// rawFileBytes bounds the records buffered for one raw/ file.
const rawFileBytes = 32 << 20

// LakeOptions configure WriteLake.
type LakeOptions struct {
	Dir         string // the (staging) directory written under
	Compression string // output.compression
	RunDate     string // YYYY-MM-DD: the raw/ partition of this run
}

// LakePlan is the commit of a lake-layout run that read sources on
// runDate: it replaces those sources' raw/ partitions of that date,
// processed/, curated/, links/, rejected/ and pairs/, and retires the
// standard layout's masters/, records/ and changes/.
func LakePlan(sources []string, runDate string) CommitPlan {
	plan := CommitPlan{
		Publish: []string{ProcessedDir, CuratedDir, LinksDir, RejectedDir, PairsDir},
		Retire:  []string{MastersDir, RecordsDir, ChangesDir},
	}
	for _, src := range sources {
		plan.Publish = append(plan.Publish, RawPartition(src, runDate))
	}
	return plan
}

// RawPartition is the raw/ folder of a source's records read on runDate.
func RawPartition(source, runDate string) string {
	return RawDir + "/" + HivePartition("source", source) + "/" + HivePartition("run_date", runDate)
}

// WriteLake writes the lake layout's raw/, processed/ and curated/ and
// links/ under opts.Dir. It takes the PCollection<SourceRecord> from Read,
// the PCollection<KV<int,spill.Ref>> of survivor batches from Dedupe and
// the PCollection<KV<int,spill.Ref>> of masters batches from Survive, and
// returns the
// PCollection<string> of written paths. Each worker writes the files of
// its own elements; nothing funnels through one worker.
func WriteLake(s beam.Scope, opts LakeOptions, records, survivors, masters beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteLake")
	raw := beam.ParDo(s, &writeRawFn{Dir: opts.Dir, Compression: opts.Compression, RunDate: opts.RunDate}, records)
	processed := beam.ParDo(s, &writeProcessedFn{Dir: opts.Dir, Compression: opts.Compression}, survivors)
	curated := beam.ParDo(s, &writeCuratedFn{Dir: opts.Dir, Compression: opts.Compression}, masters)
	return beam.Flatten(s, raw, processed, curated)
}

// writeRawFn buffers the records of each source within a bundle and writes
// them to raw/ when the buffer is full and at the end of the bundle. A
// file is named by a hash of its records, so a retried bundle rewrites
// the same files and two chunks never share a name.
type writeRawFn struct {
	Dir         string
	Compression string
	RunDate     string

	bufs map[string]*rawBuffer // by source
}

type rawBuffer struct {
	rows  []schemas.RawRow
	bytes int
}

func (fn *writeRawFn) ProcessElement(ctx context.Context, r SourceRecord, emit func(string)) error {
	if fn.bufs == nil {
		fn.bufs = map[string]*rawBuffer{}
	}
	b := fn.bufs[r.Source]
	if b == nil {
		b = &rawBuffer{}
		fn.bufs[r.Source] = b
	}
	b.rows = append(b.rows, schemas.RawRow{Position: r.Position, Fields: r.Fields, DecodeError: r.DecodeError})
	b.bytes += len(r.Position) + len(r.DecodeError)
	for k, v := range r.Fields {
		b.bytes += len(k) + len(v)
	}
	if b.bytes >= rawFileBytes {
		return fn.flush(ctx, r.Source, emit)
	}
	return nil
}

func (fn *writeRawFn) FinishBundle(ctx context.Context, emit func(string)) error {
	for _, src := range slices.Sorted(maps.Keys(fn.bufs)) {
		if err := fn.flush(ctx, src, emit); err != nil {
			return err
		}
	}
	return nil
}

func (fn *writeRawFn) flush(ctx context.Context, source string, emit func(string)) error {
	b := fn.bufs[source]
	delete(fn.bufs, source)
	if b == nil || len(b.rows) == 0 {
		return nil
	}
	path := fn.Dir + "/" + RawPartition(source, fn.RunDate) + "/" + rawFileName(b.rows)
	if err := writeParquet(ctx, path, b.rows, fn.Compression); err != nil {
		return err
	}
	emit(path)
	return nil
}

// rawFileName names a raw/ file by a hash of its rows.
func rawFileName(rows []schemas.RawRow) string {
	h := sha256.New()
	var n [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, r := range rows {
		str(r.Position)
		str(r.DecodeError)
		keys := slices.Sorted(maps.Keys(r.Fields))
		binary.LittleEndian.PutUint64(n[:], uint64(len(keys)))
		h.Write(n[:])
		for _, k := range keys {
			str(k)
			str(r.Fields[k])
		}
	}
	return "part-" + hex.EncodeToString(h.Sum(nil)[:8]) + ".parquet"
}

// writeProcessedFn writes the survivor batch of one dedupe shard to
// processed/part-<shard>.parquet.
type writeProcessedFn struct {
	Dir         string
	Compression string
}

func (fn *writeProcessedFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, emit func(string)) error {
	products, err := bulk.GetProducts(ctx, ref)
	if err != nil {
		return fmt.Errorf("write processed: %w", err)
	}
	if len(products) == 0 {
		return nil
	}
	rows := make([]schemas.ProductRow, len(products))
	for i := range products {
		rows[i] = schemas.NewProductRow(&products[i])
	}
	return writePart(ctx, fn.Dir+"/"+ProcessedDir, shard, rows, fn.Compression, emit)
}

// writeCuratedFn writes the masters of one masters batch to
// curated/category=<c>/part-<shard>.parquet, one file per category in the
// shard, and its links to links/part-<shard>.parquet.
type writeCuratedFn struct {
	Dir         string
	Compression string
}

func (fn *writeCuratedFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, emit func(string)) error {
	masters, links, err := bulk.GetMasters(ctx, ref)
	if err != nil {
		return err
	}
	name := partName(shard)
	byCategory := map[string][]schemas.CuratedMasterRow{}
	for i := range masters {
		m := &masters[i]
		byCategory[m.Category] = append(byCategory[m.Category], schemas.NewCuratedMasterRow(m))
	}
	for _, c := range slices.Sorted(maps.Keys(byCategory)) {
		path := fn.Dir + "/" + CuratedDir + "/" + HivePartition("category", c) + "/" + name
		if err := writeParquet(ctx, path, byCategory[c], fn.Compression); err != nil {
			return err
		}
		emit(path)
	}
	lp := fn.Dir + "/" + LinksDir + "/" + name
	if err := writeParquet(ctx, lp, links, fn.Compression); err != nil {
		return err
	}
	emit(lp)
	return nil
}

// HiveDefaultPartition is Hive's folder name for an empty or null value.
const HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// HivePartition returns the folder name key=value, escaping value the way
// Hive does (FileUtils.escapePathName): control characters and
// "#%'*/:=?\{[]^ as %XX, so a category "TV/Video" becomes
// category=TV%2FVideo. Spark and Hive unescape it when they read the
// partition back.
func HivePartition(key, value string) string {
	if value == "" {
		return key + "=" + HiveDefaultPartition
	}
	var b strings.Builder
	b.WriteString(key)
	b.WriteByte('=')
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c < 0x20 || c == 0x7f || strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
