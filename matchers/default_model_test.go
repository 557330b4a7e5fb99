package matchers

import "testing"

// The shipped model must match the same product listed twice with no
// code at all: identical title, brand and price is the strongest evidence
// a catalogue without model numbers can give.
func TestDefaultModelMatchesWithoutCodes(t *testing.T) {
	corpus := []Fields{
		{Title: "Hoyle Card Games 2008 for Windows", Brand: "Encore", Price: 19.99, HasPrice: true},
		{Title: "Hoyle Card Games 2008 for Windows", Brand: "Encore", Price: 19.99, HasPrice: true},
		{Title: "Hoyle Card Games for Windows", Brand: "Encore", Price: 19.99, HasPrice: true},
		{Title: "Hoyle Puzzle and Board Games 2008", Brand: "Encore", Price: 19.99, HasPrice: true},
		{Title: "Print Shop Deluxe 23 for Windows", Brand: "Broderbund", Price: 49.99, HasPrice: true},
		{Title: "Mavis Beacon Teaches Typing Deluxe 17", Brand: "Broderbund", Price: 29.99, HasPrice: true},
	}
	m := DefaultModel()
	fs, err := NewFeatureSet(m.Features)
	if err != nil {
		t.Fatal(err)
	}
	idf := &IDF{DF: map[string]int32{}}
	prepared := make([]Prepared, len(corpus))
	for i, f := range corpus {
		prepared[i] = Prepare(f, nil)
		if len(prepared[i].Models) != 0 || prepared[i].GTIN != "" {
			t.Fatalf("%q: codes %v %q, want none", f.Title, prepared[i].Models, prepared[i].GTIN)
		}
		idf.Add(prepared[i].TitleTokens)
	}
	for i := range prepared {
		prepared[i].TFIDF = idf.Vector(prepared[i].TitleTokens)
	}
	p := func(i, j int) float64 { return m.Probability(fs.Compute(&prepared[i], &prepared[j], nil)) }
	if same := p(0, 1); same < m.Threshold {
		t.Errorf("identical title, brand and price: p %.3f below the threshold %.2f", same, m.Threshold)
	}
	// More title in common never scores lower, all else equal.
	if same, close, other := p(0, 1), p(0, 2), p(0, 3); !(same >= close && close >= other) {
		t.Errorf("p identical %.3f, one word apart %.3f, another product %.3f: want non-increasing", same, close, other)
	}
	if diff := p(0, 4); diff >= m.Threshold {
		t.Errorf("different maker and title: p %.3f reaches the threshold", diff)
	}
}
