// Package matchers is linkbeam's matching core: normalisers, identifier
// extraction, comparators, blocking keys, the logistic match model,
// clustering and survivorship. It is plain Go with no Beam import, so every
// piece is unit-tested and benchmarked on its own.
package matchers

// Fields are the raw product fields matching looks at. The Beam transforms
// fill it from the unified record; matchers does not import schemas so that
// the hot code stays free of I/O dependencies.
type Fields struct {
	Source       string
	Title        string
	Description  string
	Brand        string
	Manufacturer string
	ModelNumber  string
	GTIN         string
	Price        float64
	HasPrice     bool
	Currency     string
}

// Prepared is a record's matching view, computed once per record and then
// compared against many candidates.
type Prepared struct {
	Source      string
	Title       string   // normalised title: folded, lower case, single spaces
	TitleTokens []string // tokens of Title, in order
	Brand       string   // normalised brand; "" when unknown
	Models      []string // normalised model numbers / MPNs, most likely first
	GTIN        string   // normalised GTIN-14; "" when absent or invalid
	Price       float64
	HasPrice    bool
	Currency    string
	TFIDF       SparseVector // unit-length TF-IDF vector of TitleTokens; nil until weighted
}

// SparseVector is a sparse vector sorted by Term.
type SparseVector []Weight

// Weight is one term of a SparseVector.
type Weight struct {
	Term  string
	Value float64
}
