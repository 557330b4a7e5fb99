package schemas

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// iso4217 lists the active ISO 4217 codes (list one, 2025), including fund
// and precious-metal codes, excluding XTS (testing) and XXX (no currency).
// CUC, SLL and ANG are kept while they are being phased out; HRK and ZWL
// are gone. Contracts can narrow the set with ContractConfig.Currencies.
const iso4217 = `
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN
BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK
DJF DKK DOP DZD
EGP ERN ETB EUR
FJD FKP
GBP GEL GHS GIP GMD GNF GTQ GYD
HKD HNL HTG HUF
IDR ILS INR IQD IRR ISK
JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
NAD NGN NIO NOK NPR NZD
OMR
PAB PEN PGK PHP PKR PLN PYG
QAR
RON RSD RUB RWF
SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL
THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD USN UYI UYU UYW UZS
VED VES VND VUV
WST
XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA
YER
ZAR ZMW ZWG
`

// isoCurrencies maps each code to itself so lookups can return a shared
// string instead of allocating an upper-cased copy.
var isoCurrencies = func() map[string]string {
	m := make(map[string]string, 200)
	for _, c := range strings.Fields(iso4217) {
		m[c] = c
	}
	return m
}()

// minorUnitExponents lists the ISO 4217 codes (list one, 2025) whose minor
// unit is not a hundredth: the number of decimals, or -1 for codes without a
// minor unit (precious metals, SDR and other units of account).
var minorUnitExponents = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
	"XAG": -1, "XAU": -1, "XBA": -1, "XBB": -1, "XBC": -1, "XBD": -1, "XDR": -1, "XPD": -1,
	"XPT": -1, "XSU": -1, "XUA": -1,
}

// minorUnitExponent returns the decimals of code's minor unit: 2 for USD
// (cents), 0 for JPY, 3 for KWD. ok is false for unknown codes and codes
// without a minor unit.
func minorUnitExponent(code string) (exponent int, ok bool) {
	if !IsCurrency(code) {
		return 0, false
	}
	exponent, listed := minorUnitExponents[code]
	if !listed {
		return 2, true
	}
	return exponent, exponent >= 0
}

// IsCurrency reports whether code is an active ISO 4217 code (upper case).
func IsCurrency(code string) bool {
	_, ok := isoCurrencies[code]
	return ok
}

// Defaults of ContractConfig, also applied when a field is unset.
var defaultRequired = []string{"id", "title"}

// Check tests a mapped product against the contract and returns nil or the
// violations: one *RejectError, or several joined with errors.Join. The
// errors carry source, id and field but no position; Mapper.MapChecked
// fills that in. It checks, with the defaults of unset settings:
//
//   - every Required field is present (default id and title); a price is
//     present when HasPrice, a timestamp when UpdatedAt is not 0
//   - the price is finite, at least MinPrice (default 0) and at most
//     MaxPrice when set (ErrOutOfRange)
//   - a non-empty currency is an active ISO 4217 code, or one of Currencies
//     when that is set (ErrInvalidCurrency)
//
// Unparseable prices and timestamps never get here: the Mapper rejects them.
func (c *ContractConfig) Check(p *Product) error {
	var errs []error
	fail := func(field, reason string, err error) {
		errs = append(errs, &RejectError{Source: p.Source, SourceID: p.SourceID, Field: field, Reason: reason, Err: err})
	}
	required := c.Required
	if len(required) == 0 {
		required = defaultRequired
	}
	for _, f := range required {
		if !hasField(p, f) {
			fail(f, "", ErrMissingField)
		}
	}
	if p.HasPrice {
		switch {
		case math.IsNaN(p.Price) || math.IsInf(p.Price, 0):
			fail("price", fmt.Sprintf("invalid price %v: not a finite number", p.Price), ErrInvalidPrice)
		case p.Price < c.minPrice():
			fail("price", fmt.Sprintf("price %s is below the minimum %s", fmtNum(p.Price), fmtNum(c.minPrice())), ErrOutOfRange)
		case c.MaxPrice != nil && p.Price > *c.MaxPrice:
			fail("price", fmt.Sprintf("price %s is above the maximum %s", fmtNum(p.Price), fmtNum(*c.MaxPrice)), ErrOutOfRange)
		}
	}
	if p.Currency != "" {
		switch {
		case len(c.Currencies) > 0 && !slices.Contains(c.Currencies, p.Currency):
			fail("currency", fmt.Sprintf("currency %q is not allowed (want %s)", p.Currency, strings.Join(c.Currencies, ", ")), ErrInvalidCurrency)
		case len(c.Currencies) == 0 && !IsCurrency(p.Currency):
			fail("currency", fmt.Sprintf("unknown currency %q", p.Currency), ErrInvalidCurrency)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

func (c *ContractConfig) minPrice() float64 {
	if c.MinPrice == nil {
		return 0
	}
	return *c.MinPrice
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// hasField reports whether the unified field is set on p.
func hasField(p *Product, field string) bool {
	f, ok := unifiedFieldByName[field]
	return ok && f.Has(p)
}
