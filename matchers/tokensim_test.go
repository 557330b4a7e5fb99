package matchers

import (
	"math"
	"testing"
)

func TestMongeElkan(t *testing.T) {
	tests := []struct {
		a, b []string
		want float64
	}{
		{nil, []string{"x"}, 0},
		{[]string{"sony", "tv"}, []string{"tv", "sony"}, 1},
		// sony→sony 1, tv→sony JW 0: 0.5 one way; sony→sony 1 the other.
		{[]string{"sony", "tv"}, []string{"sony"}, 0.75},
		// martha/marhta: Jaro-Winkler 0.9611 (the textbook value), both ways.
		{[]string{"martha"}, []string{"marhta"}, 0.9611},
		// dwayne/duane 0.84 from dwayne; from the other list the same.
		{[]string{"dwayne"}, []string{"duane"}, 0.84},
	}
	for _, tc := range tests {
		if got := MongeElkan(tc.a, tc.b); math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("MongeElkan(%q, %q) = %.4f, want %.4f", tc.a, tc.b, got, tc.want)
		}
		if got, back := MongeElkan(tc.a, tc.b), MongeElkan(tc.b, tc.a); got != back {
			t.Errorf("MongeElkan(%q, %q) = %v but %v the other way", tc.a, tc.b, got, back)
		}
	}
}

func BenchmarkMongeElkan(b *testing.B) {
	x := Tokens("logitech mx master 3s wireless performance mouse graphite")
	y := Tokens("logitec mx master 3 s wrls mouse, graphite 910-006557")
	for b.Loop() {
		MongeElkan(x, y)
	}
}
