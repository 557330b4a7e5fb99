// Package bqfake is a fake of the subset of the BigQuery REST API that
// linkbeam's loads use, for tests: datasets.get, tables.get, tables.insert,
// tables.delete, jobs.insert and jobs.get. It keeps tables and jobs in
// memory, records every request, and answers jobs.get with DONE.
//
//	srv := bqfake.New("my-project", "catalog", "EU")
//	defer srv.Close()
//	client, _ := bigquery.NewClient(ctx, "my-project",
//		option.WithEndpoint(srv.URL), option.WithoutAuthentication())
package bqfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	bq "google.golang.org/api/bigquery/v2"
)

// Request is one recorded request.
type Request struct {
	Method string
	Path   string // without a /bigquery/v2 prefix; decoded ("tables/masters$20261125")
	Query  string
	Body   []byte
}

// Server is a fake BigQuery endpoint on 127.0.0.1.
type Server struct {
	*httptest.Server
	Project, Dataset, Location string

	// FailJob, when set, is called for each inserted job; a non-empty
	// result is the job's error message, reported by jobs.get.
	FailJob func(*bq.Job) string
	// OnJob, when set, is called for each inserted job before it is
	// stored, e.g. to check what exists when the load starts.
	OnJob func(*bq.Job)

	mu       sync.Mutex
	requests []Request
	tables   map[string]*bq.Table // by table id
	jobs     map[string]*bq.Job   // by job id, in insertion order in jobIDs
	jobIDs   []string
	deleted  []string
}

// New starts a fake serving one existing dataset in location.
func New(project, dataset, location string) *Server {
	s := &Server{Project: project, Dataset: dataset, Location: location,
		tables: map[string]*bq.Table{}, jobs: map[string]*bq.Job{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("bqfake: %v", err))
	}
	s.Server = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.Start()
	return s
}

// Requests returns the recorded requests in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Table returns the table as created by tables.insert, or nil.
func (s *Server) Table(id string) *bq.Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tables[id]
}

// AddTable makes a table exist, as if created earlier.
func (s *Server) AddTable(t *bq.Table) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables[t.TableReference.TableId] = t
}

// Jobs returns the inserted jobs in insertion order.
func (s *Server) Jobs() []*bq.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*bq.Job, len(s.jobIDs))
	for i, id := range s.jobIDs {
		out[i] = s.jobs[id]
	}
	return out
}

// Deleted returns the table ids deleted, partition decorators included.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/bigquery/v2")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body})

	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 || parts[0] != "projects" || parts[1] != s.Project {
		apiError(w, http.StatusNotFound, "notFound", "Not found: project "+path)
		return
	}
	parts = parts[2:]
	switch {
	case len(parts) == 2 && parts[0] == "datasets" && r.Method == http.MethodGet:
		if parts[1] != s.Dataset {
			apiError(w, http.StatusNotFound, "notFound", "Not found: Dataset "+s.Project+":"+parts[1])
			return
		}
		reply(w, &bq.Dataset{Id: s.Project + ":" + s.Dataset, Location: s.Location,
			DatasetReference: &bq.DatasetReference{ProjectId: s.Project, DatasetId: s.Dataset}})
	case len(parts) >= 3 && parts[0] == "datasets" && parts[1] != s.Dataset:
		apiError(w, http.StatusNotFound, "notFound", "Not found: Dataset "+s.Project+":"+parts[1])
	case len(parts) == 3 && parts[2] == "tables" && r.Method == http.MethodPost:
		var t bq.Table
		if err := json.Unmarshal(body, &t); err != nil || t.TableReference == nil {
			apiError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("bad table: %v", err))
			return
		}
		id := t.TableReference.TableId
		if _, ok := s.tables[id]; ok {
			apiError(w, http.StatusConflict, "duplicate", "Already Exists: Table "+id)
			return
		}
		t.Id = s.Project + ":" + s.Dataset + "." + id
		s.tables[id] = &t
		reply(w, &t)
	case len(parts) == 4 && parts[2] == "tables" && r.Method == http.MethodGet:
		t, ok := s.tables[parts[3]]
		if !ok {
			apiError(w, http.StatusNotFound, "notFound", "Not found: Table "+parts[3])
			return
		}
		reply(w, t)
	case len(parts) == 4 && parts[2] == "tables" && r.Method == http.MethodDelete:
		base, _, _ := strings.Cut(parts[3], "$")
		if _, ok := s.tables[base]; !ok {
			apiError(w, http.StatusNotFound, "notFound", "Not found: Table "+parts[3])
			return
		}
		if base == parts[3] {
			delete(s.tables, base)
		}
		s.deleted = append(s.deleted, parts[3])
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 1 && parts[0] == "jobs" && r.Method == http.MethodPost:
		var j bq.Job
		if err := json.Unmarshal(body, &j); err != nil || j.JobReference == nil || j.JobReference.JobId == "" {
			apiError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("bad job: %v", err))
			return
		}
		id := j.JobReference.JobId
		if _, ok := s.jobs[id]; ok {
			apiError(w, http.StatusConflict, "duplicate", "Already Exists: Job "+id)
			return
		}
		if s.OnJob != nil {
			s.OnJob(&j)
		}
		j.Id = s.Project + ":" + s.Location + "." + id
		j.JobReference.Location = s.Location
		j.Status = &bq.JobStatus{State: "RUNNING"}
		if s.FailJob != nil {
			if msg := s.FailJob(&j); msg != "" {
				j.Status.ErrorResult = &bq.ErrorProto{Reason: "invalid", Message: msg}
			}
		}
		s.jobs[id] = &j
		s.jobIDs = append(s.jobIDs, id)
		running := j
		running.Status = &bq.JobStatus{State: "RUNNING"}
		reply(w, &running)
	case len(parts) == 2 && parts[0] == "jobs" && r.Method == http.MethodGet:
		j, ok := s.jobs[parts[1]]
		if !ok {
			apiError(w, http.StatusNotFound, "notFound", "Not found: Job "+parts[1])
			return
		}
		j.Status.State = "DONE"
		if j.Status.ErrorResult != nil {
			j.Status.Errors = []*bq.ErrorProto{j.Status.ErrorResult}
		}
		reply(w, j)
	default:
		apiError(w, http.StatusBadRequest, "invalid", "bqfake: no such method: "+r.Method+" "+path)
	}
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg, "errors": []map[string]string{{"reason": reason, "message": msg}},
	}})
}
