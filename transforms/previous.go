package transforms

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/parquet-go/parquet-go"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*listPreviousRecordsFn)(nil))
	register.DoFn3x1[context.Context, string, func(schemas.Product), error](&readPreviousRecordsFn{})
}

// ReadPrevious reads the records of the named sources from the records/
// of a previous run's committed output dir (local, gs://, s3://), for an
// incremental run that does not read those sources' feeds. Each file is
// read by one worker. It returns a PCollection<schemas.Product> to flatten
// with Harmonize's accepted records, and counts the records per source
// under MetricReused.
func ReadPrevious(s beam.Scope, dir string, sources []string) beam.PCollection {
	s = s.Scope("linkbeam.ReadPrevious")
	files := beam.ParDo(s, &listPreviousRecordsFn{Dir: dir}, beam.Impulse(s))
	files = beam.Reshuffle(s, files)
	return beam.ParDo(s, &readPreviousRecordsFn{Sources: sources}, files)
}

type listPreviousRecordsFn struct {
	Dir string
}

func (fn *listPreviousRecordsFn) ProcessElement(ctx context.Context, _ []byte, emit func(string)) error {
	files, err := listPrevious(ctx, fn.Dir, RecordsDir)
	if err != nil {
		return err
	}
	for _, f := range files {
		emit(f)
	}
	return nil
}

type readPreviousRecordsFn struct {
	Sources []string

	reused sourceCounters
}

func (fn *readPreviousRecordsFn) ProcessElement(ctx context.Context, path string, emit func(schemas.Product)) error {
	fn.reused.stage = MetricReused
	rows, err := readParquetFile[schemas.RecordRow](ctx, path)
	if err != nil {
		return fmt.Errorf("previous records: %w", err)
	}
	for i := range rows {
		if !slices.Contains(fn.Sources, rows[i].Source) {
			continue
		}
		fn.reused.inc(ctx, rows[i].Source, 1)
		emit(rows[i].Product())
	}
	return nil
}

// CheckPrevious checks, at launch, that dir is a committed linkbeam output
// an incremental run can start from: it has _SUCCESS, masters/ next to its
// links/ (not the lake layout), and when needRecords (the run reuses
// records of sources it does not read) records/, which outputs of
// releases before incremental runs lack.
func CheckPrevious(ctx context.Context, dir string, needRecords bool) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return fmt.Errorf("--previous %s: %w", dir, err)
	}
	defer fs.Close()
	if _, err := fs.Size(ctx, dir+"/"+SuccessMarker); err != nil {
		return fmt.Errorf("--previous %s: not a committed linkbeam output (no %s): the first run of an output goes without --previous", dir, SuccessMarker)
	}
	count := map[string]int{}
	for _, sub := range []string{LinksDir, MastersDir, RecordsDir} {
		files, err := fs.List(ctx, dir+"/"+sub+"/*.parquet")
		if err != nil {
			return fmt.Errorf("--previous %s: listing %s/: %w", dir, sub, err)
		}
		count[sub] = len(files)
	}
	if count[LinksDir] > 0 && count[MastersDir] == 0 {
		return fmt.Errorf("--previous %s has %s/ but no %s/: incremental runs need an output of the standard layout", dir, LinksDir, MastersDir)
	}
	if needRecords && count[LinksDir] > 0 && count[RecordsDir] == 0 {
		return fmt.Errorf("--previous %s has no %s/ to reuse the other sources' records from (written by an older linkbeam): run once without --sources", dir, RecordsDir)
	}
	return nil
}

// listPrevious lists the Parquet files of one folder of a committed
// output, sorted.
func listPrevious(ctx context.Context, dir, sub string) ([]string, error) {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("previous output %s: %w", dir, err)
	}
	defer fs.Close()
	if _, err := fs.Size(ctx, dir+"/"+SuccessMarker); err != nil {
		return nil, fmt.Errorf("previous output %s is not a committed linkbeam output (no %s)", dir, SuccessMarker)
	}
	files, err := fs.List(ctx, dir+"/"+sub+"/*.parquet")
	if err != nil {
		return nil, fmt.Errorf("listing %s/%s: %w", dir, sub, err)
	}
	slices.Sort(files)
	return files, nil
}

// readPrevious reads every row of one folder of a committed output, a
// file per core. T may hold only some of the files' columns: the others
// are not decoded.
func readPrevious[T any](ctx context.Context, dir, sub string) ([]T, error) {
	files, err := listPrevious(ctx, dir, sub)
	if err != nil {
		return nil, err
	}
	parts := make([][]T, len(files))
	errs := make([]error, len(files))
	bulk.Parallel(len(files), func(i int) { parts[i], errs[i] = readParquetFile[T](ctx, files[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return slices.Concat(parts...), nil
}

// readParquetFile reads a whole Parquet file through the Beam filesystem
// of its scheme. Columns the file lacks (written by an older release)
// read as zero values.
func readParquetFile[T any](ctx context.Context, path string) ([]T, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	rows, err := parquet.Read[T](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return rows, nil
}
