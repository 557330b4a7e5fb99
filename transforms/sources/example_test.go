package sources_test

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms/sources"
)

func ExampleOpen() {
	open, _ := sources.Open("csv")
	dec, err := open(strings.NewReader("id,title\n1,Widget\n2\n3,\"Gadget, large\"\n"), "items.csv", schemas.SourceConfig{})
	if err != nil {
		panic(err)
	}
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err) // fatal for the file
		}
		if rec.Err != nil {
			fmt.Println("rejected:", rec.Err)
			continue
		}
		fmt.Printf("%s id=%s title=%q\n", rec.Position, rec.Fields["id"], rec.Fields["title"])
	}
	// Output:
	// items.csv:2 id=1 title="Widget"
	// rejected: items.csv:3: wrong number of fields: 1, the header has 2
	// items.csv:4 id=3 title="Gadget, large"
}

func Example_jsonl() {
	in := `{"id":"p1","offer":{"price":9.90,"currency":"EUR"},"tags":["a","b"],"gtin":null}` + "\n"
	open, _ := sources.Open("jsonl")
	dec, _ := open(strings.NewReader(in), "items.jsonl", schemas.SourceConfig{})
	rec, _ := dec.Next()
	keys := make([]string, 0, len(rec.Fields))
	for k := range rec.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%s\n", k, rec.Fields[k])
	}
	// Output:
	// id=p1
	// offer.currency=EUR
	// offer.price=9.90
	// tags=["a","b"]
}
