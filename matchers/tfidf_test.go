package matchers

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestIDFAddWeight(t *testing.T) {
	var idf IDF
	idf.Add([]string{"sony", "tv", "tv"}) // "tv" counts once
	idf.Add([]string{"sony", "radio"})
	idf.Add(nil)
	if idf.Docs != 3 || idf.DF["sony"] != 2 || idf.DF["tv"] != 1 || idf.DF["radio"] != 1 {
		t.Fatalf("after Add: Docs %d DF %v", idf.Docs, idf.DF)
	}
	// log((1+3)/(1+2))+1 = 1.2877; log(4/2)+1 = 1.6931.
	for term, want := range map[string]float64{
		"sony":  math.Log(4.0/3) + 1,
		"tv":    math.Log(4.0/2) + 1,
		"never": math.Log(4.0/2) + 1, // unseen: as if seen once
	} {
		if got := idf.Weight(term); math.Abs(got-want) > 1e-12 {
			t.Errorf("Weight(%q) = %v, want %v", term, got, want)
		}
	}
	var empty IDF
	if got, want := empty.Weight("x"), math.Log(0.5)+1; math.Abs(got-want) > 1e-12 {
		t.Errorf("empty Weight = %v, want %v", got, want)
	}
}

func TestIDFAddLongDocument(t *testing.T) {
	var idf IDF
	toks := make([]string, 0, 200)
	for i := 0; i < 200; i++ {
		toks = append(toks, string(rune('a'+i%20)))
	}
	idf.Add(toks)
	if len(idf.DF) != 20 || idf.DF["a"] != 1 {
		t.Fatalf("DF = %v", idf.DF)
	}
}

func TestIDFMerge(t *testing.T) {
	var a, b, all IDF
	docs := [][]string{{"sony", "tv"}, {"lg", "tv"}, {"sony", "radio"}}
	a.Add(docs[0])
	b.Add(docs[1])
	b.Add(docs[2])
	for _, d := range docs {
		all.Add(d)
	}
	a.Merge(&b)
	a.Merge(nil)
	if a.Docs != all.Docs || len(a.DF) != len(all.DF) {
		t.Fatalf("merged %+v, want %+v", a, all)
	}
	for k, v := range all.DF {
		if a.DF[k] != v {
			t.Errorf("DF[%q] = %d, want %d", k, a.DF[k], v)
		}
	}
	var z IDF
	z.Merge(&all)
	if z.Docs != 3 || z.DF["tv"] != 2 {
		t.Errorf("merge into zero IDF: %+v", z)
	}
	big := IDF{Docs: 1, DF: map[string]int32{"x": math.MaxInt32 - 1}}
	big.Merge(&IDF{Docs: 5, DF: map[string]int32{"x": 5}})
	if big.DF["x"] != math.MaxInt32 {
		t.Errorf("DF did not saturate: %d", big.DF["x"])
	}
}

func TestIDFVectorCosine(t *testing.T) {
	var idf IDF
	for _, d := range [][]string{{"sony", "tv"}, {"lg", "tv"}, {"sony", "radio"}, {"tv"}} {
		idf.Add(d)
	}
	v := idf.Vector([]string{"tv", "sony", "tv"})
	sony, tv := FNV1a("sony"), FNV1a("tv")
	if len(v) != 2 || v[0].Term >= v[1].Term {
		t.Fatalf("Vector = %v, want two terms sorted by hash", v)
	}
	weight := func(v SparseVector, term uint64) float64 {
		for _, w := range v {
			if w.Term == term {
				return w.Value
			}
		}
		return 0
	}
	// sony: 1 * (log(5/3)+1); tv: 2 * (log(5/4)+1); then unit length.
	ws, wt := math.Log(5.0/3)+1, 2*(math.Log(5.0/4)+1)
	n := math.Hypot(ws, wt)
	if math.Abs(weight(v, sony)-ws/n) > 1e-12 || math.Abs(weight(v, tv)-wt/n) > 1e-12 {
		t.Errorf("Vector values = %v, want sony %v, tv %v", v, ws/n, wt/n)
	}
	if idf.Vector(nil) != nil {
		t.Error("Vector(nil) != nil")
	}

	w := idf.Vector([]string{"sony", "radio"})
	if got := Cosine(v, v); math.Abs(got-1) > 1e-12 {
		t.Errorf("Cosine(v, v) = %v", got)
	}
	want := weight(v, sony) * weight(w, sony) // only "sony" is shared
	if got := Cosine(v, w); math.Abs(got-want) > 1e-12 || Cosine(w, v) != Cosine(v, w) {
		t.Errorf("Cosine = %v, want %v", got, want)
	}
	if Cosine(nil, v) != 0 || Cosine(v, nil) != 0 {
		t.Error("Cosine with an empty vector != 0")
	}
	// Not unit length: still a cosine.
	a := SparseVector{{1, 3}, {2, 4}}
	b := SparseVector{{1, 6}, {2, 8}, {3, 0}}
	if got := Cosine(a, b); math.Abs(got-1) > 1e-12 {
		t.Errorf("Cosine of parallel vectors = %v", got)
	}
	if got := Cosine(SparseVector{{1, 1}}, SparseVector{{2, 1}}); got != 0 {
		t.Errorf("Cosine of disjoint vectors = %v", got)
	}
}

func TestIDFBinaryRoundTrip(t *testing.T) {
	var idf IDF
	for _, d := range [][]string{{"sony", "sonic", "son"}, {"lg", "tv"}, {"sony", "zzz", "ü"}} {
		idf.Add(d)
	}
	b1, err := idf.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := idf.MarshalBinary()
	if !bytes.Equal(b1, b2) {
		t.Fatal("MarshalBinary is not deterministic")
	}
	var back IDF
	if err := back.UnmarshalBinary(b1); err != nil {
		t.Fatal(err)
	}
	if back.Docs != idf.Docs || len(back.DF) != len(idf.DF) {
		t.Fatalf("round trip: %+v, want %+v", back, idf)
	}
	for k, v := range idf.DF {
		if back.DF[k] != v {
			t.Errorf("DF[%q] = %d, want %d", k, back.DF[k], v)
		}
	}
	var empty IDF
	eb, _ := empty.MarshalBinary()
	if err := back.UnmarshalBinary(eb); err != nil || back.Docs != 0 || len(back.DF) != 0 {
		t.Errorf("empty round trip: %+v, %v", back, err)
	}
	if _, err := (&IDF{Docs: -1}).MarshalBinary(); err == nil {
		t.Error("negative Docs encoded")
	}
}

func TestIDFUnmarshalErrors(t *testing.T) {
	var idf IDF
	idf.Add([]string{"a", "b"})
	good, _ := idf.MarshalBinary()
	tests := map[string][]byte{
		"empty":     nil,
		"magic":     []byte("XXIDF\x01\x00\x00"),
		"version":   []byte("LBIDF\x02\x00\x00"),
		"truncated": good[:len(good)-1],
		"trailing":  append(append([]byte{}, good...), 0),
		"count":     append([]byte(idfMagic), 1, 200),
		"order":     append([]byte(idfMagic), 1, 2, 0, 1, 'b', 1, 0, 1, 'a', 1),
		"zero df":   append([]byte(idfMagic), 1, 1, 0, 1, 'a', 0),
		"prefix":    append([]byte(idfMagic), 1, 1, 3, 1, 'a', 1),
	}
	for name, data := range tests {
		before := IDF{Docs: 7}
		err := before.UnmarshalBinary(data)
		if !errors.Is(err, ErrIDFFormat) {
			t.Errorf("%s: err = %v, want ErrIDFFormat", name, err)
		}
		if before.Docs != 7 {
			t.Errorf("%s: IDF changed on error", name)
		}
		if err != nil && !strings.Contains(err.Error(), "at byte") {
			t.Errorf("%s: error %q lacks a position", name, err)
		}
	}
}

func TestIDFBinaryGolden(t *testing.T) {
	// The format is shipped between workers: pin it. Terms sorted, "sony"
	// shares "son" with "sonic".
	idf := IDF{Docs: 2, DF: map[string]int32{"tv": 2, "sony": 1, "lg": 1, "sonic": 1}}
	want := []byte("LBIDF\x01\x02\x04\x00\x02lg\x01\x00\x05sonic\x01\x03\x01y\x01\x00\x02tv\x02")
	got, err := idf.MarshalBinary()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("MarshalBinary = %q, %v; want %q", got, err, want)
	}
}

// FuzzIDFUnmarshal feeds arbitrary bytes to the decoder (seeds in
// testdata/fuzz): it must not panic or over-allocate, and whatever it
// accepts must re-encode to a fixed point.
func FuzzIDFUnmarshal(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var d IDF
		if err := d.UnmarshalBinary(data); err != nil {
			return
		}
		// Whatever decodes re-encodes to a fixed point.
		b1, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var d2 IDF
		if err := d2.UnmarshalBinary(b1); err != nil {
			t.Fatalf("re-encoded IDF does not decode: %v", err)
		}
		b2, _ := d2.MarshalBinary()
		if !bytes.Equal(b1, b2) {
			t.Fatal("encoding is not a fixed point")
		}
	})
}
