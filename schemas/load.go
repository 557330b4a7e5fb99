package schemas

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads a job configuration from a YAML file; see Parse.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading config: %w", err)
	}
	return Parse(data, path)
}

// Parse parses a job configuration. file names the configuration in error
// messages and anchors relative source locations; it may be empty.
//
// Unknown keys, values of the wrong type and invalid settings are all
// reported together, joined with errors.Join; each is a *ConfigError
// naming the file, line and key path, in file order:
//
//	demo.yaml:12: sources.shop.csv: unknown key "delimter"
//	demo.yaml:30: schemas.items_v2.fields.price: unknown unified field "cost" (want id, title, ...)
//
// On success the configuration has its defaults applied (see the field
// docs) and relative source locations resolved against file's directory.
func Parse(data []byte, file string) (*Config, error) {
	ch := newChecker(file)
	root, err := parseYAML(data)
	if err != nil {
		ch.yamlError(err)
		return nil, ch.err()
	}
	var c Config
	ch.decode(root, reflect.ValueOf(&c).Elem(), "")
	c.File = file
	ch.config(&c)
	if err := ch.err(); err != nil {
		return nil, err
	}
	c.applyDefaults()
	c.resolveLocations()
	return &c, nil
}

func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, errors.New("empty configuration")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("yaml: line %d: more than one YAML document", extra.Line)
	}
	return doc.Content[0], nil
}

// checker decodes a yaml.Node tree into the config structs and validates
// them, collecting every problem with its position.
type checker struct {
	file  string
	lines map[string]int  // key path -> line of its key; nil for configs built in code
	bad   map[string]bool // paths whose value failed to decode; not validated again
	errs  []*ConfigError
}

func newChecker(file string) *checker {
	return &checker{file: file, lines: map[string]int{}, bad: map[string]bool{}}
}

func (ch *checker) errorAt(line int, path, format string, args ...any) {
	ch.errs = append(ch.errs, &ConfigError{File: ch.file, Line: line, Path: path, Err: fmt.Errorf(format, args...)})
}

// errorf reports a problem at path, at the line of path or of its nearest
// ancestor, unless decoding already failed there.
func (ch *checker) errorf(path, format string, args ...any) {
	for q := path; q != ""; q = parentPath(q) {
		if ch.bad[q] {
			return
		}
	}
	ch.errorAt(ch.lineOf(path), path, format, args...)
}

func (ch *checker) lineOf(path string) int {
	for q := path; q != ""; q = parentPath(q) {
		if l, ok := ch.lines[q]; ok {
			return l
		}
	}
	return 0
}

// parentPath strips the last ".key" or "[i]" of a key path.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// err returns the collected problems in file order, joined.
func (ch *checker) err() error {
	if len(ch.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(ch.errs, func(a, b *ConfigError) int { return cmp.Compare(a.Line, b.Line) })
	errs := make([]error, len(ch.errs))
	for i, e := range ch.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// yamlError turns yaml.v3's "yaml: line 3: ..." syntax errors into a
// ConfigError with the line split out.
func (ch *checker) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, text
			}
		}
	}
	ch.errs = append(ch.errs, &ConfigError{File: ch.file, Line: line, Err: errors.New(msg)})
}

// shortForm is implemented by config values that YAML may give as a bare
// string: FieldMapping ("product_id: id") and BlockingRuleConfig ("- gtin").
type shortForm interface{ setShort(string) }

func (m *FieldMapping) setShort(s string)       { *m = FieldMapping{To: s} }
func (r *BlockingRuleConfig) setShort(s string) { *r = BlockingRuleConfig{Rule: s} }

// decode stores n into v, rejecting unknown keys and mistyped values.
func (ch *checker) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // "key:" with no value leaves the zero value (the default)
	}
	switch v.Kind() {
	case reflect.Struct:
		if sf, ok := v.Addr().Interface().(shortForm); ok {
			if n.Kind == yaml.ScalarNode {
				sf.setShort(n.Value)
				return
			}
			if n.Kind != yaml.MappingNode {
				ch.typeError(n, path, "a name or a mapping")
				return
			}
		}
		if n.Kind != yaml.MappingNode {
			ch.typeError(n, path, "a mapping")
			return
		}
		fields := yamlFields(v.Type())
		for _, kv := range ch.pairs(n, path) {
			i, ok := fields[kv.key.Value]
			if !ok {
				ch.errorAt(kv.key.Line, path, "unknown key %q", kv.key.Value)
				continue
			}
			p := joinPath(path, kv.key.Value)
			ch.lines[p] = kv.key.Line
			ch.decode(kv.value, v.Field(i), p)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			ch.typeError(n, path, "a mapping")
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for _, kv := range ch.pairs(n, path) {
			p := joinPath(path, kv.key.Value)
			ch.lines[p] = kv.key.Line
			elem := reflect.New(v.Type().Elem()).Elem()
			ch.decode(kv.value, elem, p)
			v.SetMapIndex(reflect.ValueOf(kv.key.Value), elem)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			ch.typeError(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			ch.lines[p] = item.Line
			ch.decode(item, s.Index(i), p)
		}
		v.Set(s)
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		ch.decode(n, e.Elem(), path)
		if !ch.bad[path] {
			v.Set(e)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			ch.typeError(n, path, "a string")
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		var i int
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
			ch.typeError(n, path, "an integer")
			return
		}
		v.SetInt(int64(i))
	case reflect.Float64:
		var f float64
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&f) != nil {
			ch.typeError(n, path, "a number")
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			ch.typeError(n, path, "true or false")
			return
		}
		v.SetBool(b)
	default:
		panic(fmt.Sprintf("schemas: config field %s has unsupported type %s", path, v.Type()))
	}
}

func (ch *checker) typeError(n *yaml.Node, path, want string) {
	var got string
	switch n.Kind {
	case yaml.MappingNode:
		got = "a mapping"
	case yaml.SequenceNode:
		got = "a list"
	default:
		got = strconv.Quote(n.Value)
	}
	ch.bad[path] = true
	ch.errorAt(n.Line, path, "expected %s, got %s", want, got)
}

type pair struct{ key, value *yaml.Node }

// pairs returns a mapping's key/value pairs with merge keys ("<<: *base")
// expanded, reporting duplicate and non-string keys.
func (ch *checker) pairs(n *yaml.Node, path string) []pair {
	var own, merged []pair
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, ch.mergeSources(val, path)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			ch.errorAt(k.Line, path, "keys must be strings")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			ch.errorAt(k.Line, path, "duplicate key %q (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		own = append(own, pair{k, val})
	}
	// Own keys override merged ones; earlier merge sources win over later.
	var out []pair
	for _, p := range merged {
		if _, dup := seen[p.key.Value]; !dup {
			seen[p.key.Value] = p.key.Line
			out = append(out, p)
		}
	}
	return append(out, own...)
}

func (ch *checker) mergeSources(val *yaml.Node, path string) []pair {
	for val.Kind == yaml.AliasNode {
		val = val.Alias
	}
	switch val.Kind {
	case yaml.MappingNode:
		return ch.pairs(val, path)
	case yaml.SequenceNode:
		var out []pair
		for _, item := range val.Content {
			out = append(out, ch.mergeSources(item, path)...)
		}
		return out
	}
	ch.errorAt(val.Line, path, "merge key needs a mapping or a list of mappings")
	return nil
}

// yamlFields maps yaml tag names of t's fields to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		m[name] = i
	}
	return m
}

// UnmarshalYAML accepts a bare unified field name ("id") or a mapping
// {to, transforms, format, currency, minor_units}, rejecting unknown keys.
func (m *FieldMapping) UnmarshalYAML(n *yaml.Node) error {
	var v FieldMapping
	ch := newChecker("")
	ch.decode(n, reflect.ValueOf(&v).Elem(), "")
	if err := ch.err(); err != nil {
		return err
	}
	*m = v
	return nil
}

// UnmarshalYAML accepts a bare rule name ("gtin") or a mapping
// {rule, tokens, bands, rows, min_len}, rejecting unknown keys.
func (r *BlockingRuleConfig) UnmarshalYAML(n *yaml.Node) error {
	var v BlockingRuleConfig
	ch := newChecker("")
	ch.decode(n, reflect.ValueOf(&v).Elem(), "")
	if err := ch.err(); err != nil {
		return err
	}
	*r = v
	return nil
}
