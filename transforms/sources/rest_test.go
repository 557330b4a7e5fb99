package sources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkbeam/linkbeam/schemas"
)

const testToken = "s3cr3t-T0KEN-value"

// fakeAPI serves n items ({"id":"i<k>"}) in pages and can inject faults.
type fakeAPI struct {
	t     *testing.T
	n     int
	mode  string // page | offset | cursor | none
	token string // required bearer token; "" for none
	// fault, if set, may handle a request instead: it gets the page index
	// (0-based) and how many times that page was requested before.
	fault func(w http.ResponseWriter, r *http.Request, page, attempt int) bool

	mu       sync.Mutex
	attempts map[int]int
	requests int
}

func (a *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.requests++
	a.mu.Unlock()
	if a.token != "" && r.Header.Get("Authorization") != "Bearer "+a.token {
		http.Error(w, "bad credentials: "+r.Header.Get("Authorization"), http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	size, _ := strconv.Atoi(q.Get("page_size"))
	if a.mode == "offset" {
		size, _ = strconv.Atoi(q.Get("limit"))
	}
	if a.mode == "none" {
		size = a.n
	}
	if size <= 0 {
		http.Error(w, "bad size", http.StatusBadRequest)
		return
	}
	var start int
	switch a.mode {
	case "page":
		p, _ := strconv.Atoi(q.Get("page"))
		start = (p - 1) * size
	case "offset":
		start, _ = strconv.Atoi(q.Get("offset"))
	case "cursor":
		if c := q.Get("cursor"); c != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(c, "c"))
		}
	}
	page := start / size
	a.mu.Lock()
	attempt := a.attempts[page]
	a.attempts[page]++
	a.mu.Unlock()
	if a.fault != nil && a.fault(w, r, page, attempt) {
		return
	}
	items := []map[string]any{}
	for k := start; k < start+size && k < a.n; k++ {
		items = append(items, map[string]any{"id": fmt.Sprintf("i%d", k), "n": k})
	}
	body := map[string]any{"data": map[string]any{"items": items}}
	if a.mode == "cursor" && start+size < a.n {
		body["meta"] = map[string]any{"next": fmt.Sprintf("c%d", start+size)}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

func newAPI(t *testing.T, n int, mode string) (*fakeAPI, *httptest.Server) {
	a := &fakeAPI{t: t, n: n, mode: mode, attempts: map[int]int{}}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return a, srv
}

func restSource(url, mode string) schemas.SourceConfig {
	return schemas.SourceConfig{Name: "api", Type: "rest_api", URL: url, REST: schemas.RESTOptions{
		Pagination: mode, PageSize: 10, ItemsField: "data.items", CursorField: "meta.next",
		Timeout: "2s", MaxRetries: 3,
	}}
}

// fastReader records backoff waits instead of sleeping.
func fastReader(srv *httptest.Server) (*RESTReader, *[]time.Duration) {
	var waits []time.Duration
	r := &RESTReader{Client: srv.Client(), BackoffBase: time.Millisecond, BackoffCap: 4 * time.Millisecond}
	r.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return r, &waits
}

func collect(t *testing.T, r *RESTReader, src schemas.SourceConfig) ([]schemas.RawRecord, error) {
	t.Helper()
	var recs []schemas.RawRecord
	err := r.FetchAll(context.Background(), src, func(rec schemas.RawRecord) error {
		checkRecord(t, rec)
		recs = append(recs, rec)
		return nil
	})
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Errorf("the token leaked into the error: %v", err)
	}
	for _, rec := range recs {
		if strings.Contains(rec.Position, testToken) || strings.Contains(rec.Raw, testToken) {
			t.Errorf("the token leaked into a record: %+v", rec)
		}
	}
	return recs, err
}

// checkIDs asserts records i0..i<n-1>, each exactly once and in order.
func checkIDs(t *testing.T, recs []schemas.RawRecord, n int) {
	t.Helper()
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	for k, rec := range recs {
		if rec.Err != nil || rec.Fields["id"] != fmt.Sprintf("i%d", k) || rec.Fields["n"] != strconv.Itoa(k) {
			t.Fatalf("record %d: %v (err %v)", k, rec.Fields, rec.Err)
		}
	}
}

func TestRESTPagination(t *testing.T) {
	for _, mode := range []string{"page", "offset", "cursor", "none"} {
		t.Run(mode, func(t *testing.T) {
			a, srv := newAPI(t, 25, mode)
			a.token = testToken
			t.Setenv("LINKBEAM_TEST_TOKEN", testToken)
			src := restSource(srv.URL+"/v1/products?lang=en", mode)
			src.REST.TokenEnv = "LINKBEAM_TEST_TOKEN"
			r, _ := fastReader(srv)
			recs, err := collect(t, r, src)
			if err != nil {
				t.Fatal(err)
			}
			checkIDs(t, recs, 25)
			wantRequests := map[string]int{"page": 4, "offset": 4, "cursor": 3, "none": 1}[mode]
			if a.requests != wantRequests {
				t.Errorf("%d requests, want %d", a.requests, wantRequests)
			}
			if mode != "none" {
				if want := srv.URL + "/v1/products page 2 item 3"; recs[12].Position != want {
					t.Errorf("position %q, want %q", recs[12].Position, want)
				}
			}
		})
	}
}

func TestRESTTopLevelArrayAndRecordErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[{"id":1,"o":{"p":2.50}}, 7, {"id":"x","id":"y"}]`)
	}))
	defer srv.Close()
	r, _ := fastReader(srv)
	recs, err := collect(t, r, restSource(srv.URL, "none"))
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, recs, []want{
		{pos: srv.URL + " page 1 item 1", fields: fields("id", "1", "o.p", "2.50")},
		{pos: srv.URL + " page 1 item 2", err: ErrNotObject, raw: "7"},
		{pos: srv.URL + " page 1 item 3", err: ErrDuplicateField},
	})
}

func TestRESTRetries(t *testing.T) {
	a, srv := newAPI(t, 45, "page")
	a.fault = func(w http.ResponseWriter, r *http.Request, page, attempt int) bool {
		switch {
		case page == 0 && attempt == 0: // truncated body: Content-Length promises more
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(`{"data":{"items":[{"id":"i0"`))
			return true
		case page == 0 && attempt == 1: // complete body, truncated JSON
			w.Write([]byte(`{"data":{"items":[{"id":"i0","n":0},`))
			return true
		case page == 1 && attempt < 2:
			http.Error(w, "boom", http.StatusInternalServerError)
			return true
		case page == 2 && attempt == 0:
			w.Header().Set("Retry-After", "7")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return true
		case page == 3 && attempt == 0:
			w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return true
		case page == 4 && attempt == 0: // slower than the per-request timeout
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return true
		}
		return false
	}
	src := restSource(srv.URL, "page")
	src.REST.Timeout = "1s" // page 5 stalls past it; generous so that a loaded machine does not time out other pages
	r, waits := fastReader(srv)
	recs, err := collect(t, r, src)
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, recs, 45)
	want := map[int]int{0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1}
	for page, n := range want {
		if a.attempts[page] != n {
			t.Errorf("page %d requested %d times, want %d", page+1, a.attempts[page], n)
		}
	}
	if len(*waits) != 7 { // 2 for page 1, 2 for page 2, 1 each for pages 3-5
		t.Fatalf("waits %v, want 7", *waits)
	}
	for i, w := range *waits {
		switch i {
		case 4: // page 3: 429 with Retry-After: 7
			if w != 7*time.Second {
				t.Errorf("wait %d = %v, want Retry-After 7s", i, w)
			}
		case 5: // page 4: Retry-After as an HTTP date ~90s ahead
			if w < 85*time.Second || w > 90*time.Second {
				t.Errorf("wait %d = %v, want about 90s", i, w)
			}
		default:
			if w < 0 || w > 4*time.Millisecond {
				t.Errorf("backoff wait %d = %v, want within [0, cap 4ms]", i, w)
			}
		}
	}
}

func TestRESTRetryAfterRealWait(t *testing.T) {
	var first time.Time
	var gap time.Duration
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		gap = time.Since(first)
		fmt.Fprint(w, `{"data":{"items":[{"id":"i0"}]}}`)
	}))
	defer srv.Close()
	r := &RESTReader{Client: srv.Client(), BackoffBase: time.Millisecond, BackoffCap: time.Millisecond}
	if _, err := collect(t, r, restSource(srv.URL, "none")); err != nil {
		t.Fatal(err)
	}
	if gap < 900*time.Millisecond {
		t.Errorf("retried after %v, want about Retry-After 1s", gap)
	}
}

func TestRESTGivesUp(t *testing.T) {
	_, srv := newAPI(t, 5, "page")
	calls := 0
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		http.Error(w, "down "+r.Header.Get("Authorization"), http.StatusBadGateway)
	})
	t.Setenv("LINKBEAM_TEST_TOKEN", testToken)
	src := restSource(strings.Replace(srv.URL, "http://", "http://user:pw@", 1)+"/p?api_key=k3y&q=shoes", "page")
	src.REST.TokenEnv = "LINKBEAM_TEST_TOKEN"
	r, waits := fastReader(srv)
	_, err := collect(t, r, src)
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("err %v, want ErrGaveUp", err)
	}
	if calls != 4 || len(*waits) != 3 {
		t.Errorf("%d calls and %d waits, want 4 and 3 (max_retries 3)", calls, len(*waits))
	}
	msg := err.Error()
	for _, w := range []string{"rest_api source api", "page 1", "/p?", "api_key=REDACTED", "q=shoes", "4 attempts", "502 Bad Gateway"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
	for _, leak := range []string{"k3y", "pw@", "user"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error %q leaks %q", msg, leak)
		}
	}
}

func TestRESTTransportErrorGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	r := &RESTReader{BackoffBase: time.Microsecond, BackoffCap: time.Microsecond}
	_, err := collect(t, r, restSource(url, "none"))
	if !errors.Is(err, ErrGaveUp) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err %v", err)
	}
}

func TestRESTUnauthorized(t *testing.T) {
	a, srv := newAPI(t, 5, "page")
	a.token = "another-token"
	t.Setenv("LINKBEAM_TEST_TOKEN", testToken)
	src := restSource(srv.URL, "page")
	src.REST.TokenEnv = "LINKBEAM_TEST_TOKEN"
	r, waits := fastReader(srv)
	_, err := collect(t, r, src) // the server echoes our header in its body
	if err == nil || !strings.Contains(err.Error(), "401 Unauthorized") || !strings.Contains(err.Error(), "REDACTED") {
		t.Fatalf("err %v", err)
	}
	if a.requests != 1 || len(*waits) != 0 {
		t.Errorf("%d requests, %d waits: a 401 must not be retried", a.requests, len(*waits))
	}
}

func TestRESTTokenEnvUnset(t *testing.T) {
	_, srv := newAPI(t, 5, "page")
	src := restSource(srv.URL, "page")
	src.REST.TokenEnv = "LINKBEAM_TEST_TOKEN_UNSET"
	r, _ := fastReader(srv)
	_, err := collect(t, r, src)
	if err == nil || !strings.Contains(err.Error(), "LINKBEAM_TEST_TOKEN_UNSET is unset or empty") {
		t.Fatalf("err %v", err)
	}
}

func TestRESTRepeatedPages(t *testing.T) {
	t.Run("page parameter ignored", func(t *testing.T) {
		a, srv := newAPI(t, 25, "page")
		a.fault = func(w http.ResponseWriter, r *http.Request, page, attempt int) bool {
			if page > 0 { // always serve page 1
				q := r.URL.Query()
				q.Set("page", "1")
				r.URL.RawQuery = q.Encode()
				a.fault = nil
				a.ServeHTTP(w, r)
				return true
			}
			return false
		}
		r, _ := fastReader(srv)
		recs, err := collect(t, r, restSource(srv.URL, "page"))
		if !errors.Is(err, ErrRepeatedPage) {
			t.Fatalf("err %v, want ErrRepeatedPage", err)
		}
		checkIDs(t, recs, 10) // page 1 once, never twice
	})
	t.Run("cursor does not advance", func(t *testing.T) {
		a, srv := newAPI(t, 25, "cursor")
		a.fault = func(w http.ResponseWriter, r *http.Request, page, attempt int) bool {
			if page == 2 { // answers page 3 but sends the cursor of page 2 again
				fmt.Fprint(w, `{"data":{"items":[{"id":"i20"}]},"meta":{"next":"c10"}}`)
				return true
			}
			return false
		}
		r, _ := fastReader(srv)
		recs, err := collect(t, r, restSource(srv.URL, "cursor"))
		if !errors.Is(err, ErrRepeatedPage) || !strings.Contains(err.Error(), `"c10" was already returned`) {
			t.Fatalf("err %v, want ErrRepeatedPage", err)
		}
		if len(recs) != 21 {
			t.Errorf("%d records, want 21", len(recs))
		}
	})
	t.Run("too many pages", func(t *testing.T) {
		_, srv := newAPI(t, 1000, "cursor")
		r, _ := fastReader(srv)
		r.MaxPages = 5
		recs, err := collect(t, r, restSource(srv.URL, "cursor"))
		if !errors.Is(err, ErrTooManyPages) {
			t.Fatalf("err %v, want ErrTooManyPages", err)
		}
		checkIDs(t, recs, 50)
	})
}

func TestRESTRateLimit(t *testing.T) {
	_, srv := newAPI(t, 50, "page")
	src := restSource(srv.URL, "page")
	src.REST.RateLimit = 40 // 6 requests: at least 5 gaps of 25ms
	r, _ := fastReader(srv)
	start := time.Now()
	recs, err := collect(t, r, src)
	if err != nil {
		t.Fatal(err)
	}
	checkIDs(t, recs, 50)
	if d := time.Since(start); d < 110*time.Millisecond {
		t.Errorf("6 requests at 40/s took %v", d)
	}
}

func TestRESTEmitErrorAndCancel(t *testing.T) {
	_, srv := newAPI(t, 25, "page")
	r, _ := fastReader(srv)
	stop := errors.New("sink full")
	n := 0
	err := r.FetchAll(context.Background(), restSource(srv.URL, "page"), func(schemas.RawRecord) error {
		if n++; n == 12 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "page 2 item 2") {
		t.Errorf("err %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv2.Close()
	r2 := &RESTReader{Client: srv2.Client(), BackoffBase: time.Hour, BackoffCap: time.Hour}
	done := make(chan error, 1)
	go func() {
		done <- r2.FetchAll(ctx, restSource(srv2.URL, "none"), func(schemas.RawRecord) error { return nil })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("FetchAll ignored the cancelled context")
	}
}

func TestRESTConfigErrors(t *testing.T) {
	src := schemas.SourceConfig{Name: "api", URL: "ftp://x", REST: schemas.RESTOptions{Pagination: "page"}}
	err := FetchAll(context.Background(), src, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "want an absolute http or https URL") {
		t.Errorf("err %v", err)
	}
	src = schemas.SourceConfig{Name: "api", URL: "http://127.0.0.1:1/", REST: schemas.RESTOptions{
		Pagination: "pages", Timeout: "soon", PageSize: -1, RateLimit: -2}}
	err = FetchAll(context.Background(), src, nil, nil)
	for _, w := range []string{`rest.pagination "pages"`, `rest.timeout "soon"`, "rest.page_size -1", "rest.rate_limit -2"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("err %v does not report %s", err, w)
		}
	}
}

func TestRESTResponseErrors(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"not json":       {"<html>oops</html>", "the body is not JSON"},
		"no items field": {`{"results":[]}`, `items_field "data.items" is not in the response`},
		"items not list": {`{"data":{"items":{"a":1}}}`, "is not an array"},
		"path not obj":   {`{"data":[1]}`, "not an object"},
	} {
		t.Run(name, func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			r, _ := fastReader(srv)
			_, err := collect(t, r, restSource(srv.URL, "page"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if calls != 1 {
				t.Errorf("%d calls: a bad body is not retried", calls)
			}
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"data":{"items":null}}`)
	}))
	defer srv.Close()
	r, _ := fastReader(srv)
	if recs, err := collect(t, r, restSource(srv.URL, "page")); err != nil || len(recs) != 0 {
		t.Errorf("null items: %d records, err %v", len(recs), err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 120 ":                         2 * time.Minute,
		"-1":                            0,
		"soon":                          0,
		"Thu, 02 Jan 2025 03:04:35 GMT": 30 * time.Second,
		"Thu, 02 Jan 2025 03:00:00 GMT": 0,
		"999999999999":                  24 * time.Hour,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	f := &restFetch{r: &RESTReader{BackoffBase: 10 * time.Millisecond, BackoffCap: 50 * time.Millisecond}}
	for attempt, ceil := range []time.Duration{10, 20, 40, 50, 50, 50} {
		ceil *= time.Millisecond
		var max time.Duration
		for range 200 {
			d := f.backoff(attempt)
			if d < 0 || d > ceil {
				t.Fatalf("attempt %d: wait %v outside [0, %v]", attempt, d, ceil)
			}
			max = maxDur(max, d)
		}
		if max < ceil/2 {
			t.Errorf("attempt %d: waits never exceed %v of %v: not jittered over the full range", attempt, max, ceil)
		}
	}
	if d := f.backoff(100); d > 50*time.Millisecond {
		t.Errorf("attempt 100: %v beyond the cap", d)
	}
}

func maxDur(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}
