package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/linkbeam/linkbeam/internal/jobmetrics"
	"github.com/linkbeam/linkbeam/internal/synth"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/transforms"
)

// runAsMain makes the test binary behave as linkbeam itself: the tests
// below start it as a child process, with the same code as the built
// binary and without a second build of this large program.
const runAsMain = "LINKBEAM_TEST_RUN_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// linkbeamCmd is `linkbeam args...` as a child process.
func linkbeamCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runAsMain+"=1")
	return cmd
}

func runLinkbeam(t *testing.T, args ...string) {
	t.Helper()
	out, err := linkbeamCmd(t, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("linkbeam %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// checksums maps every file of the output's masters/ and links/ to its
// SHA-256.
func checksums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	for _, sub := range []string{transforms.MastersDir, transforms.LinksDir} {
		paths, err := filepath.Glob(filepath.Join(dir, sub, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(data)
			sums[filepath.Join(sub, filepath.Base(p))] = hex.EncodeToString(h[:])
		}
	}
	if len(sums) == 0 {
		t.Fatalf("no masters/ or links/ files in %s", dir)
	}
	return sums
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, sum := range want {
		if got[name] != sum {
			t.Errorf("%s: %s changed or missing", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

func stagingFolders(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, transforms.StagingPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// A run killed midway (SIGKILL, while it writes its staging folder) leaves
// the previous output intact and readable; the next complete run publishes
// and removes the killed run's staging folder.
func TestKilledRunKeepsPreviousOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs linkbeam three times")
	}
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	demo := filepath.Join("..", "..", "testdata", "demo.yaml")

	// 1. A complete run of the demo.
	runLinkbeam(t, "run", "--config", demo, "--output", out)
	before := checksums(t, out)
	masters, err := pipelines.ReadMasters(ctx, out)
	if err != nil || len(masters) == 0 {
		t.Fatalf("first run's masters: %d rows, %v", len(masters), err)
	}

	// 2. A bigger run into the same output, killed once it has started
	// writing its staging folder. It serves --metrics_addr meanwhile.
	data := t.TempDir()
	if _, err := synth.Generate(synth.Options{Records: 50000, Seed: 3, Out: data, FilesPerSource: 2}); err != nil {
		t.Fatal(err)
	}
	cmd := linkbeamCmd(t, "run", "--config", filepath.Join(data, "pipeline.yaml"), "--output", out,
		"--metrics_addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "serving metrics on "); ok {
				addr <- url
			}
		}
		io.Copy(io.Discard, stderr) // after an overlong line: never block the child
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var metricsURL string
	var staging []string
wait:
	for {
		select {
		case err := <-exited:
			t.Fatalf("the second run ended before its staging folder appeared (%v): make its input bigger", err)
		case metricsURL = <-addr:
		case <-time.After(20 * time.Millisecond):
			if staging = stagingFolders(t, out); len(staging) > 0 {
				break wait
			}
			if time.Since(start) > 2*time.Minute {
				cmd.Process.Kill()
				t.Fatal("no staging folder after 2 minutes")
			}
		}
	}
	if metricsURL == "" {
		select {
		case metricsURL = <-addr:
		case <-time.After(time.Second):
		}
	}
	if metricsURL == "" {
		t.Error("the second run did not say where it serves its metrics")
	} else if body := scrape(t, metricsURL); !strings.Contains(body, "go_goroutines ") || !strings.Contains(body, "process_cpu_seconds_total ") {
		t.Errorf("--metrics_addr during the run serves no process metrics:\n%s", body)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("second run: %v, want killed", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("second run ended with %v, not by SIGKILL: it finished before the kill", err)
	}
	t.Logf("killed the second run %s after its start, with %s in the output", time.Since(start).Round(time.Millisecond), filepath.Base(staging[0]))

	sameFiles(t, "after the killed run", checksums(t, out), before)
	if _, err := os.Stat(filepath.Join(out, transforms.SuccessMarker)); err != nil {
		t.Errorf("_SUCCESS gone after the killed run: %v", err)
	}
	after, err := pipelines.ReadMasters(ctx, out)
	if err != nil || len(after) != len(masters) {
		t.Errorf("masters after the killed run: %d rows (want %d), %v", len(after), len(masters), err)
	}
	if _, err := pipelines.ReadLinks(ctx, out); err != nil {
		t.Errorf("links after the killed run: %v", err)
	}
	if len(stagingFolders(t, out)) == 0 {
		t.Error("the killed run left no staging folder: nothing for the next run to clean up")
	}

	// 3. The next complete run publishes, and removes the killed run's
	// staging folder. Same input as the first: same files.
	metricsFile := filepath.Join(t.TempDir(), "linkbeam.prom")
	runLinkbeam(t, "run", "--config", demo, "--output", out, "--metrics_file", metricsFile)
	if left := stagingFolders(t, out); len(left) > 0 {
		t.Errorf("staging folders left after a complete run: %v", left)
	}
	if _, err := os.Stat(filepath.Join(out, transforms.SuccessMarker)); err != nil {
		t.Errorf("no _SUCCESS after the third run: %v", err)
	}
	sameFiles(t, "third run against the first", checksums(t, out), before)

	f, err := os.Open(metricsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("--metrics_file: %v", err)
	}
	for _, name := range []string{jobmetrics.MetricProductsProcessed, jobmetrics.MetricLastSuccess, jobmetrics.MetricMasters} {
		if _, ok := mfs[name]; !ok {
			t.Errorf("--metrics_file has no %s", name)
		}
	}
	if got := mfs[jobmetrics.MetricMasters].GetMetric()[0].GetCounter().GetValue(); int(got) != len(masters) {
		t.Errorf("%s = %v, masters/ has %d rows", jobmetrics.MetricMasters, got, len(masters))
	}
}
