package transforms

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn4x1[context.Context, SourceRecord, func(schemas.Product), func(schemas.RejectRow), error](&harmonizeFn{})
	register.Emitter1[schemas.Product]()
	register.Emitter1[schemas.RejectRow]()
}

// Harmonize maps each source record onto the unified product schema with
// its source's schema mapping and checks the schema's data contract.
// It takes a PCollection<SourceRecord> and returns the accepted
// PCollection<schemas.Product> and the PCollection<schemas.RejectRow> of
// records that failed decoding, mapping or the contract, each with a reason.
func Harmonize(s beam.Scope, cfg *schemas.Config, records beam.PCollection) (accepted, rejected beam.PCollection) {
	s = s.Scope("linkbeam.Harmonize")
	return beam.ParDo2(s, &harmonizeFn{Config: *cfg}, records)
}

type harmonizeFn struct {
	Config schemas.Config

	mappers  map[string]*schemas.Mapper
	read     sourceCounters
	accepted sourceCounters
	rejected sourceCounters
}

func (fn *harmonizeFn) Setup() error {
	fn.mappers = map[string]*schemas.Mapper{}
	for name, src := range fn.Config.Sources {
		src.Name = name
		m, err := schemas.NewMapper(src, fn.Config.Schemas[src.Schema])
		if err != nil {
			return fmt.Errorf("harmonize: source %s: %w", name, err)
		}
		fn.mappers[name] = m
	}
	fn.read.stage, fn.accepted.stage, fn.rejected.stage = MetricRead, MetricAccepted, MetricRejected
	return nil
}

func (fn *harmonizeFn) ProcessElement(ctx context.Context, r SourceRecord, accept func(schemas.Product), reject func(schemas.RejectRow)) error {
	fn.read.inc(ctx, r.Source, 1)
	p, err := fn.harmonize(r)
	if err != nil {
		fn.rejected.inc(ctx, r.Source, 1)
		reject(rejectRow(r, err))
		return nil
	}
	fn.accepted.inc(ctx, r.Source, 1)
	accept(p)
	return nil
}

func (fn *harmonizeFn) harmonize(r SourceRecord) (schemas.Product, error) {
	m, ok := fn.mappers[r.Source]
	if !ok {
		return schemas.Product{}, fmt.Errorf("no mapping for source %q", r.Source)
	}
	raw := schemas.RawRecord{Fields: r.Fields, Raw: r.Raw, Position: r.Position}
	if r.DecodeError != "" {
		raw.Err = errors.New(r.DecodeError)
	}
	return m.MapChecked(raw)
}

func rejectRow(r SourceRecord, err error) schemas.RejectRow {
	row := schemas.NewRejectRow(err, schemas.RawRecord{Fields: r.Fields, Raw: r.Raw, Position: r.Position})
	if row.Source == "" {
		row.Source = r.Source
	}
	return row
}
