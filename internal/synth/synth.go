// Package synth generates a realistic synthetic product catalogue for
// benchmarking linkbeam end to end: three sources in three formats and
// schemas (api JSONL, partner CSV, legacy Parquet), the ground truth of
// which records are the same product, and a ready pipeline.yaml.
//
// Generation is deterministic for a seed (the same Options give byte-identical
// files) and streaming: products are generated one at a time and written
// through buffered writers, so memory stays constant whatever the size.
//
// The data is meant to be hard but matchable. Products come in families of
// look-alikes (the 55" and 65" of one TV line, the colours of a headset, the
// successor generation of a model) and every source renders and corrupts
// them its own way: title templates and word order, abbreviations, typos,
// missing brands and model numbers, model-number formatting, prices off by a
// few percent in other currencies, rare GTINs. Some records have older
// versions in the same source, and a small share of rows is malformed so
// the dead-letter path has work.
package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// Options configures Generate.
type Options struct {
	Records        int    // total raw rows over all sources (exact)
	Seed           uint64 // same seed and options → byte-identical files
	Out            string // output directory; created if missing
	FilesPerSource int    // shard files per source; 0 means 4
	// NoCodes writes no model numbers and no GTINs anywhere (fields,
	// titles, descriptions): a catalogue whose only evidence is titles,
	// brands and prices, as many real feeds are. The random stream is the
	// same as with codes, so the products and their other values are too.
	NoCodes bool
	// ChangeTitles, with ChangeSource, is the next day's feed of that
	// source for incremental runs: the same catalogue, except that the
	// title of about this share of the source's records (chosen by a hash
	// of the id, so the same records in every file) ends in " - Renewed".
	// The random stream, the truth and every other value are unchanged.
	ChangeTitles float64
	ChangeSource string
}

// DefaultFilesPerSource is the shard count when Options.FilesPerSource is 0.
const DefaultFilesPerSource = 4

// Source names, schemas and layout.
const (
	SourceAPI     = "api"
	SourcePartner = "partner"
	SourceLegacy  = "legacy"
)

// Summary counts what Generate wrote.
type Summary struct {
	Records    int // raw rows written over all sources, malformed included
	Valid      int // rows that are not malformed (latest and superseded versions)
	Superseded int // older versions of a (source, source_id) also present in a newer version
	Malformed  int // rows the pipeline should reject; not in truth.csv
	TruthRows  int // rows of truth.csv: distinct valid (source, source_id)

	Entities          int    // distinct products generated
	Families          int    // product families (look-alike groups of one brand and line)
	LookAlikeFamilies int    // families with two or more variants
	Successors        int    // families that are a later generation of the previous one (XM4 → XM5)
	EntitiesBySources [4]int // entities by how many sources hold a valid record of them (0 to 3)
	MatchPairs        int64  // pairs of truth rows that share an entity: the positives of pairwise F1
	Sources           []SourceSummary
	Corruptions       Corruptions
	ElapsedSeconds    float64 // wall time; not part of the deterministic output
}

// SourceSummary counts one source's output.
type SourceSummary struct {
	Name       string
	Schema     string
	Format     string   // jsonl | csv | parquet
	Files      []string // shard paths relative to Options.Out, slash separated
	Rows       int      // all rows
	IDs        int      // distinct valid source ids (rows in truth.csv)
	Superseded int
	Malformed  int
	// MalformedKinds counts malformed rows by kind: missing_title,
	// bad_price, broken_row (api: truncated JSON line; partner: ragged CSV
	// row), missing_id (legacy: empty sku).
	MalformedKinds map[string]int
}

// Corruptions counts the corruptions applied to valid rows (all sources,
// superseded versions included).
type Corruptions struct {
	TitleTypos       int // a typo (swap, drop, doubled or wrong letter) in the title
	BrandMissing     int // no brand (api brand, partner maker) or manufacturer (legacy) value
	BrandNotInTitle  int
	BrandAlias       int // brand field or title spelled another way: SAMSUNG, WD, Hewlett-Packard
	ModelMissing     int // no model-number field value
	ModelNotInTitle  int
	ModelNowhere     int // neither in the field nor in the title
	ModelReformatted int // field or title model number not in canonical form
	Abbreviated      int // terse titles: Wrls, Hdphns, w/
	UpperCaseTitles  int
	TruncatedTitles  int
	GTINPresent      int // rows that carry a GTIN (the rest have none)
	PriceShifted     int // price differs from the product's reference price
	NonUSD           int // price in EUR or GBP
	PriceMissing     int
	DescMissing      int // api and legacy rows without a description
}

var shardName = regexp.MustCompile(`^part-(\d{5})\.(jsonl|csv|parquet)$`)

// Generate writes the catalogue to opts.Out: api/part-NNNNN.jsonl,
// partner/part-NNNNN.csv, legacy/part-NNNNN.parquet, truth.csv and
// pipeline.yaml. Shards of a previous run beyond FilesPerSource are removed
// so the globs of pipeline.yaml see only this run.
func Generate(opts Options) (Summary, error) {
	start := time.Now()
	if opts.Records <= 0 {
		return Summary{}, errors.New("synth: Records must be positive")
	}
	if opts.FilesPerSource == 0 {
		opts.FilesPerSource = DefaultFilesPerSource
	}
	if opts.FilesPerSource < 0 || opts.FilesPerSource > 99999 {
		return Summary{}, fmt.Errorf("synth: FilesPerSource %d out of range", opts.FilesPerSource)
	}
	if opts.Out == "" {
		return Summary{}, errors.New("synth: Out is empty")
	}
	if opts.ChangeTitles < 0 || opts.ChangeTitles > 1 || (opts.ChangeTitles > 0 && sourceIndex(opts.ChangeSource) < 0) {
		return Summary{}, fmt.Errorf("synth: ChangeTitles %v of source %q: want a share in [0, 1] of api, partner or legacy", opts.ChangeTitles, opts.ChangeSource)
	}
	g := newGenerator(opts)
	if err := g.open(); err != nil {
		g.abort()
		return Summary{}, err
	}
	g.run()
	if err := g.close(); err != nil {
		return Summary{}, err
	}
	if err := writePipelineYAML(opts); err != nil {
		return Summary{}, err
	}
	g.sum.ElapsedSeconds = time.Since(start).Seconds()
	return g.sum, nil
}

// sourceSpec describes one generated source.
type sourceSpec struct {
	name, schema, format, ext string
}

var sourceSpecs = [3]sourceSpec{
	{SourceAPI, "products_v1", "jsonl", "jsonl"},
	{SourcePartner, "items_v2", "csv", "csv"},
	{SourceLegacy, "legacy_products", "parquet", "parquet"},
}

// sourceIndex is the src of a source name, -1 for none.
func sourceIndex(name string) int {
	for i, s := range sourceSpecs {
		if s.name == name {
			return i
		}
	}
	return -1
}

const (
	srcAPI = iota
	srcPartner
	srcLegacy
)

// shardFile is one open output file.
type shardFile struct {
	f *os.File
	w *bufio.Writer
}

func createShard(path string) (*shardFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &shardFile{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

func (s *shardFile) close() error {
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (g *generator) open() error {
	n := g.opts.FilesPerSource
	for si, sp := range sourceSpecs {
		dir := filepath.Join(g.opts.Out, sp.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := removeStaleShards(dir, sp.ext, n); err != nil {
			return err
		}
		ss := &g.sum.Sources[si]
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("part-%05d.%s", i, sp.ext)
			sf, err := createShard(filepath.Join(dir, name))
			if err != nil {
				return err
			}
			ss.Files = append(ss.Files, sp.name+"/"+name)
			switch si {
			case srcAPI:
				g.api = append(g.api, sf)
			case srcPartner:
				g.partner = append(g.partner, sf)
				sf.w.WriteString("item_id,item_title,item_price,item_cat,maker,model,barcode,last_modified\n")
			case srcLegacy:
				g.legacy = append(g.legacy, newLegacyShard(sf))
			}
		}
	}
	tf, err := createShard(filepath.Join(g.opts.Out, "truth.csv"))
	if err != nil {
		return err
	}
	g.truth = tf
	tf.w.WriteString("source,source_id,entity_id\n")
	return nil
}

func removeStaleShards(dir, ext string, keep int) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		m := shardName.FindStringSubmatch(e.Name())
		if m == nil || m[2] != ext || e.IsDir() {
			continue
		}
		if i, _ := strconv.Atoi(m[1]); i >= keep {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// abort closes whatever open managed to create.
func (g *generator) abort() {
	for _, s := range g.api {
		s.f.Close()
	}
	for _, s := range g.partner {
		s.f.Close()
	}
	for _, s := range g.legacy {
		s.file.f.Close()
	}
	if g.truth != nil {
		g.truth.f.Close()
	}
}

func (g *generator) close() error {
	err := g.err
	keep := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	for _, s := range g.api {
		keep(s.close())
	}
	for _, s := range g.partner {
		keep(s.close())
	}
	for _, s := range g.legacy {
		keep(s.close())
	}
	keep(g.truth.close())
	return err
}

// writeErr remembers the first write error; generation stops at it.
func (g *generator) writeErr(err error) {
	if err != nil && g.err == nil {
		g.err = err
	}
}

var _ io.Writer = (*bufio.Writer)(nil)

// logUniform draws from [lo, hi) with a log-uniform density.
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
}
