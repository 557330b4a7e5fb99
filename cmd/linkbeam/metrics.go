package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/linkbeam/linkbeam/internal/jobmetrics"
)

// metricsServer serves /metrics while `linkbeam run` runs: this process's
// Go and process metrics from the start, and the job's metrics
// (jobmetrics.Collector) once it has finished.
type metricsServer struct {
	reg  *prometheus.Registry
	srv  *http.Server
	addr string // the address it listens on, port resolved
	done chan error
}

// serveMetrics starts serving /metrics on addr ("127.0.0.1:9090", ":0").
func serveMetrics(addr string) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics_addr: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m := &metricsServer{
		reg:  reg,
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan error, 1),
	}
	go func() { m.done <- m.srv.Serve(ln) }()
	return m, nil
}

// setJob adds the finished job's metrics to what the server serves.
func (m *metricsServer) setJob(job prometheus.Collector) error {
	return m.reg.Register(job)
}

// close stops the server, letting scrapes in flight finish.
func (m *metricsServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// metricsOutputs are where `linkbeam run` sends its job's metrics.
type metricsOutputs struct {
	File        string // --metrics_file
	Pushgateway string // --metrics_pushgateway
	Config      string // the config's name: the Pushgateway grouping
	Server      *metricsServer
}

// configName names a config for the Pushgateway's grouping key: its file
// name without folder and extension ("gs://b/jobs/shop.yaml" → "shop").
func configName(location string) string {
	base := path.Base(strings.TrimRight(location, "/"))
	return strings.TrimSuffix(base, path.Ext(base))
}

// publish sends a finished job's metrics to every output. success is when
// the job succeeded (zero when its accounting check failed). The job's
// output is committed by then, so a failure here is reported as such.
func (o metricsOutputs) publish(ctx context.Context, res metrics.QueryResults, wall time.Duration, success time.Time) error {
	job := jobmetrics.New(res, wall, success)
	var errs []error
	if o.Server != nil {
		if err := o.Server.setJob(job); err != nil {
			errs = append(errs, fmt.Errorf("serving metrics: %w", err))
		}
	}
	if o.File == "" && o.Pushgateway == "" {
		return errors.Join(errs...)
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(job); err != nil {
		return errors.Join(append(errs, err)...)
	}
	if o.File != "" {
		if err := jobmetrics.WriteFile(o.File, reg); err != nil {
			errs = append(errs, err)
		}
	}
	if o.Pushgateway != "" {
		if err := jobmetrics.Push(ctx, o.Pushgateway, o.Config, reg); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("the job ran and its output is committed, but its metrics were not all published: %w", err)
	}
	return nil
}
