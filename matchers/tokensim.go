package matchers

// MongeElkan is the symmetric Monge-Elkan similarity of two token lists
// with Jaro-Winkler as the inner measure: each token's best Jaro-Winkler
// match in the other list, averaged over the list, then the two
// directions averaged. Unlike set overlap it credits tokens spelt
// differently ("logitec" and "logitech", "hdphns" and "headphones"), and
// unlike Jaro-Winkler over whole titles it ignores word order. It is 0
// when either list is empty.
func MongeElkan(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return (mongeElkan(a, b) + mongeElkan(b, a)) / 2
}

func mongeElkan(a, b []string) float64 {
	sum := 0.0
	for _, t := range a {
		best := 0.0
		for _, u := range b {
			if t == u {
				best = 1
				break
			}
			best = max(best, JaroWinkler(t, u))
		}
		sum += best
	}
	return sum / float64(len(a))
}
