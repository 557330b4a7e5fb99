package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/linkbeam/linkbeam/schemas"
)

// Errors of RESTReader.FetchAll, for errors.Is.
var (
	// ErrRepeatedPage: the server returned the items of the previous page
	// again, or a cursor it had already returned. Continuing would read
	// records twice or loop forever, so the fetch stops.
	ErrRepeatedPage = errors.New("the server repeated a page")
	// ErrTooManyPages: the fetch reached RESTReader.MaxPages.
	ErrTooManyPages = errors.New("too many pages")
	// ErrGaveUp: a request still failed after the configured retries.
	ErrGaveUp = errors.New("giving up after retries")
)

// RESTReader fetches a rest_api source: paged JSON over HTTP GET.
//
// Pagination (RESTOptions.Pagination):
//
//	page    ?page=1&page_size=100, then page=2, ... until a page has no items
//	offset  ?offset=0&limit=100, then offset+=items, ... until a page has no items
//	cursor  ?page_size=100, then ?cursor=<CursorField of the last response>
//	        until the cursor is missing, null or ""
//	none    one request (also when Pagination is empty, as in schemas)
//
// Records are the elements of the array at ItemsField (a dotted path;
// when the response itself is an array, that array). Each element is
// flattened like a jsonl line; an element that is not an object is a
// record error. Positions read "https://host/path page N item M" (N and M
// 1-based; no query string, no credentials).
//
// A page whose items are identical to the previous page's, or a cursor
// seen before, stops the fetch with ErrRepeatedPage before any of that
// page's records is emitted: records are never emitted twice and a server
// that ignores the page parameter cannot make the reader loop. The number
// of pages is bounded by MaxPages.
//
// Requests: a bearer token from the environment variable TokenEnv (never
// logged, never in errors or positions); a per-request Timeout covering
// the body; retries on transport errors, timeouts, truncated bodies, 429
// and 5xx with exponential backoff and full jitter (a random wait in
// [0, min(BackoffCap, BackoffBase*2^attempt)]), or the wait Retry-After
// asks for (seconds or an HTTP date, at most MaxRetryAfter), up to
// MaxRetries retries (0 means the default 5, negative means none); other
// statuses fail at once. RateLimit bounds requests per second (a token
// bucket with burst 1; retries count). Errors name the URL with
// credentials and secret-looking query parameters redacted.
type RESTReader struct {
	// Client sends the requests; nil means http.DefaultClient. Its own
	// Timeout, if any, applies on top of RESTOptions.Timeout.
	Client *http.Client
	// BackoffBase is the first retry's maximum wait; default 500ms.
	BackoffBase time.Duration
	// BackoffCap bounds every backoff wait; default 30s.
	BackoffCap time.Duration
	// MaxRetryAfter bounds a server's Retry-After; default 5m.
	MaxRetryAfter time.Duration
	// MaxPages bounds the pages of one fetch; default 100000.
	MaxPages int
	// MaxBodyBytes bounds a response body; default 256 MiB.
	MaxBodyBytes int64

	sleep func(ctx context.Context, d time.Duration) error // tests
}

// FetchAll fetches every page of src with client and calls emit for each
// record in order; it is (&RESTReader{Client: client}).FetchAll.
func FetchAll(ctx context.Context, src schemas.SourceConfig, client *http.Client, emit func(schemas.RawRecord) error) error {
	return (&RESTReader{Client: client}).FetchAll(ctx, src, emit)
}

// restOptions are RESTOptions with defaults applied and values parsed.
type restOptions struct {
	schemas.RESTOptions
	timeout time.Duration
	token   string
}

func restDefaults(src schemas.SourceConfig) (restOptions, error) {
	o := restOptions{RESTOptions: src.REST}
	var errs []error
	switch o.Pagination {
	case "page", "cursor":
		if o.PageParam == "" {
			o.PageParam = "page"
		}
		if o.SizeParam == "" {
			o.SizeParam = "page_size"
		}
	case "offset":
		if o.PageParam == "" {
			o.PageParam = "offset"
		}
		if o.SizeParam == "" {
			o.SizeParam = "limit"
		}
	case "", "none":
		o.Pagination = "none"
	default:
		errs = append(errs, fmt.Errorf("rest.pagination %q: want page, offset, cursor or none", o.Pagination))
	}
	if o.PageSize == 0 {
		o.PageSize = 100
	} else if o.PageSize < 0 {
		errs = append(errs, fmt.Errorf("rest.page_size %d: must be positive", o.PageSize))
	}
	if o.CursorParam == "" {
		o.CursorParam = "cursor"
	}
	if o.CursorField == "" {
		o.CursorField = "next_cursor"
	}
	if o.ItemsField == "" {
		o.ItemsField = "items"
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 5
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	o.timeout = 30 * time.Second
	if o.Timeout != "" {
		d, err := time.ParseDuration(o.Timeout)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("rest.timeout %q: want a positive Go duration such as 30s", o.Timeout))
		}
		o.timeout = d
	}
	if o.RateLimit < 0 {
		errs = append(errs, fmt.Errorf("rest.rate_limit %g: must not be negative", o.RateLimit))
	}
	if o.TokenEnv != "" {
		o.token = os.Getenv(o.TokenEnv)
		if o.token == "" {
			errs = append(errs, fmt.Errorf("rest.token_env: environment variable %s is unset or empty", o.TokenEnv))
		}
	}
	return o, errors.Join(errs...)
}

// FetchAll fetches every page of src and calls emit for each record, in
// order. It returns emit's first error, wrapped.
func (r *RESTReader) FetchAll(ctx context.Context, src schemas.SourceConfig, emit func(schemas.RawRecord) error) error {
	base, err := url.Parse(src.URL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return fmt.Errorf("rest_api source %s: url %q: want an absolute http or https URL", src.Name, redactRawURL(src.URL))
	}
	o, err := restDefaults(src)
	if err != nil {
		return fmt.Errorf("rest_api source %s: %w", src.Name, err)
	}
	f := &restFetch{r: r, o: o, base: base, where: (&url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path}).String()}
	if o.RateLimit > 0 {
		f.limiter = rate.NewLimiter(rate.Limit(o.RateLimit), 1)
	}
	if err := f.run(ctx, emit); err != nil {
		return scrub(fmt.Errorf("rest_api source %s: %w", src.Name, err), o.token)
	}
	return nil
}

type restFetch struct {
	r       *RESTReader
	o       restOptions
	base    *url.URL
	where   string // base URL for positions
	limiter *rate.Limiter
}

func (f *restFetch) run(ctx context.Context, emit func(schemas.RawRecord) error) error {
	maxPages := f.r.MaxPages
	if maxPages <= 0 {
		maxPages = 100000
	}
	var (
		offset   int
		cursor   string
		seen     = map[string]bool{}
		prevHash [sha256.Size]byte
	)
	for n := 1; ; n++ {
		if n > maxPages {
			return fmt.Errorf("%s: %w: stopped after %d", f.where, ErrTooManyPages, maxPages)
		}
		u := f.pageURL(n, offset, cursor)
		page, err := f.get(ctx, u)
		if err != nil {
			return fmt.Errorf("page %d: %w", n, err)
		}
		if f.o.Pagination != "none" && len(page.items) > 0 {
			h := sha256.New()
			for _, item := range page.items {
				h.Write(item)
				h.Write([]byte{0})
			}
			var sum [sha256.Size]byte
			h.Sum(sum[:0])
			if n > 1 && sum == prevHash {
				return fmt.Errorf("GET %s: page %d: %w: its %d items are those of page %d; is %q honoured?",
					redactURL(u), n, ErrRepeatedPage, len(page.items), n-1, f.pageParamName())
			}
			prevHash = sum
		}
		for i, item := range page.items {
			text := string(item)
			rec := schemas.RawRecord{
				Position: f.where + " page " + strconv.Itoa(n) + " item " + strconv.Itoa(i+1),
				Raw:      rawTextString(text),
			}
			fields, ferr := flattenJSON(text)
			if ferr != nil {
				rec.Err = &DecodeError{Position: rec.Position, Err: ferr}
			} else {
				rec.Fields = fields
			}
			if err := emit(rec); err != nil {
				return fmt.Errorf("emitting %s: %w", rec.Position, err)
			}
		}
		switch f.o.Pagination {
		case "none":
			return nil
		case "page":
			if len(page.items) == 0 {
				return nil
			}
		case "offset":
			if len(page.items) == 0 {
				return nil
			}
			offset += len(page.items)
		case "cursor":
			if page.cursor == "" {
				return nil
			}
			if seen[page.cursor] || page.cursor == cursor {
				return fmt.Errorf("GET %s: page %d: %w: next cursor %q was already returned", redactURL(u), n, ErrRepeatedPage, truncate(page.cursor, 64))
			}
			seen[page.cursor] = true
			cursor = page.cursor
		}
	}
}

func (f *restFetch) pageParamName() string {
	if f.o.Pagination == "cursor" {
		return f.o.CursorParam
	}
	return f.o.PageParam
}

func (f *restFetch) pageURL(n, offset int, cursor string) *url.URL {
	u := *f.base
	q := u.Query()
	switch f.o.Pagination {
	case "page":
		q.Set(f.o.PageParam, strconv.Itoa(n))
		q.Set(f.o.SizeParam, strconv.Itoa(f.o.PageSize))
	case "offset":
		q.Set(f.o.PageParam, strconv.Itoa(offset))
		q.Set(f.o.SizeParam, strconv.Itoa(f.o.PageSize))
	case "cursor":
		if cursor != "" {
			q.Set(f.o.CursorParam, cursor)
		}
		q.Set(f.o.SizeParam, strconv.Itoa(f.o.PageSize))
	}
	u.RawQuery = q.Encode()
	return &u
}

type restPage struct {
	items  []json.RawMessage
	cursor string
}

// errRetryable marks a failed attempt worth retrying.
type errRetryable struct {
	err        error
	retryAfter time.Duration // from the response; 0 if none
}

func (e *errRetryable) Error() string { return e.err.Error() }
func (e *errRetryable) Unwrap() error { return e.err }

// get fetches and parses one page, retrying as documented on RESTReader.
func (f *restFetch) get(ctx context.Context, u *url.URL) (restPage, error) {
	for attempt := 0; ; attempt++ {
		if f.limiter != nil {
			if err := f.limiter.Wait(ctx); err != nil {
				return restPage{}, fmt.Errorf("GET %s: waiting for the rate limit: %w", redactURL(u), err)
			}
		}
		page, err := f.attempt(ctx, u)
		if err == nil {
			return page, nil
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// Cancelled while the attempt failed for another reason (the
			// server answered first): the cancellation is what ends it.
			err = fmt.Errorf("%w after %w", ctx.Err(), err)
		}
		var re *errRetryable
		if !errors.As(err, &re) || ctx.Err() != nil {
			return restPage{}, fmt.Errorf("GET %s: %w", redactURL(u), err)
		}
		if attempt >= f.o.MaxRetries {
			return restPage{}, fmt.Errorf("GET %s: %w: %d attempts, last error: %w", redactURL(u), ErrGaveUp, attempt+1, re.err)
		}
		wait := f.backoff(attempt)
		if re.retryAfter > 0 {
			wait = min(re.retryAfter, orDefault(f.r.MaxRetryAfter, 5*time.Minute))
		}
		if err := f.sleep(ctx, wait); err != nil {
			return restPage{}, fmt.Errorf("GET %s: waiting to retry after %v: %w", redactURL(u), re.err, err)
		}
	}
}

// attempt sends one request; failures worth a retry are *errRetryable.
func (f *restFetch) attempt(ctx context.Context, u *url.URL) (restPage, error) {
	ctx, cancel := context.WithTimeout(ctx, f.o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return restPage{}, fmt.Errorf("building the request: %v", unwrapURLError(err))
	}
	req.Header.Set("Accept", "application/json")
	if f.o.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.o.token)
	}
	client := f.r.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("no response within the %v timeout: %w", f.o.timeout, context.DeadlineExceeded)
		}
		return restPage{}, &errRetryable{err: fmt.Errorf("sending the request: %w", unwrapURLError(err))}
	}
	defer resp.Body.Close()
	maxBody := f.r.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = 256 << 20
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	status := fmt.Sprintf("status %s", resp.Status)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return restPage{}, &errRetryable{err: errors.New(status), retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return restPage{}, fmt.Errorf("%s: %s", status, scrub(errors.New(snippet(body)), f.o.token))
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("body not complete within the %v timeout: %w", f.o.timeout, context.DeadlineExceeded)
		}
		return restPage{}, &errRetryable{err: fmt.Errorf("%s but reading the body failed after %d bytes: %w", status, len(body), unwrapURLError(err))}
	}
	if int64(len(body)) > maxBody {
		return restPage{}, fmt.Errorf("%s: the body is larger than %d bytes", status, maxBody)
	}
	return f.parse(body)
}

// parse finds the items and the next cursor of a page.
func (f *restFetch) parse(body []byte) (restPage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return restPage{}, &errRetryable{err: fmt.Errorf("truncated body (%d bytes)", len(body))}
		}
		return restPage{}, fmt.Errorf("the body is not JSON: %v", err)
	}
	var page restPage
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	itemsJSON := doc
	if len(trimmed) == 0 || trimmed[0] != '[' {
		var found bool
		var err error
		itemsJSON, found, err = jsonPath(doc, f.o.ItemsField)
		if err != nil {
			return restPage{}, fmt.Errorf("items_field %q: %v", f.o.ItemsField, err)
		}
		if !found {
			return restPage{}, fmt.Errorf("items_field %q is not in the response", f.o.ItemsField)
		}
		if f.o.Pagination == "cursor" {
			c, found, err := jsonPath(doc, f.o.CursorField)
			if err != nil {
				return restPage{}, fmt.Errorf("cursor_field %q: %v", f.o.CursorField, err)
			}
			if found {
				var v any
				d := json.NewDecoder(bytes.NewReader(c))
				d.UseNumber()
				if err := d.Decode(&v); err != nil {
					return restPage{}, fmt.Errorf("cursor_field %q: %v", f.o.CursorField, err)
				}
				switch x := v.(type) {
				case nil:
				case string:
					page.cursor = x
				case json.Number:
					page.cursor = string(x)
				default:
					return restPage{}, fmt.Errorf("cursor_field %q holds %s, want a string", f.o.CursorField, jsonKind(x))
				}
			}
		}
	}
	if bytes.Equal(bytes.TrimSpace(itemsJSON), []byte("null")) {
		return page, nil
	}
	if err := json.Unmarshal(itemsJSON, &page.items); err != nil {
		return restPage{}, fmt.Errorf("items_field %q is not an array: %v", f.o.ItemsField, err)
	}
	return page, nil
}

// jsonPath returns the value at a dotted path of object keys.
func jsonPath(doc json.RawMessage, path string) (json.RawMessage, bool, error) {
	cur := doc
	for _, key := range strings.Split(path, ".") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(cur, &m); err != nil {
			return nil, false, fmt.Errorf("cannot look up %q: not an object", key)
		}
		next, ok := m[key]
		if !ok {
			return nil, false, nil
		}
		cur = next
	}
	return cur, true, nil
}

func (f *restFetch) backoff(attempt int) time.Duration {
	base := orDefault(f.r.BackoffBase, 500*time.Millisecond)
	limit := orDefault(f.r.BackoffCap, 30*time.Second)
	ceil := limit
	if attempt < 62 && base<<attempt > 0 && base<<attempt < limit {
		ceil = base << attempt
	}
	return rand.N(ceil + 1)
}

func (f *restFetch) sleep(ctx context.Context, d time.Duration) error {
	if f.r.sleep != nil {
		return f.r.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. It returns 0 when the header is absent, invalid or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// unwrapURLError drops *url.Error's URL, which may carry credentials.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// sensitiveParams are query parameter name parts whose values are redacted.
var sensitiveParams = []string{"token", "key", "secret", "password", "passwd", "auth", "signature", "credential", "session"}

// redactURL renders u without user info and with secret-looking query
// parameter values replaced by REDACTED.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for name := range q {
		lower := strings.ToLower(name)
		for _, s := range sensitiveParams {
			if strings.Contains(lower, s) {
				q[name] = []string{"REDACTED"}
				changed = true
				break
			}
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

func redactRawURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return redactURL(u)
}

// scrub removes the token from an error's message; errors.Is and As still
// see the wrapped error.
func scrub(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), token, "REDACTED"), err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// snippet is the start of a response body for an error message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(rawText(truncateRunes(body, 200))), " ")
	if s == "" {
		return "(empty body)"
	}
	return strconv.Quote(s)
}

func truncate(s string, n int) string {
	b := truncateRunes([]byte(s), n)
	if len(b) < len(s) {
		return string(b) + "..."
	}
	return s
}
