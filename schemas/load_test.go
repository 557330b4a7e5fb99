package schemas

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/linkbeam/linkbeam/matchers"
)

// TestLoadTestdata loads every testdata/*.yaml. A file's "# want: " lines
// are its expected errors, in order; a file without any must load.
func TestLoadTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want := wantLines(t, file)
			_, err := Load(file)
			if len(want) == 0 {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want:\n%s", strings.Join(want, "\n"))
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
				t.Errorf("Load errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T holds no *ConfigError", err)
			}
		})
	}
}

func wantLines(t *testing.T, file string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if w, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
			want = append(want, w)
		}
	}
	return want
}

func TestParseValidFull(t *testing.T) {
	c, err := Load("testdata/valid_full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.SourceNames(), []string{"api", "archive", "feed", "shop"}; !slices.Equal(got, want) {
		t.Errorf("SourceNames = %v, want %v", got, want)
	}
	shop := c.Sources["shop"]
	if shop.Name != "shop" || shop.Location != mustAbs(t, "testdata/data/shop-*.csv") ||
		shop.CSV != (CSVOptions{Encoding: "latin1", Delimiter: ";", Comment: "#"}) || shop.Priority != 100 {
		t.Errorf("shop = %+v", shop)
	}
	if loc := c.Sources["archive"].Location; loc != "gs://bucket/archive/*.parquet" {
		t.Errorf("archive location = %q, want it untouched", loc)
	}
	if loc := c.Sources["feed"].Location; loc != "/abs/feed.jsonl" {
		t.Errorf("feed location = %q, want it untouched", loc)
	}
	wantREST := RESTOptions{Pagination: "offset", PageParam: "offset", SizeParam: "limit", PageSize: 100,
		CursorParam: "cursor", CursorField: "next_cursor", ItemsField: "items", TokenEnv: "API_TOKEN",
		Timeout: "2m", MaxRetries: 5, RateLimit: 2.5}
	if api := c.Sources["api"]; api.REST != wantREST || api.REST.TimeoutDuration() != 2*time.Minute {
		t.Errorf("api.rest = %+v, want %+v", api.REST, wantREST)
	}
	// The merge key brings in the base fields; own keys override.
	wantLegacy := map[string]FieldMapping{
		"id":      {To: "id"},
		"name":    {To: "title"},
		"price":   {To: "price", Currency: "GBP"},
		"changed": {To: "updated_at", Format: "2006-01-02"},
	}
	if got := c.Schemas["legacy"].Fields; !reflect.DeepEqual(got, wantLegacy) {
		t.Errorf("legacy fields = %+v, want %+v", got, wantLegacy)
	}
	wantRules := []BlockingRuleConfig{{Rule: "gtin"}, {Rule: "title_lsh", Bands: 16, Rows: 4}, {Rule: "brand_title", Tokens: 2}}
	if got := c.Matching.Blocking.Rules; !slices.Equal(got, wantRules) {
		t.Errorf("rules = %+v, want %+v", got, wantRules)
	}
	ct := c.Schemas["common"].Contract
	if *ct.MinPrice != 0.01 || *ct.MaxPrice != 10000 || !slices.Equal(ct.Required, []string{"id", "title", "price"}) {
		t.Errorf("common contract = %+v", ct)
	}
}

// TestDefaults spells out the whole configuration a minimal file yields.
func TestDefaults(t *testing.T) {
	const src = `
sources:
  shop: {type: csv, location: shop.csv, schema: s}
schemas:
  s:
    fields: {sku: id, name: title}
`
	c, err := Parse([]byte(src), "conf/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	zero := 0.0
	want := &Config{
		File: "conf/job.yaml",
		Sources: map[string]SourceConfig{"shop": {
			Name: "shop", Type: "csv", Location: mustAbs(t, "conf/shop.csv"), Schema: "s", Priority: 100,
			CSV: CSVOptions{Encoding: "utf-8", Delimiter: ","},
		}},
		Schemas: map[string]SchemaConfig{"s": {
			Name:     "s",
			Fields:   map[string]FieldMapping{"sku": {To: "id"}, "name": {To: "title"}},
			Contract: ContractConfig{Required: []string{"id", "title"}, MinPrice: &zero},
		}},
		Matching: MatchingConfig{
			Model: "default",
			Blocking: BlockingConfig{
				Rules: []BlockingRuleConfig{
					{Rule: "model_number"}, {Rule: "gtin"},
					{Rule: "brand_title", Tokens: 2}, {Rule: "title_words_lsh", Bands: 12, Rows: 4}, {Rule: "title_rare_words", MinLen: 3},
				},
				MaxBlockSize: 20, Window: 6,
			},
			Clustering: ClusteringConfig{MaxClusterSize: 50, MinLinkage: new(0.5), ConfirmedFirst: new(true)},
		},
		Survivorship: SurvivorshipConfig{Default: []string{"source_priority", "most_complete", "most_recent"}},
		Output:       OutputConfig{Compression: "snappy"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", c, want)
	}
	// Defaults are copies: changing one config leaves the next alone.
	c.Matching.Blocking.Rules[0].Rule = "changed"
	c2, _ := Parse([]byte(src), "")
	if c2.Matching.Blocking.Rules[0].Rule != "model_number" {
		t.Error("default blocking rules are shared between configs")
	}
	if c2.Sources["shop"].Location != "shop.csv" {
		t.Errorf("without a file name locations stay as written, got %q", c2.Sources["shop"].Location)
	}
	remote, err := Parse([]byte(src), "gs://bucket/conf/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if loc := remote.Sources["shop"].Location; loc != "gs://bucket/conf/shop.csv" {
		t.Errorf("a config read from gs:// resolves locations next to it, got %q", loc)
	}
}

func TestParseWithoutFileName(t *testing.T) {
	_, err := Parse([]byte("sources:\n  shop: {type: csv, location: x, schema: s, delimiter: ';'}\n"), "")
	want := "line 2: sources.shop: unknown key \"delimiter\"\n" +
		"line 2: sources.shop.schema: unknown schema \"s\" (none defined)"
	if err == nil || err.Error() != want {
		t.Errorf("Parse error =\n%v\nwant\n%s", err, want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load error = %v, want one wrapping os.ErrNotExist", err)
	}
}

// The short forms also work through plain yaml.Unmarshal.
func TestUnmarshalYAMLShortForms(t *testing.T) {
	var v struct {
		Fields map[string]FieldMapping `yaml:"fields"`
		Rules  []BlockingRuleConfig    `yaml:"rules"`
	}
	src := "fields: {a: id, b: {to: price, currency: EUR, minor_units: true}}\nrules: [gtin, {rule: title_lsh, bands: 4}]\n"
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	if v.Fields["a"].To != "id" || v.Fields["b"].Currency != "EUR" || !v.Fields["b"].MinorUnits ||
		!slices.Equal(v.Rules, []BlockingRuleConfig{{Rule: "gtin"}, {Rule: "title_lsh", Bands: 4}}) {
		t.Errorf("decoded %+v", v)
	}
	err := yaml.Unmarshal([]byte("fields: {a: {to: id, tranforms: [x]}}"), &v)
	if err == nil || err.Error() != `line 1: unknown key "tranforms"` {
		t.Errorf("unknown key error = %v", err)
	}
}

func TestValidateInCode(t *testing.T) {
	c := &Config{
		Sources: map[string]SourceConfig{"shop": {Type: "csv", Location: "x.csv", Schema: "s", Priority: -1}},
		Schemas: map[string]SchemaConfig{"s": {Fields: map[string]FieldMapping{"a": {To: "id"}, "b": {To: "title"}}}},
	}
	err := c.Validate()
	if want := "sources.shop.priority: must be at least 1, got -1"; err == nil || err.Error() != want {
		t.Errorf("Validate = %v, want %q", err, want)
	}
	c.Sources["shop"] = SourceConfig{Type: "csv", Location: "x.csv", Schema: "s"} // priority 0 = unset here
	if err := c.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
}

// TestBlockingDefaultsAreTheRules keeps the parameters config writes out
// (rules omitted, or a rule written bare) equal to the rules' own defaults
// in matchers, so a job config and a rule built in code block alike.
func TestBlockingDefaultsAreTheRules(t *testing.T) {
	var bare []string
	for _, name := range matchers.BlockingRuleNames {
		bare = append(bare, "      - "+name)
	}
	for _, rules := range []string{"", "  blocking:\n    rules:\n" + strings.Join(bare, "\n") + "\n"} {
		src := "sources: {shop: {type: csv, location: shop.csv, schema: s}}\n" +
			"schemas: {s: {fields: {sku: id, name: title}}}\nmatching:\n  threshold: 0.5\n" + rules
		c, err := Parse([]byte(src), "job.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if rules == "" && len(c.Matching.Blocking.Rules) != len(matchers.DefaultBlockingRules) {
			t.Fatalf("default rules %+v, want %+v", c.Matching.Blocking.Rules, matchers.DefaultBlockingRules)
		}
		for i, r := range c.Matching.Blocking.Rules {
			got, err := matchers.ParseBlockingRule(matchers.BlockingRuleSpec{Rule: r.Rule, Tokens: r.Tokens, Bands: r.Bands, Rows: r.Rows, MinLen: r.MinLen})
			if err != nil {
				t.Fatal(err)
			}
			own, _ := matchers.ParseBlockingRule(matchers.BlockingRuleSpec{Rule: r.Rule})
			if got.Name() != own.Name() {
				t.Errorf("rules[%d] %+v: config gives %s, the rule's default is %s", i, r, got.Name(), own.Name())
			}
			if rules == "" && r.Rule != matchers.DefaultBlockingRules[i].Rule {
				t.Errorf("default rules[%d] = %s, want %s", i, r.Rule, matchers.DefaultBlockingRules[i].Rule)
			}
		}
	}
}

func TestMinLinkage(t *testing.T) {
	for _, tt := range []struct {
		set  *float64
		want float64
		err  string
	}{
		{nil, 0.5, ""},      // on by default
		{new(0.0), 0, ""},   // 0 turns it off and is not replaced by the default
		{new(0.7), 0.7, ""}, // kept
		{new(1.5), 0, "matching.clustering.min_linkage: must be between 0 and 1, got 1.5"},
	} {
		c := &Config{
			Sources:  map[string]SourceConfig{"shop": {Type: "csv", Location: "x.csv", Schema: "s"}},
			Schemas:  map[string]SchemaConfig{"s": {Fields: map[string]FieldMapping{"a": {To: "id"}, "b": {To: "title"}}}},
			Matching: MatchingConfig{Clustering: ClusteringConfig{MinLinkage: tt.set}},
		}
		err := c.Validate()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("min_linkage %v: Validate = %v, want %q", *tt.set, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Validate = %v", err)
		}
		c.applyDefaults()
		if got := *c.Matching.Clustering.MinLinkage; got != tt.want {
			t.Errorf("min_linkage %v: %v after defaults, want %v", tt.set, got, tt.want)
		}
	}
}

func TestConfirmedFirst(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		want bool
	}{
		{"", true}, // on by default
		{"matching: {clustering: {confirmed_first: false}}\n", false},
		{"matching: {clustering: {confirmed_first: true}}\n", true},
	} {
		c, err := Parse([]byte(`sources: {shop: {type: csv, location: x.csv, schema: s}}
schemas: {s: {fields: {a: id, b: title}}}
`+tt.yaml), "job.yaml")
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if got := c.Matching.Clustering.CodesFirst(); got != tt.want {
			t.Errorf("%q: CodesFirst = %v, want %v", tt.yaml, got, tt.want)
		}
	}
	if !(ClusteringConfig{}).CodesFirst() {
		t.Error("a config built in code: CodesFirst = false, want the default true")
	}
}

// TestOnePerSourceDefault: two sources link two catalogues, one record of
// each per product; other counts dedupe feeds; a written value wins.
func TestOnePerSourceDefault(t *testing.T) {
	for _, tt := range []struct {
		sources, setting string
		want             bool
	}{
		{"a: {type: csv, location: a.csv, schema: s}", "", false},
		{"a: {type: csv, location: a.csv, schema: s}, b: {type: csv, location: b.csv, schema: s}", "", true},
		{"a: {type: csv, location: a.csv, schema: s}, b: {type: csv, location: b.csv, schema: s}", "false", false},
		{"a: {type: csv, location: a.csv, schema: s}, b: {type: csv, location: b.csv, schema: s}, c: {type: csv, location: c.csv, schema: s}", "", false},
		{"a: {type: csv, location: a.csv, schema: s}, b: {type: csv, location: b.csv, schema: s}, c: {type: csv, location: c.csv, schema: s}", "true", true},
	} {
		src := "sources: {" + tt.sources + "}\nschemas: {s: {fields: {sku: id, name: title}}}\n"
		if tt.setting != "" {
			src += "matching: {clustering: {one_per_source: " + tt.setting + "}}\n"
		}
		c, err := Parse([]byte(src), "job.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Matching.Clustering.OnePerSource; got != tt.want {
			t.Errorf("sources {%s}, one_per_source %q: %v, want %v", tt.sources, tt.setting, got, tt.want)
		}
	}
}

// TestDefaultClustering: the rule of a config without a clustering
// section, as evaluate uses it for a run it has no config of.
func TestDefaultClustering(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		c := DefaultClustering(n)
		if c.MaxClusterSize != 50 || c.OnePerSource != (n == 2) || c.Linkage() != 0.5 || !c.CodesFirst() {
			t.Errorf("DefaultClustering(%d) = %+v", n, c)
		}
	}
}
