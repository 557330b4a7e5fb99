package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// DuplicatesNamespace holds the duplicate-kind counters of Cluster, named
// "<kind>/<source>" with kind one of DuplicateGTIN, DuplicateModel and
// DuplicateFuzzy.
const DuplicatesNamespace = "linkbeam.duplicates"

// The duplicate kinds, from the strongest evidence to the weakest.
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

// DuplicateCounter names a counter of the duplicate kinds.
func DuplicateCounter(kind, source string) string { return kind + "/" + source }

// duplicateMember is a record of a multi-member master with the
// identifiers the matcher read from it.
type duplicateMember struct {
	source, gtin string
	models       []string
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

// duplicateCounters counts records per duplicate kind and source
// (DuplicatesNamespace), creating each counter once.
type duplicateCounters map[string]beam.Counter

func (c duplicateCounters) count(ctx context.Context, group []duplicateMember) {
	for i, kind := range duplicateKinds(group) {
		name := DuplicateCounter(kind, group[i].source)
		counter, ok := c[name]
		if !ok {
			counter = beam.NewCounter(DuplicatesNamespace, name)
			c[name] = counter
		}
		counter.Inc(ctx, 1)
	}
}
