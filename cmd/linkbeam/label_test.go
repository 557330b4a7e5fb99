package main

import (
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/internal/train"
	"github.com/linkbeam/linkbeam/schemas"
)

func TestPromptLabeller(t *testing.T) {
	corpus := replay.New([]schemas.Product{
		{Source: "shop", SourceID: "1", Title: "Sony WH-1000XM5 Headphones", Brand: "Sony", Price: 349, HasPrice: true, Currency: "USD"},
		{Source: "feed", SourceID: "9", Title: "Sony WH1000XM5 Black", ModelNumber: "WH1000XM5"},
	})
	pair := schemas.PairRow{LeftSource: "shop", LeftID: "1", RightSource: "feed", RightID: "9", MatchProbability: 0.42}
	var out strings.Builder
	ask := promptLabeller(corpus, strings.NewReader("maybe\nY\nno\n\nq\n"), &out)
	for i, want := range []train.Answer{train.Yes, train.No, train.Unsure, train.Quit, train.Quit} {
		got, err := ask(i+1, pair)
		if err != nil || got != want {
			t.Fatalf("answer %d: %v, %v; want %v", i+1, got, err, want)
		}
	}
	for _, s := range []string{"shop:1", "Sony WH-1000XM5 Headphones", "brand Sony | price 349 USD", "feed:9", "model WH1000XM5", "probability 0.420"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("prompt lacks %q:\n%s", s, out.String())
		}
	}
	// "maybe" is not an answer: the question is asked again.
	if n := strings.Count(out.String(), "same product?"); n != 6 {
		t.Errorf("asked %d times, want 6 (one repeat)", n)
	}
}
