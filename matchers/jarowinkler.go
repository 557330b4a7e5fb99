package matchers

import "strings"

// Jaro and JaroWinkler return exactly, bit for bit, what
// github.com/xrash/smetrics returns for Jaro(a, b) and
// JaroWinkler(a, b, 0.7, 4); FuzzJaroWinkler checks it. smetrics allocates
// two []bool per call; these versions keep the match flags in a stack
// array for strings up to jaroStackLen bytes, which covers product titles,
// and allocate only beyond that. They also find each match window's
// candidates with strings.IndexByte instead of a byte loop, which makes
// them about twice as fast on titles.
//
// Like smetrics they compare bytes, not runes: on NormalizeText output,
// which is ASCII for nearly all product text, that is the same thing.

const (
	jaroStackLen     = 256
	jwBoostThreshold = 0.7
	jwPrefixSize     = 4
	jwPrefixScale    = 0.1
)

// Jaro returns the Jaro similarity of a and b in [0,1]: 1 for equal
// strings (including two empty ones), 0 when one is empty or nothing
// matches. Missing values are the caller's to handle: an empty string here
// means "nothing in common", not "unknown".
func Jaro(a, b string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if a == b {
		return 1 // (1+1+1)/3 is exactly 1 in float64
	}
	var stack [2 * jaroStackLen]bool
	var fa, fb []bool
	if len(a) <= jaroStackLen && len(b) <= jaroStackLen {
		fa, fb = stack[:len(a)], stack[jaroStackLen:jaroStackLen+len(b)]
	} else {
		fa, fb = make([]bool, len(a)), make([]bool, len(b))
	}
	return jaro(a, b, fa, fb)
}

// jaro is smetrics.Jaro with caller-provided, zeroed match flags. The
// float64 expressions are kept in smetrics' order so that results are
// bit-identical; the integer ones are the same values computed without
// float round trips.
func jaro(a, b string, matchesA, matchesB []bool) float64 {
	la, lb := float64(len(a)), float64(len(b))
	matchRange := max(len(a), len(b))/2 - 1
	if matchRange < 0 {
		matchRange = 0
	}
	matches := 0
	for i := 0; i < len(a); i++ {
		// The first unmatched b[j] == a[i] in the window, as smetrics'
		// byte-by-byte scan finds it, but located with IndexByte.
		lo := max(0, i-matchRange)
		end := min(len(b)-1, i+matchRange) + 1
		c := a[i]
		for lo < end {
			k := strings.IndexByte(b[lo:end], c)
			if k < 0 {
				break
			}
			j := lo + k
			if !matchesB[j] {
				matchesA[i] = true
				matchesB[j] = true
				matches++
				break
			}
			lo = j + 1
		}
	}
	if matches == 0 {
		return 0
	}
	unaligned := 0
	j := 0
	for i := 0; i < len(a); i++ {
		if !matchesA[i] {
			continue
		}
		for !matchesB[j] {
			j++
		}
		if a[i] != b[j] {
			unaligned++
		}
		j++
	}
	m := float64(matches)
	t := float64(unaligned / 2)
	return ((m / la) + (m / lb) + ((m - t) / m)) / 3.0
}

// JaroWinkler returns the Jaro-Winkler similarity of a and b in [0,1], with
// the usual parameters: Jaro scores above 0.7 are boosted by 0.1 per
// equal leading byte, up to 4. See Jaro for empty strings.
//
// Worked example, MARTHA vs MARHTA: 6 matches, T and H swapped so 1
// transposition; Jaro = (6/6 + 6/6 + 5/6)/3 = 0.9444; common prefix "MAR"
// is 3, so JW = 0.9444 + 3*0.1*(1-0.9444) = 0.9611.
func JaroWinkler(a, b string) float64 {
	j := Jaro(a, b)
	if j <= jwBoostThreshold {
		return j
	}
	prefix := min(len(a), jwPrefixSize, len(b))
	p := 0
	for p < prefix && a[p] == b[p] {
		p++
	}
	return j + jwPrefixScale*float64(p)*(1.0-j)
}
