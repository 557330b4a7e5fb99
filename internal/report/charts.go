package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/linkbeam/linkbeam/internal/evaluate"
)

// Chart is an SVG chart laid out in Go: every coordinate is computed here
// and report.html.tmpl only draws the shapes, so the report needs no
// script and no network.
type Chart struct {
	ID, Title     string
	Width, Height float64
	Lines         []Line // axes, grid and guides, drawn first
	Ticks         []Label
	Labels        []Label // axis and panel titles
	Series        []Series
	Bars          []Bar
	Legend        []LegendItem
	Empty         string // shown instead of data when set
}

// Line is a straight line; Class is axis, grid or guide.
type Line struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

// Label is text at a point; Anchor is start, middle or end. Rotate turns
// the text by -90° about its point (a vertical axis title).
type Label struct {
	X, Y   float64
	Text   string
	Anchor string
	Rotate bool
}

// Series is a polyline with a dot at each point.
type Series struct {
	Name, Color string
	Points      string // "x,y x,y ..." for <polyline points>
	Dots        []Dot
}

// Dot is one data point of a series; Title is its tooltip.
type Dot struct {
	X, Y  float64
	Title string
}

// Bar is one bar with a tooltip and an optional value label at (VX, VY).
type Bar struct {
	X, Y, W, H float64
	Color      string
	Title      string
	Value      string
	VX, VY     float64
}

// LegendItem is a coloured swatch and its name.
type LegendItem struct {
	X, Y        float64
	Color, Name string
}

// Chart colours.
const (
	colorPrecision = "#1f6fb2"
	colorRecall    = "#e07b00"
	colorF1        = "#2f8f3a"
	colorMatch     = "#2a9d8f"
	colorNonMatch  = "#d1495b"
	colorClusters  = "#4c6a92"
)

// frame is a chart's plot area inside its margins.
type frame struct {
	left, top, width, height float64
}

func newFrame(w, h float64) frame {
	return frame{left: 62, top: 40, width: w - 62 - 24, height: h - 40 - 52}
}

func (f frame) x(v, lo, hi float64) float64 { return f.left + (v-lo)/(hi-lo)*f.width }
func (f frame) y(v, lo, hi float64) float64 { return f.top + f.height - (v-lo)/(hi-lo)*f.height }
func (f frame) bottom() float64             { return f.top + f.height }
func (f frame) right() float64              { return f.left + f.width }

// axes adds the two axes of f to c.
func (f frame) axes(c *Chart) {
	c.Lines = append(c.Lines,
		Line{f.left, f.bottom(), f.right(), f.bottom(), "axis"},
		Line{f.left, f.top, f.left, f.bottom(), "axis"})
}

// yGrid adds horizontal grid lines and tick labels at ticks of [0, hi].
func (f frame) yGrid(c *Chart, hi float64, ticks []float64, format func(float64) string) {
	for _, v := range ticks {
		y := f.y(v, 0, hi)
		c.Lines = append(c.Lines, Line{f.left, y, f.right(), y, "grid"})
		c.Ticks = append(c.Ticks, Label{X: f.left - 6, Y: y + 4, Text: format(v), Anchor: "end"})
	}
}

// probabilityTicks labels the horizontal axis of f from 0 to 1.
func (f frame) probabilityTicks(c *Chart) {
	for _, v := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
		c.Ticks = append(c.Ticks, Label{X: f.x(v, 0, 1), Y: f.bottom() + 16, Text: fixed(1)(v), Anchor: "middle"})
	}
}

// guide marks the threshold on a horizontal axis of [0, 1] with a
// vertical line across f, and returns the line's x.
func (f frame) guide(c *Chart, threshold float64) float64 {
	x := f.x(threshold, 0, 1)
	c.Lines = append(c.Lines, Line{x, f.top, x, f.bottom(), "guide"})
	return x
}

// titles names the horizontal and vertical axes of f, below and left
// of it.
func (f frame) titles(c *Chart, x, y string) {
	c.Labels = append(c.Labels,
		Label{X: f.left + f.width/2, Y: c.Height - 10, Text: x, Anchor: "middle"},
		Label{X: 16, Y: f.top + f.height/2, Text: y, Anchor: "middle", Rotate: true})
}

// compactCount writes a count as 1, 10, 100, 1k, 10k, 1M.
func compactCount(v float64) string {
	switch {
	case v >= 1e6:
		return fixed(0)(v/1e6) + "M"
	case v >= 1e3:
		return fixed(0)(v/1e3) + "k"
	}
	return fixed(0)(v)
}

func fixed(digits int) func(float64) string {
	return func(v float64) string { return strconv.FormatFloat(v, 'f', digits, 64) }
}

// niceTicks returns 0 and round steps up to about max, and the top of the
// axis (the last tick, at least max).
func niceTicks(max float64, n int) ([]float64, float64) {
	if max <= 0 {
		return []float64{0, 1}, 1
	}
	raw := max / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1 // counts
	}
	var ticks []float64
	for v := 0.0; ; v += step {
		ticks = append(ticks, v)
		if v >= max {
			return ticks, v
		}
	}
}

// sweepChart draws precision, recall and F1 of the clusters against the
// threshold, with the run's threshold marked.
func sweepChart(points []evaluate.SweepPoint, threshold float64) Chart {
	c := Chart{ID: "pr-curve", Title: "Precision, recall and F1 by threshold", Width: 600, Height: 340}
	if len(points) == 0 {
		c.Empty = "no scored pairs: set output.write_pairs to sweep thresholds"
		return c
	}
	f := newFrame(c.Width, c.Height)
	f.axes(&c)
	// The y axis starts at the tenth below the lowest value, so that the
	// differences that decide a threshold are visible.
	lowest := 1.0
	for _, p := range points {
		lowest = min(lowest, p.Precision, p.Recall, p.F1)
	}
	lo := min(math.Floor(lowest*10)/10, 0.9)
	step := 0.2
	switch {
	case 1-lo <= 0.3:
		step = 0.05
	case 1-lo <= 0.6:
		step = 0.1
	}
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if v > 1+1e-9 {
			break
		}
		y := f.y(v, lo, 1)
		c.Lines = append(c.Lines, Line{f.left, y, f.right(), y, "grid"})
		c.Ticks = append(c.Ticks, Label{X: f.left - 6, Y: y + 4, Text: fixed(2)(v), Anchor: "end"})
	}
	f.probabilityTicks(&c)
	f.titles(&c, "match threshold", "pairwise score")
	tx := f.guide(&c, threshold)
	c.Labels = append(c.Labels, Label{X: tx + 4, Y: f.bottom() - 6, Text: "run " + fixed(2)(threshold), Anchor: "start"})
	metrics := []struct {
		name, color string
		get         func(evaluate.PairMetrics) float64
	}{
		{"precision", colorPrecision, func(m evaluate.PairMetrics) float64 { return m.Precision }},
		{"recall", colorRecall, func(m evaluate.PairMetrics) float64 { return m.Recall }},
		{"F1", colorF1, func(m evaluate.PairMetrics) float64 { return m.F1 }},
	}
	for i, m := range metrics {
		s := Series{Name: m.name, Color: m.color}
		var pts []string
		for _, p := range points {
			x, y := f.x(p.Threshold, 0, 1), f.y(m.get(p.PairMetrics), lo, 1)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			s.Dots = append(s.Dots, Dot{X: x, Y: y, Title: fmt.Sprintf("threshold %.2f: %s %.4f", p.Threshold, m.name, m.get(p.PairMetrics))})
		}
		s.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, s)
		c.Legend = append(c.Legend, LegendItem{X: f.left + 10 + float64(i)*100, Y: 14, Color: m.color, Name: m.name})
	}
	return c
}

// histogramChart draws the match-probability histograms of true matches
// (top panel) and non-matches (bottom panel), each on its own count scale,
// with the run's threshold marked across both.
func histogramChart(bins []HistogramBin, threshold float64) Chart {
	c := Chart{ID: "prob-hist", Title: "Match probability of scored pairs", Width: 600, Height: 340}
	if len(bins) == 0 {
		c.Empty = "no scored pairs: set output.write_pairs"
		return c
	}
	outer := newFrame(c.Width, c.Height)
	gap := 22.0
	panelH := (outer.height - gap) / 2
	panels := []struct {
		name, color string
		count       func(HistogramBin) int
		f           frame
	}{
		{"true matches", colorMatch, func(b HistogramBin) int { return b.Matches }, frame{outer.left, outer.top, outer.width, panelH}},
		{"non-matches", colorNonMatch, func(b HistogramBin) int { return b.NonMatches }, frame{outer.left, outer.top + panelH + gap, outer.width, panelH}},
	}
	for i, p := range panels {
		top := 0
		for _, b := range bins {
			top = max(top, p.count(b))
		}
		// Counts on a log scale: non-matches pile up near 0, and the few
		// pairs in between are the interesting ones.
		scale := func(n float64) float64 { return math.Log10(1 + n) }
		decades := max(1, math.Ceil(math.Log10(float64(top))))
		hi := scale(math.Pow(10, decades))
		p.f.axes(&c)
		for d := 0.0; d <= decades; d++ {
			y := p.f.y(scale(math.Pow(10, d)), 0, hi)
			c.Lines = append(c.Lines, Line{p.f.left, y, p.f.right(), y, "grid"})
			c.Ticks = append(c.Ticks, Label{X: p.f.left - 6, Y: y + 4, Text: compactCount(math.Pow(10, d)), Anchor: "end"})
		}
		c.Labels = append(c.Labels, Label{X: p.f.right(), Y: p.f.top - 6, Text: p.name, Anchor: "end"})
		for _, b := range bins {
			n := p.count(b)
			if n == 0 {
				continue
			}
			x0, x1 := p.f.x(b.Lo, 0, 1), p.f.x(b.Hi, 0, 1)
			y := max(p.f.top, p.f.y(scale(float64(n)), 0, hi))
			c.Bars = append(c.Bars, Bar{X: x0 + 1, Y: y, W: x1 - x0 - 2, H: p.f.bottom() - y, Color: p.color,
				Title: fmt.Sprintf("%s with probability %.2f–%.2f: %d", p.name, b.Lo, b.Hi, n)})
		}
		c.Legend = append(c.Legend, LegendItem{X: outer.left + 10 + float64(i)*130, Y: 14, Color: p.color, Name: p.name})
	}
	outer.probabilityTicks(&c)
	outer.guide(&c, threshold)
	outer.titles(&c, "match probability", "pairs (log scale)")
	return c
}

// clusterChart draws how many masters have each number of members.
func clusterChart(sizes []ClusterSizeCount) Chart {
	c := Chart{ID: "cluster-sizes", Title: "Masters by number of member records", Width: 600, Height: 300}
	if len(sizes) == 0 {
		c.Empty = "no links"
		return c
	}
	f := newFrame(c.Width, c.Height)
	top := 0
	for _, s := range sizes {
		top = max(top, s.Masters)
	}
	ticks, hi := niceTicks(float64(top)*1.1, 4)
	f.axes(&c)
	f.yGrid(&c, hi, ticks, fixed(0))
	slot := f.width / float64(len(sizes))
	w := min(slot*0.7, 60)
	for i, s := range sizes {
		cx := f.left + slot*(float64(i)+0.5)
		y := f.y(float64(s.Masters), 0, hi)
		c.Bars = append(c.Bars, Bar{X: cx - w/2, Y: y, W: w, H: f.bottom() - y, Color: colorClusters,
			Title: fmt.Sprintf("%d masters with %s members", s.Masters, s.Label),
			Value: strconv.Itoa(s.Masters), VX: cx, VY: y - 5})
		c.Ticks = append(c.Ticks, Label{X: cx, Y: f.bottom() + 16, Text: s.Label, Anchor: "middle"})
	}
	f.titles(&c, "members per master", "masters")
	return c
}

// blockingChart splits the true pairs into those the run put in one
// master (scored or joined through other records), those it scored but
// left in different masters and those blocking never made candidates, as
// one stacked bar. Without pairs/ the last two cannot be told apart.
func blockingChart(merged, split, unscored int, recall float64, hasPairs bool) Chart {
	c := Chart{ID: "blocking-recall", Title: "What became of the true pairs", Width: 600, Height: 150}
	total := merged + split + unscored
	if total == 0 {
		c.Empty = "the truth has no pairs"
		return c
	}
	f := frame{left: 16, top: 40, width: c.Width - 32, height: 36}
	parts := []struct {
		name, color string
		n           int
	}{
		{"in one master", colorMatch, merged},
		{"scored, not merged", colorRecall, split},
		{"never a candidate", colorNonMatch, unscored},
	}
	if !hasPairs {
		parts = parts[:2]
		parts[1] = struct {
			name, color string
			n           int
		}{"not merged", colorNonMatch, split + unscored}
	}
	x := f.left
	for i, p := range parts {
		w := float64(p.n) / float64(total) * f.width
		if p.n > 0 {
			c.Bars = append(c.Bars, Bar{X: x, Y: f.top, W: w, H: f.height, Color: p.color,
				Title: fmt.Sprintf("%s: %d of %d true pairs", p.name, p.n, total)})
		}
		x += w
		c.Legend = append(c.Legend, LegendItem{X: f.left, Y: f.top + f.height + 14 + float64(i)*18, Color: p.color,
			Name: fmt.Sprintf("%s: %d (%.1f%%)", p.name, p.n, 100*float64(p.n)/float64(total))})
	}
	text := fmt.Sprintf("%d true pairs", total)
	if hasPairs {
		text += fmt.Sprintf("; blocking recall %.4f (scored at all)", recall)
	}
	c.Labels = append(c.Labels, Label{X: f.left, Y: f.top - 12, Anchor: "start", Text: text})
	return c
}
