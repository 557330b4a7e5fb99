package pipelines

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
	"github.com/linkbeam/linkbeam/transforms/sources"
)

// LoadSources loads the accepted records of the named sources (all of
// them when names is empty), in the order named (LoadRecords, rejects
// dropped). Names missing from cfg are reported together: a run's sources
// not in the config given for it mean it is not the run's config.
func LoadSources(ctx context.Context, cfg *schemas.Config, names []string) ([]schemas.Product, error) {
	if len(names) == 0 {
		names = cfg.SourceNames()
	}
	var unknown []string
	for _, name := range names {
		if _, ok := cfg.Sources[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("sources %s are not in config %s: is it the run's config?", strings.Join(unknown, ", "), cfg.File)
	}
	var all []schemas.Product
	for _, name := range names {
		ps, _, err := LoadRecords(ctx, cfg, name)
		if err != nil {
			return nil, fmt.Errorf("loading records of %s: %w", name, err)
		}
		all = append(all, ps...)
	}
	return all, nil
}

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
	files, err := transforms.SourceFiles(ctx, src.Location)
	if err != nil {
		return nil, nil, fmt.Errorf("source %s: %w", source, err)
	}
	for _, f := range files {
		if err := transforms.DecodeFile(ctx, f, src, add); err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", source, err)
		}
	}
	return products, rejects, nil
}
