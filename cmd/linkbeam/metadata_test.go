package main

// The Flex Template's parameters (runners/dataflow/metadata.json) and the
// CLI's flags must agree: the template launcher passes every parameter to
// the binary as --name=value, and flag parsing fails on a name the binary
// does not define.

import (
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type templateMetadata struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Parameters  []struct {
		Name       string   `json:"name"`
		Label      string   `json:"label"`
		HelpText   string   `json:"helpText"`
		IsOptional *bool    `json:"isOptional"`
		Regexes    []string `json:"regexes"`
	} `json:"parameters"`
}

// templateExamples holds, for every template parameter, values the
// template must accept and values it must refuse. A new parameter needs an
// entry here.
var templateExamples = map[string]struct{ good, bad []string }{
	"config": {
		good: []string{"gs://b/linkbeam/demo.yaml", "s3://bucket-1/a/b.yml"},
		bad:  []string{"", "demo.yaml", "/abs/demo.yaml", "gs://bucket", "gs://bucket/", "gs://b/has space.yaml"},
	},
	"output": {
		good: []string{"gs://b/out", "gs://b", "s3://b/x/y/"},
		bad:  []string{"", "out", "/tmp/out", "file:///tmp/out", "gs:///x"},
	},
	"block_shards": {
		good: []string{"0", "8", "256"},
		bad:  []string{"", "-1", "eight", "1.5"},
	},
	"model": {
		good: []string{"default", "gs://b/models/model.json"},
		bad:  []string{"", "model.json", "gs://b"},
	},
	"threshold": {
		good: []string{"0.85", ".5", "1", "1.0", "0.001"},
		bad:  []string{"", "0", "0.0", "1.5", "-0.2", "85%", "abc"},
	},
	"sources": {
		good: []string{"shop", "shop,marketplace", "legacy_erp2"},
		bad:  []string{"", "Shop", "shop,", ",shop", "shop marketplace", "2shop"},
	},
	"previous": {
		good: []string{"gs://b/out", "s3://b/x/y/"},
		bad:  []string{"", "out", "/tmp/out", "gs:///x"},
	},
	"num_workers": {
		good: []string{"1", "25", "1000"},
		bad:  []string{"", "0", "-1", "01", "ten", "100000"},
	},
	"max_num_workers": {
		good: []string{"1", "50"},
		bad:  []string{"", "0", "x"},
	},
	"worker_machine_type": {
		good: []string{"n2-standard-4", "e2-highmem-16", "c3-standard-4-lssd", "n1-standard-1"},
		bad:  []string{"", "n2", "N2-STANDARD-4", "n2-standard-4 "},
	},
	"flexrs_goal": {
		good: []string{"FLEXRS_COST_OPTIMIZED", "FLEXRS_SPEED_OPTIMIZED", "FLEXRS_UNSPECIFIED"},
		bad:  []string{"", "COST_OPTIMIZED", "flexrs_cost_optimized"},
	},
}

func loadTemplateMetadata(t *testing.T) templateMetadata {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "runners", "dataflow", "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var md templateMetadata
	if err := json.Unmarshal(data, &md); err != nil {
		t.Fatalf("metadata.json: %v", err)
	}
	return md
}

// mainFlags returns the names of the flags this package registers on
// flag.CommandLine at package level (flag.String("name", ...) and the
// like in a var declaration), read from the package's non-test sources.
func mainFlags(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			ast.Inspect(gen, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "flag" {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				name, err := strconv.Unquote(lit.Value)
				if err == nil {
					names = append(names, name)
				}
				return true
			})
		}
	}
	slices.Sort(names)
	return names
}

// localOnlyFlags concern the launching process, which from a template
// only submits the job and returns: profiles of it, and metrics published
// when the job ends. No template parameters.
var localOnlyFlags = map[string]bool{
	"cpuprofile": true, "memprofile": true,
	"metrics_file": true, "metrics_pushgateway": true, "metrics_addr": true,
}

func TestTemplateMetadataMatchesFlags(t *testing.T) {
	md := loadTemplateMetadata(t)
	if md.Name == "" || md.Description == "" {
		t.Errorf("metadata.json needs a name and a description")
	}
	params := map[string]bool{}
	for _, p := range md.Parameters {
		if params[p.Name] {
			t.Errorf("parameter %q declared twice", p.Name)
		}
		params[p.Name] = true
		if p.Label == "" || p.HelpText == "" || p.IsOptional == nil || len(p.Regexes) == 0 {
			t.Errorf("parameter %q needs label, helpText, isOptional and regexes", p.Name)
		}
		if flag.CommandLine.Lookup(p.Name) == nil {
			t.Errorf("parameter %q is not a flag of linkbeam: the launch would fail with \"flag provided but not defined\"", p.Name)
		}
	}

	ours := mainFlags(t)
	if len(ours) == 0 {
		t.Fatal("found no flag declarations in cmd/linkbeam")
	}
	for _, name := range ours {
		if flag.CommandLine.Lookup(name) == nil {
			t.Errorf("flag %q is declared in cmd/linkbeam but not registered on flag.CommandLine", name)
		}
		if !params[name] && !localOnlyFlags[name] {
			t.Errorf("flag --%s of `linkbeam run` is not a template parameter in runners/dataflow/metadata.json", name)
		}
	}
}

// The CLI refuses to run without its required flags; those, and only
// those, are the template's required parameters.
func TestTemplateRequiredParameters(t *testing.T) {
	md := loadTemplateMetadata(t)
	err := runCmd(nil)
	if err == nil {
		t.Fatal("`linkbeam run` with no flags succeeded")
	}
	for _, p := range md.Parameters {
		if p.IsOptional == nil {
			continue
		}
		required := strings.Contains(err.Error(), "--"+p.Name+" ") || strings.HasSuffix(err.Error(), "--"+p.Name)
		if required == *p.IsOptional {
			t.Errorf("parameter %q: isOptional=%v, but `linkbeam run` without flags says %q", p.Name, *p.IsOptional, err)
		}
	}
}

// Every parameter's regexes accept the examples the flag can parse and
// refuse the bad ones. Dataflow evaluates the regexes with Java's engine;
// these use only syntax that RE2 and Java read alike.
func TestTemplateParameterRegexes(t *testing.T) {
	md := loadTemplateMetadata(t)
	for _, p := range md.Parameters {
		ex, ok := templateExamples[p.Name]
		if !ok {
			t.Errorf("parameter %q has no examples in templateExamples", p.Name)
			continue
		}
		var res []*regexp.Regexp
		for _, s := range p.Regexes {
			re, err := regexp.Compile(s)
			if err != nil {
				t.Errorf("parameter %q: regex %q: %v", p.Name, s, err)
				continue
			}
			if !strings.HasPrefix(s, "^") || !strings.HasSuffix(s, "$") {
				t.Errorf("parameter %q: regex %q is not anchored", p.Name, s)
			}
			res = append(res, re)
		}
		matches := func(v string) bool {
			for _, re := range res {
				if !re.MatchString(v) {
					return false
				}
			}
			return true
		}
		f := flag.CommandLine.Lookup(p.Name)
		for _, v := range ex.good {
			if !matches(v) {
				t.Errorf("parameter %q refuses %q", p.Name, v)
			}
			if f != nil {
				old := f.Value.String()
				if err := f.Value.Set(v); err != nil {
					t.Errorf("parameter %q accepts %q, which --%s cannot parse: %v", p.Name, v, p.Name, err)
				}
				f.Value.Set(old)
			}
		}
		for _, v := range ex.bad {
			if matches(v) {
				t.Errorf("parameter %q accepts %q", p.Name, v)
			}
		}
	}
}
