package transforms

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn3x1[[]byte, func(*[]byte) bool, func(int, []byte), error](&duplicateKeyFn{})
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&duplicateCountFn{})
}

// DuplicatesNamespace holds the counters of CountDuplicates, named
// "<kind>/<source>" with kind one of DuplicateGTIN, DuplicateModel and
// DuplicateFuzzy.
const DuplicatesNamespace = "linkbeam.duplicates"

// The kinds of CountDuplicates, from the strongest evidence to the weakest.
// Every record of a master with two or more members has exactly one.
const (
	// DuplicateGTIN: another member of its master has the same GTIN
	// (as the matcher reads it: NormalizeGTIN of the field, else a GTIN in
	// the title).
	DuplicateGTIN = "gtin"
	// DuplicateModel: not DuplicateGTIN, and another member of its master
	// shares one of its model numbers (the model_number field and the
	// codes found in title and description, as the matcher reads them).
	DuplicateModel = "model"
	// DuplicateFuzzy: the rest, linked on title, brand and price alone.
	DuplicateFuzzy = "fuzzy"
)

// DuplicateCounter names a counter of CountDuplicates.
func DuplicateCounter(kind, source string) string { return kind + "/" + source }

// CountDuplicates counts, per source, the records that were linked into a
// master with two or more members, by the strongest identifier each shares
// with another member of its master (DuplicateGTIN, DuplicateModel,
// DuplicateFuzzy). Their sum is the number of records in multi-member
// masters: linked - masters + multi_member_masters.
//
// It takes the PCollection<[]byte> of survivor batches from Dedupe and the
// singleton assignment PCollection<[]byte> from Cluster (as a side input)
// and only counts: it has no output. Only records of multi-member masters
// cross its one shuffle, packed per shard, with their identifiers alone.
func CountDuplicates(s beam.Scope, shards int, survivors, assignments beam.PCollection) {
	s = s.Scope("linkbeam.CountDuplicates")
	keyed := beam.ParDo(s, &duplicateKeyFn{Shards: shards}, survivors, beam.SideInput{Input: assignments})
	beam.ParDo0(s, &duplicateCountFn{}, beam.GroupByKey(s, keyed))
}

// duplicateKeyFn packs (master id, source, GTIN, model numbers) of every
// assigned record, by the shard of its master.
type duplicateKeyFn struct {
	Shards int

	assigned map[string]assignment
	buf      shardBuffers
}

func (fn *duplicateKeyFn) ProcessElement(batch []byte, assignments func(*[]byte) bool, emit func(int, []byte)) error {
	if fn.assigned == nil {
		fn.assigned = map[string]assignment{}
		var b []byte
		for assignments(&b) {
			if err := decodeAssignments(b, fn.assigned); err != nil {
				return fmt.Errorf("count duplicates: assignments: %w", err)
			}
		}
	}
	for src := batch; len(src) > 0; {
		var p schemas.Product
		var err error
		if src, err = schemas.DecodeProduct(src, &p); err != nil {
			return fmt.Errorf("count duplicates: %w", err)
		}
		a, ok := fn.assigned[p.Key()]
		if !ok {
			continue // a master of its own
		}
		m := Prepare(&p, nil)
		fn.buf.add(shardOf(a.MasterID, fn.Shards), func(b []byte) []byte {
			b = schemas.AppendString(b, a.MasterID)
			b = schemas.AppendString(b, p.Source)
			b = schemas.AppendString(b, m.GTIN)
			return schemas.AppendString(b, strings.Join(m.Models, " ")) // normalised models have no spaces
		}, emit)
	}
	fn.buf.flush(emit)
	return nil
}

type duplicateMember struct {
	master, source, gtin string
	models               []string
}

type duplicateCountFn struct {
	counters map[string]beam.Counter
}

func (fn *duplicateCountFn) ProcessElement(ctx context.Context, shard int, batches func(*[]byte) bool) error {
	var ms []duplicateMember
	var batch []byte
	for batches(&batch) {
		for src := batch; len(src) > 0; {
			var m duplicateMember
			var models string
			var err error
			for _, dst := range []*string{&m.master, &m.source, &m.gtin, &models} {
				if *dst, src, err = schemas.DecodeString(src); err != nil {
					return fmt.Errorf("count duplicates shard %d: %w", shard, err)
				}
			}
			m.models = strings.Fields(models)
			ms = append(ms, m)
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].master < ms[j].master })
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].master == ms[i].master {
			j++
		}
		group := ms[i:j]
		for k, kind := range duplicateKinds(group) {
			fn.inc(ctx, kind, group[k].source)
		}
		i = j
	}
	return nil
}

// duplicateKinds classifies each member of a master by the identifiers it
// shares with another member.
func duplicateKinds(group []duplicateMember) []string {
	gtins := map[string]int{}
	models := map[string]int{} // members having each model number
	for i := range group {
		if g := group[i].gtin; g != "" {
			gtins[g]++
		}
		for _, m := range group[i].models {
			models[m]++
		}
	}
	kinds := make([]string, len(group))
	for i := range group {
		m := &group[i]
		kinds[i] = DuplicateFuzzy
		if m.gtin != "" && gtins[m.gtin] >= 2 {
			kinds[i] = DuplicateGTIN
			continue
		}
		for _, model := range m.models {
			if models[model] >= 2 {
				kinds[i] = DuplicateModel
				break
			}
		}
	}
	return kinds
}

func (fn *duplicateCountFn) inc(ctx context.Context, kind, source string) {
	if fn.counters == nil {
		fn.counters = map[string]beam.Counter{}
	}
	name := DuplicateCounter(kind, source)
	c, ok := fn.counters[name]
	if !ok {
		c = beam.NewCounter(DuplicatesNamespace, name)
		fn.counters[name] = c
	}
	c.Inc(ctx, 1)
}
