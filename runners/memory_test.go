package runners

import (
	"os"
	"path/filepath"
	"testing"
)

func TestEmbedded(t *testing.T) {
	for _, tc := range []struct {
		runner string
		flags  map[string]string
		want   bool
	}{
		{"", nil, true},
		{"prism", nil, true},
		{"PrismRunner", nil, true},
		{"prism", map[string]string{"endpoint": "localhost:8073"}, false},
		{"direct", nil, true},
		{"universal", map[string]string{"endpoint": "localhost:8099"}, false},
		{"flink", nil, false},
		{"dataflow", nil, false},
		{"spark", nil, false},
	} {
		if got := Embedded(tc.runner, tc.flags); got != tc.want {
			t.Errorf("Embedded(%q, %v) = %v; want %v", tc.runner, tc.flags, got, tc.want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// 24,000,000 kB of RAM.
	meminfo := write("meminfo", "MemTotal:       24000000 kB\nMemFree:         1000000 kB\n")
	const machine = 24000000 << 10
	for _, tc := range []struct {
		name    string
		meminfo string
		cgroup  string
		want    int64
	}{
		{"no cgroup file", meminfo, filepath.Join(dir, "absent"), machine * 6 / 10},
		{"cgroup without a limit", meminfo, write("unlimited", "max\n"), machine * 6 / 10},
		{"cgroup below the machine", meminfo, write("4g", "4294967296\n"), 4294967296 * 6 / 10},
		{"cgroup above the machine", meminfo, write("1t", "1099511627776\n"), machine * 6 / 10},
		{"cgroup only", filepath.Join(dir, "absent"), write("2g", "2147483648\n"), 2147483648 * 6 / 10},
		{"nothing known", filepath.Join(dir, "absent"), filepath.Join(dir, "absent"), 0},
		{"meminfo without MemTotal", write("other", "MemFree: 10 kB\n"), filepath.Join(dir, "absent"), 0},
	} {
		if got := memoryLimit(tc.meminfo, tc.cgroup); got != tc.want {
			t.Errorf("%s: memoryLimit = %d; want %d", tc.name, got, tc.want)
		}
	}
}
