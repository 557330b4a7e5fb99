package transforms

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*assignFn)(nil))
	registerBatchFn((*surviveFn)(nil))
}

// MasterShard is one output shard: its master records and links. It
// crosses the runner spilled as a masters batch (bulk.PutMasters).
type MasterShard struct {
	Shard   int
	Masters []schemas.MasterRow
	Links   []schemas.LinkRow
}

// SurviveOptions configure survivorship.
type SurviveOptions struct {
	Survivorship schemas.SurvivorshipConfig
	Priorities   map[string]int // source -> priority
	Shards       int
	Spill        spill.Store
}

// Survive joins each surviving record with its cluster's master id, groups
// the records of each master, and builds the master ("golden") record field
// by field with the configured survivorship rules, recording which source
// won each field.
//
// It takes the PCollection<KV<int,spill.Ref>> of survivor batches from
// Dedupe and the PCollection<KV<int,spill.Ref>> of assignment batches
// from Cluster, both keyed by dedupe shard, joins them shard by shard, and
// returns the PCollection<KV<int,spill.Ref>> of masters batches
// (bulk.GetMasters), one per output shard, keyed by shard. (A join
// rather than an assignment side input: prism busy-polls a stage with
// side inputs while its bundle runs.)
func Survive(s beam.Scope, opts SurviveOptions, survivors, assignments beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.Survive")
	joined := beam.CoGroupByKey(s, survivors, assignments)
	keyed := beam.ParDo(s, &assignFn{Shards: opts.Shards, Spill: opts.Spill}, joined)
	return beam.ParDo(s, &surviveFn{Options: opts}, beam.GroupByKey(s, keyed))
}

// assignFn gives each survivor of a dedupe shard its master id and routes
// it to its master's output shard.
type assignFn struct {
	Shards int
	Spill  spill.Store

	buf bulk.Buffers
}

func (fn *assignFn) ProcessElement(ctx context.Context, shard int, batches, assignments func(*spill.Ref) bool, emit func(int, spill.Ref)) error {
	assigned := map[string]bulk.Assignment{}
	err := bulk.Read(ctx, assignments, func(b []byte) error { return bulk.DecodeAssignments(b, assigned) })
	if err != nil {
		return fmt.Errorf("survive shard %d: assignments: %w", shard, err)
	}
	members := bulk.NewSpiller(ctx, fn.Spill, spillMembers, emit)
	if err := bulk.Read(ctx, batches, func(b []byte) error { return fn.assign(b, assigned, members.Put) }); err != nil {
		return fmt.Errorf("survive shard %d: %w", shard, err)
	}
	fn.buf.Flush(members.Put)
	return members.Err()
}

func (fn *assignFn) assign(batch []byte, assigned map[string]bulk.Assignment, emit func(int, []byte)) error {
	for src := batch; len(src) > 0; {
		var p schemas.Product
		var err error
		if src, err = schemas.DecodeProduct(src, &p); err != nil {
			return fmt.Errorf("survive: %w", err)
		}
		a, ok := assigned[p.Key()]
		if !ok {
			a = bulk.Assignment{MasterID: MasterID(p.Key()), P: 1}
		}
		fn.buf.Add(bulk.ShardOf(a.MasterID, fn.Shards), func(b []byte) []byte { return bulk.AppendMember(b, a, &p) }, emit)
	}
	return nil
}

type member struct {
	masterID string
	key      string // rec.Key()
	p        float64
	rec      schemas.Product
}

type surviveFn struct {
	Options SurviveOptions

	rules   map[string][]matchers.SurvivorRule
	linked  sourceCounters
	masters beam.Counter
	multi   beam.Counter
	sizes   beam.Distribution
}

// MasterFields are the unified fields survivorship picks for a master
// record (schemas.ProductField.Survives), in output order.
var MasterFields = func() []string {
	var names []string
	for _, f := range schemas.ProductFields {
		if f.Survives {
			names = append(names, f.Name)
		}
	}
	return names
}()

func (fn *surviveFn) Setup() error {
	fn.rules = map[string][]matchers.SurvivorRule{}
	for _, f := range MasterFields {
		names := fn.Options.Survivorship.Fields[f]
		if len(names) == 0 {
			names = fn.Options.Survivorship.Default
		}
		for _, n := range names {
			r, err := matchers.ParseSurvivorRule(n)
			if err != nil {
				return fmt.Errorf("survivorship for %s: %w", f, err)
			}
			fn.rules[f] = append(fn.rules[f], r)
		}
	}
	fn.linked.stage = MetricLinked
	fn.masters = beam.NewCounter(Namespace, MetricMasters)
	fn.multi = beam.NewCounter(Namespace, MetricMultiClusters)
	fn.sizes = beam.NewDistribution(Namespace, MetricClusterSize)
	return nil
}

func (fn *surviveFn) ProcessElement(ctx context.Context, shard int, batches func(*spill.Ref) bool, emit func(int, spill.Ref)) error {
	// Members are decoded batch by batch as the iterator yields them,
	// without keeping the encoded batches, and sorted as pointers: on
	// prism one bundle holds millions of members, and a sorted copy of
	// them would double the stage's memory.
	var ms []*member
	err := bulk.Read(ctx, batches, func(batch []byte) error {
		part, err := decodeMembers(batch)
		for i := range part {
			ms = append(ms, &part[i])
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("survive shard %d: %w", shard, err)
	}
	slices.SortFunc(ms, func(a, b *member) int {
		return cmp.Or(strings.Compare(a.masterID, b.masterID), strings.Compare(a.key, b.key))
	})
	var groups [][2]int // [start, end) of each master's members
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].masterID == ms[i].masterID {
			j++
		}
		groups = append(groups, [2]int{i, j})
		i = j
	}
	// One bundle holds every shard on prism: build masters on every core.
	out := MasterShard{Shard: shard, Masters: make([]schemas.MasterRow, len(groups)),
		Links: make([]schemas.LinkRow, 0, len(ms))}
	const chunk = 4096
	bulk.Parallel((len(groups)+chunk-1)/chunk, func(c int) {
		for g := c * chunk; g < min(len(groups), (c+1)*chunk); g++ {
			out.Masters[g] = fn.master(ms[groups[g][0]:groups[g][1]])
		}
	})
	for _, g := range groups {
		group := ms[g[0]:g[1]]
		for _, m := range group {
			fn.linked.inc(ctx, m.rec.Source, 1)
			out.Links = append(out.Links, schemas.LinkRow{MasterID: m.masterID,
				Source: m.rec.Source, SourceID: m.rec.SourceID, MatchProbability: m.p})
		}
		fn.masters.Inc(ctx, 1)
		fn.sizes.Update(ctx, int64(len(group)))
		if len(group) > 1 {
			fn.multi.Inc(ctx, 1)
		}
	}
	bulk.SortInPlace(out.Links, func(a, b *schemas.LinkRow) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.SourceID, b.SourceID))
	})
	ref, err := bulk.PutMasters(ctx, fn.Options.Spill, spillMasters, shard, out.Masters, out.Links)
	if err != nil {
		return fmt.Errorf("survive shard %d: %w", shard, err)
	}
	emit(shard, ref)
	return nil
}

// decodeMembers decodes the members packed in batch (assignFn).
func decodeMembers(batch []byte) ([]member, error) {
	var ms []member
	for src := batch; len(src) > 0; {
		var m member
		var a bulk.Assignment
		var err error
		if src, err = bulk.DecodeMember(src, &a, &m.rec); err != nil {
			return nil, err
		}
		m.masterID, m.p, m.key = a.MasterID, a.P, m.rec.Key()
		ms = append(ms, m)
	}
	return ms, nil
}

// master builds one golden record from its members: each field that
// survives, in schemas.FieldsByKind order, from the member its rules pick.
// A price comes with its currency (ProductField.Copy).
func (fn *surviveFn) master(group []*member) schemas.MasterRow {
	row := schemas.MasterRow{MasterID: group[0].masterID, MemberCount: int64(len(group)),
		Provenance: make([]schemas.FieldProvenance, 0, len(MasterFields))}
	cands := make([]matchers.Candidate, len(group))
	var best schemas.Product
	for i := range schemas.FieldsByKind {
		f := &schemas.FieldsByKind[i]
		if !f.Survives {
			continue
		}
		for j, m := range group {
			cands[j] = matchers.Candidate{Value: f.Text(&m.rec), Priority: fn.Options.Priorities[m.rec.Source],
				UpdatedAt: m.rec.UpdatedAt, Tiebreak: m.key}
		}
		w, why := matchers.SurviveExplained(fn.rules[f.Name], cands)
		if w >= 0 {
			f.Copy(&best, &group[w].rec)
			row.Provenance = append(row.Provenance, schemas.FieldProvenance{Field: f.Name,
				Source: group[w].rec.Source, SourceID: group[w].rec.SourceID, Rule: string(why)})
		}
	}
	row.ProductColumns = schemas.NewProductColumns(&best)
	seen := map[string]bool{}
	for _, m := range group {
		if !seen[m.rec.Source] {
			seen[m.rec.Source] = true
			row.Sources = append(row.Sources, m.rec.Source)
		}
	}
	sort.Strings(row.Sources)
	return row
}
