package transforms

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/reconcile"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*summarizeMastersFn)(nil))
	registerBatchFn((*reconcileFn)(nil))
	registerBatchFn((*writeReconciledFn)(nil))
	registerBatchFn((*writeChangesFn)(nil))
	register.Emitter1[ChangeShard]()
}

// ChangesDir holds the change events of an incremental run.
const ChangesDir = "changes"

// ChangeShard is the change events of a run, written to one file.
type ChangeShard struct {
	Rows []schemas.ChangeRow
}

// ReconcileOptions configure Reconcile.
type ReconcileOptions struct {
	Previous string // the previous run's committed output directory
	RunID    string // written into every change row
	Spill    spill.Store
}

// Reconcile gives this run's masters the ids of the previous run's masters
// they descend from (reconcile.Reconcile has the rule) and lists the
// changes. The previous links/ and masters/ and one summary per master of
// this run (id, fingerprint, member keys) meet on one worker, like the
// clustering: up to a few million masters fit in its memory. Only the
// masters whose id or generation differ from (clustering id, 0) travel
// back, in the id plan: in a steady state, the few renamed or created
// since the first run.
//
// It takes the PCollection<KV<int,spill.Ref>> of masters batches from
// Survive and returns the singleton PCollection<[]byte> of the id plan for
// WriteReconciledMasters, and a singleton PCollection<ChangeShard> of the
// change events for WriteChanges. Event counts are the counters
// MetricChangesPrefix+kind. The summaries are spilled too.
func Reconcile(s beam.Scope, opts ReconcileOptions, masters beam.PCollection) (plan, changes beam.PCollection) {
	s = s.Scope("linkbeam.Reconcile")
	summaries := beam.ParDo(s, &summarizeMastersFn{Spill: opts.Spill}, masters)
	// An impulse, not a GroupByKey: reconciliation runs (and retires every
	// previous master) even when this run has no master at all.
	return beam.ParDo2(s, &reconcileFn{Options: opts}, beam.Impulse(s), beam.SideInput{Input: summaries})
}

// WriteReconciledMasters is WriteMasters for an incremental run: each
// shard's masters and links get the ids of Reconcile's plan (the
// singleton PCollection<[]byte>) as they are written, rather than in a
// pass of their own that would decode and spill every shard once more.
func WriteReconciledMasters(s beam.Scope, dir, compression string, masters, plan beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteMasters")
	return beam.ParDo(s, &writeReconciledFn{Dir: dir, Compression: compression}, masters, beam.SideInput{Input: plan})
}

// summarizeMastersFn spills the summary of a masters batch
// (summarizeMasters).
type summarizeMastersFn struct {
	Spill spill.Store
}

func (fn *summarizeMastersFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, emit func(spill.Ref)) error {
	masters, links, err := bulk.GetMasters(ctx, ref)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	out, err := fn.Spill.Put(ctx, spillSummaries, shard, summarizeMasters(MasterShard{Shard: shard, Masters: masters, Links: links}))
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	emit(out)
	return nil
}

// summarizeMasters packs each master of a shard as its clustering id,
// its fingerprint and its member keys (in link order).
func summarizeMasters(ms MasterShard) []byte {
	// The links of master m end up as links[at[m]:at[m+1]], indices into
	// ms.Links, by a counting sort: one map of the shard's masters rather
	// than a slice each.
	index := make(map[string]int, len(ms.Masters))
	for i := range ms.Masters {
		index[ms.Masters[i].MasterID] = i
	}
	owner := make([]int, len(ms.Links))
	at := make([]int, len(ms.Masters)+3) // counts of m at m+2, m from -1
	for i := range ms.Links {
		m, ok := index[ms.Links[i].MasterID]
		if !ok {
			m = -1 // not a master of this shard: in no summary
		}
		owner[i] = m
		at[m+2]++
	}
	for m := 2; m < len(at); m++ {
		at[m] += at[m-1]
	}
	links := make([]int, len(ms.Links))
	for i, m := range owner {
		links[at[m+1]] = i
		at[m+1]++
	}
	fingerprints := make([]string, len(ms.Masters))
	bulk.Parallel(len(ms.Masters), func(i int) { fingerprints[i] = schemas.MasterFingerprint(&ms.Masters[i]) })
	var out []byte
	for i := range ms.Masters {
		out = schemas.AppendString(out, ms.Masters[i].MasterID)
		out = schemas.AppendString(out, fingerprints[i])
		out = binary.AppendUvarint(out, uint64(at[i+1]-at[i]))
		for _, j := range links[at[i]:at[i+1]] {
			out = schemas.AppendRecordKey(out, ms.Links[j].Source, ms.Links[j].SourceID)
		}
	}
	return out
}

func decodeSummaries(src []byte, into []reconcile.Cluster) ([]reconcile.Cluster, error) {
	for len(src) > 0 {
		var c reconcile.Cluster
		var err error
		if c.ID, src, err = schemas.DecodeString(src); err != nil {
			return nil, err
		}
		if c.Fingerprint, src, err = schemas.DecodeString(src); err != nil {
			return nil, err
		}
		n, k := binary.Uvarint(src)
		if k <= 0 || n > uint64(len(src)) {
			return nil, schemas.ErrCorruptBatch
		}
		src = src[k:]
		c.Members = make([]string, n)
		for i := range c.Members {
			if c.Members[i], src, err = schemas.DecodeString(src); err != nil {
				return nil, err
			}
		}
		into = append(into, c)
	}
	return into, nil
}

type reconcileFn struct {
	Options ReconcileOptions
}

func (fn *reconcileFn) ProcessElement(ctx context.Context, _ []byte, summaries func(*spill.Ref) bool, emitPlan func([]byte), emitChanges func(ChangeShard)) error {
	var clusters []reconcile.Cluster
	err := bulk.Read(ctx, summaries, func(batch []byte) error {
		var err error
		clusters, err = decodeSummaries(batch, clusters)
		return err
	})
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	prev, err := loadPrevious(ctx, fn.Options.Previous)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	res, err := reconcile.Reconcile(prev, clusters)
	if err != nil {
		return fmt.Errorf("reconcile with %s: %w", fn.Options.Previous, err)
	}
	emitPlan(encodePlan(res))
	out := ChangeShard{Rows: make([]schemas.ChangeRow, len(res.Events))}
	counts := map[string]int64{}
	for i, e := range res.Events {
		out.Rows[i] = schemas.ChangeRow{RunID: fn.Options.RunID, Event: e.Kind, MasterID: e.MasterID,
			PreviousMasterIDs: e.PreviousIDs, RecordCount: e.Records,
			PreviousRecordCount: e.PreviousRecords, SharedRecordCount: e.SharedRecords}
		counts[e.Kind]++
	}
	for _, kind := range reconcile.Kinds { // zeros too: "nothing changed" is a result
		beam.NewCounter(Namespace, MetricChangesPrefix+kind).Inc(ctx, counts[kind])
	}
	emitChanges(out)
	return nil
}

// loadPrevious reads what reconciliation needs of a committed output: its
// links and, per master, its generation and fingerprint.
func loadPrevious(ctx context.Context, dir string) (reconcile.Previous, error) {
	links, err := readPrevious[previousLink](ctx, dir, LinksDir)
	if err != nil {
		return reconcile.Previous{}, err
	}
	masters, err := readPrevious[previousMaster](ctx, dir, MastersDir)
	if err != nil {
		return reconcile.Previous{}, err
	}
	prev := reconcile.Previous{
		Masters: make([]reconcile.Master, len(masters)),
		Links:   make(map[string]string, len(links)),
	}
	bulk.Parallel(len(masters), func(i int) {
		m := &masters[i]
		row := schemas.MasterRow{ProductColumns: m.ProductColumns}
		prev.Masters[i] = reconcile.Master{ID: m.MasterID, Generation: m.CreatedGeneration,
			Fingerprint: schemas.MasterFingerprint(&row)}
	})
	for _, l := range links {
		prev.Links[schemas.RecordKey(l.Source, l.SourceID)] = l.MasterID
	}
	return prev, nil
}

// previousLink and previousMaster are the columns of links/ and masters/
// that loadPrevious reads (their tags as in schemas.LinkRow and
// schemas.MasterRow); the others are not decoded.
type previousLink struct {
	MasterID string `parquet:"master_id"`
	Source   string `parquet:"source,dict"`
	SourceID string `parquet:"source_id"`
}

type previousMaster struct {
	MasterID string `parquet:"master_id"`
	schemas.ProductColumns
	CreatedGeneration int64 `parquet:"created_generation"`
}

// A plan lists the clusters whose master id or generation differ from
// (clustering id, 0): clustering id, master id, generation.
func encodePlan(res reconcile.Result) []byte {
	var ids []string
	for id, a := range res.IDs {
		if a.ID != id || a.Generation != 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var out []byte
	for _, id := range ids {
		a := res.IDs[id]
		out = schemas.AppendString(out, id)
		out = schemas.AppendString(out, a.ID)
		out = binary.AppendVarint(out, a.Generation)
	}
	return out
}

type plan map[string]reconcile.Assignment

func decodePlan(src []byte) (plan, error) {
	p := plan{}
	for len(src) > 0 {
		var id string
		var a reconcile.Assignment
		var k int
		var err error
		if id, src, err = schemas.DecodeString(src); err != nil {
			return plan{}, err
		}
		if a.ID, src, err = schemas.DecodeString(src); err != nil {
			return plan{}, err
		}
		if a.Generation, k = binary.Varint(src); k <= 0 {
			return plan{}, schemas.ErrCorruptBatch
		}
		src = src[k:]
		p[id] = a
	}
	return p, nil
}

func (p plan) assignment(id string) reconcile.Assignment {
	if a, ok := p[id]; ok {
		return a
	}
	return reconcile.Assignment{ID: id}
}

// writeReconciledFn writes a masters batch under the reconciled ids.
type writeReconciledFn struct {
	Dir         string
	Compression string

	plan plan
}

func (fn *writeReconciledFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, planIn func(*[]byte) bool, emit func(string)) error {
	if fn.plan == nil {
		var b []byte
		if !planIn(&b) {
			return fmt.Errorf("reconcile: no id plan")
		}
		p, err := decodePlan(b)
		if err != nil {
			return fmt.Errorf("reconcile: id plan: %w", err)
		}
		fn.plan = p
	}
	masters, links, err := bulk.GetMasters(ctx, ref)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	fn.plan.apply(masters, links)
	return writeMasterShard(ctx, fn.Dir, fn.Compression, shard, masters, links, emit)
}

// apply gives a shard's masters and links their reconciled ids, in place,
// and keeps the masters sorted by id.
func (p plan) apply(masters []schemas.MasterRow, links []schemas.LinkRow) {
	for i := range masters {
		m := &masters[i]
		a := p.assignment(m.MasterID)
		m.MasterID, m.CreatedGeneration = a.ID, a.Generation
	}
	for i := range links {
		links[i].MasterID = p.assignment(links[i].MasterID).ID
	}
	bulk.SortInPlace(masters, func(a, b *schemas.MasterRow) int { return strings.Compare(a.MasterID, b.MasterID) })
}

// WriteChanges writes the singleton PCollection<ChangeShard> from
// Reconcile to changes/part-00000.parquet under dir (a file with no rows
// when nothing changed) and returns the PCollection<string> of the
// written path.
func WriteChanges(s beam.Scope, dir, compression string, changes beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.WriteChanges")
	return beam.ParDo(s, &writeChangesFn{Dir: dir, Compression: compression}, changes)
}

type writeChangesFn struct {
	Dir         string
	Compression string
}

func (fn *writeChangesFn) ProcessElement(ctx context.Context, cs ChangeShard, emit func(string)) error {
	return writePart(ctx, fn.Dir+"/"+ChangesDir, 0, cs.Rows, fn.Compression, emit)
}
