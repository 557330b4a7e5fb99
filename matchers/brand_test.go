package matchers

import (
	"strings"
	"testing"
)

func TestBrandDetect(t *testing.T) {
	idx := DefaultBrandIndex()
	tests := []struct{ title, want string }{
		{"Sony Turntable - PSLX350H", "sony"},
		{"Western Digital My Passport 1TB", "western digital"}, // multi-word
		{"WD My Passport 1TB", "western digital"},              // alias
		{"Hewlett-Packard LaserJet P1006", "hp"},
		{"Hewlett Packard Enterprise ProLiant", "hp"},
		{"LG Electronics 24' Washer", "lg"},
		{"Polkaudio CSi A4 Center Channel", "polk audio"},
		{"Tom Tom XL 330", "tom tom"}, // spaces do not matter
		{"TomTom XL 330", "tom tom"},
		{"D-Link Wireless N USB Adapter", "d link"},
		{"The LG Electric SteamDryer", "lg"}, // anywhere, when not at the start
		{"Case for Apple iPod nano", ""},     // a product for a brand is not by it
		{"Speck SeeThru Case for Apple MacBook", "speck"},
		{"Sharp AQUOS 42' LCD", "sharp"}, // common word: only at the start
		{"Very Sharp Kitchen Knife", ""}, // ... not elsewhere
		{"White .5 cu. ft Toaster Oven", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := idx.Detect(tt.title); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	var nilIdx *BrandIndex
	if got := nilIdx.Detect("Sony TV"); got != "sony" {
		t.Errorf("nil index Detect = %q, want built-ins", got)
	}
}

func TestNormalizeBrand(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sony", "sony"},
		{"SONY", "sony"},
		{"LG Electronics", "lg"},
		{"OMNIMOUNT SYSTEMS, INC", "omnimount"},
		{"PIONEER ELECTRONICS USA", "pioneer"},
		{"Nintendo Of America", "nintendo"},
		{"Canon Camcorders", "canon"},         // starts with a known brand
		{"SDI TECHNOLOGIES - IHOME", "ihome"}, // names a known brand
		{"Hewlett Packard Enterprise", "hp"},
		{"Tree Dimensions Mfg", "tree dimensions"}, // unknown: suffix dropped
		{"The Widget Company", "widget"},
		{"Unknown", ""},
		{"N/A", ""},
		{"219", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeBrand(tt.in); got != tt.want {
			t.Errorf("NormalizeBrand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewBrandIndex(t *testing.T) {
	idx := NewBrandIndex([]string{
		"Acme Gadgets|Acme|ACG",
		"Sony Ericsson",     // starts with a known brand: an alias of "sony"
		"ELGATO SYSTEMS",    // a known brand with a suffix
		"^Orange|Orange SA", // a common word: start only
		"Unknown",           // placeholder: ignored
		"",
	})
	tests := []struct{ title, want string }{
		{"Acme Rocket Skates", "acme gadgets"},
		{"ACG Rocket Skates", "acme gadgets"},
		{"Rocket Skates by Acme Gadgets", "acme gadgets"},
		{"Sony Ericsson W580i", "sony"},
		{"Orange Livebox", "orange"},
		{"Case in Orange", ""},
		{"Elgato EyeTV", "elgato"},
	}
	for _, tt := range tests {
		if got := idx.Detect(tt.title); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	if got := idx.Normalize("Acme"); got != "acme gadgets" {
		t.Errorf("Normalize(Acme) = %q", got)
	}
	// The built-in index is shared and must not see the additions.
	if got := DefaultBrandIndex().Detect("Acme Rocket Skates"); got != "" {
		t.Errorf("built-in index changed: %q", got)
	}
}

func TestBuiltinBrandsParse(t *testing.T) {
	// Every line of brands.txt yields a brand that detects itself.
	idx := DefaultBrandIndex()
	for line := range strings.Lines(builtinBrands) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || strings.Contains(line, ">") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "^"), "|")
		if got := idx.Detect(name + " Widget"); got == "" {
			t.Errorf("brand %q is not detected at the start of a title", name)
		}
	}
}

func TestBrandAliasesAndSuffixes(t *testing.T) {
	idx := DefaultBrandIndex()
	normalize := []struct{ in, want string }{
		{"Logi", "logitech"},
		{"MS", "microsoft"},
		{"Seiko Epson Corporation", "epson"},
		{"SZ DJI Technology", "dji"},
		{"Marshall Group AB", "marshall"},
		{"GN Audio A/S", "gn audio"},
		{"Harman International", "harman"},
		{"Harman/Kardon", "harman kardon"},
		{"Zepp Health", "zepp health"},
	}
	for _, tt := range normalize {
		if got := idx.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	detect := []struct{ title, want string }{
		{"MS Arc Mouse", "microsoft"},
		{"Dell Monitor 5 ms response", "dell"},
		{"Monitor 5 ms response", ""}, // a start-only alias elsewhere is a word
		{"UE Boom 3 Speaker", "ultimate ears"},
		{"Logi G Pro Keyboard", "logitech"},
	}
	for _, tt := range detect {
		if got := idx.Detect(tt.title); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func TestBrandRelated(t *testing.T) {
	idx := DefaultBrandIndex()
	tests := []struct {
		a, b string
		want bool
	}{
		{"harman", "jbl", true},
		{"jbl", "harman", true},
		{"apple", "beats", true},
		{"western digital", "sandisk", true},
		{"gn audio", "steelseries", true},
		{"jbl", "harman kardon", false}, // siblings are different brands
		{"sony", "jbl", false},
		{"jbl", "jbl", false}, // equal is agreement, not relation
		{"", "jbl", false},
	}
	for _, tt := range tests {
		if got := idx.Related(tt.a, tt.b); got != tt.want {
			t.Errorf("Related(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	// A user index shares the built-in relations.
	if !NewBrandIndex([]string{"Acme"}).Related("seagate", "lacie") {
		t.Error("NewBrandIndex lost the built-in relations")
	}
}

func TestPrepareOwnedBrand(t *testing.T) {
	fs, err := NewFeatureSet([]string{"brand_agree", "brand_disagree"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		f                Fields
		brand            string
		agree, disagrees float64 // against a record of brand "jbl"
	}{
		// The maker's corporate name with a title naming its brand.
		{Fields{Title: "JBL Charge 5 Speaker", Manufacturer: "Harman International"}, "jbl", 1, 0},
		// The title names no brand of the maker: the maker stays, and
		// neither agrees nor disagrees with its brand.
		{Fields{Title: "Charge 5 Speaker", Manufacturer: "Harman International"}, "harman", 0, 0},
		// A brand the maker does not own is left alone.
		{Fields{Title: "Sony Speaker", Manufacturer: "Harman International"}, "harman", 0, 0},
		{Fields{Title: "Beats Pill", Brand: "Sony"}, "sony", 0, 1},
	}
	jbl := Prepare(Fields{Title: "JBL Charge 5", Brand: "JBL"}, nil)
	for _, tt := range tests {
		p := Prepare(tt.f, nil)
		if p.Brand != tt.brand {
			t.Errorf("%+v: brand %q, want %q", tt.f, p.Brand, tt.brand)
		}
		got := fs.Compute(&p, &jbl, nil)
		if got[0] != tt.agree || got[1] != tt.disagrees {
			t.Errorf("%+v vs jbl: agree %v disagree %v, want %v %v", tt.f, got[0], got[1], tt.agree, tt.disagrees)
		}
	}
}
