package schemas

import (
	"errors"
	"testing"
)

func TestRejectError(t *testing.T) {
	tests := []struct {
		err  RejectError
		want string
	}{
		{RejectError{Source: "shop", SourceID: "17", Position: "file.jsonl:18", Field: "price", Reason: `invalid price "abc"`, Err: ErrInvalidPrice},
			`shop: record 17 (file.jsonl:18): field price: invalid price "abc"`},
		{RejectError{Source: "shop", SourceID: "17", Field: "title", Err: ErrMissingField},
			`shop: record 17: field title: missing required field`},
		{RejectError{Source: "shop", Position: "file.jsonl:3", Reason: "unexpected end of JSON input", Err: ErrDecode},
			`shop: file.jsonl:3: unexpected end of JSON input`},
		{RejectError{Err: ErrDecode}, `cannot decode record`},
		{RejectError{Source: "s"}, `s: invalid record`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	var err error = &RejectError{Field: "price", Err: ErrInvalidPrice}
	if !errors.Is(err, ErrInvalidPrice) || errors.Is(err, ErrInvalidTimestamp) {
		t.Errorf("errors.Is does not follow Unwrap")
	}
}

func TestConfigError(t *testing.T) {
	tests := []struct {
		err  ConfigError
		want string
	}{
		{ConfigError{File: "demo.yaml", Line: 12, Path: "sources.shop.csv", Err: errors.New(`unknown key "delimter"`)},
			`demo.yaml:12: sources.shop.csv: unknown key "delimter"`},
		{ConfigError{File: "demo.yaml", Path: "sources", Err: errors.New("at least one source is required")},
			`demo.yaml: sources: at least one source is required`},
		{ConfigError{Line: 3, Err: errors.New("did not find expected key")}, `line 3: did not find expected key`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
