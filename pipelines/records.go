package pipelines

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms/sources"
)

// LoadRecords reads, maps and checks every record of one source in this
// process, without Beam. Training and explanation use it on labelled sets
// that fit in memory; the job itself reads through transforms.Read.
// Records failing the contract are returned as rejects.
func LoadRecords(ctx context.Context, cfg *schemas.Config, source string) ([]schemas.Product, []error, error) {
	src, ok := cfg.Sources[source]
	if !ok {
		return nil, nil, fmt.Errorf("unknown source %q", source)
	}
	src.Name = source
	mapper, err := schemas.NewMapper(src, cfg.Schemas[src.Schema])
	if err != nil {
		return nil, nil, err
	}
	var products []schemas.Product
	var rejects []error
	add := func(r schemas.RawRecord) error {
		p, err := mapper.MapChecked(r)
		if err != nil {
			rejects = append(rejects, err)
			return nil
		}
		products = append(products, p)
		return nil
	}
	if src.Type == "rest_api" {
		return products, rejects, sources.FetchAll(ctx, src, http.DefaultClient, add)
	}
	open, ok := sources.Open(src.Type)
	if !ok {
		return nil, nil, fmt.Errorf("source %s: no reader for type %q", source, src.Type)
	}
	fs, err := filesystem.New(ctx, src.Location)
	if err != nil {
		return nil, nil, err
	}
	defer fs.Close()
	files, err := fs.List(ctx, src.Location)
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("source %s: no file matches %s", source, src.Location)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := readFile(ctx, fs, f, src, open, add); err != nil {
			return nil, nil, fmt.Errorf("source %s: %s: %w", source, f, err)
		}
	}
	return products, rejects, nil
}

func readFile(ctx context.Context, fs filesystem.Interface, path string, src schemas.SourceConfig,
	open sources.OpenFunc, add func(schemas.RawRecord) error) error {
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec, err := open(rc, path, src)
	if err != nil {
		return err
	}
	for {
		r, err := dec.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := add(r); err != nil {
			return err
		}
	}
}
