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

// memoryTenths is the part of the process's memory, in tenths, the Go
// heap may grow to before the collector works harder to stay under it.
// Six: every stage but scoring holds one shard at a time, so the heap
// outgrows this only in scoring's few minutes at ten million records,
// where collecting more often costs about a tenth of the run's time
// (BENCHMARKS.md, session 10); the rest stays for the page cache the
// spill files and Parquet reads go through, and for the machine.
const memoryTenths = 6

// DefaultMemoryLimit returns the soft heap limit (runtime/debug.SetMemoryLimit)
// for a job run in this process: 60% of the memory this process may use,
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
	return total * memoryTenths / 10
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
