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
		if line == "" || line[0] == '#' {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "^"), "|")
		if got := idx.Detect(name + " Widget"); got == "" {
			t.Errorf("brand %q is not detected at the start of a title", name)
		}
	}
}
