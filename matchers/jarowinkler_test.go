package matchers

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xrash/smetrics"
)

// Hand-checked values (m matches, t transpositions, l common prefix ≤ 4):
//
//	MARTHA/MARHTA: m=6, t=1: Jaro = (6/6+6/6+5/6)/3 = 0.9444; l=3:
//	  JW = 0.9444 + 3*0.1*(1-0.9444) = 0.9611.
//	DWAYNE/DUANE: range 2; D, A, N, E match: m=4, t=0:
//	  Jaro = (4/6+4/5+4/4)/3 = 0.8222; l=1: JW = 0.8222 + 0.1*0.1778 = 0.8400.
//	DIXON/DICKSONX: range 3; X is out of range: m=4, t=0:
//	  Jaro = (4/5+4/8+1)/3 = 0.7667; l=2: JW = 0.7667 + 0.2*0.2333 = 0.8133.
//	CRATE/TRACE: range 1; R, A, E match: Jaro = (3/5+3/5+1)/3 = 0.7333;
//	  no common prefix, so JW = Jaro.
func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b     string
		jaro, jw float64
	}{
		{"MARTHA", "MARHTA", 0.9444, 0.9611},
		{"DWAYNE", "DUANE", 0.8222, 0.8400},
		{"DIXON", "DICKSONX", 0.7667, 0.8133},
		{"CRATE", "TRACE", 0.7333, 0.7333},
		{"sony", "sony", 1, 1},
		{"", "", 1, 1}, // as smetrics: two empty strings are equal
		{"", "a", 0, 0},
		{"abc", "xyz", 0, 0},
		{"a", "a", 1, 1},
	}
	for _, tt := range tests {
		j, jw := Jaro(tt.a, tt.b), JaroWinkler(tt.a, tt.b)
		if math.Abs(j-tt.jaro) > 5e-5 || math.Abs(jw-tt.jw) > 5e-5 {
			t.Errorf("Jaro/JaroWinkler(%q, %q) = %.4f/%.4f, want %.4f/%.4f", tt.a, tt.b, j, jw, tt.jaro, tt.jw)
		}
		checkSameAsSmetrics(t, tt.a, tt.b)
	}
}

func TestJaroWinklerLong(t *testing.T) {
	// Beyond the stack buffers the flags come from the heap; same result.
	a := strings.Repeat("sony bravia kdl52w4100 ", 20)
	b := strings.Repeat("sony bravia kdl-52w4100 lcd ", 20)
	checkSameAsSmetrics(t, a, b)
	checkSameAsSmetrics(t, a[:jaroStackLen], b[:jaroStackLen+1])
}

// TestJaroWinklerRandom compares with smetrics across the bit-mask
// path's boundaries (b of 64 and 128 bytes, windows spanning both words),
// on a small alphabet so that windows hold many candidates.
func TestJaroWinklerRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n int) string {
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = "abcde 12"[rng.IntN(8)]
		}
		return string(buf)
	}
	lengths := []int{1, 2, 3, 31, 63, 64, 65, 100, 127, 128, 129, 200}
	for _, la := range lengths {
		for _, lb := range lengths {
			for range 20 {
				checkSameAsSmetrics(t, gen(la), gen(lb))
			}
		}
	}
}

func checkSameAsSmetrics(t *testing.T, a, b string) {
	t.Helper()
	if got, want := Jaro(a, b), smetrics.Jaro(a, b); math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("Jaro(%q, %q) = %v, smetrics %v", a, b, got, want)
	}
	if got, want := JaroWinkler(a, b), smetrics.JaroWinkler(a, b, 0.7, 4); math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("JaroWinkler(%q, %q) = %v, smetrics %v", a, b, got, want)
	}
}

func TestJaroWinklerAllocs(t *testing.T) {
	a, b := "sony bravia kdl52w4100 52in lcd hdtv", "sony kdl-52w4100 bravia 52 lcd tv"
	if n := testing.AllocsPerRun(100, func() { JaroWinkler(a, b) }); n != 0 {
		t.Errorf("JaroWinkler allocates %v times per call", n)
	}
}

// FuzzJaroWinkler checks that the allocation-free Jaro and JaroWinkler
// return bit for bit what smetrics returns.
func FuzzJaroWinkler(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b string) {
		checkSameAsSmetrics(t, a, b)
	})
}
