package transforms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*writeRecordsFn)(nil))
}

// RecordsDir holds every accepted record after within-source dedupe, in
// the unified schema with its fingerprint (schemas.RecordRow): what an
// incremental run reuses for the sources that are not due.
const RecordsDir = "records"

// WriteRecords writes each survivor batch from Dedupe as one Parquet file
// in records/ under dir, named by a hash of its first record key, so a
// retried bundle rewrites its own file and two batches never share a
// name. It takes the PCollection<KV<int,spill.Ref>> of survivor batches
// and returns the PCollection<string> of written paths.
func WriteRecords(s beam.Scope, dir, compression string, survivors beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteRecords")
	return beam.ParDo(s, &writeRecordsFn{Dir: dir, Compression: compression}, survivors)
}

type writeRecordsFn struct {
	Dir         string
	Compression string
}

func (fn *writeRecordsFn) ProcessElement(ctx context.Context, _ int, ref spill.Ref, emit func(string)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return fmt.Errorf("write records: %w", err)
	}
	n, err := schemas.CountProducts(batch)
	if err != nil {
		return fmt.Errorf("write records: %w", err)
	}
	rows := make([]schemas.RecordRow, 0, n)
	for src := batch; len(src) > 0; {
		var p schemas.Product
		var err error
		if src, err = schemas.DecodeProduct(src, &p); err != nil {
			return fmt.Errorf("write records: %w", err)
		}
		rows = append(rows, schemas.NewRecordRow(&p))
	}
	if len(rows) == 0 {
		return nil
	}
	h := sha256.Sum256([]byte(schemas.RecordKey(rows[0].Source, rows[0].SourceID)))
	path := fn.Dir + "/" + RecordsDir + "/part-" + hex.EncodeToString(h[:8]) + ".parquet"
	if err := writeParquet(ctx, path, rows, fn.Compression); err != nil {
		return err
	}
	emit(path)
	return nil
}
