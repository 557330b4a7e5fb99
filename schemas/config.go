package schemas

import (
	"fmt"
	"maps"
	"math"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/internal/textenc"
	"github.com/linkbeam/linkbeam/matchers"
)

// Config is a linkbeam job configuration, loaded from YAML by Load or
// Parse, which validate it and apply the defaults documented on the fields.
type Config struct {
	Sources      map[string]SourceConfig `yaml:"sources"`
	Schemas      map[string]SchemaConfig `yaml:"schemas"`
	Matching     MatchingConfig          `yaml:"matching"`
	Survivorship SurvivorshipConfig      `yaml:"survivorship"`
	Output       OutputConfig            `yaml:"output"`
	Sink         SinkConfig              `yaml:"sink"`

	// File is the path the config was loaded from; relative source
	// locations are resolved against its directory.
	File string `yaml:"-"`
}

// SourceConfig describes one input feed.
type SourceConfig struct {
	Name      string `yaml:"-"`         // the key in Config.Sources
	Type      string `yaml:"type"`      // csv | jsonl | json | parquet | avro | rest_api
	Location  string `yaml:"location"`  // path, glob, gs:// or s3:// URL (file types)
	URL       string `yaml:"url"`       // rest_api only
	Schema    string `yaml:"schema"`    // key in Config.Schemas
	Priority  int    `yaml:"priority"`  // lower wins in source_priority survivorship; at least 1, default 100
	Frequency string `yaml:"frequency"` // hourly | daily | weekly | "" (unscheduled)
	// MaxRejectRatio fails the job when more than this share of the
	// source's records is rejected; 0 disables the check. At most 1.
	MaxRejectRatio float64 `yaml:"max_reject_ratio"`

	CSV  CSVOptions  `yaml:"csv"`  // type csv only
	JSON JSONOptions `yaml:"json"` // types json and jsonl only
	REST RESTOptions `yaml:"rest"` // type rest_api only
}

// CSVOptions configure the csv reader.
type CSVOptions struct {
	Encoding  string `yaml:"encoding"`  // utf-8 (default), latin-1 or windows-1252; aliases in textenc
	Delimiter string `yaml:"delimiter"` // one character; default ","
	Comment   string `yaml:"comment"`   // one character; default none
	NoHeader  bool   `yaml:"no_header"` // then columns are named col1, col2, ...
}

// JSONOptions configure the jsonl and json readers.
type JSONOptions struct {
	Encoding string `yaml:"encoding"` // as CSVOptions.Encoding
	// RecordsPath is the dotted path of the record array inside a json
	// document ("data.items"); empty means the document is the array.
	RecordsPath string `yaml:"records_path"`
}

// RESTOptions configure the rest_api reader.
type RESTOptions struct {
	Pagination  string  `yaml:"pagination"`   // page | offset | cursor | none (default)
	PageParam   string  `yaml:"page_param"`   // default "page" (offset: "offset")
	SizeParam   string  `yaml:"size_param"`   // default "page_size" (offset: "limit")
	PageSize    int     `yaml:"page_size"`    // default 100
	CursorParam string  `yaml:"cursor_param"` // default "cursor"
	CursorField string  `yaml:"cursor_field"` // response field with the next cursor; default "next_cursor"
	ItemsField  string  `yaml:"items_field"`  // dotted path of the record array; default "items"
	TokenEnv    string  `yaml:"token_env"`    // environment variable holding a bearer token
	Timeout     string  `yaml:"timeout"`      // per request, Go duration; default "30s"
	MaxRetries  int     `yaml:"max_retries"`  // default 5
	RateLimit   float64 `yaml:"rate_limit"`   // requests per second; 0 = unlimited
}

// SchemaConfig maps a source schema onto the unified Product.
type SchemaConfig struct {
	Name     string                  `yaml:"-"`
	Fields   map[string]FieldMapping `yaml:"fields"` // source field -> mapping
	Contract ContractConfig          `yaml:"contract"`
}

// FieldMapping maps one source field to a unified field. In YAML it is
// either a bare unified field name or {to: ..., transforms: [...]}.
//
// Values are always trimmed first, then transformed in the listed order:
// trim, lower, upper, collapse_spaces, digits, strip_html. A price target
// is parsed with ParsePrice and updated_at with ParseTimestamp; the price
// and timestamp transforms only say so explicitly and are allowed on those
// targets alone. gtin values keep their digits only.
type FieldMapping struct {
	To         string   `yaml:"to"` // unified field, see UnifiedFields
	Transforms []string `yaml:"transforms"`
	// Format is the time layout of updated_at (Go layout, "02/01/2006
	// 15:04"); empty accepts RFC 3339, dates and Unix times, see
	// ParseTimestamp.
	Format string `yaml:"format"`
	// Currency is assumed for prices that carry no currency sign or code;
	// price targets only.
	Currency string `yaml:"currency"`
	// MinorUnits says the price is a whole number of the currency's minor
	// unit (cents): it is divided by 10 to the power of the ISO 4217
	// exponent, so 1299 is 12.99 in USD, 1299 in JPY and 1.299 in KWD. The
	// currency is the record's mapped currency field when it has one, else
	// Currency; one of them must be configured. Negative or non-integer
	// values are rejected. Price targets only.
	MinorUnits bool `yaml:"minor_units"`
}

// ContractConfig is a source schema's data contract.
type ContractConfig struct {
	Required   []string `yaml:"required"`   // unified fields; default [id, title]
	MinPrice   *float64 `yaml:"min_price"`  // default 0
	MaxPrice   *float64 `yaml:"max_price"`  // default none
	Currencies []string `yaml:"currencies"` // allowed codes; default: ISO 4217 list
}

// MatchingConfig configures blocking, scoring and clustering.
type MatchingConfig struct {
	Model      string           `yaml:"model"`     // "default" (embedded, the default) or a model.json location
	Threshold  float64          `yaml:"threshold"` // 0 = the model's own threshold; at most 1
	Blocking   BlockingConfig   `yaml:"blocking"`
	Clustering ClusteringConfig `yaml:"clustering"`
}

// BlockingConfig lists blocking rules and bounds block sizes.
type BlockingConfig struct {
	// Rules default to matchers.DefaultBlockingRules: model_number, gtin,
	// {rule: brand_title, tokens: 2} and {rule: title_words_lsh, bands: 12, rows: 4}.
	Rules        []BlockingRuleConfig `yaml:"rules"`
	MaxBlockSize int                  `yaml:"max_block_size"` // default 20
	Window       int                  `yaml:"window"`         // sorted-neighbourhood window for oversized blocks; default 6
}

// BlockingRuleConfig is one blocking rule; in YAML either a bare rule name
// or {rule: ..., tokens: ..., bands: ..., rows: ..., min_len: ...}. Unset
// parameters are 0 and left to the rule, except the defaults below, which
// are the rules' own (matchers.Default*) written out.
type BlockingRuleConfig struct {
	Rule   string `yaml:"rule"`    // model_number | gtin | brand_title | title_tokens | title_lsh | title_words_lsh
	Tokens int    `yaml:"tokens"`  // brand_title: default 2
	Bands  int    `yaml:"bands"`   // title_lsh: default 8; title_words_lsh: default 12
	Rows   int    `yaml:"rows"`    // title_lsh, title_words_lsh: default 4
	MinLen int    `yaml:"min_len"` // minimum key length; 0 = the rule's own
}

// ClusteringConfig bounds clusters.
type ClusteringConfig struct {
	MaxClusterSize int `yaml:"max_cluster_size"` // default 50; 0 after defaults means unlimited
	// OnePerSource keeps at most one record per source in a cluster: the
	// config's one_per_source when written, else on for a config of
	// exactly two sources (linking two catalogues, each of which lists a
	// product once, where a look-alike inside one source would otherwise
	// chain in) and off for one or three and more (deduplicating feeds).
	OnePerSource    bool  `yaml:"-"`
	OnePerSourceSet *bool `yaml:"one_per_source"`
	// MinLinkage is the least mean match probability over the cross pairs
	// of two clusters that may merge (pairs without an accepted edge count
	// 0), so look-alike records cannot chain a product line into one
	// cluster; see matchers.ClusterOptions. Default 0.5; 0 turns it off.
	MinLinkage *float64 `yaml:"min_linkage"`
	// ConfirmedFirst merges the matches whose records share a GTIN or a
	// model number before the others, so that a title-led match to a
	// look-alike cannot take the place of a code-confirmed one; see
	// matchers.ClusterOptions. Default true.
	ConfirmedFirst *bool `yaml:"confirmed_first"`
}

// CodesFirst is ConfirmedFirst, or its default when unset (a config built
// in code).
func (c ClusteringConfig) CodesFirst() bool {
	return c.ConfirmedFirst == nil || *c.ConfirmedFirst
}

// DefaultClustering is the clustering rule of a config over n sources
// that leaves matching.clustering unset.
func DefaultClustering(n int) ClusteringConfig {
	var c ClusteringConfig
	c.applyDefaults(n)
	return c
}

// applyDefaults fills the unset fields for a config over n sources.
func (c *ClusteringConfig) applyDefaults(n int) {
	c.MaxClusterSize = cmpOr(c.MaxClusterSize, 50)
	c.OnePerSource = n == 2
	if c.OnePerSourceSet != nil {
		c.OnePerSource = *c.OnePerSourceSet
	}
	if c.MinLinkage == nil {
		c.MinLinkage = new(defaultMinLinkage)
	}
	if c.ConfirmedFirst == nil {
		c.ConfirmedFirst = new(true)
	}
}

// Linkage is MinLinkage, or its default when unset (a config built in code).
func (c ClusteringConfig) Linkage() float64 {
	if c.MinLinkage == nil {
		return defaultMinLinkage
	}
	return *c.MinLinkage
}

// SurvivorshipConfig chooses each master field from its cluster's records.
type SurvivorshipConfig struct {
	Default []string            `yaml:"default"` // rules tried in order; default [source_priority, most_complete, most_recent]
	Fields  map[string][]string `yaml:"fields"`  // unified field (not id) -> rules
	// Rules: source_priority | most_recent | most_complete | most_frequent.
}

// OutputConfig configures the sinks.
type OutputConfig struct {
	Compression string `yaml:"compression"` // snappy (default) | zstd | none
	// Shards is the number of record shards (Dedupe, Survive and the
	// output files); 0 chooses one per 32 MiB of source files, at least 8
	// (transforms.ShardsFor), so that memory stays bounded by a shard.
	Shards int `yaml:"shards"`
	// WritePairs writes every scored candidate pair to pairs/, for
	// blocking recall, threshold sweeps and explanations. Off by default:
	// at scale candidate pairs outnumber records twenty to one.
	WritePairs bool `yaml:"write_pairs"`
	// Layout is standard (the default, also when empty: masters/, links/,
	// rejected/) or lake: raw/source=S/run_date=D/, processed/,
	// curated/category=C/ (Hive style), links/, rejected/. See
	// transforms/lake.go.
	Layout string `yaml:"layout"`
}

// Output layouts.
const (
	LayoutStandard = "standard"
	LayoutLake     = "lake"
)

// SinkConfig configures where results are published besides the Parquet
// output.
type SinkConfig struct {
	BigQuery *BigQuerySinkConfig `yaml:"bigquery"` // nil: no BigQuery tables
}

// BigQuerySinkConfig loads masters, links and rejected into BigQuery tables
// after the job has committed its Parquet output; see docs/bigquery.md.
type BigQuerySinkConfig struct {
	// Project and Dataset name the target; --output bq://PROJECT.DATASET
	// overrides both. The dataset must exist; tables are created.
	Project string `yaml:"project"`
	Dataset string `yaml:"dataset"`
	// Staging is the gs:// prefix the Parquet load files are committed to
	// when --output is bq://; with --output gs://DIR they go to DIR.
	Staging string `yaml:"staging"`
	// Location is the dataset's location (EU, US, europe-west1); empty
	// means whatever the dataset has. A mismatch fails the load.
	Location string `yaml:"location"`
}

// Validate checks a configuration built in code the way Parse checks a
// file, and returns all problems joined. Zero values count as unset.
func (c *Config) Validate() error {
	ch := &checker{file: c.File}
	ch.config(c)
	return ch.err()
}

// SourceNames returns the source names, sorted.
func (c *Config) SourceNames() []string { return slices.Sorted(maps.Keys(c.Sources)) }

// TimeoutDuration returns Timeout parsed, 30s when unset or invalid.
func (o *RESTOptions) TimeoutDuration() time.Duration {
	if d, err := time.ParseDuration(o.Timeout); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}

// defaultMinLinkage: more likely than not a match, on average over the
// cross pairs of two clusters.
const defaultMinLinkage = 0.5

// Defaults not stated inline in applyDefaults.
var (
	defaultSurvivorship  = []string{"source_priority", "most_complete", "most_recent"}
	defaultBlockingRules = blockingRuleConfigs(matchers.DefaultBlockingRules)
)

func blockingRuleConfigs(specs []matchers.BlockingRuleSpec) []BlockingRuleConfig {
	out := make([]BlockingRuleConfig, len(specs))
	for i, s := range specs {
		out[i] = BlockingRuleConfig{Rule: s.Rule, Tokens: s.Tokens, Bands: s.Bands, Rows: s.Rows, MinLen: s.MinLen}
	}
	return out
}

// applyDefaults fills in names and every default documented on the config
// fields. It is the only place defaults are set, and runs after validation
// so that an explicit zero can still be told from an unset value there.
func (c *Config) applyDefaults() {
	for name, s := range c.Sources {
		s.Name = name
		if s.Priority == 0 {
			s.Priority = 100
		}
		switch s.Type {
		case "csv":
			s.CSV.Encoding = cmpOr(s.CSV.Encoding, "utf-8")
			s.CSV.Delimiter = cmpOr(s.CSV.Delimiter, ",")
		case "json", "jsonl":
			s.JSON.Encoding = cmpOr(s.JSON.Encoding, "utf-8")
		case "rest_api":
			r := &s.REST
			r.Pagination = cmpOr(r.Pagination, "none")
			if r.Pagination == "offset" {
				r.PageParam = cmpOr(r.PageParam, "offset")
				r.SizeParam = cmpOr(r.SizeParam, "limit")
			}
			r.PageParam = cmpOr(r.PageParam, "page")
			r.SizeParam = cmpOr(r.SizeParam, "page_size")
			r.PageSize = cmpOr(r.PageSize, 100)
			r.CursorParam = cmpOr(r.CursorParam, "cursor")
			r.CursorField = cmpOr(r.CursorField, "next_cursor")
			r.ItemsField = cmpOr(r.ItemsField, "items")
			r.Timeout = cmpOr(r.Timeout, "30s")
			r.MaxRetries = cmpOr(r.MaxRetries, 5)
		}
		c.Sources[name] = s
	}
	for name, sch := range c.Schemas {
		sch.Name = name
		if len(sch.Contract.Required) == 0 {
			sch.Contract.Required = slices.Clone(defaultRequired)
		}
		if sch.Contract.MinPrice == nil {
			sch.Contract.MinPrice = new(0.0)
		}
		// Currencies stays nil: the whole ISO 4217 list.
		c.Schemas[name] = sch
	}
	m := &c.Matching
	m.Model = cmpOr(m.Model, "default")
	if len(m.Blocking.Rules) == 0 {
		m.Blocking.Rules = slices.Clone(defaultBlockingRules)
	}
	for i := range m.Blocking.Rules {
		r := &m.Blocking.Rules[i]
		switch r.Rule {
		case "brand_title":
			r.Tokens = cmpOr(r.Tokens, matchers.DefaultBrandTitleTokens)
		case "title_lsh":
			r.Bands = cmpOr(r.Bands, matchers.DefaultLSHBands)
			r.Rows = cmpOr(r.Rows, matchers.DefaultLSHRows)
		case "title_words_lsh":
			r.Bands = cmpOr(r.Bands, matchers.DefaultWordsLSHBands)
			r.Rows = cmpOr(r.Rows, matchers.DefaultLSHRows)
		}
	}
	m.Blocking.MaxBlockSize = cmpOr(m.Blocking.MaxBlockSize, 20)
	m.Blocking.Window = cmpOr(m.Blocking.Window, 6)
	m.Clustering.applyDefaults(len(c.Sources))
	if len(c.Survivorship.Default) == 0 {
		c.Survivorship.Default = slices.Clone(defaultSurvivorship)
	}
	c.Output.Compression = cmpOr(c.Output.Compression, "snappy")
	if bq := c.Sink.BigQuery; bq != nil {
		bq.Staging = strings.TrimRight(bq.Staging, "/")
	}
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// resolveLocations makes relative source locations relative to the
// config file's directory, so a job runs the same from any directory.
func (c *Config) resolveLocations() {
	if c.File == "" {
		return
	}
	// Absolute, because workers (PROCESS, Docker, Dataflow) expand the
	// locations in their own working directory, not the launcher's.
	join := func(loc string) string { return filepath.Join(filepath.Dir(c.File), loc) }
	if i := strings.Index(c.File, "://"); i >= 0 {
		join = func(loc string) string { return c.File[:i+3] + path.Join(path.Dir(c.File[i+3:]), loc) }
	} else if abs, err := filepath.Abs(filepath.Dir(c.File)); err == nil {
		join = func(loc string) string { return filepath.Join(abs, loc) }
	}
	for name, s := range c.Sources {
		if s.Location == "" || strings.Contains(s.Location, "://") || filepath.IsAbs(s.Location) {
			continue
		}
		s.Location = join(s.Location)
		c.Sources[name] = s
	}
}

// Allowed values, in the order error messages list them.
var (
	sourceTypes       = []string{"csv", "jsonl", "json", "parquet", "avro", "rest_api"}
	frequencies       = []string{"hourly", "daily", "weekly"}
	paginations       = []string{"page", "offset", "cursor", "none"}
	blockingRules     = matchers.BlockingRuleNames
	survivorshipRules = []string{"source_priority", "most_recent", "most_complete", "most_frequent"}
	compressions      = []string{"snappy", "zstd", "none"}
	layouts           = []string{LayoutStandard, LayoutLake}
	bqProjectRE       = regexp.MustCompile(`^([a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	bqDatasetRE       = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	sourceNameRE      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// oneOf renders a list of allowed values: "a, b or c".
func oneOf(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

func (ch *checker) config(c *Config) {
	if len(c.Sources) == 0 {
		ch.errorf("sources", "at least one source is required")
	}
	for _, name := range c.SourceNames() {
		ch.source(name, c.Sources[name], c)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
		sch := c.Schemas[name]
		sch.Name = name
		ch.schema(sch, "schemas."+name)
	}
	ch.matching(&c.Matching)
	ch.survivorship(&c.Survivorship)
	o := &c.Output
	if o.Compression != "" && !slices.Contains(compressions, o.Compression) {
		ch.errorf("output.compression", "unknown compression %q (want %s)", o.Compression, oneOf(compressions))
	}
	ch.nonNegative("output.shards", o.Shards)
	if o.Layout != "" && !slices.Contains(layouts, o.Layout) {
		ch.errorf("output.layout", "unknown layout %q (want %s)", o.Layout, oneOf(layouts))
	}
	if bq := c.Sink.BigQuery; bq != nil {
		ch.bigQuery(bq)
		if o.Layout == LayoutLake {
			ch.errorf("sink.bigquery", "not supported with output.layout lake: BigQuery loads the standard masters/ layout")
		}
	}
}

func (ch *checker) bigQuery(bq *BigQuerySinkConfig) {
	p := "sink.bigquery"
	if bq.Project != "" && !bqProjectRE.MatchString(bq.Project) {
		ch.errorf(p+".project", "invalid project id %q", bq.Project)
	}
	if bq.Dataset != "" && !bqDatasetRE.MatchString(bq.Dataset) {
		ch.errorf(p+".dataset", "invalid dataset id %q: want letters, digits and _", bq.Dataset)
	}
	if bq.Staging != "" {
		if u, err := url.Parse(bq.Staging); err != nil || u.Scheme != "gs" || u.Host == "" {
			ch.errorf(p+".staging", "invalid staging location %q: want gs://bucket/prefix (BigQuery loads from Cloud Storage)", bq.Staging)
		}
	}
}

// missing reports a required key that is absent, unless it is present
// but failed to decode.
func (ch *checker) missing(path, key, detail string) {
	if !ch.bad[joinPath(path, key)] {
		ch.errorf(path, "missing required key %q%s", key, detail)
	}
}

func (ch *checker) nonNegative(path string, n int) {
	if n < 0 {
		ch.errorf(path, "must not be negative, got %d", n)
	}
}

func (ch *checker) ratio(path string, f float64) {
	if !(f >= 0 && f <= 1) {
		ch.errorf(path, "must be between 0 and 1, got %v", f)
	}
}

func (ch *checker) source(name string, s SourceConfig, c *Config) {
	p := "sources." + name
	if !sourceNameRE.MatchString(name) {
		ch.errorAt(ch.lineOf(p), "sources", "invalid source name %q: want a lower-case letter, then lower-case letters, digits or _", name)
	}
	isFile := false
	switch s.Type {
	case "":
		ch.missing(p, "type", "")
	case "rest_api":
		if s.URL == "" {
			ch.missing(p, "url", " (type rest_api)")
		} else if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ch.errorf(p+".url", "invalid URL %q: want http:// or https://", s.URL)
		}
		if s.Location != "" {
			ch.errorf(p+".location", "not used by type rest_api (set url)")
		}
	default:
		if !slices.Contains(sourceTypes, s.Type) {
			ch.errorf(p+".type", "unknown type %q (want %s)", s.Type, oneOf(sourceTypes))
			break
		}
		isFile = true
		if s.Location == "" {
			ch.missing(p, "location", " (type "+s.Type+")")
		}
		if s.URL != "" {
			ch.errorf(p+".url", "used only by type rest_api")
		}
	}
	switch _, ok := c.Schemas[s.Schema]; {
	case s.Schema == "":
		ch.missing(p, "schema", "")
	case !ok:
		have := "none defined"
		if len(c.Schemas) > 0 {
			have = "have " + strings.Join(slices.Sorted(maps.Keys(c.Schemas)), ", ")
		}
		ch.errorf(p+".schema", "unknown schema %q (%s)", s.Schema, have)
	}
	// priority: 0 means unset, so a written 0 would silently become 100.
	if _, set := ch.lines[p+".priority"]; s.Priority < 0 || set && s.Priority == 0 {
		ch.errorf(p+".priority", "must be at least 1, got %d", s.Priority)
	}
	if s.Frequency != "" && !slices.Contains(frequencies, s.Frequency) {
		ch.errorf(p+".frequency", "unknown frequency %q (want %s)", s.Frequency, oneOf(frequencies))
	}
	ch.ratio(p+".max_reject_ratio", s.MaxRejectRatio)

	// Options of another type are almost always a mistyped type.
	known := isFile || s.Type == "rest_api"
	if known && s.Type != "csv" && s.CSV != (CSVOptions{}) {
		ch.errorf(p+".csv", "used only by type csv")
	}
	if known && s.Type != "json" && s.Type != "jsonl" && s.JSON != (JSONOptions{}) {
		ch.errorf(p+".json", "used only by types json and jsonl")
	}
	if known && s.Type != "rest_api" && s.REST != (RESTOptions{}) {
		ch.errorf(p+".rest", "used only by type rest_api")
	}
	ch.csv(p+".csv", &s.CSV)
	ch.encoding(p+".json.encoding", s.JSON.Encoding)
	if s.Type == "jsonl" && s.JSON.RecordsPath != "" {
		ch.errorf(p+".json.records_path", "used only by type json")
	}
	ch.rest(p+".rest", &s.REST)
}

func (ch *checker) encoding(path, enc string) {
	if _, err := textenc.Lookup(enc); err != nil {
		ch.errorf(path, "%v", err)
	}
}

func (ch *checker) csv(p string, o *CSVOptions) {
	ch.encoding(p+".encoding", o.Encoding)
	// The same rules as encoding/csv.Reader.
	valid := func(path, s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		if utf8.RuneCountInString(s) != 1 || r == '"' || r == '\r' || r == '\n' || r == 0 || r == utf8.RuneError {
			ch.errorf(path, "must be one character other than quote or newline, got %q", s)
			return false
		}
		return true
	}
	dOK := o.Delimiter == "" || valid(p+".delimiter", o.Delimiter)
	if o.Comment != "" && valid(p+".comment", o.Comment) && dOK && o.Comment == cmpOr(o.Delimiter, ",") {
		ch.errorf(p+".comment", "must differ from the delimiter %q", cmpOr(o.Delimiter, ","))
	}
}

func (ch *checker) rest(p string, o *RESTOptions) {
	if o.Pagination != "" && !slices.Contains(paginations, o.Pagination) {
		ch.errorf(p+".pagination", "unknown pagination %q (want %s)", o.Pagination, oneOf(paginations))
	}
	if o.Timeout != "" {
		if d, err := time.ParseDuration(o.Timeout); err != nil || d <= 0 {
			ch.errorf(p+".timeout", "invalid duration %q: want a positive Go duration such as 30s or 2m", o.Timeout)
		}
	}
	ch.nonNegative(p+".page_size", o.PageSize)
	ch.nonNegative(p+".max_retries", o.MaxRetries)
	if !(o.RateLimit >= 0) || math.IsInf(o.RateLimit, 0) {
		ch.errorf(p+".rate_limit", "must be a non-negative number, got %v", o.RateLimit)
	}
}

// schema checks one schema; NewMapper uses it too. Fields are visited in
// name order so messages come out the same every run.
func (ch *checker) schema(sch SchemaConfig, p string) {
	if len(sch.Fields) == 0 {
		ch.missing(p, "fields", "")
	}
	mapped := make(map[string]string) // unified field -> source field
	for _, from := range slices.Sorted(maps.Keys(sch.Fields)) {
		fm := sch.Fields[from]
		fp := p + ".fields." + from
		if fm.To == "" {
			ch.missing(fp, "to", "")
			continue
		}
		if _, ok := unifiedFieldByName[fm.To]; !ok {
			ch.errorf(fp, "unknown unified field %q (want %s)", fm.To, oneOf(UnifiedFields()))
			continue
		}
		if other, dup := mapped[fm.To]; dup {
			ch.errorf(fp, "%s and %s both map to %s", other, from, fm.To)
		} else {
			mapped[fm.To] = from
		}
		for i, name := range fm.Transforms {
			tp := fmt.Sprintf("%s.transforms[%d]", fp, i)
			switch t, ok := lookupTransform(name); {
			case !ok:
				ch.errorf(tp, "unknown transform %q (want %s)", name, oneOf(transformNames[:]))
			case t == tPrice && fm.To != "price":
				ch.errorf(tp, "transform price applies only to field price")
			case t == tTimestamp && fm.To != "updated_at":
				ch.errorf(tp, "transform timestamp applies only to field updated_at")
			}
		}
		switch {
		case fm.Format != "" && fm.To != "updated_at":
			ch.errorf(fp+".format", "used only for updated_at")
		case fm.Format != "" && time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC).Format(fm.Format) == fm.Format:
			// No layout element was recognised: "dd/mm/yyyy", "%Y-%m-%d".
			ch.errorf(fp+".format", "%q is not a Go time layout (write the reference time, e.g. 02/01/2006 15:04:05)", fm.Format)
		}
		if fm.Currency != "" {
			if fm.To != "price" {
				ch.errorf(fp+".currency", "used only for price")
			} else if code := NormalizeCurrency(fm.Currency, ""); !IsCurrency(code) && !slices.Contains(sch.Contract.Currencies, code) {
				ch.errorf(fp+".currency", "unknown currency %q", fm.Currency)
			} else if _, ok := minorUnitExponent(code); fm.MinorUnits && !ok {
				ch.errorf(fp+".minor_units", "currency %s has no ISO 4217 minor unit", code)
			}
		}
		if fm.MinorUnits {
			if fm.To != "price" {
				ch.errorf(fp+".minor_units", "used only for price")
			} else if fm.Currency == "" && !mapsTo(sch.Fields, "currency") {
				ch.errorf(fp+".minor_units", "needs a currency: set currency on this mapping or map a source field to currency")
			}
		}
	}
	if len(sch.Fields) > 0 {
		for _, f := range defaultRequired {
			if _, ok := mapped[f]; !ok {
				ch.errorf(p+".fields", "no source field maps to %s", f)
			}
		}
	}

	cp := p + ".contract"
	for i, f := range sch.Contract.Required {
		rp := fmt.Sprintf("%s.required[%d]", cp, i)
		if _, ok := unifiedFieldByName[f]; !ok {
			ch.errorf(rp, "unknown unified field %q", f)
		} else if _, ok := mapped[f]; !ok && len(sch.Fields) > 0 && !slices.Contains(defaultRequired, f) {
			// (id and title are reported above already)
			ch.errorf(rp, "%s is required but no source field maps to it", f)
		}
	}
	lo, hi := sch.Contract.MinPrice, sch.Contract.MaxPrice
	for _, b := range []struct {
		key string
		v   *float64
	}{{"min_price", lo}, {"max_price", hi}} {
		if b.v != nil && (math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
			ch.errorf(cp+"."+b.key, "must be a finite number, got %v", *b.v)
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		ch.errorf(cp, "min_price %v is above max_price %v", *lo, *hi)
	}
	for i, code := range sch.Contract.Currencies {
		if len(code) != 3 || strings.ToUpper(code) != code || !isASCIILetter(code[0]) || !isASCIILetter(code[1]) || !isASCIILetter(code[2]) {
			ch.errorf(fmt.Sprintf("%s.currencies[%d]", cp, i), "invalid currency code %q (want three upper-case letters)", code)
		}
	}
}

// mapsTo reports whether a source field maps to the unified field to.
func mapsTo(fields map[string]FieldMapping, to string) bool {
	for _, fm := range fields {
		if fm.To == to {
			return true
		}
	}
	return false
}

// splitJoined returns the errors an errors.Join holds, err itself when it
// is a single error, and none for nil.
func splitJoined(err error) []error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}

func (ch *checker) matching(m *MatchingConfig) {
	ch.ratio("matching.threshold", m.Threshold)
	for i, r := range m.Blocking.Rules {
		rp := fmt.Sprintf("matching.blocking.rules[%d]", i)
		switch {
		case r.Rule == "":
			ch.missing(rp, "rule", "")
		case !slices.Contains(blockingRules, r.Rule):
			ch.errorf(rp, "unknown blocking rule %q (want %s)", r.Rule, oneOf(blockingRules))
		default:
			// The run builds its rules with this same call (transforms.BlockingRules),
			// so a config that validates cannot fail there.
			_, err := matchers.ParseBlockingRule(matchers.BlockingRuleSpec{
				Rule: r.Rule, Tokens: r.Tokens, Bands: r.Bands, Rows: r.Rows, MinLen: r.MinLen})
			for _, e := range splitJoined(err) {
				if pe, ok := e.(*matchers.BlockingParamError); ok && pe.Param != "" {
					ch.errorf(rp+"."+pe.Param, "%s", pe.Problem)
				} else {
					ch.errorf(rp, "%v", e)
				}
			}
		}
	}
	ch.nonNegative("matching.blocking.max_block_size", m.Blocking.MaxBlockSize)
	ch.nonNegative("matching.blocking.window", m.Blocking.Window)
	ch.nonNegative("matching.clustering.max_cluster_size", m.Clustering.MaxClusterSize)
	if m.Clustering.MinLinkage != nil {
		ch.ratio("matching.clustering.min_linkage", *m.Clustering.MinLinkage)
	}
}

func (ch *checker) survivorship(s *SurvivorshipConfig) {
	rules := func(p string, rs []string) {
		for i, r := range rs {
			if !slices.Contains(survivorshipRules, r) {
				ch.errorf(fmt.Sprintf("%s[%d]", p, i), "unknown survivorship rule %q (want %s)", r, oneOf(survivorshipRules))
			}
		}
	}
	rules("survivorship.default", s.Default)
	for _, f := range slices.Sorted(maps.Keys(s.Fields)) {
		fp := "survivorship.fields." + f
		if f == "id" {
			ch.errorAt(ch.lineOf(fp), "survivorship.fields", "id takes no rules: master ids are generated")
			continue
		}
		if _, ok := unifiedFieldByName[f]; !ok {
			ch.errorAt(ch.lineOf(fp), "survivorship.fields", "unknown unified field %q", f)
			continue
		}
		if len(s.Fields[f]) == 0 {
			ch.errorf(fp, "no rules listed")
		}
		rules(fp, s.Fields[f])
	}
}
