package schemas

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in, def  string
		want     float64
		currency string
		err      error // nil: success
	}{
		// Plain numbers take the default currency.
		{"12", "USD", 12, "USD", nil},
		{"12", "", 12, "", nil},
		{" 12.50 ", "EUR", 12.5, "EUR", nil},
		{"1299", "", 1299, "", nil},
		{"-3", "", -3, "", nil},
		{".99", "", 0.99, "", nil},
		{"1e3", "", 1000, "", nil},
		{"1.299", "", 1.299, "", nil}, // a single "." is decimal
		{"1.", "", 1, "", nil},        // some exporters write 1.0 so
		// Signs and codes.
		{"$1,299.00", "", 1299, "USD", nil},
		{"$1,299.00", "CAD", 1299, "CAD", nil}, // "$" follows a dollar default
		{"$5", "EUR", 5, "USD", nil},           // ... but not a euro one
		{"US$ 5", "CAD", 5, "USD", nil},
		{"CA$12.99", "", 12.99, "CAD", nil},
		{"£49.99", "", 49.99, "GBP", nil},
		{"€ 5", "", 5, "EUR", nil},
		{"1.299,00 €", "", 1299, "EUR", nil},
		{"1 299,00 €", "", 1299, "EUR", nil},
		{"1\u00a0299,00\u00a0€", "", 1299, "EUR", nil}, // no-break spaces
		{"69.71 gbp", "USD", 69.71, "GBP", nil},
		{"USD 12", "EUR", 12, "USD", nil},
		{"12EUR", "", 12, "EUR", nil},
		{"eur1.299,50", "", 1299.5, "EUR", nil},
		{"CHF 1'299.50", "", 1299.5, "CHF", nil},
		{"₹1,29,999", "", 129999, "INR", nil}, // Indian grouping
		{"¥1,500", "", 1500, "JPY", nil},
		{"¥1,500", "CNY", 1500, "CNY", nil},
		{"99,99 zł", "", 99.99, "PLN", nil},
		{"$12 USD", "", 12, "USD", nil}, // the same currency twice is fine
		{"-$49.99", "", -49.99, "USD", nil},
		{"$-49.99", "", -49.99, "USD", nil},
		{"1,299", "", 1299, "", nil}, // "," + three digits groups
		{"12,5", "", 12.5, "", nil},  // otherwise it is decimal
		{"1,299,000", "", 1299000, "", nil},
		{"1.299.000", "", 1299000, "", nil},
		{"1,299,000.50", "", 1299000.5, "", nil},
		{"1.299.000,50", "", 1299000.5, "", nil},
		// Errors.
		{"", "", 0, "", ErrInvalidPrice},
		{"abc", "", 0, "", ErrInvalidPrice},
		{"call for price", "", 0, "", ErrInvalidPrice},
		{"N/A", "", 0, "", ErrInvalidPrice},
		{"NaN", "", 0, "", ErrInvalidPrice},
		{"Inf", "", 0, "", ErrInvalidPrice},
		{"1e999", "", 0, "", ErrInvalidPrice},
		{"0x10", "", 0, "", ErrInvalidPrice},
		{"12.34.56", "", 0, "", ErrInvalidPrice},
		{"12,34,56", "", 0, "", ErrInvalidPrice},
		{"1,299.000,50", "", 0, "", ErrInvalidPrice},
		{"1234.567,89", "", 0, "", ErrInvalidPrice},
		{"12 34", "", 0, "", ErrInvalidPrice},
		{"$", "", 0, "", ErrInvalidPrice},
		{"$$5", "", 0, "", ErrInvalidPrice},
		{"$5 EUR", "", 0, "", ErrInvalidPrice},
		{"12 XYZ", "", 0, "", ErrInvalidCurrency},
		{"XYZ 12", "", 0, "", ErrInvalidCurrency},
		{"--5", "", 0, "", ErrInvalidPrice},
	}
	for _, tt := range tests {
		got, cur, err := ParsePrice(tt.in, tt.def)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParsePrice(%q) = %v, %q, %v; want error %v", tt.in, got, cur, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want || cur != tt.currency {
			t.Errorf("ParsePrice(%q, %q) = %v, %q, %v; want %v, %q", tt.in, tt.def, got, cur, err, tt.want, tt.currency)
		}
	}
}

func TestParsePriceErrorText(t *testing.T) {
	_, _, err := ParsePrice("abc", "")
	if got, want := err.Error(), `invalid price "abc"`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	_, _, err = ParsePrice("12 XYZ", "")
	if got, want := err.Error(), `invalid currency in price "12 XYZ"`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestParseTimestamp(t *testing.T) {
	// 2024-03-01T10:15:00Z
	const base = int64(1709288100) * 1e6
	tests := []struct {
		in, layout string
		want       int64
		ok         bool
	}{
		{"2024-03-01T10:15:00Z", "", base, true},
		{"2024-03-01t10:15:00z", "", base, true},
		{"2024-03-01T10:15:00.25Z", "", base + 250000, true},
		{"2024-03-01T10:15:00.123456789Z", "", base + 123456, true},
		{"2024-03-01T12:15:00+02:00", "", base, true},
		{"2024-03-01T05:15:00-0500", "", base, true},
		{"2024-03-01T11:15:00+01", "", base, true},
		{"2024-03-01 10:15:00", "", base, true},
		{"2024-03-01 10:15:00 UTC", "", base, true},
		{"2024-03-01 12:15:00 +0200", "", base, true},
		{"2024-03-01T10:15", "", base, true},
		{"2024-03-01", "", base - (10*3600+15*60)*1e6, true},
		{"2024-02-29", "", 1709164800 * 1e6, true}, // leap day
		{"1709288100", "", base, true},
		{"1709288100.5", "", base + 500000, true},
		{"1709288100000", "", base, true},
		{"1709288100000000", "", base, true},
		{"1709288100000000000", "", base, true},
		{"0", "", 0, true},
		{"01/03/2024 10:15", "02/01/2006 15:04", base, true},
		{"Mar 1, 2024", "Jan 2, 2006", base - (10*3600+15*60)*1e6, true},
		{"2024-03-01T10:15:00+01:00", time.RFC3339, base - 3600e6, true},
		// Errors.
		{"", "", 0, false},
		{"yesterday", "", 0, false},
		{"last Tuesday", "", 0, false},
		{"2024-02-30", "", 0, false},
		{"2023-02-29", "", 0, false},
		{"2024-13-01", "", 0, false},
		{"2024-03-01T24:00:00Z", "", 0, false},
		{"2024-03-01T10:60:00Z", "", 0, false},
		{"2024-03-01T10:15:00+25:00", "", 0, false},
		{"2024-03-01T10:15:00Q", "", 0, false},
		{"2024-03-01T", "", 0, false},
		{"2024-3-1", "", 0, false},
		{"1709288100.", "", 0, false},
		{"1709288100000.5", "", 0, false}, // fractions only for seconds
		{"99999999999999999999", "", 0, false},
		{"-1709288100", "", 0, false},
		{"31/02/2024 10:00", "02/01/2006 15:04", 0, false},
		{"2024-03-01", "02/01/2006 15:04", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseTimestamp(tt.in, tt.layout)
		if !tt.ok {
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Errorf("ParseTimestamp(%q, %q) = %d, %v; want ErrInvalidTimestamp", tt.in, tt.layout, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTimestamp(%q, %q) = %d, %v; want %d", tt.in, tt.layout, got, err, tt.want)
		}
	}
}

func TestParseTimestampErrorText(t *testing.T) {
	for _, tt := range []struct{ in, layout, want string }{
		{"yesterday", "", `invalid timestamp "yesterday"`},
		{"31/02/2024 10:00", "02/01/2006 15:04", `invalid timestamp "31/02/2024 10:00": day out of range`},
		{"2024-03-01", "02/01/2006 15:04", `invalid timestamp "2024-03-01": want format 02/01/2006 15:04`},
	} {
		_, err := ParseTimestamp(tt.in, tt.layout)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseTimestamp(%q, %q) error = %v, want %q", tt.in, tt.layout, err, tt.want)
		}
	}
}

func TestNormalizeCurrency(t *testing.T) {
	for _, tt := range []struct{ in, def, want string }{
		{"usd", "", "USD"},
		{" Eur ", "", "EUR"},
		{"€", "", "EUR"},
		{"$", "AUD", "AUD"},
		{"$", "", "USD"},
		{"", "USD", ""},
		{"euro", "", "EURO"}, // left for the contract to reject
	} {
		if got := NormalizeCurrency(tt.in, tt.def); got != tt.want {
			t.Errorf("NormalizeCurrency(%q, %q) = %q, want %q", tt.in, tt.def, got, tt.want)
		}
	}
}

func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"$1,299.00", "1.299,00 €", "69.71 gbp", "USD 12", "12", "-$5", "₹1,29,999", "CHF 1'299.50", "1e308", ".5", "NaN", "12,34,56"} {
		f.Add(s, "USD")
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		v, cur, err := ParsePrice(s, def)
		if err != nil {
			if !errors.Is(err, ErrInvalidPrice) && !errors.Is(err, ErrInvalidCurrency) {
				t.Fatalf("ParsePrice(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("ParsePrice(%q) = %v, not finite", s, v)
		}
		if cur != def && !IsCurrency(cur) {
			t.Fatalf("ParsePrice(%q) currency %q is neither the default nor ISO 4217", s, cur)
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2024-03-01T10:15:00Z", "2024-03-01 10:15:00 +0200", "1709288100", "1709288100.5", "2024-02-29", "9999-12-31T23:59:59.999999999-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, err := ParseTimestamp(s, "")
		if err != nil {
			if !errors.Is(err, ErrInvalidTimestamp) {
				t.Fatalf("ParseTimestamp(%q) error %v does not wrap ErrInvalidTimestamp", s, err)
			}
			return
		}
		// Date forms must agree with the standard library where it parses them.
		if tm, err := time.Parse(time.RFC3339Nano, s); err == nil && tm.UnixMicro() != us {
			t.Fatalf("ParseTimestamp(%q) = %d, time.Parse says %d", s, us, tm.UnixMicro())
		}
	})
}
