package matchers

import (
	"math/bits"
	"strings"
)

// Jaro and JaroWinkler return exactly, bit for bit, what
// github.com/xrash/smetrics returns for Jaro(a, b) and
// JaroWinkler(a, b, 0.7, 4); FuzzJaroWinkler checks it. smetrics allocates
// two []bool per call and scans each match window byte by byte. When b
// has at most 128 bytes, which covers product titles, these versions find
// each window's first unmatched occurrence of a[i] with bit masks (one bit
// per position of b) instead, in a few instructions; longer strings keep
// the match flags in a stack array up to jaroStackLen bytes and scan the
// window with strings.IndexByte.
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
	if len(b) > 16 && len(b) <= 128 && len(a) <= jaroStackLen { // short windows scan faster
		return jaroBits(a, b, stack[:len(a)])
	}
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

// jaroBits is jaro for len(b) <= 128: positions of each byte value in b
// are bit masks over one or two words, the window and the matched
// positions of b are masks too, so the first unmatched b[j] == a[i] in the
// window is the lowest set bit of their conjunction, the same j the byte
// scan finds. The tables are zeroed per call, so the second word's table
// only exists for strings that need it.
func jaroBits(a, b string, matchesA []bool) float64 {
	var low [256]uint64
	if len(b) <= 64 {
		return jaroMasks(a, b, matchesA, [2]*[256]uint64{&low, nil})
	}
	var high [256]uint64
	return jaroMasks(a, b, matchesA, [2]*[256]uint64{&low, &high})
}

func jaroMasks(a, b string, matchesA []bool, pos [2]*[256]uint64) float64 {
	for j := 0; j < len(b); j++ {
		pos[j>>6][b[j]] |= 1 << (j & 63)
	}
	matchRange := max(len(a), len(b))/2 - 1
	if matchRange < 0 {
		matchRange = 0
	}
	var matchedB [2]uint64
	matches := 0
	for i := 0; i < len(a); i++ {
		lo := max(0, i-matchRange)
		hi := min(len(b)-1, i+matchRange) // inclusive
		if lo > hi {
			continue
		}
		c := a[i]
		for w := lo >> 6; w <= hi>>6; w++ {
			free := pos[w][c] &^ matchedB[w] & wordRange(w, lo, hi)
			if free != 0 {
				matchedB[w] |= free & -free
				matchesA[i] = true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	unaligned := 0
	w, rest := 0, matchedB[0]
	for i := 0; i < len(a); i++ {
		if !matchesA[i] {
			continue
		}
		for rest == 0 {
			w++
			rest = matchedB[w]
		}
		j := w<<6 | bits.TrailingZeros64(rest)
		rest &= rest - 1
		if a[i] != b[j] {
			unaligned++
		}
	}
	m := float64(matches)
	t := float64(unaligned / 2)
	la, lb := float64(len(a)), float64(len(b))
	return ((m / la) + (m / lb) + ((m - t) / m)) / 3.0
}

// wordRange returns the bits of word w (positions w*64 to w*64+63) that lie
// in the inclusive position range [lo, hi].
func wordRange(w, lo, hi int) uint64 {
	mask := ^uint64(0)
	if first := w << 6; lo > first {
		mask <<= lo - first
	}
	if last := w<<6 | 63; hi < last {
		mask &= ^uint64(0) >> (last - hi)
	}
	return mask
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
