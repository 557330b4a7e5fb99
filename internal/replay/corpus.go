// Package replay runs the job's matching again in this process, over
// records that fit in memory (pipelines.LoadSources reads them): the
// newest version per record (Dedupe), the matching view and its TF-IDF
// weights (Block, Score), blocking and the candidate pairs it makes, and
// their scores, with the job's own code (transforms, matchers) but no
// pipeline. Explanations, the evaluation's recomputed pairs and training
// read a run through it, so that what they see is what the job did.
package replay

import (
	"fmt"
	"sort"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// Corpus is every record of a run's sources, read in this process, with
// the matching view the job computes for it: the newest version per
// (source, source_id) as Dedupe keeps it, prepared as Block prepares it
// (transforms.MatchView) and weighted with TF-IDF over all of them, as
// Score weights it. Pair features recomputed from a Corpus are the
// features the run scored. It holds the whole input in memory: it suits
// demo- and benchmark-sized runs, not a production catalogue.
type Corpus struct {
	list  []*corpusRecord // in key order, as the job orders a block's members
	index map[string]int  // record key -> position in list
}

type corpusRecord struct {
	product schemas.Product
	prep    matchers.Prepared
}

// New builds the Corpus of records, keeping the newest version of each
// record key. A run's IDF covers the sources it read: pass the records of
// the sources of its links (pipelines.LoadSources of LinkedSources) to
// reproduce a run started with --sources.
func New(records []schemas.Product) *Corpus {
	records = NewestPerKey(records)
	brands := matchers.DefaultBrandIndex()
	idf := &matchers.IDF{DF: map[string]int32{}}
	c := &Corpus{list: make([]*corpusRecord, len(records)), index: make(map[string]int, len(records))}
	for i := range records {
		r := &corpusRecord{product: records[i], prep: transforms.MatchView(&records[i], brands)}
		idf.Add(r.prep.TitleTokens)
		idf.AddTitle(r.prep.TitleTokens)
		c.list[i] = r
		c.index[r.product.Key()] = i
	}
	for _, r := range c.list {
		idf.Weigh(&r.prep)
	}
	return c
}

// Len is the number of records in the corpus.
func (c *Corpus) Len() int { return len(c.list) }

func (c *Corpus) record(key string) (*corpusRecord, bool) {
	i, ok := c.index[key]
	if !ok {
		return nil, false
	}
	return c.list[i], true
}

// Product returns the record with the given key.
func (c *Corpus) Product(key string) (schemas.Product, bool) {
	r, ok := c.record(key)
	if !ok {
		return schemas.Product{}, false
	}
	return r.product, true
}

// Prepared returns the matching view of the record with the given key,
// TF-IDF weighted.
func (c *Corpus) Prepared(key string) (matchers.Prepared, bool) {
	r, ok := c.record(key)
	if !ok {
		return matchers.Prepared{}, false
	}
	return r.prep, true
}

// Title returns the title of the record with the given key, or "" when the
// corpus does not hold it.
func (c *Corpus) Title(key string) string {
	if c == nil {
		return ""
	}
	p, _ := c.Product(key)
	return p.Title
}

// Features computes the named model features for records a and b as the
// job does (a before b, the order it scores in).
func (c *Corpus) Features(names []string, a, b string) ([]float64, error) {
	ra, okA := c.record(a)
	rb, okB := c.record(b)
	if !okA || !okB {
		missing := a
		if okA {
			missing = b
		}
		return nil, fmt.Errorf("record %s is not in the sources", missing)
	}
	fs, err := matchers.NewFeatureSet(names)
	if err != nil {
		return nil, err
	}
	return fs.Compute(&ra.prep, &rb.prep, nil), nil
}

// MatchThreshold is the threshold a run of cfg with model m merges at: the
// config's matching.threshold, else the model's.
func MatchThreshold(cfg *schemas.Config, m *matchers.Model) float64 {
	if cfg != nil && cfg.Matching.Threshold > 0 {
		return cfg.Matching.Threshold
	}
	return m.Threshold
}

// ClusterOptions are the clustering rule of a config, for rebuilding its
// clusters in memory (sweeps, calibration, explanations) as the job does.
func ClusterOptions(c schemas.ClusteringConfig) matchers.ClusterOptions {
	return matchers.ClusterOptions{MaxClusterSize: c.MaxClusterSize, OnePerSource: c.OnePerSource, MinLinkage: c.Linkage(),
		ConfirmedFirst: c.CodesFirst()}
}

// LinkedSources returns the sources that have records in links, sorted:
// the sources the run read.
func LinkedSources(links []schemas.LinkRow) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range links {
		if !seen[l.Source] {
			seen[l.Source] = true
			out = append(out, l.Source)
		}
	}
	sort.Strings(out)
	return out
}
