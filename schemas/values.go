package schemas

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file parses the value formats found in product feeds: prices with
// currency signs and thousands separators, timestamps in several shapes,
// and currency codes. The parsers run once per record and field, so they do
// not use regular expressions and allocate only on error.

// ParsePrice parses a price and its currency. It accepts
//
//	"12", "12.5", "-3", "1e3"       plain numbers (currency: defaultCurrency)
//	"$1,299.00", "US$ 5", "£49.99"  a currency sign before or after the number
//	"1.299,00 €", "1 299,00 €"      decimal comma with "." or space groups
//	"69.71 gbp", "USD 12", "12EUR"  an ISO 4217 code, any case
//	"CHF 1'299.50", "₹1,29,999"     apostrophe and Indian digit grouping
//
// The decimal separator is the last "." or ","; when only one separator
// occurs once, "." is decimal and "," is decimal unless exactly three digits
// follow it ("1,299" is 1299, "1.299" is 1.299, "12,5" is 12.5). Thousands
// groups are checked, so "12.34.56" is an error. "$" means defaultCurrency
// when that is a dollar currency (CAD, AUD, ...) and USD otherwise; "¥"
// likewise means CNY or JPY. A number without currency gets defaultCurrency,
// which may be empty. NaN, infinities and empty strings are errors wrapping
// ErrInvalidPrice; an unknown currency code wraps ErrInvalidCurrency.
func ParsePrice(s, defaultCurrency string) (price float64, currency string, err error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", fmt.Errorf("%w: empty", ErrInvalidPrice)
	}
	// Fast path for what numeric columns and JSON encoders produce.
	if isPlainNumber(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, "", fmt.Errorf("%w %q", ErrInvalidPrice, in)
		}
		return v, defaultCurrency, nil
	}

	neg := false
	// A sign may come before or after a leading currency: "-$5", "$-5".
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s != "" && s[0] == '-' && !neg {
			neg, s = true, s[1:]
			continue
		}
		code, n, bad := currencyPrefix(s, defaultCurrency)
		if bad {
			return 0, "", lettersError(in, n, s[n:])
		}
		if n == 0 {
			break
		}
		if currency != "" {
			return 0, "", fmt.Errorf("%w %q: two currencies", ErrInvalidPrice, in)
		}
		currency, s = code, s[n:]
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	code, n, bad := currencySuffix(s, defaultCurrency)
	if bad {
		return 0, "", lettersError(in, n, s[:len(s)-n])
	}
	if n > 0 {
		if currency != "" && currency != code {
			return 0, "", fmt.Errorf("%w %q: two currencies", ErrInvalidPrice, in)
		}
		currency = code
		s = strings.TrimRightFunc(s[:len(s)-n], unicode.IsSpace)
	}
	v, ok := parseGroupedNumber(s)
	if !ok {
		return 0, "", fmt.Errorf("%w %q", ErrInvalidPrice, in)
	}
	if neg {
		v = -v
	}
	if currency == "" {
		currency = defaultCurrency
	}
	return v, currency, nil
}

// lettersError explains letters that are no currency: three letters next
// to a number look like a currency code ("12 XYZ"), anything else ("call
// for price", "N/A") is just not a price.
func lettersError(in string, letters int, rest string) error {
	if letters == 3 && strings.ContainsAny(rest, "0123456789") {
		return fmt.Errorf("%w in price %q", ErrInvalidCurrency, in)
	}
	return fmt.Errorf("%w %q", ErrInvalidPrice, in)
}

// isPlainNumber reports whether s looks like a number strconv can parse on
// its own: digits, one ".", sign and exponent, no grouping. Letters other
// than e/E rule out "NaN", "Inf" and hex forms.
func isPlainNumber(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == 'e', c == 'E':
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return dots <= 1 && (s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '.')
}

// group separators other than "." and ",": spaces, no-break spaces and
// apostrophes (Swiss "1'299").
func isGroupRune(r rune) bool {
	switch r {
	case ' ', '\'', '\u2019', '\u00a0', '\u202f', '\u2009':
		return true
	}
	return false
}

// parseGroupedNumber parses unsigned digits with group and decimal
// separators as described at ParsePrice.
func parseGroupedNumber(s string) (float64, bool) {
	type seg struct {
		sep    byte // 0 before the first group, '.', ',' or 'g' (group rune)
		digits int
		start  int
	}
	var segs [24]seg
	n := 0
	cur := seg{start: 0}
	if s != "" && s[0] == '.' { // ".99"
		cur.sep = '.'
		s = s[1:]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= '0' && c <= '9' {
			cur.digits++
			i++
			continue
		}
		var sep byte
		size := 1
		switch {
		case c == '.' || c == ',':
			sep = c
		default:
			r, sz := utf8.DecodeRuneInString(s[i:])
			if !isGroupRune(r) {
				return 0, false
			}
			sep, size = 'g', sz
		}
		if cur.digits == 0 || n == len(segs)-1 {
			return 0, false
		}
		segs[n] = cur
		n++
		cur = seg{sep: sep, start: i + size}
		i += size
	}
	if cur.digits == 0 {
		return 0, false
	}
	segs[n] = cur
	n++

	// Pick the decimal separator: index into segs of the fractional part,
	// or -1 when the number is an integer.
	dec := -1
	dots, commas := 0, 0
	for _, sg := range segs[1:n] {
		switch sg.sep {
		case '.':
			dots++
		case ',':
			commas++
		}
	}
	last := segs[n-1]
	switch {
	case segs[0].sep == '.': // ".99"
		if n != 1 {
			return 0, false
		}
		dec = 0
	case dots > 0 && commas > 0:
		// The later one is decimal and may occur only once.
		if last.sep == 'g' || (last.sep == '.' && dots > 1) || (last.sep == ',' && commas > 1) {
			return 0, false
		}
		dec = n - 1
	case dots == 1 && last.sep == '.':
		dec = n - 1
	case commas == 1 && last.sep == ',' && !(last.digits == 3 && dots == 0):
		dec = n - 1
	case dots == 1 || commas == 1:
		// A single "." not at the end, or a "," followed by three digits:
		// both are group separators, checked below.
		if dots == 1 && last.sep != '.' && commas == 0 {
			return 0, false
		}
	}

	// Check grouping of the integer part: first group 1-3 digits, inner
	// groups 2 or 3 (Indian lakh grouping), the last one 3.
	intEnd := n
	if dec >= 0 {
		intEnd = dec
	}
	if intEnd > 1 {
		groupSep := segs[1].sep
		for i := 1; i < intEnd; i++ {
			if segs[i].sep != groupSep {
				return 0, false
			}
			if d := segs[i].digits; d != 3 && !(d == 2 && i < intEnd-1) {
				return 0, false
			}
		}
		if segs[0].digits > 3 {
			return 0, false
		}
	}

	// Rebuild a plain decimal for strconv in a stack buffer; 32 bytes keeps
	// the string conversion below off the heap.
	var buf [32]byte
	k := 0
	for i := 0; i < n; i++ {
		sg := segs[i]
		if i == dec {
			if k == len(buf) {
				return 0, false
			}
			buf[k] = '.'
			k++
		}
		for j := sg.start; j < sg.start+sg.digits; j++ {
			if k == len(buf) {
				return 0, false
			}
			buf[k] = s[j]
			k++
		}
	}
	v, err := strconv.ParseFloat(string(buf[:k]), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// currencySigns maps signs to ISO codes. "$" and "¥" are resolved against
// the default currency in resolveSign. Longer signs come first so "US$"
// is not read as "US" followed by "$".
var currencySigns = [...]struct{ sign, code string }{
	{"US$", "USD"}, {"CA$", "CAD"}, {"AU$", "AUD"}, {"NZ$", "NZD"}, {"HK$", "HKD"},
	{"C$", "CAD"}, {"A$", "AUD"}, {"S$", "SGD"}, {"R$", "BRL"},
	{"$", "$"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "¥"}, {"₹", "INR"}, {"₩", "KRW"},
	{"₽", "RUB"}, {"₺", "TRY"}, {"₪", "ILS"}, {"₫", "VND"}, {"₱", "PHP"}, {"฿", "THB"},
	{"zł", "PLN"},
}

func resolveSign(code, defaultCurrency string) string {
	switch code {
	case "$":
		switch defaultCurrency {
		case "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD":
			return defaultCurrency
		}
		return "USD"
	case "¥":
		if defaultCurrency == "CNY" {
			return "CNY"
		}
		return "JPY"
	}
	return code
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// currencyPrefix finds a currency sign or ISO code at the start of s and
// returns its code and byte length; bad reports n letters that are no code.
func currencyPrefix(s, defaultCurrency string) (code string, n int, bad bool) {
	if s == "" || s[0] >= '0' && s[0] <= '9' { // the common case: no sign
		return "", 0, false
	}
	for _, cs := range currencySigns {
		if strings.HasPrefix(s, cs.sign) {
			return resolveSign(cs.code, defaultCurrency), len(cs.sign), false
		}
	}
	for n < len(s) && isASCIILetter(s[n]) {
		n++
	}
	if n == 0 {
		return "", 0, false
	}
	if code, ok := lookupCurrency(s[:n]); ok {
		return code, n, false
	}
	return "", n, true
}

// currencySuffix is currencyPrefix for the end of s.
func currencySuffix(s, defaultCurrency string) (code string, n int, bad bool) {
	if s == "" || s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
		return "", 0, false
	}
	for _, cs := range currencySigns {
		if strings.HasSuffix(s, cs.sign) {
			return resolveSign(cs.code, defaultCurrency), len(cs.sign), false
		}
	}
	for n < len(s) && isASCIILetter(s[len(s)-1-n]) {
		n++
	}
	if n == 0 {
		return "", 0, false
	}
	if code, ok := lookupCurrency(s[len(s)-n:]); ok {
		return code, n, false
	}
	return "", n, true
}

// lookupCurrency returns the canonical upper-case ISO 4217 code for a
// three-letter code in any case, without allocating.
func lookupCurrency(s string) (string, bool) {
	if len(s) != 3 {
		return "", false
	}
	var b [3]byte
	for i := range 3 {
		c := s[i]
		if !isASCIILetter(c) {
			return "", false
		}
		b[i] = c &^ 0x20
	}
	code, ok := isoCurrencies[string(b[:])]
	return code, ok
}

// NormalizeCurrency turns a currency cell ("usd", " EUR ", "€") into an
// upper-case code. Unknown values come back upper-cased so the contract can
// report them; "" stays "".
func NormalizeCurrency(s, defaultCurrency string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if code, ok := lookupCurrency(s); ok {
		return code
	}
	for _, cs := range currencySigns {
		if s == cs.sign {
			return resolveSign(cs.code, defaultCurrency)
		}
	}
	return strings.ToUpper(s)
}

// ParseTimestamp parses a timestamp into Unix microseconds, UTC. With a
// layout (Go reference time, "02/01/2006 15:04") only that layout is
// accepted, and times without a zone are UTC. Without one it accepts
//
//	2024-03-01T10:15:00Z, 2024-03-01T10:15:00.5+02:00   RFC 3339
//	2024-03-01 10:15:00, 2024-03-01T10:15                no zone: UTC
//	2024-03-01 10:15:00 UTC, 2024-03-01 10:15:00 +0200  zone after a space
//	2024-03-01                                           midnight UTC
//	1709288100, 1709288100.25                            Unix seconds
//	1709288100000, 1709288100000000, ...                 Unix ms, µs, ns
//
// Unix values are told apart by magnitude: below 1e11 they are seconds
// (until year 5138), below 1e14 milliseconds, below 1e17 microseconds,
// above that nanoseconds. Errors wrap ErrInvalidTimestamp.
func ParseTimestamp(s, layout string) (int64, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrInvalidTimestamp)
	}
	if layout != "" {
		t, err := time.Parse(layout, s)
		if err != nil {
			var why string
			if pe, ok := err.(*time.ParseError); ok && pe.Message != "" {
				why = strings.TrimPrefix(pe.Message, ": ")
			} else {
				why = "want format " + layout
			}
			return 0, fmt.Errorf("%w %q: %s", ErrInvalidTimestamp, in, why)
		}
		return t.UnixMicro(), nil
	}
	if us, ok := parseUnix(s); ok {
		return us, nil
	}
	if us, ok := parseISOTime(s); ok {
		return us, nil
	}
	return 0, fmt.Errorf("%w %q", ErrInvalidTimestamp, in)
}

// parseUnix parses digits with an optional fraction (seconds only).
func parseUnix(s string) (int64, bool) {
	var n, frac int64
	fracDigits := 0
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (math.MaxInt64-9)/10 {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	if i == 0 {
		return 0, false
	}
	if i < len(s) {
		if s[i] != '.' || i+1 == len(s) || n >= 1e11 {
			return 0, false
		}
		for i++; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if fracDigits < 6 { // microsecond precision; the rest is dropped
				frac = frac*10 + int64(c-'0')
				fracDigits++
			}
		}
		for ; fracDigits < 6; fracDigits++ {
			frac *= 10
		}
	}
	switch {
	case n < 1e11:
		return n*1e6 + frac, true
	case n < 1e14:
		return n * 1e3, true
	case n < 1e17:
		return n, true
	}
	return n / 1e3, true
}

// parseISOTime parses "YYYY-MM-DD" optionally followed by [T ]hh:mm[:ss[.f]]
// and a zone (Z, ±hh:mm, ±hhmm, ±hh, " UTC"), validating every part because
// time.Date would silently normalise "2024-02-31".
func parseISOTime(s string) (int64, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	var hour, minute, sec, nsec, offset int
	rest := s[10:]
	if rest != "" {
		if c := rest[0]; c != 'T' && c != 't' && c != ' ' || len(rest) < 6 || rest[3] != ':' {
			return 0, false
		}
		var okH, okM bool
		hour, okH = atoiN(rest[1:3])
		minute, okM = atoiN(rest[4:6])
		if !okH || !okM || hour > 23 || minute > 59 {
			return 0, false
		}
		rest = rest[6:]
		if len(rest) >= 3 && rest[0] == ':' {
			var ok bool
			if sec, ok = atoiN(rest[1:3]); !ok || sec > 59 {
				return 0, false
			}
			rest = rest[3:]
			if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') {
				i, scale := 1, 100_000_000
				for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
					nsec += int(rest[i]-'0') * scale
					scale /= 10
				}
				if i == 1 {
					return 0, false
				}
				rest = rest[i:]
			}
		}
		var ok bool
		if offset, ok = parseZone(rest); !ok {
			return 0, false
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.UnixMicro() - int64(offset)*1e6, true
}

// parseZone parses what follows the time; it returns seconds east of UTC.
func parseZone(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if s[0] == ' ' {
		s = s[1:]
		if s == "UTC" || s == "GMT" {
			return 0, true
		}
	}
	switch {
	case s == "Z" || s == "z":
		return 0, true
	case s == "" || s[0] != '+' && s[0] != '-':
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = s[1:]
	var h, m int
	var okH, okM bool
	switch len(s) {
	case 2:
		h, okH = atoiN(s)
		okM = true
	case 4:
		h, okH = atoiN(s[:2])
		m, okM = atoiN(s[2:])
	case 5:
		if s[2] != ':' {
			return 0, false
		}
		h, okH = atoiN(s[:2])
		m, okM = atoiN(s[3:])
	}
	if !okH || !okM || h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// atoiN parses a short run of ASCII digits.
func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
