// Package reconcile keeps master ids stable across runs. Clustering names
// a master after its smallest member ("m-" + hash of the record key), so
// an id would change whenever that member changed. An incremental run
// (linkbeam run --previous DIR) instead maps its clusters onto the
// previous run's masters through the records they share, keeps the
// previous ids, and reports what changed as events.
//
// # The assignment
//
// Every pair (previous master P, new cluster C) that shares at least one
// record is a candidate. Candidates are taken greedily in this order:
//
//  1. more shared records first (overlap),
//  2. then the larger P (records in the previous run),
//  3. then the older P (smaller Master.Generation),
//  4. then the smaller P id,
//  5. then the C whose smallest record key is smaller.
//
// A candidate whose P and C are both still free gives C the id of P. This
// one rule resolves merges, splits and both at once, deterministically:
//
//   - a cluster that descends from one previous master keeps its id;
//   - a merge keeps the id of the previous master that brought the most
//     records into it; when whole masters merge that is the one with the
//     most members, ties going to the older, then the smaller id;
//   - a split keeps the id on the part holding most of the previous
//     members (ties: the part with the smallest record key).
//
// A cluster left without an id gets its clustering id, or when that is
// already taken by a previous master or another cluster, a derived one
// (AlternateID); ids never collide with any previous id.
//
// # Events
//
// One per change, in Result.Events (the changes/ output):
//
//   - Updated: a cluster kept a previous id and its members or its
//     surviving fields (Cluster.Fingerprint) changed;
//   - Merged: a previous master whose id no cluster kept, but whose
//     records are in a cluster that kept another id; MasterID is that
//     cluster. A master whose records went to several such clusters has
//     one Merged event per cluster;
//   - Split: a cluster with records of previous masters whose ids all
//     went to other clusters; it has a new id;
//   - Created: a cluster with no record of the previous run; new id;
//   - Retired: a previous master none of whose records remains.
//
// Records moving between two masters that both keep their ids show as an
// Updated event on each.
package reconcile

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Event kinds: the event column of changes/.
const (
	Created = "created"
	Updated = "updated"
	Merged  = "merged"
	Split   = "split"
	Retired = "retired"
)

// Kinds lists the event kinds in the order summaries print them.
var Kinds = []string{Created, Updated, Merged, Split, Retired}

// Cluster is one master of this run, before reconciliation.
type Cluster struct {
	ID          string   // the id clustering gave it; unique per cluster
	Members     []string // record keys ("source:source_id")
	Fingerprint string   // of its surviving fields: schemas.MasterFingerprint
}

// Master is one master of the previous run.
type Master struct {
	ID          string
	Generation  int64  // the run generation that created the id; smaller is older
	Fingerprint string // schemas.MasterFingerprint of the previous row
}

// Previous is what reconciliation needs of the previous run's output.
type Previous struct {
	Masters []Master
	Links   map[string]string // record key → previous master id
}

// Assignment is a cluster's reconciled master id.
type Assignment struct {
	ID         string
	Generation int64
}

// Event is one change between the previous run and this one.
type Event struct {
	Kind            string
	MasterID        string   // the master in this run; empty for Retired
	PreviousIDs     []string // the previous masters involved, sorted
	Records         int64    // members of MasterID in this run
	PreviousRecords int64    // members of PreviousIDs in the previous run
	SharedRecords   int64    // records of PreviousIDs that are in MasterID
}

// Result is the reconciliation of one run.
type Result struct {
	// IDs holds every cluster's master id, by Cluster.ID.
	IDs map[string]Assignment
	// Generation is the generation of the ids created in this run: one
	// above the largest previous generation (0 when there is none), so a
	// newer id always has a larger generation than every id alive.
	Generation int64
	// Events, sorted by master id (the previous id for Retired), kind and
	// previous ids.
	Events []Event
}

// Reconcile maps this run's clusters onto the previous run's masters (see
// the package doc). It fails when the inputs are inconsistent: a record
// in two clusters, two clusters with one id, a link to a master that is
// not in prev.Masters.
func Reconcile(prev Previous, next []Cluster) (Result, error) {
	res := Result{IDs: make(map[string]Assignment, len(next))}
	idx := make(map[string]int, len(prev.Masters))
	for i, m := range prev.Masters {
		if _, dup := idx[m.ID]; dup {
			return Result{}, fmt.Errorf("reconcile: previous master %s appears twice", m.ID)
		}
		idx[m.ID] = i
		res.Generation = max(res.Generation, m.Generation+1)
	}
	size := make([]int64, len(prev.Masters)) // previous members per master
	for key, id := range prev.Links {
		i, ok := idx[id]
		if !ok {
			return Result{}, fmt.Errorf("reconcile: previous link %s → %s: no such previous master", key, id)
		}
		size[i]++
	}

	// The previous masters each cluster shares records with, and how
	// many: cluster c's are overlaps[off[c]:off[c+1]], sorted by id.
	type overlap struct {
		prev   int
		shared int64
	}
	overlaps := make([]overlap, 0, len(next))
	off := make([]int, len(next)+1)
	at := make([]int, len(prev.Masters)) // 1 + the position in the cluster's overlaps; 0: none yet
	minKey := make([]string, len(next))
	remains := make([]bool, len(prev.Masters))
	seenCluster := make(map[string]bool, len(next))
	records := 0
	for _, cl := range next {
		records += len(cl.Members)
	}
	seenRecord := make(map[string]bool, records)
	lastID, lastP := "", -1 // a cluster's members mostly share one previous master
	for c, cl := range next {
		if seenCluster[cl.ID] {
			return Result{}, fmt.Errorf("reconcile: two clusters have the id %s", cl.ID)
		}
		seenCluster[cl.ID] = true
		off[c] = len(overlaps)
		for _, key := range cl.Members {
			if seenRecord[key] {
				return Result{}, fmt.Errorf("reconcile: record %s is in two clusters", key)
			}
			seenRecord[key] = true
			if minKey[c] == "" || key < minKey[c] {
				minKey[c] = key
			}
			id, ok := prev.Links[key]
			if !ok {
				continue
			}
			if id != lastID {
				lastID, lastP = id, idx[id]
			}
			if at[lastP] == 0 {
				overlaps = append(overlaps, overlap{prev: lastP})
				at[lastP] = len(overlaps) - off[c]
			}
			overlaps[off[c]+at[lastP]-1].shared++
		}
		os := overlaps[off[c]:]
		for _, o := range os {
			at[o.prev] = 0
			remains[o.prev] = true
		}
		if len(os) > 1 {
			slices.SortFunc(os, func(a, b overlap) int { return strings.Compare(prev.Masters[a.prev].ID, prev.Masters[b.prev].ID) })
		}
	}
	off[len(next)] = len(overlaps)
	overlapsOf := func(c int) []overlap { return overlaps[off[c]:off[c+1]] }

	owner := make([]int, len(next)) // previous master whose id the cluster keeps, or -1
	kept := make([]bool, len(prev.Masters))
	type candidate struct {
		next, prev int
		shared     int64
	}
	var cands []candidate
	for c := range next {
		owner[c] = -1
		os := overlapsOf(c)
		// A cluster that holds every record of the one previous master it
		// shares records with is that master's only candidate, and the
		// master its only one: the greedy order gives it that id whatever
		// the other candidates, so it need not be sorted among them.
		if len(os) == 1 && os[0].shared == size[os[0].prev] {
			owner[c] = os[0].prev
			kept[os[0].prev] = true
			continue
		}
		for _, o := range os {
			cands = append(cands, candidate{c, o.prev, o.shared})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.shared != b.shared {
			return cmp.Compare(b.shared, a.shared) // more shared first
		}
		if a.prev != b.prev {
			pa, pb := &prev.Masters[a.prev], &prev.Masters[b.prev]
			if size[a.prev] != size[b.prev] {
				return cmp.Compare(size[b.prev], size[a.prev]) // larger first
			}
			if pa.Generation != pb.Generation {
				return cmp.Compare(pa.Generation, pb.Generation) // older first
			}
			return strings.Compare(pa.ID, pb.ID)
		}
		return strings.Compare(minKey[a.next], minKey[b.next])
	})
	for _, cd := range cands {
		if owner[cd.next] < 0 && !kept[cd.prev] {
			owner[cd.next] = cd.prev
			kept[cd.prev] = true
		}
	}

	// Kept ids first, then new ones, so that a new id never takes a kept one.
	for c, cl := range next {
		if p := owner[c]; p >= 0 {
			res.IDs[cl.ID] = Assignment{ID: prev.Masters[p].ID, Generation: prev.Masters[p].Generation}
		}
	}
	created := map[string]bool{} // with the previous ids (idx), the ids taken
	for c, cl := range next {
		if owner[c] >= 0 {
			continue
		}
		id := cl.ID
		for n := 1; ; n++ {
			if _, taken := idx[id]; !taken && !created[id] {
				break
			}
			id = AlternateID(cl.ID, n)
		}
		created[id] = true
		res.IDs[cl.ID] = Assignment{ID: id, Generation: res.Generation}
	}

	for c, cl := range next {
		id := res.IDs[cl.ID].ID
		n := int64(len(cl.Members))
		p := owner[c]
		switch {
		case p >= 0:
			pm := &prev.Masters[p]
			var shared int64
			for _, o := range overlapsOf(c) {
				if o.prev == p {
					shared = o.shared
					continue
				}
				if !kept[o.prev] {
					res.Events = append(res.Events, Event{Kind: Merged, MasterID: id,
						PreviousIDs: []string{prev.Masters[o.prev].ID}, Records: n,
						PreviousRecords: size[o.prev], SharedRecords: o.shared})
				}
			}
			if shared != size[p] || shared != n || cl.Fingerprint != pm.Fingerprint {
				res.Events = append(res.Events, Event{Kind: Updated, MasterID: id, PreviousIDs: []string{pm.ID},
					Records: n, PreviousRecords: size[p], SharedRecords: shared})
			}
		case len(overlapsOf(c)) == 0:
			res.Events = append(res.Events, Event{Kind: Created, MasterID: id, Records: n})
		default:
			ev := Event{Kind: Split, MasterID: id, Records: n}
			for _, o := range overlapsOf(c) {
				ev.PreviousIDs = append(ev.PreviousIDs, prev.Masters[o.prev].ID)
				ev.PreviousRecords += size[o.prev]
				ev.SharedRecords += o.shared
			}
			res.Events = append(res.Events, ev)
		}
	}
	for p, m := range prev.Masters {
		if !remains[p] {
			res.Events = append(res.Events, Event{Kind: Retired, PreviousIDs: []string{m.ID}, PreviousRecords: size[p]})
		}
	}
	slices.SortFunc(res.Events, compareEvents)
	return res, nil
}

// AlternateID derives the n-th replacement of a clustering id that is
// already taken, in the same form ("m-" and 20 hex digits).
func AlternateID(id string, n int) string {
	h := sha256.Sum256([]byte(id + "\x00" + strconv.Itoa(n)))
	return "m-" + hex.EncodeToString(h[:10])
}

func compareEvents(a, b Event) int {
	ka, kb := a.MasterID, b.MasterID
	if ka == "" {
		ka = a.PreviousIDs[0]
	}
	if kb == "" {
		kb = b.PreviousIDs[0]
	}
	if c := strings.Compare(ka, kb); c != 0 {
		return c
	}
	if c := slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind); c != 0 {
		return c
	}
	return slices.Compare(a.PreviousIDs, b.PreviousIDs)
}
