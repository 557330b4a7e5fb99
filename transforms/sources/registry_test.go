package sources

import (
	"slices"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	want := []string{"avro", "csv", "json", "jsonl", "parquet"}
	if got := Types(); !slices.Equal(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}
	if _, ok := Open("rest_api"); ok {
		t.Error("rest_api is not a file type")
	}
	if _, ok := Open("xml"); ok {
		t.Error("Open(xml) found a decoder")
	}
}

func TestRegisterMisuse(t *testing.T) {
	for name, call := range map[string]func(){
		"duplicate": func() { Register("csv", openCSV) },
		"empty":     func() { Register("", openCSV) },
		"nil":       func() { Register("x-nil", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil || !strings.Contains(p.(string), "sources: Register") {
					t.Errorf("recover() = %v, want a Register panic", p)
				}
			}()
			call()
		})
	}
}
