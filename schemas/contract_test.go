package schemas

import (
	"errors"
	"math"
	"testing"
)

func TestCheck(t *testing.T) {
	ok := Product{Source: "s", SourceID: "1", Title: "TV", Price: 10, HasPrice: true, Currency: "USD"}
	with := func(f func(*Product)) Product { p := ok; f(&p); return p }
	tests := []struct {
		name     string
		contract ContractConfig
		p        Product
		want     string // "" for no error
		is       []error
	}{
		{"valid", ContractConfig{}, ok, "", nil},
		{"no price is fine", ContractConfig{}, with(func(p *Product) { p.HasPrice, p.Price, p.Currency = false, 0, "" }), "", nil},
		{"free is fine", ContractConfig{}, with(func(p *Product) { p.Price = 0 }), "", nil},
		{"missing title", ContractConfig{}, with(func(p *Product) { p.Title = "" }),
			"s: record 1: field title: missing required field", []error{ErrMissingField}},
		{"missing id", ContractConfig{}, with(func(p *Product) { p.SourceID = "" }),
			"s: field id: missing required field", []error{ErrMissingField}},
		{"required list", ContractConfig{Required: []string{"gtin", "price", "updated_at"}}, ok,
			"s: record 1: field gtin: missing required field\ns: record 1: field updated_at: missing required field", []error{ErrMissingField}},
		{"negative", ContractConfig{}, with(func(p *Product) { p.Price = -49.99 }),
			"s: record 1: field price: price -49.99 is below the minimum 0", []error{ErrOutOfRange}},
		{"min price", ContractConfig{MinPrice: new(1.0)}, with(func(p *Product) { p.Price = 0.5 }),
			"s: record 1: field price: price 0.5 is below the minimum 1", []error{ErrOutOfRange}},
		{"max price", ContractConfig{MaxPrice: new(5.0)}, ok,
			"s: record 1: field price: price 10 is above the maximum 5", []error{ErrOutOfRange}},
		{"NaN", ContractConfig{}, with(func(p *Product) { p.Price = math.NaN() }),
			"s: record 1: field price: invalid price NaN: not a finite number", []error{ErrInvalidPrice}},
		{"Inf", ContractConfig{MaxPrice: new(5.0)}, with(func(p *Product) { p.Price = math.Inf(1) }),
			"s: record 1: field price: invalid price +Inf: not a finite number", []error{ErrInvalidPrice}},
		{"unknown currency", ContractConfig{}, with(func(p *Product) { p.Currency = "EURO" }),
			`s: record 1: field currency: unknown currency "EURO"`, []error{ErrInvalidCurrency}},
		{"test currency is no currency", ContractConfig{}, with(func(p *Product) { p.Currency = "XTS" }),
			`s: record 1: field currency: unknown currency "XTS"`, []error{ErrInvalidCurrency}},
		{"allowed list", ContractConfig{Currencies: []string{"EUR", "GBP"}}, ok,
			`s: record 1: field currency: currency "USD" is not allowed (want EUR, GBP)`, []error{ErrInvalidCurrency}},
		{"allowed list may go beyond ISO", ContractConfig{Currencies: []string{"XBT"}}, with(func(p *Product) { p.Currency = "XBT" }), "", nil},
		{"several", ContractConfig{}, Product{Source: "s", SourceID: "2", HasPrice: true, Price: -1, Currency: "ABC"},
			"s: record 2: field title: missing required field\n" +
				"s: record 2: field price: price -1 is below the minimum 0\n" +
				`s: record 2: field currency: unknown currency "ABC"`,
			[]error{ErrMissingField, ErrOutOfRange, ErrInvalidCurrency}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.contract.Check(&tt.p)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Check =\n%v\nwant\n%s", err, tt.want)
			}
			var re *RejectError
			if !errors.As(err, &re) {
				t.Errorf("Check error %T holds no *RejectError", err)
			}
			for _, s := range tt.is {
				if !errors.Is(err, s) {
					t.Errorf("Check error does not wrap %v", s)
				}
			}
		})
	}
}

func TestISO4217(t *testing.T) {
	for _, c := range []string{"USD", "EUR", "GBP", "JPY", "CHF", "XCG", "ZWG", "SLE", "VED"} {
		if !IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{"usd", "XTS", "XXX", "HRK", "ZWL", "EURO", "", "US"} {
		if IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = true", c)
		}
	}
	if n := len(isoCurrencies); n < 170 || n > 185 {
		t.Errorf("%d ISO 4217 codes; the list looks damaged", n)
	}
}
