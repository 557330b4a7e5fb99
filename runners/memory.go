package runners

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// Embedded reports whether runner executes the job inside this process:
// prism without --endpoint (the default) and the direct runner.
func Embedded(runner string, flags map[string]string) bool {
	r, ok := Lookup(runner)
	if !ok {
		return false
	}
	switch r.Name {
	case "prism":
		return flags["endpoint"] == ""
	case "direct":
		return true
	}
	return false
}

// memoryShare is the part of the process's memory the Go heap may grow to
// before the collector works harder to stay under it.
const memoryShare = 0.8

// DefaultMemoryLimit returns the soft heap limit (runtime/debug.SetMemoryLimit)
// for a job run in this process: 80% of the memory this process may use,
// the machine's or its cgroup's limit, whichever is lower; 0 when it cannot
// tell. Prism keeps every PCollection in memory, and with the Go default
// (GOGC=100, no limit) the heap grows to twice the live data before a
// collection, so a job whose live data fits would still be killed for lack
// of memory; under a limit it collects more often instead.
func DefaultMemoryLimit() int64 {
	return memoryLimit("/proc/meminfo", "/sys/fs/cgroup/memory.max")
}

func memoryLimit(meminfo, cgroupMax string) int64 {
	total := memTotal(meminfo)
	if b, err := os.ReadFile(cgroupMax); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n // "max" (no limit) does not parse
		}
	}
	return int64(float64(total) * memoryShare)
}

// memTotal reads MemTotal from a /proc/meminfo file, in bytes; 0 if absent.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[0] == "MemTotal:" && fields[2] == "kB" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
