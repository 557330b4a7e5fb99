package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/demojob"
	"github.com/linkbeam/linkbeam/internal/evaluate"
	"github.com/linkbeam/linkbeam/internal/explain"
	"github.com/linkbeam/linkbeam/matchers"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// chromiumFlags make headless Chromium safe to run as root in a container
// and keep it off the network.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--hide-scrollbars",
}

// TestReportInBrowser renders the demo run's report in headless Chromium
// and checks that the browser's DOM holds the charts with their data, and
// that a screenshot of the page is a real picture. `make test-report`
// installs Chromium first.
func TestReportInBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("chromium is not installed (apt-get install -y chromium, or make test-report): skipping the browser check of the HTML report")
	}
	ctx := context.Background()
	cfg, opts := demojob.RunWithPairs(t)
	run, err := explain.LoadRun(ctx, cfg, opts.Model, opts.Output, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(demojob.Truth)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := evaluate.ReadTruth(f, "", "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(Input{
		Links: run.Links, Pairs: run.Pairs, Truth: truth, Threshold: run.Threshold,
		Cluster: matchers.ClusterOptions{MaxClusterSize: cfg.Matching.Clustering.MaxClusterSize,
			OnePerSource: cfg.Matching.Clustering.OnePerSource},
		Corpus: run.Corpus, Model: opts.Model, About: []Fact{{"config", demojob.Config}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.StalePairs != 0 {
		t.Errorf("%d listed pairs score differently in the report than in the run", r.StalePairs)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var html bytes.Buffer
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, html.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	dom := runChromium(t, browser, "--dump-dom", "file://"+page)
	for _, c := range []struct{ id, mark string }{
		{"pr-curve", `class="point"`},
		{"prob-hist", `class="bar"`},
		{"cluster-sizes", `class="bar"`},
		{"blocking-recall", `class="bar"`},
	} {
		svg := element(dom, `<svg id="`+c.id+`"`, "</svg>")
		if svg == "" {
			t.Errorf("the browser's DOM has no <svg id=%q>", c.id)
			continue
		}
		if n := strings.Count(svg, c.mark); n == 0 {
			t.Errorf("<svg id=%q> has no %s elements", c.id, c.mark)
		}
	}
	if n := strings.Count(element(dom, `<svg id="pr-curve"`, "</svg>"), `class="point"`); n != 3*len(r.Sweep) {
		t.Errorf("pr-curve: %d points in the browser, %d sweep points × 3 metrics in the report", n, len(r.Sweep))
	}
	if f1 := strconv.FormatFloat(r.Metrics.F1, 'f', 4, 64); !strings.Contains(element(dom, `<section class="cards"`, "</section>"), f1) {
		t.Errorf("the headline F1 %s is not on the page", f1)
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, browser, "--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	colours := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if len(colours) < 20 {
		t.Errorf("screenshot has %d colours: a blank page?", len(colours))
	}
	if out := os.Getenv("LINKBEAM_REPORT_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runChromium runs headless Chromium with a throwaway profile and returns
// its standard output.
func runChromium(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append(append(append([]string(nil), chromiumFlags...), "--user-data-dir="+t.TempDir()), args...)
	cmd := exec.CommandContext(ctx, browser, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", browser, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// element returns the text of s from the first start through the next end,
// or "".
func element(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		return ""
	}
	return s[i : i+j+len(end)]
}
