package matchers

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// Training defaults; a zero TrainOptions field means its default.
const (
	DefaultL2        = 1e-4
	DefaultMaxIter   = 50
	DefaultTol       = 1e-8
	DefaultThreshold = 0.5
)

// TrainOptions configure Train.
type TrainOptions struct {
	// L2 is λ in the objective mean(weighted log-loss) + λ/2·‖w‖² (the
	// bias is not penalised). 0 means DefaultL2: some penalty is needed
	// because match features such as an equal GTIN often separate the
	// classes, where unpenalised weights grow without bound.
	L2 float64
	// MaxIter caps Newton iterations; 0 means DefaultMaxIter. Newton
	// usually converges in under 15.
	MaxIter int
	// Tol stops training when no parameter moves by more than Tol in an
	// iteration; 0 means DefaultTol.
	Tol float64
	// FeatureNames name the columns of X; empty means "f0", "f1", ...
	FeatureNames []string
	// PositiveWeight weighs each match against a non-match; 0 means 1.
	PositiveWeight float64
	// Balanced weighs classes inversely to their frequency, so each class
	// carries half the loss; it overrides PositiveWeight.
	Balanced bool
	// NoStandardize fits raw features. By default features are
	// standardised (Model.Mean, Model.Std), which conditions Newton's
	// method and makes the L2 penalty and the explanations comparable
	// across features.
	NoStandardize bool
	// RowWeights, when set (one per row, >= 0), weigh each row's loss on
	// top of the class weights: for example so that every training
	// dataset counts the same however many pairs it has.
	RowWeights []float64
	// Signs constrain the weights, one per feature: +1 keeps the weight
	// >= 0 (similarity: more of it can only argue for a match), -1 keeps
	// it <= 0 (evidence against), 0 leaves it free. Empty means free. A
	// model fitted on data where one kind of evidence decides everything
	// otherwise learns that the others argue against a match (an identical
	// title scoring lower than a different one), which does not carry over
	// to catalogues without that evidence.
	Signs []int
	// Prior, when set, fine-tunes that model instead of fitting from
	// zero: the features are standardised with its Mean and Std, the fit
	// starts from its weights and bias, and the penalty becomes
	// λ/2·(‖w − Prior.Weights‖² + (bias − Prior.Bias)²), so λ says how
	// strongly the prior holds against the rows. A few hundred labels from
	// a new catalogue then adjust a model trained on many, rather than
	// replace it; the bias is held too, since labels picked near the
	// threshold are no sample of the catalogue's share of matches. Its
	// features must be FeatureNames (or, without names, as many).
	Prior *Model
}

// ErrTrain is wrapped by Train's errors about its input.
var ErrTrain = errors.New("training match model")

// Train fits an L2-regularised logistic regression of y on X by Newton's
// method (IRLS) with a backtracking line search. It is deterministic: the
// same input gives bit-identical weights. Each iteration costs
// O(n·d²) for n rows of d features, so d should stay small (tens).
//
// The model's Threshold is DefaultThreshold; tune it with BestThreshold on
// held-out data. Metrics gets "train_log_loss" (unweighted, at the final
// weights), "iterations" and "converged" (1 or 0).
func Train(X [][]float64, y []bool, opts TrainOptions) (*Model, error) {
	n := len(X)
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrTrain}, args...)...))
	}
	if n == 0 || n != len(y) {
		bad("%d feature rows for %d labels", n, len(y))
		return nil, errors.Join(errs...)
	}
	d := len(X[0])
	if d == 0 {
		bad("no features")
	}
	npos, shape, finite := 0, true, true
	for i, x := range X {
		if shape && len(x) != d {
			bad("row %d has %d features, row 0 has %d", i, len(x), d)
			shape = false
		}
		for j, v := range x {
			if finite && (math.IsNaN(v) || math.IsInf(v, 0)) {
				bad("X[%d][%d] is %v", i, j, v)
				finite = false
			}
		}
		if y[i] {
			npos++
		}
	}
	if (npos == 0 || npos == n) && opts.Prior == nil { // a prior keeps a one-class fit finite
		bad("need both matches and non-matches, got %d of %d", npos, n)
	}
	if len(opts.FeatureNames) != 0 && len(opts.FeatureNames) != d {
		bad("%d feature names for %d features", len(opts.FeatureNames), d)
	}
	if opts.L2 < 0 || math.IsNaN(opts.L2) || opts.MaxIter < 0 || opts.Tol < 0 || math.IsNaN(opts.Tol) ||
		opts.PositiveWeight < 0 || math.IsNaN(opts.PositiveWeight) {
		bad("negative or NaN option in %+v", opts)
	}
	if len(opts.RowWeights) != 0 {
		if len(opts.RowWeights) != n {
			bad("%d row weights for %d rows", len(opts.RowWeights), n)
		} else if slices.ContainsFunc(opts.RowWeights, func(w float64) bool { return !(w >= 0) || math.IsInf(w, 0) }) {
			bad("row weights must be finite and >= 0")
		}
	}
	if len(opts.Signs) != 0 && len(opts.Signs) != d {
		bad("%d signs for %d features", len(opts.Signs), d)
	}
	for j, sg := range opts.Signs {
		if sg < -1 || sg > 1 {
			bad("sign %d of feature %d is not -1, 0 or +1", sg, j)
		}
	}
	if pr := opts.Prior; pr != nil {
		if len(pr.Weights) != d || (len(opts.FeatureNames) != 0 && !slices.Equal(pr.Features, opts.FeatureNames)) {
			bad("prior model has features %v, the rows %d features %v", pr.Features, d, opts.FeatureNames)
		} else if err := pr.Validate(); err != nil {
			bad("prior model: %v", err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	l2 := cmp.Or(opts.L2, DefaultL2)
	maxIter := cmp.Or(opts.MaxIter, DefaultMaxIter)
	tol := cmp.Or(opts.Tol, DefaultTol)

	// Row weights, normalised so they sum to 1: λ then means the same at
	// any n.
	cpos, cneg := cmp.Or(opts.PositiveWeight, 1), 1.0
	if opts.Balanced {
		cpos, cneg = 1/float64(npos), 1/float64(n-npos)
	}
	w := make([]float64, n) // each row's share of the loss, summing to 1
	total := 0.0
	for i := range w {
		w[i] = cneg
		if y[i] {
			w[i] = cpos
		}
		if len(opts.RowWeights) != 0 {
			w[i] *= opts.RowWeights[i]
		}
		total += w[i]
	}
	if !(total > 0) {
		return nil, fmt.Errorf("%w: every row weight is 0", ErrTrain)
	}
	for i := range w {
		w[i] /= total
	}

	mean, std := make([]float64, d), make([]float64, d)
	for j := range std {
		std[j] = 1
	}
	switch pr := opts.Prior; {
	case pr != nil && len(pr.Mean) == d:
		copy(mean, pr.Mean)
		copy(std, pr.Std)
	case pr != nil:
		opts.NoStandardize = true // the prior reads raw features
	case !opts.NoStandardize:
		for _, x := range X {
			for j, v := range x {
				mean[j] += v
			}
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
		ss := make([]float64, d)
		for _, x := range X {
			for j, v := range x {
				ss[j] += (v - mean[j]) * (v - mean[j])
			}
		}
		for j := range std {
			if s := math.Sqrt(ss[j] / float64(n)); s > 1e-12 {
				std[j] = s // a constant column keeps std 1
			}
		}
	}

	k := d + 1 // beta[0] is the bias
	t := &irls{X: X, y: y, mean: mean, std: std, w: w, l2: l2,
		z: make([]float64, k), grad: make([]float64, k), hess: make([]float64, k*k),
		fixed: make([]bool, k), center: make([]float64, k)}
	beta := make([]float64, k)
	if pr := opts.Prior; pr != nil {
		copy(t.center[1:], pr.Weights)
		t.center[0], t.penalizeBias = pr.Bias, true
		beta[0] = pr.Bias
		copy(beta[1:], pr.Weights)
	}
	iters, converged := 0, false
	// Sign constraints by an active set, as in Lawson-Hanson NNLS: fit
	// with the fixed weights held at 0; fix the free ones that broke their
	// sign; once none does, free the fixed weight whose gradient pulls
	// hardest into its allowed side, until none pulls (the KKT point).
	for round := 0; ; round++ {
		it, conv, err := t.newton(beta, maxIter, tol)
		iters += it
		converged = conv
		if err != nil {
			return nil, err
		}
		violated := false
		for j, sg := range opts.Signs {
			if !t.fixed[j+1] && float64(sg)*beta[j+1] < 0 {
				t.fixed[j+1], beta[j+1], violated = true, 0, true
			}
		}
		if violated {
			continue
		}
		if round > 4*d {
			break // a safety net: every round fixes or frees a weight
		}
		t.gradHess(beta)
		release, pull := -1, 1e-9
		for j, sg := range opts.Signs {
			if t.fixed[j+1] && -float64(sg)*t.grad[j+1] > pull {
				release, pull = j, -float64(sg)*t.grad[j+1]
			}
		}
		if release < 0 {
			break
		}
		t.fixed[release+1] = false
	}

	names := opts.FeatureNames
	if len(names) == 0 {
		names = make([]string, d)
		for j := range names {
			names[j] = "f" + strconv.Itoa(j)
		}
	}
	m := &Model{
		Version:   ModelVersion,
		Features:  slices.Clone(names),
		Weights:   slices.Clone(beta[1:]),
		Bias:      beta[0],
		Threshold: DefaultThreshold,
	}
	if !opts.NoStandardize {
		m.Mean, m.Std = mean, std
	}
	conv := 0.0
	if converged {
		conv = 1
	}
	m.Metrics = map[string]float64{
		"train_log_loss": EvaluateProbabilities(m.Predict(X), y, m.Threshold).LogLoss,
		"iterations":     float64(iters),
		"converged":      conv,
	}
	if err := m.Validate(); err != nil { // NaN weights after a numeric blow-up
		return nil, fmt.Errorf("%w: %w", ErrTrain, err)
	}
	return m, nil
}

// irls holds the data and scratch of one training run.
type irls struct {
	X          [][]float64
	y          []bool
	mean, std  []float64
	w          []float64 // each row's share of the loss
	l2         float64
	z          []float64 // scratch row: 1, standardised features
	grad, hess []float64 // hess is k×k, row-major
	fixed      []bool    // parameters held at 0 (sign constraints)
	center     []float64 // where the penalty pulls the parameters: 0, or a prior's
	// penalizeBias: the bias is pulled to center[0] too (with a prior).
	penalizeBias bool
}

// firstPenalized is the first parameter the penalty holds: the bias only
// with a prior.
func (t *irls) firstPenalized() int {
	if t.penalizeBias {
		return 0
	}
	return 1
}

// newton minimises the objective over the free parameters from beta, in
// place, and returns the iterations taken and whether it converged.
func (t *irls) newton(beta []float64, maxIter int, tol float64) (int, bool, error) {
	k := len(beta)
	cand := make([]float64, k)
	step := make([]float64, k)
	for iter := 1; iter <= maxIter; iter++ {
		obj := t.gradHess(beta)
		for a, fixed := range t.fixed {
			if !fixed {
				continue
			}
			t.grad[a] = 0 // a fixed parameter neither moves nor couples
			for b := 0; b < k; b++ {
				t.hess[max(a, b)*k+min(a, b)] = 0
			}
			t.hess[a*k+a] = 1
		}
		copy(step, t.grad)
		if !choleskySolve(t.hess, step, k) {
			return iter, false, fmt.Errorf("%w: Hessian is not positive definite at iteration %d", ErrTrain, iter)
		}
		slope := 0.0 // directional derivative along -step, negative for descent
		for i := range step {
			slope -= t.grad[i] * step[i]
		}
		// Armijo backtracking: a full Newton step can overshoot on nearly
		// separable data.
		s := 1.0
		for h := 0; ; h++ {
			for i := range beta {
				cand[i] = beta[i] - s*step[i]
			}
			if t.objective(cand) <= obj+1e-4*s*slope || h == 40 {
				break
			}
			s /= 2
		}
		moved := 0.0
		for i := range beta {
			moved = max(moved, math.Abs(cand[i]-beta[i]))
		}
		copy(beta, cand)
		if moved <= tol {
			return iter, true, nil
		}
	}
	return maxIter, false, nil
}

func (t *irls) row(i int) []float64 {
	t.z[0] = 1
	for j, v := range t.X[i] {
		t.z[j+1] = (v - t.mean[j]) / t.std[j]
	}
	return t.z
}

func (t *irls) penalty(beta []float64) float64 {
	s := 0.0
	for a := t.firstPenalized(); a < len(beta); a++ {
		s += (beta[a] - t.center[a]) * (beta[a] - t.center[a])
	}
	return t.l2 / 2 * s
}

// objective is the weighted mean log-loss plus the L2 penalty.
func (t *irls) objective(beta []float64) float64 {
	f := 0.0
	for i := range t.X {
		z := t.row(i)
		eta := 0.0
		for j, b := range beta {
			eta += b * z[j]
		}
		if t.y[i] {
			f += t.w[i] * softplus(-eta)
		} else {
			f += t.w[i] * softplus(eta)
		}
	}
	return f + t.penalty(beta)
}

// gradHess fills t.grad and t.hess at beta and returns the objective there.
func (t *irls) gradHess(beta []float64) float64 {
	k := len(beta)
	clear(t.grad)
	clear(t.hess)
	f := 0.0
	for i := range t.X {
		z := t.row(i)
		eta := 0.0
		for j, b := range beta {
			eta += b * z[j]
		}
		p := logistic(eta)
		c, r := t.w[i], p
		if t.y[i] {
			r = p - 1
			f += c * softplus(-eta)
		} else {
			f += c * softplus(eta)
		}
		r *= c
		s := c * p * (1 - p)
		for a := 0; a < k; a++ {
			t.grad[a] += r * z[a]
			sa := s * z[a]
			h := t.hess[a*k : a*k+a+1] // lower triangle
			for b := range h {
				h[b] += sa * z[b]
			}
		}
	}
	for a := t.firstPenalized(); a < k; a++ {
		t.grad[a] += t.l2 * (beta[a] - t.center[a])
		t.hess[a*k+a] += t.l2
	}
	t.hess[0] += 1e-12 // the bias is unpenalised without a prior; keep the matrix definite when p saturates
	return f + t.penalty(beta)
}

// choleskySolve solves A·x = b in place (b becomes x) for a symmetric
// positive definite k×k A given by its lower triangle, which it overwrites
// with the Cholesky factor. It reports false when A is not definite.
func choleskySolve(a, b []float64, k int) bool {
	for j := 0; j < k; j++ {
		s := a[j*k+j]
		for p := 0; p < j; p++ {
			s -= a[j*k+p] * a[j*k+p]
		}
		if !(s > 0) {
			return false
		}
		a[j*k+j] = math.Sqrt(s)
		for i := j + 1; i < k; i++ {
			s := a[i*k+j]
			for p := 0; p < j; p++ {
				s -= a[i*k+p] * a[j*k+p]
			}
			a[i*k+j] = s / a[j*k+j]
		}
	}
	for i := 0; i < k; i++ { // L·y = b
		s := b[i]
		for p := 0; p < i; p++ {
			s -= a[i*k+p] * b[p]
		}
		b[i] = s / a[i*k+i]
	}
	for i := k - 1; i >= 0; i-- { // Lᵀ·x = y
		s := b[i]
		for p := i + 1; p < k; p++ {
			s -= a[p*k+i] * b[p]
		}
		b[i] = s / a[i*k+i]
	}
	return true
}

// Metrics are classification figures at one threshold; a pair is predicted
// a match when its probability is >= Threshold. Ratios with a zero
// denominator are 0, so Metrics always encode as JSON.
type Metrics struct {
	Threshold      float64
	N              int
	TP, FP, TN, FN int
	Precision      float64 // TP / (TP+FP)
	Recall         float64 // TP / (TP+FN)
	F1             float64 // 2·TP / (2·TP+FP+FN)
	Accuracy       float64 // (TP+TN) / N
	LogLoss        float64 // mean −ln P(true label), P at least 1e-15
}

// Map returns m for Model.Metrics under the given key prefix, e.g.
// "holdout_" gives "holdout_f1".
func (m Metrics) Map(prefix string) map[string]float64 {
	return map[string]float64{
		prefix + "threshold": m.Threshold,
		prefix + "n":         float64(m.N),
		prefix + "tp":        float64(m.TP),
		prefix + "fp":        float64(m.FP),
		prefix + "tn":        float64(m.TN),
		prefix + "fn":        float64(m.FN),
		prefix + "precision": m.Precision,
		prefix + "recall":    m.Recall,
		prefix + "f1":        m.F1,
		prefix + "accuracy":  m.Accuracy,
		prefix + "log_loss":  m.LogLoss,
	}
}

// Evaluate scores every row of X with m and compares with y at
// m.Threshold. It panics when len(X) != len(y).
func Evaluate(m *Model, X [][]float64, y []bool) Metrics {
	if len(X) != len(y) {
		panic(fmt.Sprintf("matchers: Evaluate: %d rows, %d labels", len(X), len(y)))
	}
	return EvaluateProbabilities(m.Predict(X), y, m.Threshold)
}

// EvaluateProbabilities compares probabilities p with labels y at
// threshold. It panics when len(p) != len(y).
func EvaluateProbabilities(p []float64, y []bool, threshold float64) Metrics {
	if len(p) != len(y) {
		panic(fmt.Sprintf("matchers: EvaluateProbabilities: %d probabilities, %d labels", len(p), len(y)))
	}
	m := Metrics{Threshold: threshold, N: len(p)}
	loss := 0.0
	for i, pi := range p {
		switch pred := pi >= threshold; {
		case pred && y[i]:
			m.TP++
		case pred:
			m.FP++
		case y[i]:
			m.FN++
		default:
			m.TN++
		}
		q := pi // the probability given to the true label
		if !y[i] {
			q = 1 - pi
		}
		if !(q >= 1e-15) { // also a NaN p: the worst case, not a NaN loss
			q = 1e-15
		}
		loss -= math.Log(q)
	}
	m.fill(loss)
	return m
}

func (m *Metrics) fill(loss float64) {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	m.Precision = ratio(m.TP, m.TP+m.FP)
	m.Recall = ratio(m.TP, m.TP+m.FN)
	m.F1 = ratio(2*m.TP, 2*m.TP+m.FP+m.FN)
	m.Accuracy = ratio(m.TP+m.TN, m.N)
	if m.N > 0 {
		m.LogLoss = loss / float64(m.N)
	}
}

// BestThreshold returns the threshold that maximises F1 on probabilities p
// with labels y, and the metrics there. Candidates cut between consecutive
// distinct probabilities, at their midpoint so that the threshold is not
// fitted to one pair's exact score; of equally good cuts the highest (the
// most precise) wins. With no probabilities it returns DefaultThreshold.
func BestThreshold(p []float64, y []bool) (float64, Metrics) {
	if len(p) != len(y) {
		panic(fmt.Sprintf("matchers: BestThreshold: %d probabilities, %d labels", len(p), len(y)))
	}
	if len(p) == 0 {
		return DefaultThreshold, EvaluateProbabilities(p, y, DefaultThreshold)
	}
	order := make([]int, len(p))
	npos := 0
	for i := range order {
		order[i] = i
		if y[i] {
			npos++
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(p[b], p[a]) }) // NaN last
	bestF1, best := -1.0, DefaultThreshold
	tp, fp := 0, 0
	for i := 0; i < len(order); {
		hi := p[order[i]]
		if math.IsNaN(hi) {
			break
		}
		for ; i < len(order) && p[order[i]] == hi; i++ { // a cut never splits ties
			if y[order[i]] {
				tp++
			} else {
				fp++
			}
		}
		lo := 0.0
		if i < len(order) && !math.IsNaN(p[order[i]]) {
			lo = p[order[i]]
		}
		if f1 := float64(2*tp) / float64(2*tp+fp+(npos-tp)); f1 > bestF1 {
			bestF1 = f1
			best = lo + (hi-lo)/2
			if !(best > lo) { // adjacent floats: the midpoint rounds down
				best = hi
			}
		}
	}
	return best, EvaluateProbabilities(p, y, best)
}

// SplitHoldout deterministically splits indices 0..n-1 into a training set
// and a test set of round(frac·n) indices, both ascending. The same seed
// gives the same split on every machine (splitmix64 and an unbiased
// Fisher–Yates shuffle). It panics unless 0 <= frac <= 1.
func SplitHoldout(n int, frac float64, seed uint64) (train, test []int) {
	if !(frac >= 0 && frac <= 1) || n < 0 {
		panic(fmt.Sprintf("matchers: SplitHoldout(%d, %v): want n >= 0 and 0 <= frac <= 1", n, frac))
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	var draws uint64 // position in the splitmix64 stream of seed
	for i := n - 1; i > 0; i-- {
		// Lemire's multiply-shift maps 64 random bits onto [0, i]; the
		// rejection step removes the modulo bias.
		bound := uint64(i + 1)
		for {
			hi, lo := bits.Mul64(bkSplitMix(seed, draws), bound)
			draws++
			if lo >= -bound%bound {
				perm[i], perm[hi] = perm[hi], perm[i]
				break
			}
		}
	}
	nt := int(math.Round(frac * float64(n)))
	test, train = perm[:nt:nt], perm[nt:]
	slices.Sort(test)
	slices.Sort(train)
	return train, test
}
