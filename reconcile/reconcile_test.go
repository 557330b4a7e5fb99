package reconcile

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// prevOf builds a previous run from "id:gen=key,key" specs, gen optional
// (0), all with the fingerprint "fp".
func prevOf(specs ...string) Previous {
	p := Previous{Links: map[string]string{}}
	for _, s := range specs {
		head, keys, _ := strings.Cut(s, "=")
		id, gen, _ := strings.Cut(head, ":")
		m := Master{ID: id, Fingerprint: "fp"}
		if gen != "" {
			fmt.Sscan(gen, &m.Generation)
		}
		p.Masters = append(p.Masters, m)
		for _, k := range strings.Split(keys, ",") {
			p.Links[k] = id
		}
	}
	return p
}

// clustersOf builds clusters from "id=key,key" specs with the fingerprint
// "fp", or "new" when the spec ends in "!" (changed fields).
func clustersOf(specs ...string) []Cluster {
	var cs []Cluster
	for _, s := range specs {
		changed := strings.HasSuffix(s, "!")
		id, keys, _ := strings.Cut(strings.TrimSuffix(s, "!"), "=")
		c := Cluster{ID: id, Members: strings.Split(keys, ","), Fingerprint: "fp"}
		if changed {
			c.Fingerprint = "new"
		}
		cs = append(cs, c)
	}
	return cs
}

func TestReconcile(t *testing.T) {
	tests := []struct {
		name   string
		prev   Previous
		next   []Cluster
		ids    map[string]string // cluster id → master id
		events []Event
	}{
		{
			name: "unchanged clusters keep their ids, no events",
			prev: prevOf("m1=a,b", "m2=c"),
			// The clustering ids differ from the previous ones (the
			// smallest member changed in an earlier run): ids still hold.
			next: clustersOf("x=a,b", "y=c"),
			ids:  map[string]string{"x": "m1", "y": "m2"},
		},
		{
			name:   "same members, changed surviving fields: updated",
			prev:   prevOf("m1=a,b"),
			next:   clustersOf("m1=a,b!"),
			ids:    map[string]string{"m1": "m1"},
			events: []Event{{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 2, SharedRecords: 2}},
		},
		{
			name: "a new duplicate joins: updated, same id",
			prev: prevOf("m1=a,b"),
			// The new record is the smallest: clustering names it after z0.
			next:   clustersOf("z=0,a,b"),
			ids:    map[string]string{"z": "m1"},
			events: []Event{{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 3, PreviousRecords: 2, SharedRecords: 2}},
		},
		{
			name: "merge keeps the larger master's id",
			prev: prevOf("m2=a,b,c", "m1=d,e"),
			next: clustersOf("x=a,b,c,d,e"),
			ids:  map[string]string{"x": "m2"},
			events: []Event{
				{Kind: Updated, MasterID: "m2", PreviousIDs: []string{"m2"}, Records: 5, PreviousRecords: 3, SharedRecords: 3},
				{Kind: Merged, MasterID: "m2", PreviousIDs: []string{"m1"}, Records: 5, PreviousRecords: 2, SharedRecords: 2},
			},
		},
		{
			name: "merge of equal sizes keeps the older id",
			prev: prevOf("m1:1=a", "m9:0=b"),
			next: clustersOf("x=a,b"),
			ids:  map[string]string{"x": "m9"},
			events: []Event{
				{Kind: Updated, MasterID: "m9", PreviousIDs: []string{"m9"}, Records: 2, PreviousRecords: 1, SharedRecords: 1},
				{Kind: Merged, MasterID: "m9", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 1, SharedRecords: 1},
			},
		},
		{
			name: "merge of equal sizes and ages keeps the smaller id",
			prev: prevOf("m2=a", "m1=b"),
			next: clustersOf("x=a,b"),
			ids:  map[string]string{"x": "m1"},
			events: []Event{
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 1, SharedRecords: 1},
				{Kind: Merged, MasterID: "m1", PreviousIDs: []string{"m2"}, Records: 2, PreviousRecords: 1, SharedRecords: 1},
			},
		},
		{
			name: "split keeps the id on the largest part",
			prev: prevOf("m1=a,b,c"),
			next: clustersOf("a=a", "b=b,c"),
			ids:  map[string]string{"a": "a", "b": "m1"},
			events: []Event{
				{Kind: Split, MasterID: "a", PreviousIDs: []string{"m1"}, Records: 1, PreviousRecords: 3, SharedRecords: 1},
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 3, SharedRecords: 2},
			},
		},
		{
			name: "split into equal parts keeps the id on the part with the smallest record",
			prev: prevOf("m1=a,b"),
			next: clustersOf("y=b", "x=a"),
			ids:  map[string]string{"x": "m1", "y": "y"},
			events: []Event{
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 1, PreviousRecords: 2, SharedRecords: 1},
				{Kind: Split, MasterID: "y", PreviousIDs: []string{"m1"}, Records: 1, PreviousRecords: 2, SharedRecords: 1},
			},
		},
		{
			name: "retired and created",
			prev: prevOf("m1=a", "m2=b"),
			next: clustersOf("m1=a", "n=z"),
			ids:  map[string]string{"m1": "m1", "n": "n"},
			events: []Event{
				{Kind: Retired, PreviousIDs: []string{"m2"}, PreviousRecords: 1},
				{Kind: Created, MasterID: "n", Records: 1},
			},
		},
		{
			name: "a new id never reuses a previous one",
			// b's clustering id is m1, which the previous run gave to a.
			prev: prevOf("m1=a", "m2=c"),
			next: clustersOf("x=a", "m1=b", "m2=d"),
			ids:  map[string]string{"x": "m1", "m1": AlternateID("m1", 1), "m2": AlternateID("m2", 1)},
			events: []Event{ // sorted by id: m-1f7a… (m2's), m-eaaa… (m1's), m2
				{Kind: Created, MasterID: AlternateID("m2", 1), Records: 1},
				{Kind: Created, MasterID: AlternateID("m1", 1), Records: 1},
				{Kind: Retired, PreviousIDs: []string{"m2"}, PreviousRecords: 1},
			},
		},
		{
			name: "merge and split at once: one greedy pass",
			// m1 and m2 each split across x and y; m3 joins y. Every
			// candidate shares one record: m1 (larger than m3, smaller id
			// than m2) goes first, to x (smallest record a), then m2 to y.
			prev: prevOf("m1=a,b", "m2=c,d", "m3=e"),
			next: clustersOf("x=a,c", "y=b,d,e"),
			ids:  map[string]string{"x": "m1", "y": "m2"},
			events: []Event{
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 2, SharedRecords: 1},
				{Kind: Updated, MasterID: "m2", PreviousIDs: []string{"m2"}, Records: 3, PreviousRecords: 2, SharedRecords: 1},
				{Kind: Merged, MasterID: "m2", PreviousIDs: []string{"m3"}, Records: 3, PreviousRecords: 1, SharedRecords: 1},
			},
		},
		{
			name: "a master absorbed into two clusters: one merged event each",
			prev: prevOf("m1=a,b,c", "m2=d,e,f", "m3=g,h"),
			next: clustersOf("x=a,b,c,g", "y=d,e,f,h"),
			ids:  map[string]string{"x": "m1", "y": "m2"},
			events: []Event{
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 4, PreviousRecords: 3, SharedRecords: 3},
				{Kind: Merged, MasterID: "m1", PreviousIDs: []string{"m3"}, Records: 4, PreviousRecords: 2, SharedRecords: 1},
				{Kind: Updated, MasterID: "m2", PreviousIDs: []string{"m2"}, Records: 4, PreviousRecords: 3, SharedRecords: 3},
				{Kind: Merged, MasterID: "m2", PreviousIDs: []string{"m3"}, Records: 4, PreviousRecords: 2, SharedRecords: 1},
			},
		},
		{
			name: "a part taking records of two masters whose ids went elsewhere is one split",
			prev: prevOf("m1=a,b,c", "m2=d,e,f"),
			next: clustersOf("x=a,b", "y=e,f", "z=c,d"),
			ids:  map[string]string{"x": "m1", "y": "m2", "z": "z"},
			events: []Event{
				{Kind: Updated, MasterID: "m1", PreviousIDs: []string{"m1"}, Records: 2, PreviousRecords: 3, SharedRecords: 2},
				{Kind: Updated, MasterID: "m2", PreviousIDs: []string{"m2"}, Records: 2, PreviousRecords: 3, SharedRecords: 2},
				{Kind: Split, MasterID: "z", PreviousIDs: []string{"m1", "m2"}, Records: 2, PreviousRecords: 6, SharedRecords: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Reconcile(tt.prev, tt.next)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]string{}
			for c, a := range res.IDs {
				ids[c] = a.ID
			}
			if !reflect.DeepEqual(ids, tt.ids) {
				t.Errorf("ids = %v, want %v", ids, tt.ids)
			}
			if !reflect.DeepEqual(res.Events, tt.events) {
				t.Errorf("events:\n%s\nwant:\n%s", describe(res.Events), describe(tt.events))
			}
			// Order of the inputs never matters.
			rng := rand.New(rand.NewPCG(1, 2))
			for range 5 {
				prev := tt.prev
				prev.Masters = shuffled(rng, prev.Masters)
				next := shuffled(rng, tt.next)
				for i := range next {
					next[i].Members = shuffled(rng, next[i].Members)
				}
				again, err := Reconcile(prev, next)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(again, res) {
					t.Fatalf("shuffled inputs give\n%s\nwant\n%s", describe(again.Events), describe(res.Events))
				}
			}
		})
	}
}

func shuffled[T any](rng *rand.Rand, s []T) []T {
	out := append([]T(nil), s...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func describe(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %+v\n", e)
	}
	return b.String()
}

func TestReconcileGenerations(t *testing.T) {
	prev := prevOf("m1:0=a", "m2:2=b")
	res, err := Reconcile(prev, clustersOf("m1=a", "m2=b", "n=c"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Assignment{"m1": {"m1", 0}, "m2": {"m2", 2}, "n": {"n", 3}}
	if !reflect.DeepEqual(res.IDs, want) || res.Generation != 3 {
		t.Errorf("ids %v, generation %d; want %v, 3", res.IDs, res.Generation, want)
	}
	first, err := Reconcile(Previous{}, clustersOf("n=c"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Generation != 0 || first.IDs["n"] != (Assignment{"n", 0}) {
		t.Errorf("without a previous run: %+v", first)
	}
	if len(first.Events) != 1 || first.Events[0].Kind != Created {
		t.Errorf("without a previous run every cluster is created: %+v", first.Events)
	}
}

func TestReconcileRejectsInconsistentInput(t *testing.T) {
	tests := []struct {
		name string
		prev Previous
		next []Cluster
		want string
	}{
		{"record in two clusters", prevOf("m1=a"), clustersOf("x=a", "y=a"), "record a is in two clusters"},
		{"two clusters, one id", prevOf("m1=a"), clustersOf("x=a", "x=b"), "two clusters have the id x"},
		{"link to an unknown master", Previous{Links: map[string]string{"a": "m1"}}, clustersOf("x=a"), "no such previous master"},
		{"duplicate previous master", Previous{Masters: []Master{{ID: "m1"}, {ID: "m1"}}}, nil, "appears twice"},
	}
	for _, tt := range tests {
		if _, err := Reconcile(tt.prev, tt.next); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func ExampleReconcile() {
	prev := Previous{
		Masters: []Master{{ID: "m-big"}, {ID: "m-small"}, {ID: "m-gone"}},
		Links:   map[string]string{"shop:1": "m-big", "shop:2": "m-big", "legacy:7": "m-small", "legacy:9": "m-gone"},
	}
	res, _ := Reconcile(prev, []Cluster{
		{ID: "m-x", Members: []string{"legacy:7", "shop:1", "shop:2"}}, // m-big absorbs m-small
		{ID: "m-new", Members: []string{"shop:3"}},
	})
	for _, e := range res.Events {
		fmt.Println(e.Kind, e.MasterID, e.PreviousIDs)
	}
	// Output:
	// updated m-big [m-big]
	// merged m-big [m-small]
	// retired  [m-gone]
	// created m-new []
}
