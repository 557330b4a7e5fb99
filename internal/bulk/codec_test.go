package bulk

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Every record kind decodes to what was appended, several to a batch, and
// a batch cut short is schemas.ErrCorruptBatch rather than a shorter one.
func TestCodecsRoundTrip(t *testing.T) {
	t.Run("candidates", func(t *testing.T) {
		in := []Candidate{
			{Key: "shop:1", Prep: matchers.Prepare(matchers.Fields{Source: "shop", Title: "Sony WH-1000XM4 Black",
				Description: "Wireless noise cancelling", Brand: "Sony", ModelNumber: "WH-1000XM4", GTIN: "04548736112100", Price: 329.99, HasPrice: true,
				Currency: "USD"}, nil), Blocks: []uint64{3, 1 << 60}},
			{Key: "feed:2", Prep: matchers.Prepare(matchers.Fields{Source: "feed", Title: "plain"}, nil), Unchanged: true},
		}
		// One run per candidate, as Block writes a run per chunk of records.
		var batch []byte
		for i := range in {
			batch = AppendCandidateRun(batch, 1, AppendCandidate(nil, &in[i]))
		}
		decode := func(batch []byte) ([]Candidate, error) {
			runs, err := CandidateRuns(nil, batch)
			if err != nil {
				return nil, err
			}
			var out []Candidate
			for _, r := range runs {
				cs := make([]Candidate, r.N)
				if err := DecodeRun(r, cs); err != nil {
					return out, err
				}
				out = append(out, cs...)
			}
			return out, nil
		}
		out, err := decode(batch)
		if err != nil || len(out) != len(in) {
			t.Fatalf("%d candidates, %v", len(out), err)
		}
		for i := range in {
			// The encoding covers every field that travels; the token
			// lists are rebuilt from the title (Reindex).
			out[i].Prep.Reindex()
			if string(AppendCandidate(nil, &out[i])) != string(AppendCandidate(nil, &in[i])) ||
				!reflect.DeepEqual(out[i].Prep.TitleTokens, in[i].Prep.TitleTokens) {
				t.Errorf("candidate %d: decoded %+v, want %+v", i, out[i], in[i])
			}
		}
		if _, err := decode(batch[:len(batch)-3]); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a cut candidate batch: %v, want ErrCorruptBatch", err)
		}
		// A run whose count disagrees with its bytes, either way.
		both := append(AppendCandidate(nil, &in[0]), AppendCandidate(nil, &in[1])...)
		for _, n := range []int{1, 3} {
			if _, err := decode(AppendCandidateRun(nil, n, both)); !errors.Is(err, schemas.ErrCorruptBatch) {
				t.Errorf("a run of 2 candidates counted %d: %v, want ErrCorruptBatch", n, err)
			}
		}
	})
	t.Run("edges", func(t *testing.T) {
		in := []Edge{
			{A: "a:1", B: "b:1", P: 0.75, Tie: 0.625, GA: "123", MB: []string{"X1", "X2"}},
			{A: "b:2", B: "a:2", P: 1},
		}
		var batch []byte
		for i := range in {
			batch = AppendEdge(batch, &in[i])
		}
		var out []Edge
		if err := ForEachEdge(batch, func(e *Edge) { out = append(out, *e) }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("edges %+v, want %+v", out, in)
		}
		if err := ForEachEdge(batch[:len(batch)-1], func(*Edge) {}); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a cut edge batch: %v, want ErrCorruptBatch", err)
		}
		e := in[0]
		e.Swap()
		if e.A != "b:1" || e.B != "a:1" || e.GB != "123" || len(e.MA) != 2 || e.MB != nil {
			t.Errorf("swapped edge %+v", e)
		}
	})
	t.Run("assignments", func(t *testing.T) {
		batch := AppendAssignment(nil, "a:1", Assignment{MasterID: "m-1", P: 0.9})
		batch = AppendAssignment(batch, "b:1", Assignment{MasterID: "m-1", P: 0.8})
		got := map[string]Assignment{}
		if err := DecodeAssignments(batch, got); err != nil {
			t.Fatal(err)
		}
		want := map[string]Assignment{"a:1": {"m-1", 0.9}, "b:1": {"m-1", 0.8}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("assignments %v, want %v", got, want)
		}
		if err := DecodeAssignments(batch[:len(batch)-1], map[string]Assignment{}); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a cut assignment batch: %v, want ErrCorruptBatch", err)
		}
	})
	t.Run("members", func(t *testing.T) {
		p := schemas.Product{Source: "a", SourceID: "1", Title: "t", UpdatedAt: 7}
		batch := AppendMember(nil, Assignment{MasterID: "m-1", P: 0.5}, &p)
		var a Assignment
		var got schemas.Product
		rest, err := DecodeMember(batch, &a, &got)
		if err != nil || len(rest) != 0 {
			t.Fatalf("rest %d bytes, %v", len(rest), err)
		}
		if a != (Assignment{"m-1", 0.5}) || got.Key() != "a:1" || got.Title != "t" || got.UpdatedAt != 7 {
			t.Errorf("member %+v %+v", a, got)
		}
		if _, err := DecodeMember(batch[:len(a.MasterID)+4], &a, &got); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a cut member: %v, want ErrCorruptBatch", err)
		}
	})
}

func TestUntag(t *testing.T) {
	kind, payload, err := Untag(KindIDF.Tag(nil))
	if kind != KindIDF || len(payload) != 0 || err != nil {
		t.Errorf("Untag of an empty IDF batch: %q %q %v", kind, payload, err)
	}
	kind, payload, err = Untag(append(KindCandidates.Tag(nil), "xyz"...))
	if kind != KindCandidates || string(payload) != "xyz" || err != nil {
		t.Errorf("Untag of a candidate batch: %q %q %v", kind, payload, err)
	}
	for _, bad := range []string{"", "zyx"} {
		if _, _, err := Untag([]byte(bad)); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("Untag(%q) = %v, want ErrCorruptBatch", bad, err)
		}
	}
}

// Shards are pinned: a change of hash would move records to other shards
// and other output files.
func TestShardOfIsStable(t *testing.T) {
	for _, c := range []struct {
		key  string
		n    int
		want int
	}{
		{"shop:1", 8, 0}, {"legacy:A-17", 8, 6}, {"partner:P00012345", 8, 4}, {"", 8, 5},
		{"shop:1", 3, 1}, {"legacy:A-17", 3, 2},
	} {
		if got := ShardOf(c.key, c.n); got != c.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", c.key, c.n, got, c.want)
		}
	}
}

// Buffers flush a shard's batch when it reaches BatchBytes, and the rest
// on Flush.
func TestBuffers(t *testing.T) {
	var b Buffers
	emitted := map[int][]int{}
	var last []byte // a copy of the last batch emitted
	emit := func(shard int, batch []byte) {
		emitted[shard] = append(emitted[shard], len(batch))
		last = bytes.Clone(batch)
	}
	for i := range 3 {
		half := bytes.Repeat([]byte{'a' + byte(i)}, BatchBytes/2)
		b.Add(1, func(dst []byte) []byte { return append(dst, half...) }, emit)
	}
	b.Add(2, func(dst []byte) []byte { return append(dst, 'x') }, emit)
	if len(emitted[1]) != 1 || emitted[1][0] != BatchBytes || len(emitted[2]) != 0 {
		t.Fatalf("before Flush: %v", emitted)
	}
	b.Flush(emit)
	if len(emitted[1]) != 2 || emitted[1][1] != BatchBytes/2 || len(emitted[2]) != 1 || emitted[2][0] != 1 {
		t.Errorf("after Flush: %v", emitted)
	}
	b.Flush(emit)
	if len(emitted[1]) != 2 {
		t.Errorf("a second Flush emitted again: %v", emitted)
	}
	// A buffer reused after a full batch starts afresh.
	b.Add(1, func(dst []byte) []byte { return append(dst, bytes.Repeat([]byte{'a'}, BatchBytes)...) }, emit)
	b.Add(1, func(dst []byte) []byte { return append(dst, 'z') }, emit)
	b.Flush(emit)
	if string(last) != "z" {
		t.Errorf("the batch after a full one is %d bytes, want \"z\"", len(last))
	}
}
