package synth

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"gopkg.in/yaml.v3"

	"github.com/linkbeam/linkbeam/schemas"
)

var (
	largeRecords = flag.Int("large", 0, "TestLarge: generate this many records (e.g. 1000000); 0 skips")
	largeOut     = flag.String("large-out", "", "TestLarge: output directory (default: a temporary one)")
)

func generate(t testing.TB, opts Options) Summary {
	t.Helper()
	if opts.Out == "" {
		opts.Out = t.TempDir()
	}
	s, err := Generate(opts)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return s
}

// row is one raw row read back from the output, shaped like the
// schemas.RawRecord a linkbeam reader would produce.
type row struct {
	source string
	pos    string
	fields map[string]string
	err    error // decode error: broken JSON, ragged CSV row
}

func (r row) id() string {
	switch r.source {
	case SourceAPI:
		return r.fields["product_id"]
	case SourcePartner:
		return r.fields["item_id"]
	}
	return r.fields["sku"]
}

// model returns the row's model-number field.
func (r row) model() string {
	switch r.source {
	case SourceAPI:
		return r.fields["mpn"]
	case SourcePartner:
		return r.fields["model"]
	}
	return r.fields["part_number"]
}

func (r row) gtin() string {
	switch r.source {
	case SourceAPI:
		return r.fields["ean"]
	case SourcePartner:
		return r.fields["barcode"]
	}
	return ""
}

// readRows reads every shard of dir with the standard decoders.
func readRows(t testing.TB, dir string) []row {
	t.Helper()
	var rows []row
	files := func(src, ext string) []string {
		m, err := filepath.Glob(filepath.Join(dir, src, "*."+ext))
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(m)
		return m
	}
	for _, path := range files(SourceAPI, "jsonl") {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			r := row{source: SourceAPI, pos: fmt.Sprintf("%s:%d", path, n), fields: map[string]string{}}
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				r.err = err
			}
			for k, v := range m {
				switch v := v.(type) {
				case nil:
				case string:
					r.fields[k] = v
				default:
					t.Fatalf("%s: field %s has non-string value %v", r.pos, k, v)
				}
			}
			rows = append(rows, r)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for _, path := range files(SourcePartner, "csv") {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(bufio.NewReader(f))
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			t.Fatal(err)
		}
		for n := 2; ; n++ {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s:%d: %v", path, n, err)
			}
			r := row{source: SourcePartner, pos: fmt.Sprintf("%s:%d", path, n), fields: map[string]string{}}
			if len(rec) != len(header) {
				r.err = fmt.Errorf("%w: %d fields, want %d", csv.ErrFieldCount, len(rec), len(header))
			}
			for i, v := range rec {
				if i < len(header) {
					r.fields[header[i]] = v
				}
			}
			rows = append(rows, r)
		}
		f.Close()
	}
	for _, path := range files(SourceLegacy, "parquet") {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		pr := parquet.NewGenericReader[legacyRow](f)
		buf := make([]legacyRow, 500)
		n := 0
		for {
			k, err := pr.Read(buf)
			for _, lr := range buf[:k] {
				n++
				r := row{source: SourceLegacy, pos: fmt.Sprintf("%s:%d", path, n), fields: map[string]string{}}
				set := func(k, v string) {
					if v != "" {
						r.fields[k] = v
					}
				}
				set("sku", lr.SKU)
				set("name", lr.Name)
				set("description", lr.Description)
				if lr.Price != nil {
					set("price", strconv.FormatFloat(*lr.Price, 'f', -1, 64))
				}
				set("currency", lr.Currency)
				set("manufacturer", lr.Manufacturer)
				set("part_number", lr.PartNumber)
				set("modified", strconv.FormatInt(lr.Modified, 10))
				rows = append(rows, r)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		if int64(n) != pr.NumRows() {
			t.Fatalf("%s: read %d rows, NumRows %d", path, n, pr.NumRows())
		}
		pr.Close()
		f.Close()
	}
	return rows
}

type key struct{ source, id string }

func readTruth(t testing.TB, dir string) map[key]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"source", "source_id", "entity_id"}) {
		t.Fatalf("truth.csv header %q", recs[0])
	}
	truth := map[key]string{}
	for _, r := range recs[1:] {
		k := key{r[0], r[1]}
		if _, dup := truth[k]; dup {
			t.Fatalf("truth.csv: duplicate %v", k)
		}
		truth[k] = r[2]
	}
	return truth
}

// malformed tells whether the generator meant a row to be rejected, from
// the row alone.
func malformed(r row) bool {
	if r.err != nil || r.id() == "" {
		return true
	}
	switch r.source {
	case SourceAPI:
		return r.fields["product_name"] == "" || r.fields["cost"] == "N/A"
	case SourcePartner:
		return r.fields["item_title"] == "" || r.fields["item_price"] == "N/A"
	}
	return r.fields["name"] == "" || strings.HasPrefix(r.fields["price"], "-")
}

func TestDeterminism(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	opts := Options{Records: 20_000, Seed: 42, FilesPerSource: 3}
	opts.Out = a
	sa := generate(t, opts)
	opts.Out = b
	sb := generate(t, opts)
	sa.ElapsedSeconds, sb.ElapsedSeconds = 0, 0
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("summaries differ:\n%+v\n%+v", sa, sb)
	}
	fa, fb := readTree(t, a), readTree(t, b)
	if len(fa) != 3*3+2 {
		t.Errorf("wrote %d files, want 11: %v", len(fa), mapsKeys(fa))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between runs with the same seed", name)
		}
	}
	opts.Out, opts.Seed = c, 43
	generate(t, opts)
	fc := readTree(t, c)
	for _, name := range []string{"truth.csv", "api/part-00000.jsonl", "partner/part-00001.csv", "legacy/part-00002.parquet"} {
		if bytes.Equal(fa[name], fc[name]) {
			t.Errorf("%s is the same for seeds 42 and 43", name)
		}
	}
}

func mapsKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestOutput reads everything back and checks it against the summary and
// truth.csv.
func TestOutput(t *testing.T) {
	dir := t.TempDir()
	const n = 60_000
	s := generate(t, Options{Records: n, Seed: 7, Out: dir})
	rows := readRows(t, dir)
	truth := readTruth(t, dir)

	if s.Records != n || len(rows) != n {
		t.Fatalf("Summary.Records %d, rows read %d, want %d", s.Records, len(rows), n)
	}
	if s.TruthRows != len(truth) {
		t.Errorf("Summary.TruthRows %d, truth.csv has %d", s.TruthRows, len(truth))
	}
	perSource := map[string]int{}
	valid := map[key]int{}
	nMalformed := 0
	for _, r := range rows {
		perSource[r.source]++
		k := key{r.source, r.id()}
		if malformed(r) {
			nMalformed++
			if _, ok := truth[k]; ok && r.id() != "" {
				t.Errorf("%s: malformed row %v is in truth.csv", r.pos, k)
			}
			continue
		}
		valid[k]++
	}
	if nMalformed != s.Malformed {
		t.Errorf("read %d malformed rows, Summary.Malformed %d", nMalformed, s.Malformed)
	}
	if len(valid) != len(truth) {
		t.Errorf("%d distinct valid ids, truth.csv has %d", len(valid), len(truth))
	}
	superseded := 0
	for k, c := range valid {
		if _, ok := truth[k]; !ok {
			t.Errorf("valid %v missing from truth.csv", k)
		}
		superseded += c - 1
	}
	if superseded != s.Superseded {
		t.Errorf("read %d superseded rows, Summary.Superseded %d", superseded, s.Superseded)
	}
	for _, ss := range s.Sources {
		if perSource[ss.Name] != ss.Rows {
			t.Errorf("%s: read %d rows, summary %d", ss.Name, perSource[ss.Name], ss.Rows)
		}
		kinds := 0
		for _, c := range ss.MalformedKinds {
			kinds += c
		}
		if kinds != ss.Malformed || len(ss.MalformedKinds) != 3 {
			t.Errorf("%s: malformed kinds %v, malformed %d", ss.Name, ss.MalformedKinds, ss.Malformed)
		}
	}

	// Distribution: shares from the brief, with sampling slack.
	var ents float64
	for _, c := range s.EntitiesBySources[1:] {
		ents += float64(c)
	}
	for i, want := range []float64{0.45, 0.35, 0.20} {
		if got := float64(s.EntitiesBySources[i+1]) / ents; math.Abs(got-want) > 0.02 {
			t.Errorf("entities in %d sources: %.3f, want about %.2f", i+1, got, want)
		}
	}
	if got := float64(s.Superseded) / n; got < 0.03 || got > 0.06 {
		t.Errorf("superseded share %.4f, want about 0.045", got)
	}
	if got := float64(s.Malformed) / n; got < 0.0008 || got > 0.0035 {
		t.Errorf("malformed share %.4f, want about 0.002", got)
	}
	var pairs int64
	byEntity := map[string]int{}
	for _, e := range truth {
		byEntity[e]++
	}
	for _, c := range byEntity {
		pairs += int64(c * (c - 1) / 2)
	}
	if pairs != s.MatchPairs {
		t.Errorf("truth.csv has %d matching pairs, Summary.MatchPairs %d", pairs, s.MatchPairs)
	}

	// Identifiers: a normalised model number or GTIN names one entity, and
	// GTINs have valid check digits.
	modelEntity := map[string]string{}
	gtinEntity := map[string]string{}
	gtins := 0
	for _, r := range rows {
		e, ok := truth[key{r.source, r.id()}]
		if !ok {
			continue
		}
		if m := normModel(r.model()); m != "" {
			if prev, ok := modelEntity[m]; ok && prev != e {
				t.Errorf("%s: model %q names %s and %s", r.pos, r.model(), prev, e)
			}
			modelEntity[m] = e
		}
		if g := r.gtin(); g != "" {
			gtins++
			if !ValidGTIN(g) {
				t.Errorf("%s: invalid GTIN %q", r.pos, g)
			}
			g13 := strings.TrimPrefix(g, "0")
			if len(g) == 12 {
				g13 = "0" + g
			} else if len(g) == 13 {
				g13 = g
			}
			if prev, ok := gtinEntity[g13]; ok && prev != e {
				t.Errorf("%s: GTIN %q names %s and %s", r.pos, g, prev, e)
			}
			gtinEntity[g13] = e
		}
	}
	if gtins == 0 || gtins > n/2 {
		t.Errorf("%d rows carry a GTIN; want some, and a minority", gtins)
	}
}

func normModel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := lower(s[i]); isLetter(c) || isDigit(c) {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestModelNumbersUnique checks at a larger scale that different entities
// never share a normalised model number, overflow prefixes included.
func TestModelNumbersUnique(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	g := newGenerator(Options{Records: 1, FilesPerSource: 1, Seed: 3})
	// Force overflow blocks early by faking used counters.
	for i := range g.ranges {
		if i%7 == 0 {
			g.ranges[i].next = g.ranges[i].capacity - 50
		}
	}
	seen := map[string]int{}
	for e := 0; e < 400_000; {
		g.newFamily()
		for v := 0; v < g.fam.nVar; v++ {
			g.newEntity(v)
			m := normModel(string(g.ent.model))
			if prev, dup := seen[m]; dup {
				t.Fatalf("model %s (%s) of entity %d already used by entity %d", g.ent.model, m, g.entityN, prev)
			}
			seen[m] = g.entityN
			e++
		}
	}
}

// TestPipelineConfig checks pipeline.yaml as YAML, with schemas.Load, and
// maps every row with the configured schemas: valid rows map and pass
// their contract, malformed ones are rejected.
func TestPipelineConfig(t *testing.T) {
	dir := t.TempDir()
	generate(t, Options{Records: 30_000, Seed: 11, Out: dir, FilesPerSource: 2})
	path := filepath.Join(dir, "pipeline.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Sources map[string]map[string]any `yaml:"sources"`
		Schemas map[string]map[string]any `yaml:"schemas"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("pipeline.yaml: %v", err)
	}
	want := map[string][3]any{
		SourceAPI:     {"jsonl", "api/*.jsonl", 1},
		SourcePartner: {"csv", "partner/*.csv", 2},
		SourceLegacy:  {"parquet", "legacy/*.parquet", 3},
	}
	if len(doc.Sources) != len(want) {
		t.Errorf("sources %v", mapsKeys(doc.Sources))
	}
	for name, w := range want {
		s := doc.Sources[name]
		if s["type"] != w[0] || s["location"] != w[1] || s["priority"] != w[2] {
			t.Errorf("source %s = %v, want type, location, priority %v", name, s, w)
		}
	}

	cfg, err := schemas.Load(path)
	if err != nil {
		t.Fatalf("schemas.Load: %v", err)
	}
	truth := readTruth(t, dir)
	mappers := map[string]*schemas.Mapper{}
	for name, src := range cfg.Sources {
		m, err := schemas.NewMapper(src, cfg.Schemas[src.Schema])
		if err != nil {
			t.Fatalf("NewMapper(%s): %v", name, err)
		}
		mappers[name] = m
		matches, _ := filepath.Glob(src.Location)
		if len(matches) != 2 {
			t.Errorf("%s: location %s matches %v", name, src.Location, matches)
		}
	}
	lo := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	rejected := 0
	for _, r := range readRows(t, dir) {
		p, err := mappers[r.source].MapChecked(schemas.RawRecord{Fields: r.fields, Err: r.err, Position: r.pos})
		_, inTruth := truth[key{r.source, r.id()}]
		if err != nil {
			rejected++
			if inTruth {
				t.Errorf("%s: valid row rejected: %v (%v)", r.pos, err, r.fields)
			}
			continue
		}
		if !inTruth {
			t.Errorf("%s: malformed row accepted: %v", r.pos, r.fields)
			continue
		}
		if p.HasPrice && (p.Price <= 0 || !slices.Contains([]string{"USD", "EUR", "GBP"}, p.Currency)) {
			t.Errorf("%s: price %v %q", r.pos, p.Price, p.Currency)
		}
		if p.UpdatedAt < lo || p.UpdatedAt >= hi {
			t.Errorf("%s: updated_at %v", r.pos, time.UnixMicro(p.UpdatedAt).UTC())
		}
		if p.GTIN != "" && !ValidGTIN(p.GTIN) {
			t.Errorf("%s: GTIN %q", r.pos, p.GTIN)
		}
	}
	if rejected == 0 {
		t.Error("no row was rejected; the dead-letter path gets no work")
	}
}

func TestExactRecordCounts(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 10, 101, 999} {
		dir := t.TempDir()
		s := generate(t, Options{Records: n, Seed: uint64(n), Out: dir, FilesPerSource: 2})
		rows := readRows(t, dir)
		if s.Records != n || len(rows) != n {
			t.Errorf("Records %d: summary %d, read %d", n, s.Records, len(rows))
		}
	}
}

func TestStaleShardsRemoved(t *testing.T) {
	dir := t.TempDir()
	generate(t, Options{Records: 500, Seed: 1, Out: dir, FilesPerSource: 4})
	keep := filepath.Join(dir, "api", "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := generate(t, Options{Records: 500, Seed: 1, Out: dir, FilesPerSource: 2})
	for _, src := range s.Sources {
		got, _ := filepath.Glob(filepath.Join(dir, src.Name, "part-*"))
		if len(got) != 2 || len(src.Files) != 2 {
			t.Errorf("%s: files %v, summary %v", src.Name, got, src.Files)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not a shard was removed: %v", err)
	}
	if len(readRows(t, dir)) != 500 {
		t.Error("rows of the old run are still visible")
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{
		{Records: 0, Out: t.TempDir()},
		{Records: 10},
		{Records: 10, Out: t.TempDir(), FilesPerSource: -1},
	} {
		if _, err := Generate(o); err == nil {
			t.Errorf("Generate(%+v) succeeded", o)
		}
	}
	// Out is a file: an error, not a panic.
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Generate(Options{Records: 10, Out: f}); err == nil {
		t.Error("Generate into a file succeeded")
	}
}

func TestGTINCheckDigit(t *testing.T) {
	for _, s := range []string{"4006381333931", "0012345678905", "012345678905", "00012345678905", "96385074"} {
		if !ValidGTIN(s) {
			t.Errorf("ValidGTIN(%q) = false", s)
		}
	}
	for _, s := range []string{"4006381333932", "40063813339", "400638133393x", ""} {
		if ValidGTIN(s) {
			t.Errorf("ValidGTIN(%q) = true", s)
		}
	}
}

func TestMoneyFormats(t *testing.T) {
	for _, c := range []struct {
		cents      int64
		sep, group byte
		want       string
	}{
		{129900, '.', ',', "1,299.00"},
		{6971, '.', 0, "69.71"},
		{129900, ',', '.', "1.299,00"},
		{123456789, '.', ',', "1,234,567.89"},
		{5, '.', ',', "0.05"},
	} {
		if got := string(appendMoney(nil, c.cents, c.sep, c.group)); got != c.want {
			t.Errorf("appendMoney(%d) = %q, want %q", c.cents, got, c.want)
		}
	}
}

// TestLarge measures a big run: go test -run TestLarge -large 1000000.
func TestLarge(t *testing.T) {
	if *largeRecords == 0 {
		t.Skip("set -large N to run")
	}
	out := *largeOut
	if out == "" {
		out = t.TempDir()
	}
	start := time.Now()
	s, err := Generate(Options{Records: *largeRecords, Seed: 1, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	b, _ := json.MarshalIndent(s, "", "  ")
	t.Logf("%d records in %v (%.0f records/s)\n%s", s.Records, el, float64(s.Records)/el.Seconds(), b)
	if s.Records != *largeRecords {
		t.Errorf("wrote %d records", s.Records)
	}
}

func BenchmarkGenerate(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	var err error
	for b.Loop() {
		_, err = Generate(Options{Records: n, Seed: 1, Out: dir})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func TestScatter(t *testing.T) {
	// A bijection on small spaces...
	for _, m := range []uint64{1, 2, 24 * 24 * 100, 1_000_000} {
		a := coprimeMultiplier(splitmix64(m), m)
		seen := make([]bool, m)
		for i := uint64(0); i < m; i++ {
			x := scatter(a, i, 12345, m)
			if seen[x] {
				t.Fatalf("m=%d: scatter not a bijection at %d", m, i)
			}
			seen[x] = true
		}
	}
	// ...and exact where a*i overflows 64 bits.
	m := idSpace[srcAPI]
	a := coprimeMultiplier(0xfeedface, m)
	for _, i := range []uint64{0, 1, 20_000_000, 123_456_789_012, m - 1} {
		want := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(i))
		want.Add(want, big.NewInt(77)).Mod(want, new(big.Int).SetUint64(m))
		if got := scatter(a, i, 77, m); got != want.Uint64() {
			t.Errorf("scatter(%d) = %d, want %d", i, got, want)
		}
	}
}

// TestNoCodes: the same seed without codes writes the same rows less every
// model number and GTIN, in fields, titles and descriptions alike.
func TestNoCodes(t *testing.T) {
	withDir, withoutDir := t.TempDir(), t.TempDir()
	generate(t, Options{Records: 3000, Seed: 11, Out: withDir})
	generate(t, Options{Records: 3000, Seed: 11, Out: withoutDir, NoCodes: true})
	with, without := readRows(t, withDir), readRows(t, withoutDir)
	if len(with) != len(without) {
		t.Fatalf("%d rows with codes, %d without", len(with), len(without))
	}
	models := map[string]bool{}
	for _, r := range with {
		if m := normModel(r.model()); len(m) >= 4 {
			models[m] = true
		}
	}
	if len(models) < 100 {
		t.Fatalf("only %d model numbers in the catalogue with codes", len(models))
	}
	holdsModel := func(r row) (string, bool) {
		for k, v := range r.fields {
			for _, tok := range strings.FieldsFunc(v, func(c rune) bool { return strings.ContainsRune(" ,()/", c) }) {
				if models[normModel(tok)] {
					return k, true
				}
			}
		}
		return "", false
	}
	inText := 0
	for _, r := range with {
		if k, ok := holdsModel(r); ok && k != "mpn" && k != "model" && k != "part_number" {
			inText++
		}
	}
	if inText < len(with)/4 {
		t.Fatalf("only %d of %d rows with codes spell one in a title or description", inText, len(with))
	}
	for i, r := range without {
		if r.id() != with[i].id() {
			t.Fatalf("%s: id %q, with codes %q", r.pos, r.id(), with[i].id())
		}
		if r.model() != "" || r.gtin() != "" {
			t.Fatalf("%s: model %q, gtin %q without codes", r.pos, r.model(), r.gtin())
		}
		if k, ok := holdsModel(r); ok {
			t.Fatalf("%s: field %s holds a model number without codes: %q", r.pos, k, r.fields[k])
		}
	}
}

// TestChangeTitles: the next day's feed changes about the share asked of
// one source's titles, by appending " - Renewed", and nothing else: the
// other sources' rows, every other value and the truth stay the same.
func TestChangeTitles(t *testing.T) {
	dayOne, dayTwo := t.TempDir(), t.TempDir()
	generate(t, Options{Records: 6000, Seed: 11, Out: dayOne})
	generate(t, Options{Records: 6000, Seed: 11, Out: dayTwo, ChangeTitles: 0.05, ChangeSource: SourcePartner})
	before, after := readRows(t, dayOne), readRows(t, dayTwo)
	if len(before) != len(after) {
		t.Fatalf("%d rows on day one, %d on day two", len(before), len(after))
	}
	partner, changed := 0, 0
	for i, b := range before {
		a := after[i]
		if b.source == SourcePartner && b.err == nil {
			partner++
		}
		for k, v := range b.fields {
			if a.fields[k] == v {
				continue
			}
			if b.source != SourcePartner || k != "item_title" || a.fields[k] != v+" - Renewed" {
				t.Fatalf("%s: %s %q became %q", b.pos, k, v, a.fields[k])
			}
			changed++
		}
	}
	if share := float64(changed) / float64(partner); share < 0.03 || share > 0.07 {
		t.Errorf("%d of %d partner titles changed (%.3f), want about 0.05", changed, partner, share)
	}
	one, err := os.ReadFile(filepath.Join(dayOne, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	two, err := os.ReadFile(filepath.Join(dayTwo, "truth.csv"))
	if err != nil || !bytes.Equal(one, two) {
		t.Fatalf("truth differs (%v)", err)
	}
	if _, err := Generate(Options{Records: 10, Out: t.TempDir(), ChangeTitles: 0.1, ChangeSource: "shop"}); err == nil {
		t.Error("an unknown ChangeSource was accepted")
	}
}
