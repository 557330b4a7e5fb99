package matchers

import "testing"

func TestTitleColours(t *testing.T) {
	black, silver := colourWords["black"], colourWords["silver"]
	gray, graphite, navy := colourWords["gray"], colourWords["graphite"], colourWords["navy"]
	tests := []struct {
		title string
		model string
		want  colourSet
	}{
		{"Sony WH-1000XM4 Wireless Headphones, Black", "", black},
		{"HEADPHONES, SMB 3800NR6 GY GRAY", "", gray},           // code after the model, and the word
		{"SMB 3800NR6 GR Galaxy Buds - Graphite", "", graphite}, // GR after the model is graphite
		{"Apple MacBook Pro 14in Space Gray", "", gray},         // two-word name
		{"Samsung Buds Midnight Blue", "", navy},                // two-word name wins over "blue"
		{"Canon BL 400 camera bag", "", 0},                      // BL not after a model number
		{"Bose QC45 Black / Silver edition", "", black | silver},
		{"Dell XPS 13 laptop", "", 0},
		{"Logitech MX keys sl", "MXKEYS", colourWords["silver"]}, // a model spelt over two tokens
		{"Logitech sl K380 keyboard", "K380", 0},                 // a code before the model is not read
		{"Sony KD65X85J gy 65in", "KD65X85J", gray},              // declared model, code after it
	}
	for _, tt := range tests {
		p := Prepare(Fields{Title: tt.title, ModelNumber: tt.model}, nil)
		if p.colours != tt.want {
			t.Errorf("%q: colours %b, want %b (models %v)", tt.title, p.colours, tt.want, p.Models)
		}
	}
}

func TestColourFeatures(t *testing.T) {
	fs, err := NewFeatureSet([]string{"colour_agree", "colour_mismatch"})
	if err != nil {
		t.Fatal(err)
	}
	prep := func(title string) *Prepared { p := Prepare(Fields{Title: title}, nil); return &p }
	tests := []struct {
		a, b            string
		agree, mismatch float64
	}{
		{"Corsair K100 Blue Switch Keyboard", "Corsair K100 Red Switch Keyboard", 0, 1},
		{"Hisense PLN3505 GY Projector Grey", "pln3505 wh - HISENSE Wht Projector", 0, 1},
		{"Bose Speaker Black", "Bose Speaker Blk", 1, 0},
		{"Bose Speaker Black", "Bose Speaker", 0, 0}, // unknown on one side is not a mismatch
	}
	for _, tt := range tests {
		got := fs.Compute(prep(tt.a), prep(tt.b), nil)
		if got[0] != tt.agree || got[1] != tt.mismatch {
			t.Errorf("%q vs %q: agree %v mismatch %v, want %v %v", tt.a, tt.b, got[0], got[1], tt.agree, tt.mismatch)
		}
	}
}
