package transforms

import (
	"reflect"
	"testing"

	"github.com/linkbeam/linkbeam/reconcile"
	"github.com/linkbeam/linkbeam/schemas"
)

// The summaries Survive's shards send to reconciliation carry each
// master's members and fingerprint.
func TestSummarizeMasters(t *testing.T) {
	ms := MasterShard{Shard: 3,
		Masters: []schemas.MasterRow{{MasterID: "m-a", ProductColumns: schemas.NewProductColumns(&schemas.Product{Title: "A"})},
			{MasterID: "m-b", ProductColumns: schemas.NewProductColumns(&schemas.Product{Title: "B"})}},
		Links: []schemas.LinkRow{{MasterID: "m-b", Source: "legacy", SourceID: "1"},
			{MasterID: "m-a", Source: "shop", SourceID: "1"}, {MasterID: "m-b", Source: "shop", SourceID: "2"}},
	}
	got, err := decodeSummaries(summarizeMasters(ms), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []reconcile.Cluster{
		{ID: "m-a", Members: []string{"shop:1"}, Fingerprint: schemas.MasterFingerprint(&ms.Masters[0])},
		{ID: "m-b", Members: []string{"legacy:1", "shop:2"}, Fingerprint: schemas.MasterFingerprint(&ms.Masters[1])},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summaries = %+v, want %+v", got, want)
	}
}

// The plan carries only what differs from (clustering id, generation 0),
// and applying it renames masters and links and keeps masters sorted.
func TestApplyIDs(t *testing.T) {
	res := reconcile.Result{Generation: 2, IDs: map[string]reconcile.Assignment{
		"m-a": {ID: "m-z", Generation: 0}, // kept a previous id
		"m-b": {ID: "m-b", Generation: 0}, // unchanged: not in the plan
		"m-c": {ID: "m-c", Generation: 2}, // created this run
	}}
	p, err := decodePlan(encodePlan(res))
	if err != nil {
		t.Fatal(err)
	}
	if want := (plan{"m-a": {ID: "m-z"}, "m-c": {ID: "m-c", Generation: 2}}); !reflect.DeepEqual(p, want) {
		t.Errorf("plan = %v, want %v", p, want)
	}

	masters := []schemas.MasterRow{{MasterID: "m-a"}, {MasterID: "m-b"}, {MasterID: "m-c"}}
	links := []schemas.LinkRow{{MasterID: "m-a", Source: "s", SourceID: "1"}, {MasterID: "m-c", Source: "s", SourceID: "2"}}
	p.apply(masters, links)
	wantMasters := []schemas.MasterRow{{MasterID: "m-b"}, {MasterID: "m-c", CreatedGeneration: 2}, {MasterID: "m-z"}}
	wantLinks := []schemas.LinkRow{{MasterID: "m-z", Source: "s", SourceID: "1"}, {MasterID: "m-c", Source: "s", SourceID: "2"}}
	if !reflect.DeepEqual(masters, wantMasters) || !reflect.DeepEqual(links, wantLinks) {
		t.Errorf("applied: %+v %+v, want %+v %+v", masters, links, wantMasters, wantLinks)
	}
}
