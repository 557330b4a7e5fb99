package matchers

import "testing"

func TestSurvive(t *testing.T) {
	cands := []Candidate{
		{Value: "Sony WH-1000XM4", Priority: 2, UpdatedAt: 300, Tiebreak: "b:1"},
		{Value: "Sony WH-1000XM4 Wireless Headphones", Priority: 3, UpdatedAt: 100, Tiebreak: "c:1"},
		{Value: "", Priority: 1, UpdatedAt: 900, Tiebreak: "a:1"},
		{Value: "Sony WH-1000XM4", Priority: 4, UpdatedAt: 200, Tiebreak: "d:1"},
	}
	tests := []struct {
		rules []SurvivorRule
		want  int
	}{
		{[]SurvivorRule{SourcePriority}, 0}, // the empty value of priority 1 never wins
		{[]SurvivorRule{MostRecent}, 0},
		{[]SurvivorRule{MostComplete}, 1},
		{[]SurvivorRule{MostFrequent}, 0},                 // two agree; tiebreak b:1 < d:1
		{[]SurvivorRule{MostFrequent, MostRecent}, 0},     // 300 beats 200
		{[]SurvivorRule{MostFrequent, SourcePriority}, 0}, // 2 beats 4
		{[]SurvivorRule{MostComplete, SourcePriority}, 1}, // longest first
		{nil, 0}, // tiebreak only
		{[]SurvivorRule{SourcePriority, MostComplete}, 0},
	}
	for _, tt := range tests {
		if got := Survive(tt.rules, cands); got != tt.want {
			t.Errorf("Survive(%v) = %d, want %d", tt.rules, got, tt.want)
		}
	}
}

func TestSurviveAllEmpty(t *testing.T) {
	if got := Survive([]SurvivorRule{MostRecent}, []Candidate{{Tiebreak: "a"}, {Tiebreak: "b"}}); got != -1 {
		t.Fatalf("got %d, want -1", got)
	}
}

func TestSurviveIgnoresInputOrder(t *testing.T) {
	a := []Candidate{{Value: "x", Priority: 1, Tiebreak: "s:2"}, {Value: "y", Priority: 1, Tiebreak: "s:1"}}
	b := []Candidate{a[1], a[0]}
	rules := []SurvivorRule{SourcePriority, MostRecent}
	if a[Survive(rules, a)].Value != b[Survive(rules, b)].Value {
		t.Fatal("winner depends on input order")
	}
}

func TestParseSurvivorRule(t *testing.T) {
	for name, want := range map[string]SurvivorRule{"source_priority": SourcePriority,
		"most_recent": MostRecent, "most_complete": MostComplete, "most_frequent": MostFrequent} {
		if got, err := ParseSurvivorRule(name); err != nil || got != want {
			t.Errorf("ParseSurvivorRule(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := ParseSurvivorRule("newest"); err == nil {
		t.Error("unknown rule accepted")
	}
}
