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

	in := MasterShard{Shard: 1,
		Masters: []schemas.MasterRow{{MasterID: "m-a"}, {MasterID: "m-b"}, {MasterID: "m-c"}},
		Links:   []schemas.LinkRow{{MasterID: "m-a", Source: "s", SourceID: "1"}, {MasterID: "m-c", Source: "s", SourceID: "2"}},
	}
	var out []MasterShard
	encoded := encodePlan(res)
	sideInput := func(b *[]byte) bool { *b = encoded; return true }
	if err := (&applyIDsFn{}).ProcessElement(in, sideInput, func(ms MasterShard) { out = append(out, ms) }); err != nil {
		t.Fatal(err)
	}
	want := MasterShard{Shard: 1,
		Masters: []schemas.MasterRow{{MasterID: "m-b"}, {MasterID: "m-c", CreatedGeneration: 2}, {MasterID: "m-z"}},
		Links:   []schemas.LinkRow{{MasterID: "m-z", Source: "s", SourceID: "1"}, {MasterID: "m-c", Source: "s", SourceID: "2"}},
	}
	if len(out) != 1 || !reflect.DeepEqual(out[0], want) {
		t.Errorf("applied: %+v, want %+v", out, want)
	}
	if in.Masters[0].MasterID != "m-a" || in.Links[0].MasterID != "m-a" {
		t.Error("applyIDsFn changed its input element")
	}
}
