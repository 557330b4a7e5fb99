package sources

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
)

// The nesting limit is encoding/json's (json.Valid, json.Unmarshal); the
// reference's Decoder.Token has none.
func TestFlattenJSONDepth(t *testing.T) {
	for _, depth := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		arr := `{"a":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + "}"
		obj := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
		for _, in := range []string{arr, obj} {
			_, err := flattenJSON(in)
			if (err == nil) != json.Valid([]byte(in)) || (err == nil) != (depth <= maxJSONDepth) {
				t.Errorf("depth %d: err %v, json.Valid %v", depth, err, json.Valid([]byte(in)))
			}
		}
	}
}

func TestFlattenJSONStrings(t *testing.T) {
	for in, want := range map[string]string{
		`{"s":"plain"}`:                  "plain",
		`{"s":"a\"b\\c\/d\b\f\n\r\t"}`:   "a\"b\\c/d\b\f\n\r\t",
		`{"s":"\u00e9\u20AC"}`:           "é€",
		`{"s":"\ud83d\ude00"}`:           "😀",
		`{"s":"\ud800x"}`:                "\uFFFDx",
		`{"s":"\ud800\u0041"}`:           "\uFFFDA",
		`{"s":"\udc00\ud800\udc00"}`:     "\uFFFD𐀀",
		`{"s":"caf\u00e9 <b>&amp;</b>"}`: "café <b>&amp;</b>",
	} {
		got, err := flattenJSON(in)
		if err != nil || got["s"] != want {
			t.Errorf("flattenJSON(%s) = %q, %v; want %q", in, got["s"], err, want)
		}
	}
	for _, in := range []string{`{"s":"a` + "\n" + `"}`, `{"s":"\x"}`, `{"s":"\u12"}`, `{"s":"\u12zz"}`, `{"s":"abc`, `{"s":"\`} {
		if _, err := flattenJSON(in); !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("flattenJSON(%q) err %v, want ErrInvalidJSON", in, err)
		}
	}
}

// FuzzFlattenJSON checks the fast scanner against the encoding/json
// reference: same fields, same class of error.
func FuzzFlattenJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"o":{"p":1.50,"q":{"r":[1, {"s" : "t"}]}},"t":["a",{"b":null}],"n":null,"b":true}`,
		`{"a":-0.0e+1,"b":1E-7,"c":0,"d":-1}`,
		`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":+1}`,
		`{"a":NaN}`, `{"a":Infinity}`, `{"a":tru}`, `{"a":nul}`,
		`{"a":1,}`, `{"a":[1,]}`, `{,}`, `{"a" 1}`, `{"a":1 "b":2}`, `{"a":[1 2]}`,
		`{"a":1}{"b":2}`, ` {} `, `{}x`, `[1]`, `1`, `"s"`, `null`, `[`, ``, ` `,
		`{"a":1,"a":2}`, `{"a.b":1,"a":{"b":2}}`, `{"a":{"b":1},"a.b":null}`,
		`{"s":"\ud800\udc00\u00e9\n\"\\"}`, `{"s":"\uD83D"}`, "{\"s\":\"\t\"}",
		"{\"s\":\"caf\xe9\"}", `{"k\u00e9y":{"":[]}}`, `{"a":[ { "b" : [ ] } , "x y" ]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := flattenJSON(string(data))
		if err != nil && strings.Contains(err.Error(), "nested too deeply") {
			return // see TestFlattenJSONDepth
		}
		want, refErr := flattenJSONRef(data)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("input %q: err %v, reference err %v", data, err, refErr)
		}
		if err != nil {
			for _, sentinel := range []error{ErrInvalidUTF8, ErrInvalidJSON, ErrNotObject, ErrDuplicateField} {
				if errors.Is(err, sentinel) != errors.Is(refErr, sentinel) {
					t.Fatalf("input %q: err %v, reference err %v", data, err, refErr)
				}
			}
			return
		}
		if !maps.Equal(got, want) {
			t.Fatalf("input %q:\n got %q\nwant %q", data, got, want)
		}
	})
}
