package transforms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn5x1[context.Context, SourceRecord, func(schemas.Product), func(schemas.RejectRow), func(SourceTally), error](&harmonizeFn{})
	register.Emitter1[SourceTally]()
	register.Emitter1[schemas.Product]()
	register.Emitter1[schemas.RejectRow]()
}

// Harmonize maps each source record onto the unified product schema with
// its source's schema mapping and checks the schema's data contract.
// It takes a PCollection<SourceRecord> and returns the accepted
// PCollection<schemas.Product> and the PCollection<schemas.RejectRow> of
// records that failed decoding, mapping or the contract, each with a reason,
// and a PCollection<SourceTally> of per-bundle counts for GuardRejects.
func Harmonize(s beam.Scope, cfg *schemas.Config, records beam.PCollection) (accepted, rejected, tallies beam.PCollection) {
	s = s.Scope("linkbeam.Harmonize")
	return beam.ParDo3(s, &harmonizeFn{Config: *cfg}, records)
}

// SourceTally counts one source's records read and rejected in a bundle.
type SourceTally struct {
	Source         string
	Read, Rejected int64
}

type harmonizeFn struct {
	Config schemas.Config

	mappers  map[string]*schemas.Mapper
	tallies  map[string]*SourceTally
	read     sourceCounters
	accepted sourceCounters
	rejected sourceCounters
	duration durationHistogram
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

func (fn *harmonizeFn) ProcessElement(ctx context.Context, r SourceRecord, accept func(schemas.Product), reject func(schemas.RejectRow), _ func(SourceTally)) error {
	start := time.Now()
	fn.read.inc(ctx, r.Source, 1)
	t := fn.tally(r.Source)
	t.Read++
	p, err := fn.harmonize(r)
	fn.duration.observe(ctx, r.Source, time.Duration(r.ReadNanos)+time.Since(start))
	if err != nil {
		fn.rejected.inc(ctx, r.Source, 1)
		t.Rejected++
		reject(rejectRow(r, err))
		return nil
	}
	fn.accepted.inc(ctx, r.Source, 1)
	accept(p)
	return nil
}

func (fn *harmonizeFn) tally(source string) *SourceTally {
	if fn.tallies == nil {
		fn.tallies = map[string]*SourceTally{}
	}
	t, ok := fn.tallies[source]
	if !ok {
		t = &SourceTally{Source: source}
		fn.tallies[source] = t
	}
	return t
}

func (fn *harmonizeFn) FinishBundle(_ func(schemas.Product), _ func(schemas.RejectRow), emit func(SourceTally)) {
	for _, t := range fn.tallies {
		emit(*t)
	}
	fn.tallies = nil
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
