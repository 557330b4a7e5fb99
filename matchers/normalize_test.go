package matchers

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"   ", ""},
		{"Sony Turntable - PSLX350H", "sony turntable pslx350h"},
		// Units: inch marks, fractions, channels, storage, thousands.
		{"Two 2-1/2' Wide-range Drivers", "two 2.5in wide range drivers"},
		{"5-1/2' Woofers", "5.5in woofers"},
		{"33-1/3 and 45 RPM", "33 1/3 and 45rpm"},
		{"74 1/10' Grill", "74.1in grill"},
		{`42"`, "42in"},
		{"42 in", "42in"},
		{"42-inch", "42in"},
		{"42 Inches", "42in"},
		{"LG 30' White", "lg 30in white"},
		{"4' x 6'", "4in x 6in"},
		{"5.1 ch", "5.1ch"},
		{"5.1-channel", "5.1ch"},
		{"Denon 7.1 Channel Receiver", "denon 7.1ch receiver"},
		{"500 GB", "500gb"},
		{"500GB", "500gb"},
		{"1 TB", "1tb"},
		{"2.4 GHz", "2.4ghz"},
		{"8.1 Megapixels", "8.1mp"},
		{"200 Watts Max", "200w max"},
		{"4.2 Cu. Ft.", "4.2cuft"},
		{"6.7 Cubic Foot Capacity", "6.7cuft capacity"},
		{".5 cu. ft", "0.5cuft"},
		{"$1,299.00", "1299.00"},
		{"1,000,000:1 Contrast", "1000000:1 contrast"},
		{"12,34", "12 34"},
		{"1080p 16:9", "1080p 16:9"},
		{"10/100Base-TX", "10/100basetx"},
		{"Version 7.1", "version 7.1"},
		// Hyphens: codes join, short words join, counts and long words split.
		{"KX-TG9361B", "kxtg9361b"},
		{"010-00718-20", "0100071820"},
		{"PG-40-BK-TWIN", "pg40bktwin"},
		{"Wi-Fi", "wifi"},
		{"Blu-ray", "bluray"},
		{"CD-RW", "cdrw"},
		{"All-In-One", "allinone"},
		{"Built-In", "built in"},
		{"24-Port", "24 port"},
		{"2-Line Phone", "2 line phone"},
		{"1.5-2.0", "1.5 2.0"},
		{"Over-The-Range", "over the range"},
		{"a--b", "a b"},
		// Apostrophes and other punctuation.
		{"Children's", "childrens"},
		{"MB111LL/A", "mb111ll a"},
		{"TV/DVD Combo", "tv dvd combo"},
		{"(Black) & [White]!", "black white"},
		{"-", ""},
		// Unicode.
		{"Café Crème", "cafe creme"},
		{"iPod™ nano", "ipod nano"},
		{"Bose®", "bose"},
		{"2½ in", "2.5in"},
		{"ＡＢＣ１２３", "abc123"},
		{"5 ㎓", "5ghz"},
		{"\u201cQuoted\u201d \u2018word\u2019", "quoted word"},
		{"Straße", "straße"},
		{"bad \xff byte", "bad byte"},
		{"Fran\xe7ais", "fran ais"}, // Latin-1 bytes are not UTF-8: decode first
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeTextIdempotentOnCorpus(t *testing.T) {
	abt, buy, _ := abtBuy(t)
	for _, recs := range []map[string][]string{abt, buy} {
		for _, r := range recs {
			for _, s := range r[1:3] {
				once := NormalizeText(s)
				if twice := NormalizeText(once); twice != once {
					t.Errorf("not idempotent: %q -> %q -> %q", s, once, twice)
				}
			}
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" ", nil},
		{"sony", []string{"sony"}},
		{"sony turntable pslx350h", []string{"sony", "turntable", "pslx350h"}},
		{"  a  b ", []string{"a", "b"}},
	}
	for _, tt := range tests {
		got := Tokens(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || (got == nil) != (tt.want == nil) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeLatin1(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte("plain"), "plain"},
		{[]byte("Bose\xae 2\xb0"), "Bose® 2°"},
		{[]byte("Fran\xe7ais"), "Français"},
		{[]byte{0xff}, "ÿ"},
	}
	for _, tt := range tests {
		if got := DecodeLatin1(tt.in); got != tt.want {
			t.Errorf("DecodeLatin1(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NormalizeText(DecodeLatin1([]byte("Fran\xe7ais"))); got != "francais" {
		t.Errorf("NormalizeText(DecodeLatin1(Latin-1)) = %q, want %q", got, "francais")
	}
}

func FuzzNormalizeText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeText(s)
		if !utf8.ValidString(once) {
			t.Fatalf("invalid UTF-8: %q -> %q", s, once)
		}
		if strings.HasPrefix(once, " ") || strings.HasSuffix(once, " ") || strings.Contains(once, "  ") {
			t.Fatalf("bad spacing: %q -> %q", s, once)
		}
		if twice := NormalizeText(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
	})
}
