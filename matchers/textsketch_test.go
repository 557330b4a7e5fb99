package matchers

import "testing"

func TestTextSketch(t *testing.T) {
	title := "Sony Bravia 46 inch LCD HDTV"
	desc := "Full HD 1080p, Motionflow 120Hz, four HDMI inputs, black finish"
	s := NewTextSketch(title, desc)
	if got := s.Similarity(&s); got != 1 {
		t.Errorf("a sketch with itself: %v, want 1", got)
	}
	// Case, punctuation and order do not matter: the token sets are equal.
	same := NewTextSketch("lcd hdtv sony bravia 46 inch", "black finish; four HDMI inputs, Motionflow 120Hz, full HD 1080p")
	if got := s.Similarity(&same); got != 1 {
		t.Errorf("the same words: %v, want 1", got)
	}
	// Two candidates with the same title: the one whose description
	// shares more words reads more alike.
	near := NewTextSketch(title, "Full HD 1080p LCD with Motionflow 120Hz and four HDMI inputs")
	far := NewTextSketch(title, "HD ready 720p, two HDMI inputs, silver stand, USB photo viewer")
	if sn, sf := s.Similarity(&near), s.Similarity(&far); !(sn > sf) || sn >= 1 || sf <= 0 {
		t.Errorf("near %v, far %v: want 1 > near > far > 0", sn, sf)
	}
	// Only the description's first 200 bytes count, as for a missing
	// title.
	long := desc
	for len(long) < 400 {
		long += " warranty"
	}
	if a, b := NewTextSketch(title, long), NewTextSketch(title, long+" zebra quokka"); a.Similarity(&b) != 1 {
		t.Errorf("words past the opening changed the sketch")
	}
	var empty, none TextSketch = NewTextSketch("", ""), NewTextSketch("", "")
	if got := empty.Similarity(&none); got != 0 {
		t.Errorf("two empty sketches: %v, want 0", got)
	}
	if got := s.Similarity(&empty); got != 0 {
		t.Errorf("with an empty sketch: %v, want 0", got)
	}
	var zero TextSketch
	if got := zero.Similarity(&zero); got != 0 {
		t.Errorf("two zero sketches: %v, want 0", got)
	}
	// Prepare carries the sketch of title and description.
	p := Prepare(Fields{Title: title, Description: desc}, nil)
	if p.Text != s {
		t.Error("Prepare's Text is not NewTextSketch(title, description)")
	}
}
