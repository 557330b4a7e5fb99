package matchers

import "fmt"

// SurvivorRule picks among a cluster's candidate values for one master
// field. Rules are tried in order; each keeps the candidates it ranks best
// and the next rule breaks the remaining ties.
type SurvivorRule uint8

const (
	// SourcePriority prefers the candidate whose source has the lowest
	// configured priority number (the most trusted feed).
	SourcePriority SurvivorRule = iota + 1
	// MostRecent prefers the candidate with the latest UpdatedAt.
	MostRecent
	// MostComplete prefers the longest value: for product text the longer
	// title or description carries more of the product's attributes.
	MostComplete
	// MostFrequent prefers the value that most candidates agree on.
	MostFrequent
)

// ParseSurvivorRule parses a rule's config name.
func ParseSurvivorRule(name string) (SurvivorRule, error) {
	switch name {
	case "source_priority":
		return SourcePriority, nil
	case "most_recent":
		return MostRecent, nil
	case "most_complete":
		return MostComplete, nil
	case "most_frequent":
		return MostFrequent, nil
	}
	return 0, fmt.Errorf("unknown survivorship rule %q", name)
}

// Candidate is one record's value for a master field.
type Candidate struct {
	Value     string
	Priority  int   // the source's priority; lower wins
	UpdatedAt int64 // Unix microseconds
	// Tiebreak orders candidates that every rule ranks equal, so the
	// choice never depends on input order (the record key, "source:id").
	Tiebreak string
}

// Survive returns the index of the winning candidate, or -1 when every
// candidate's value is empty. Empty values never win: a missing field is
// not information.
func Survive(rules []SurvivorRule, cands []Candidate) int {
	best := -1
	for i := range cands {
		if cands[i].Value == "" {
			continue
		}
		if best < 0 || better(rules, cands, i, best) {
			best = i
		}
	}
	return best
}

// Decision explains a Survive choice: the rule that ranked the winner
// above the runner-up.
type Decision string

const (
	OnlyValue Decision = "only_value" // no other candidate had a value
	Tiebreak  Decision = "tiebreak"   // every rule ranked winner and runner-up equal
)

// SurviveExplained is Survive, also returning the deciding rule's name.
func SurviveExplained(rules []SurvivorRule, cands []Candidate) (int, Decision) {
	w := Survive(rules, cands)
	if w < 0 {
		return w, ""
	}
	runnerUp := -1
	for i := range cands {
		if i != w && cands[i].Value != "" && (runnerUp < 0 || better(rules, cands, i, runnerUp)) {
			runnerUp = i
		}
	}
	if runnerUp < 0 {
		return w, OnlyValue
	}
	if r := decidingRule(rules, cands, w, runnerUp); r != 0 {
		return w, Decision(r.String())
	}
	return w, Tiebreak
}

// String returns the rule's config name.
func (r SurvivorRule) String() string {
	switch r {
	case SourcePriority:
		return "source_priority"
	case MostRecent:
		return "most_recent"
	case MostComplete:
		return "most_complete"
	case MostFrequent:
		return "most_frequent"
	}
	return fmt.Sprintf("SurvivorRule(%d)", uint8(r))
}

// better reports whether candidate i ranks before candidate j.
func better(rules []SurvivorRule, cands []Candidate, i, j int) bool {
	if r := decidingRule(rules, cands, i, j); r != 0 {
		return ranksFirst(r, cands, i, j)
	}
	return cands[i].Tiebreak < cands[j].Tiebreak
}

// decidingRule returns the first rule that ranks candidates i and j
// differently, or 0.
func decidingRule(rules []SurvivorRule, cands []Candidate, i, j int) SurvivorRule {
	for _, r := range rules {
		if compare(r, cands, i, j) != 0 {
			return r
		}
	}
	return 0
}

func ranksFirst(r SurvivorRule, cands []Candidate, i, j int) bool { return compare(r, cands, i, j) > 0 }

// compare is positive when rule r ranks candidate i above j, negative when
// below, 0 when equal.
func compare(r SurvivorRule, cands []Candidate, i, j int) int {
	a, b := &cands[i], &cands[j]
	switch r {
	case SourcePriority:
		return b.Priority - a.Priority
	case MostRecent:
		return cmpInt64(a.UpdatedAt, b.UpdatedAt)
	case MostComplete:
		return len(a.Value) - len(b.Value)
	case MostFrequent:
		return frequency(cands, a.Value) - frequency(cands, b.Value)
	}
	return 0
}

func cmpInt64(a, b int64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// frequency counts candidates with value v. Clusters are small (bounded by
// the clustering size cap), so a scan beats building a map.
func frequency(cands []Candidate, v string) int {
	n := 0
	for i := range cands {
		if cands[i].Value == v {
			n++
		}
	}
	return n
}
