package matchers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"
)

func TestTitleCounts(t *testing.T) {
	w := func(title string) []string { return Tokens(NormalizeText(title)) }
	var c TitleCounts // the zero value is ready to use
	for _, title := range []string{"sony tv", "lg tv", "TV, Sony", "", "sony tv tv"} {
		c.Add(w(title))
	}
	// The word set counts: "sony tv", "TV, Sony" and "sony tv tv" are one.
	for title, want := range map[string]int32{"sony tv": 3, "tv sony": 3, "lg tv": 1, "": 0, "bose": 0, "sony": 0} {
		if got := c.Count(w(title)); got != want {
			t.Errorf("Count(%q) = %d, want %d", title, got, want)
		}
	}
	var other TitleCounts
	other.Add(w("sony tv"))
	other.Add(w("bose"))
	c.Merge(other)
	for title, want := range map[string]int32{"sony tv": 4, "lg tv": 1, "bose": 1} {
		if got := c.Count(w(title)); got != want {
			t.Errorf("after Merge: Count(%q) = %d, want %d", title, got, want)
		}
	}
	if got := TitleCounts(nil).Count(w("sony tv")); got != 0 {
		t.Errorf("nil counts: %d", got)
	}
	// TitleKey by hand: FNV-1a over the sorted token hashes' bytes.
	hs := []uint64{FNV1a("sony"), FNV1a("tv")}
	slices.Sort(hs)
	var b []byte
	for _, h := range hs {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	if got, want := TitleKey([]string{"tv", "sony", "tv"}), FNV1a(string(b)); got != want {
		t.Errorf("TitleKey = %x, want %x", got, want)
	}
	if TitleKey(nil) != 0 || TitleKey([]string{"sony"}) == TitleKey([]string{"tv"}) {
		t.Error("TitleKey: no tokens must give 0, different words differ")
	}
	k := TitleKey([]string{"x"})
	sat := TitleCounts{k: math.MaxInt32 - 1}
	sat.Merge(TitleCounts{k: 5})
	if got := sat.Count([]string{"x"}); got != math.MaxInt32 {
		t.Errorf("saturated count %d", got)
	}
}

// TestIDFTitles: IDF carries the title counts through Add, Merge, Weigh
// and its encoding, and encodes as before without them.
func TestIDFTitles(t *testing.T) {
	var a, b IDF
	for _, title := range [][]string{{"sony", "tv"}, {"tv", "sony"}, {"lg", "tv"}} {
		d := &a
		if title[0] != "sony" {
			d = &b
		}
		d.Add(title)
		d.AddTitle(title)
	}
	a.Merge(&b)
	p := Prepare(Fields{Title: "Sony TV"}, nil)
	a.Weigh(&p)
	if p.TitleCount != 2 || len(p.TFIDF) != 2 {
		t.Errorf("Weigh: TitleCount %d, TFIDF %v; want 2 and two terms", p.TitleCount, p.TFIDF)
	}
	enc, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back IDF
	if err := back.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if back.Docs != 3 || back.Titles.Count([]string{"sony", "tv"}) != 2 || back.Titles.Count([]string{"lg", "tv"}) != 1 || len(back.Titles) != 2 {
		t.Errorf("round trip: %+v", back)
	}
	// The title section, pinned: two hashes 3 and 5, deltas 3 and 2.
	golden := IDF{DF: map[string]int32{}, Titles: TitleCounts{5: 2, 3: 1}}
	want := []byte("LBIDF\x01\x00\x00\x02\x03\x01\x02\x02")
	if got, _ := golden.MarshalBinary(); !bytes.Equal(got, want) {
		t.Errorf("MarshalBinary = %q, want %q", got, want)
	}
	// Without titles, nothing is added (TestIDFBinaryGolden pins the rest).
	if got, _ := (&IDF{DF: map[string]int32{}}).MarshalBinary(); !bytes.Equal(got, []byte("LBIDF\x01\x00\x00")) {
		t.Errorf("no titles: %q", got)
	}
	for name, data := range map[string][]byte{
		"empty section":  []byte("LBIDF\x01\x00\x00\x00"),
		"repeated hash":  []byte("LBIDF\x01\x00\x00\x02\x03\x01\x00\x02"),
		"zero count":     []byte("LBIDF\x01\x00\x00\x01\x03\x00"),
		"truncated":      []byte("LBIDF\x01\x00\x00\x02\x03\x01\x02"),
		"too many":       []byte("LBIDF\x01\x00\x00\x09\x03\x01"),
		"hash overflows": append([]byte("LBIDF\x01\x00\x00\x02"), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0x02, 0x01),
	} {
		before := IDF{Docs: 7}
		if err := before.UnmarshalBinary(data); !errors.Is(err, ErrIDFFormat) || before.Docs != 7 {
			t.Errorf("%s: err %v, Docs %d", name, err, before.Docs)
		}
	}
}

// TestTitleSharedFeatures checks title_shared, title_shared_uncoded and
// title_tfidf_uncoded_tf by hand: n records share a title's word set.
func TestTitleSharedFeatures(t *testing.T) {
	fs, err := NewFeatureSet([]string{"title_shared", "title_shared_uncoded", "title_tfidf_uncoded_tf", "title_tfidf_uncoded"})
	if err != nil {
		t.Fatal(err)
	}
	idf := &IDF{} // every token weighs the same
	prep := func(f Fields, n int32) *Prepared {
		p := Prepare(f, nil)
		idf.Weigh(&p)
		p.TitleCount = n
		return &p
	}
	tests := []struct {
		name  string
		a, b  *Prepared
		wants []float64
	}{
		{"the pair alone shares its title: no discount",
			prep(Fields{Title: "Sony Turntable"}, 2), prep(Fields{Title: "sony  turntable"}, 2), []float64{0, 0, 1, 1}},
		{"the same words in another order, shared by five",
			prep(Fields{Title: "Razer Ergonomic Mouse Red"}, 5), prep(Fields{Title: "razer red ergonomic mouse"}, 5), []float64{0.75, 0.75, 0.25, 1}},
		{"unknown counts: no discount",
			prep(Fields{Title: "Sony Turntable"}, 0), prep(Fields{Title: "Sony Turntable"}, 0), []float64{0, 0, 1, 1}},
		{"a third record shares it",
			prep(Fields{Title: "Sony Turntable"}, 3), prep(Fields{Title: "Sony Turntable"}, 3), []float64{0.5, 0.5, 0.5, 1}},
		{"eleven records share it; the larger count counts",
			prep(Fields{Title: "Samsung 5G Smartphone 256GB"}, 11), prep(Fields{Title: "Samsung 5G Smartphone 256GB"}, 4), []float64{0.9, 0.9, 0.1, 1}},
		{"a code on one side only: still uncoded",
			prep(Fields{Title: "Sony Turntable", ModelNumber: "PSLX350H"}, 5), prep(Fields{Title: "Sony Turntable"}, 5), []float64{0.75, 0.75, 0.25, 1}},
		{"two model numbers: only title_shared",
			prep(Fields{Title: "Sony Turntable", ModelNumber: "PSLX350H"}, 5), prep(Fields{Title: "Sony Turntable", ModelNumber: "PSLX300H"}, 5), []float64{0.75, 0, 0, 0}},
		{"different titles: no adjustment (2 of 3 words shared)",
			prep(Fields{Title: "Bose Speaker System"}, 9), prep(Fields{Title: "Bose Speaker Stand"}, 9), []float64{0, 0, 2.0 / 3, 2.0 / 3}},
		{"no titles",
			prep(Fields{}, 0), prep(Fields{}, 0), []float64{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		for _, pair := range [][2]*Prepared{{tt.a, tt.b}, {tt.b, tt.a}} {
			got := fs.Compute(pair[0], pair[1], nil)
			for i, w := range tt.wants {
				if math.Abs(got[i]-w) > 1e-9 {
					t.Errorf("%s: got %v, want %v", tt.name, got, tt.wants)
					break
				}
			}
		}
	}
	for _, tc := range []struct {
		features []string
		want     bool
	}{
		{[]string{"title_tfidf", "title_tfidf_uncoded"}, false},
		{[]string{"title_tfidf", "title_shared"}, true},
		{[]string{"title_shared_uncoded"}, true},
		{[]string{"title_tfidf_uncoded_tf"}, true},
	} {
		if got := NeedsTitleCounts(tc.features); got != tc.want {
			t.Errorf("NeedsTitleCounts(%v) = %v", tc.features, got)
		}
	}
}
