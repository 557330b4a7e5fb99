// Package transforms holds linkbeam's Beam composite transforms, one
// concern per file: read, harmonize, dedupe, block, score, cluster,
// survive, write and commit. They move data and call matchers/ and
// schemas/ for the logic.
package transforms

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms/sources"
)

func init() {
	registerBatchFn((*expandSourceFn)(nil))
	register.DoFn3x1[context.Context, ReadTask, func(SourceRecord), error](&readTaskFn{})
	register.Emitter1[ReadTask]()
	register.Emitter1[SourceRecord]()
}

// ReadTask is one unit of reading: a file of a source, or a REST endpoint.
type ReadTask struct {
	Source string
	Path   string // file path or URL
}

// SourceRecord is a raw record tagged with its source, as it crosses from
// the reader to the mapping DoFn.
type SourceRecord struct {
	Source      string
	Fields      map[string]string
	Raw         string
	Position    string
	DecodeError string // non-empty when the reader could not decode the record
	ReadNanos   int64  // time the reader spent on this record; see DurationNamespace
}

// Read expands every source of cfg into read tasks (files matched by each
// location glob, or the REST endpoint), spreads the tasks over workers and
// decodes them. It returns a PCollection<SourceRecord>.
//
// A location that matches no file fails the job with an error naming the
// path: an expected feed that is missing is not an empty feed.
func Read(s beam.Scope, cfg *schemas.Config, names []string) beam.PCollection {
	s = s.Scope("linkbeam.Read")
	srcs := beam.CreateList(s, names)
	tasks := beam.ParDo(s, &expandSourceFn{Config: *cfg}, srcs)
	tasks = beam.Reshuffle(s, tasks)
	return beam.ParDo(s, &readTaskFn{Config: *cfg}, tasks)
}

type expandSourceFn struct {
	Config schemas.Config
}

func (fn *expandSourceFn) ProcessElement(name string, emit func(ReadTask)) error {
	src, ok := fn.Config.Sources[name]
	if !ok {
		return fmt.Errorf("read: unknown source %q", name)
	}
	if src.Type == "rest_api" {
		emit(ReadTask{Source: name, Path: src.URL})
		return nil
	}
	files, err := SourceFiles(context.Background(), src.Location)
	if err != nil {
		return fmt.Errorf("read source %s: %w", name, err)
	}
	for _, f := range files {
		emit(ReadTask{Source: name, Path: f})
	}
	return nil
}

// SourceFiles expands a source location (path, glob, gs:// or s3:// URL)
// into its files, sorted. No match is an error naming the location: an
// expected feed that is missing is not an empty feed.
func SourceFiles(ctx context.Context, location string) ([]string, error) {
	fs, err := filesystem.New(ctx, location)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	return listSourceFiles(ctx, fs, location)
}

// listSourceFiles is SourceFiles on an open filesystem.
func listSourceFiles(ctx context.Context, fs filesystem.Interface, location string) ([]string, error) {
	files, err := fs.List(ctx, location)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", location, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no file matches %s", location)
	}
	sort.Strings(files)
	return files, nil
}

// SourceBytes is the total size of the files location matches.
func SourceBytes(ctx context.Context, location string) (int64, error) {
	fs, err := filesystem.New(ctx, location)
	if err != nil {
		return 0, err
	}
	defer fs.Close()
	files, err := listSourceFiles(ctx, fs, location)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, f := range files {
		n, err := fs.Size(ctx, f)
		if err != nil {
			return 0, fmt.Errorf("size of %s: %w", f, err)
		}
		total += n
	}
	return total, nil
}

// DecodeFile reads one file of src with the reader registered for its
// type and passes every raw record to emit; record-level problems arrive
// as records with Err set.
func DecodeFile(ctx context.Context, path string, src schemas.SourceConfig, emit func(schemas.RawRecord) error) error {
	open, ok := sources.Open(src.Type)
	if !ok {
		return fmt.Errorf("no reader for type %q", src.Type)
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer rc.Close()
	dec, err := open(rc, baseName(path), src)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for {
		r, err := dec.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := emit(r); err != nil {
			return err
		}
	}
}

type readTaskFn struct {
	Config schemas.Config
}

func (fn *readTaskFn) ProcessElement(ctx context.Context, t ReadTask, emit func(SourceRecord)) error {
	src := fn.Config.Sources[t.Source]
	src.Name = t.Source
	// The reader decodes on its own goroutine, ahead of the records'
	// harmonizing downstream: prism runs the read stage as one bundle, so
	// this is the stage's only parallelism. Records cross in chunks.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []SourceRecord, 4)
	done := make(chan error, 1)
	go func() {
		defer close(chunks)
		const chunkSize = 256
		var chunk []SourceRecord
		last := time.Now() // when the reader resumed: time spent downstream is not the reader's
		send := func(r schemas.RawRecord) error {
			rec := SourceRecord{Source: t.Source, Fields: r.Fields, Raw: r.Raw, Position: r.Position,
				ReadNanos: int64(time.Since(last))}
			if r.Err != nil {
				rec.DecodeError = r.Err.Error()
			}
			if chunk = append(chunk, rec); len(chunk) == chunkSize {
				select {
				case chunks <- chunk:
				case <-ctx.Done():
					return ctx.Err()
				}
				chunk = make([]SourceRecord, 0, chunkSize)
			}
			last = time.Now()
			return nil
		}
		var err error
		if src.Type == "rest_api" {
			err = sources.FetchAll(ctx, src, http.DefaultClient, send)
		} else {
			err = DecodeFile(ctx, t.Path, src, send)
		}
		if err == nil && len(chunk) > 0 {
			chunks <- chunk
		}
		done <- err
	}()
	for chunk := range chunks {
		for _, rec := range chunk {
			emit(rec)
		}
	}
	if err := <-done; err != nil {
		return fmt.Errorf("read source %s: %w", t.Source, err)
	}
	return nil
}

func baseName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}
