package matchers

import (
	"math"
	"slices"
	"testing"
)

// TestModelFeaturesDeclared checks that a declared model number stands
// alone for its record: codes read from the title (line names, spec
// classes) neither agree with nor are looked for in the other record.
func TestModelFeaturesDeclared(t *testing.T) {
	fs, err := NewFeatureSet([]string{"model_agree", "model_partial", "model_variant", "model_in_title"})
	if err != nil {
		t.Fatal(err)
	}
	prep := func(title, model string) *Prepared {
		p := Prepare(Fields{Title: title, ModelNumber: model}, nil)
		return &p
	}
	tests := []struct {
		name                 string
		a, b                 *Prepared
		agree, partial, vari float64
		inTitle              float64
	}{
		{"declared vs title codes: the shared line name G915 does not count",
			prep("Logi G915 Clicky Blue Wireless Keyboard", "LKZ2322-U"),
			prep("LKC6130U - Logi G915 Blue Switches Mechanical Gaming Keyboard", ""),
			0, 0, 0, 0},
		{"declared vs the same code in the other title",
			prep("Logitech LHF8993-GN Astro True Wireless Earbuds", "LHF8993-GN"),
			prep("TRUE WRLS BUDS, LOGITECH ASTRO LHF8993GN GREEN", ""),
			1, 0, 0, 1},
		{"declared vs the code written apart in the other title",
			prep("Sony Over-Ear Headphones Blue", "WH-1700GT2/BL"),
			prep("Sony 1000X Over-Ear Headphones Blu WH 1700GT2 BL", ""),
			0, 1, 0, 1},
		{"two title codes still compare in full",
			prep("Netgear Orbi Router RBR750 Tri-Band", ""),
			prep("Netgear RBR750 Orbi Mesh", ""),
			1, 0, 0, 1},
		{"both declared, a regional suffix: agree",
			prep("LG OLED evo C3 65 inch 4K Smart TV", "OLED65C36LC"),
			prep("LG OLED65C3 65 OLED evo 4K TV", "OLED65C3"),
			1, 0, 0, 0},
		{"a title code that starts a declared one stays partial",
			prep("Logitech G915 Red Switch Keyboard", "LKQ8421R"),
			prep("Wrls Kbd Logitech LKQ8421 U Blue Switches", ""),
			0, 1, 0, 0},
		{"both declared: only the declared codes",
			prep("D-Link Gaming Router AXE11000", "DIRAXE1VJ234"),
			prep("D-Link Gaming Router AXE11000", "DIRAXE1ZZ894"),
			0, 0, 1, 0},
	}
	for _, tt := range tests {
		got := fs.Compute(tt.a, tt.b, nil)
		want := []float64{tt.agree, tt.partial, tt.vari, tt.inTitle}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v (models %v, %v)", tt.name, got, want, tt.a.Models, tt.b.Models)
		}
		if rev := fs.Compute(tt.b, tt.a, nil); !slices.Equal(rev, got) {
			t.Errorf("%s: not symmetric: %v vs %v", tt.name, rev, got)
		}
	}
}

// TestNumberMismatchModelAffix checks that a part of a model number written
// apart ("XQRY701 128") is not read as a capacity, while units still are.
func TestNumberMismatchModelAffix(t *testing.T) {
	fs, err := NewFeatureSet([]string{"title_number_mismatch"})
	if err != nil {
		t.Fatal(err)
	}
	prep := func(title, model string) *Prepared {
		p := Prepare(Fields{Title: title, ModelNumber: model}, nil)
		return &p
	}
	tests := []struct {
		a, b *Prepared
		want float64
	}{
		// "128" beside XQRY701 is the code's suffix: both sides then
		// have only "128gb".
		{prep("Sony Electronics xqry701 128 128gb Xperia Phone", "XQRY-701-128"), prep("Sony 128GB Phone XQRY701-128", ""), 0},
		// "55in" beside the model is a size, not an affix: {55in} vs {65in}.
		{prep("Samsung UN55TU7000 55in TV", ""), prep("Samsung UN65TU7000 65in TV", ""), 1},
		// "27vl958" is inside the declared HM27VL958: {27in} vs {27in}.
		{prep("HP 27in Curved Gaming Monitor HM 27VL958", "HM27VL958"), prep("HP Monitor 27in HM27VL958", ""), 0},
		// No model beside it: "128" counts, {128, 128gb} vs {128gb}.
		{prep("Sony Xperia 128 Phone 128gb", ""), prep("Sony Xperia Phone 128gb", ""), 0.5},
	}
	for _, tt := range tests {
		if got := fs.Compute(tt.a, tt.b, nil); got[0] != tt.want {
			t.Errorf("%q vs %q: %v, want %v", tt.a.Title, tt.b.Title, got[0], tt.want)
		}
	}
}

func TestModelAffixAt(t *testing.T) {
	toks := []string{"sony", "wh", "1700gt2", "bl", "55in", "128", "700g", "2024"}
	models := []string{"1700GT2"}
	// The model itself counts as inside (numericToken drops it anyway).
	want := []bool{false, true, true, true, false, false, true, false}
	for i := range toks {
		if got := modelAffixAt(toks, i, models); got != want[i] {
			t.Errorf("modelAffixAt(%q) = %v, want %v", toks[i], got, want[i])
		}
	}
	if modelAffixAt(toks, 1, nil) {
		t.Error("no models: no affixes")
	}
}

func TestFinishVariant(t *testing.T) {
	tests := []struct {
		x, y string
		want bool
	}{
		{"NNSD667S", "NNSD667SS", true},     // stainless, short and long
		{"DLG2526W", "DLG2526WH", true},     // white
		{"SRSA212BK", "SRSA212BLK", true},   // black
		{"WTW6700TW", "WTW6700TWH", true},   // a letter of the base, then W/WH
		{"MDREX55PNK", "MDREX55P", true},    // pink, either order
		{"FS116P", "FS116PNA", true},        // region code
		{"HTZ410", "HTZ410XAA", true},       // region code
		{"DVPFX820", "DVPFX820R", false},    // the bare code is another colour
		{"NNSD667", "NNSD667SS", false},     // likewise
		{"LKQ8421", "LKQ8421R", false},      // a sibling's letter
		{"DVPNS700HB", "DVPNS700HS", false}, // two finishes
		{"RXV863BK", "RXV863BL", false},     // one length: left to Partial
		{"NNSD667B", "NNSD667SS", false},    // black vs stainless
		{"FS11", "FS11NA", false},           // too short for a region rule
		{"PG40", "PG40BLK", false},
	}
	for _, tt := range tests {
		if got := finishVariant(tt.x, tt.y); got != tt.want {
			t.Errorf("finishVariant(%q, %q) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
		if got := finishVariant(tt.y, tt.x); got != tt.want {
			t.Errorf("finishVariant(%q, %q) = %v, want %v", tt.y, tt.x, got, tt.want)
		}
	}
}

// TestModelAgreementTitleCodes: codes read from titles agree across finish
// spellings and glued colour words, and siblings stay Partial.
func TestModelAgreementTitleCodes(t *testing.T) {
	prep := func(title string) *Prepared {
		p := Prepare(Fields{Title: title}, nil)
		return &p
	}
	tests := []struct {
		a, b string
		want Agreement
	}{
		{"Panasonic NNSD667S Microwave Oven", "Panasonic Stainless Steel Microwave - NNSD667SS", Agree},
		{"LG DLG2526W 27' Gas Dryer", "LG White Gas Dryer - DLG2526WH", Agree},
		{"DeLonghi DCB-309BLACK Toaster", "DeLonghi Toaster - DCB309", Agree},
		{"Netgear ProSafe FS116P Switch - FS116PNA", "Netgear ProSafe 16 Port Switch - FS116P", Agree},
		{"Sony DVP-FX820 Portable DVD Player - DVPFX820", "Sony Red Portable DVD Player - DVPFX820R", Partial},
		{"Sony Black DVD Player - DVPNS700HB", "Sony DVD Player - DVPNS700HS", Partial},
		{"Learn2 Reading 4th-6th", "Learn2 Math 4th-6th", Missing},
		{"Adobe Photoshop - CS3", "Adobe Photoshop - CS4", Missing},
	}
	for _, tt := range tests {
		a, b := prep(tt.a), prep(tt.b)
		if got := modelAgreement(a, b); got != tt.want {
			t.Errorf("modelAgreement(%q, %q) = %v, want %v (models %v, %v)", tt.a, tt.b, got, tt.want, a.Models, b.Models)
		}
		if got := modelAgreement(b, a); got != tt.want {
			t.Errorf("modelAgreement(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestNumericTokenGluedColour(t *testing.T) {
	models := []string{"DCB309"}
	tests := []struct {
		tok  string
		want bool
	}{
		{"dcb309", false},
		{"dcb309black", false}, // the model with its finish
		{"dcb309blk", true},    // abbreviations are not stripped from codes
		{"dcb3", true},
		{"55in", true},
		{"black", false}, // no digit
	}
	for _, tt := range tests {
		if got := numericToken(tt.tok, models); got != tt.want {
			t.Errorf("numericToken(%q, %q) = %v, want %v", tt.tok, models, got, tt.want)
		}
	}
}

// TestUncodedTitleFeatures checks that the title similarities of the
// uncoded features count only when no code can be compared: both records
// without one, or only one of them with one; not two model numbers, nor
// two GTINs.
func TestUncodedTitleFeatures(t *testing.T) {
	fs, err := NewFeatureSet([]string{"uncoded", "title_tfidf_uncoded", "title_containment_uncoded"})
	if err != nil {
		t.Fatal(err)
	}
	// An empty IDF weighs every token the same, so the cosine is the
	// shared words over the geometric mean of the word counts.
	idf := &IDF{}
	prep := func(f Fields) *Prepared {
		p := Prepare(f, nil)
		p.TFIDF = idf.Vector(p.TitleTokens)
		return &p
	}
	tests := []struct {
		name  string
		a, b  *Prepared
		wants []float64
	}{
		{"no codes, the same title: TF-IDF cosine 1, containment 1",
			prep(Fields{Title: "Sony Turntable"}), prep(Fields{Title: "Sony Turntable"}), []float64{1, 1, 1}},
		{"no codes: 2 words of 3 shared",
			prep(Fields{Title: "Bose Speaker System"}), prep(Fields{Title: "Bose Speaker Stand"}), []float64{1, 2.0 / 3, 2.0 / 3}},
		{"no codes: 1 word shared, of 1 and 4",
			prep(Fields{Title: "Bose"}), prep(Fields{Title: "Bose Acoustimass Speaker System"}), []float64{1, 0.5, 1}},
		{"a code on one side only cannot be compared",
			prep(Fields{Title: "Sony Turntable", ModelNumber: "PSLX350H"}), prep(Fields{Title: "Sony Turntable"}), []float64{1, 1, 1}},
		{"two model numbers decide, not the title",
			prep(Fields{Title: "Sony Turntable PSLX350H"}), prep(Fields{Title: "Sony Turntable PSLX300H"}), []float64{0, 0, 0}},
		{"two GTINs decide, not the title",
			prep(Fields{Title: "Sony Turntable", GTIN: "4006381333931"}), prep(Fields{Title: "Sony Turntable", GTIN: "4006381333931"}), []float64{0, 0, 0}},
	}
	for _, tt := range tests {
		got := fs.Compute(tt.a, tt.b, nil)
		for i, w := range tt.wants {
			if math.Abs(got[i]-w) > 1e-9 {
				t.Errorf("%s: got %v, want %v (models %v, %v)", tt.name, got, tt.wants, tt.a.Models, tt.b.Models)
			}
		}
		if rev := fs.Compute(tt.b, tt.a, nil); !slices.Equal(rev, got) {
			t.Errorf("%s: not symmetric: %v vs %v", tt.name, rev, got)
		}
	}
}
