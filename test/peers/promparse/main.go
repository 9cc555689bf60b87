// promparse reads a Prometheus text exposition on stdin with the Prometheus project's own parser
// (github.com/prometheus/common/expfmt, what Prometheus and promtool use) and prints every sample
// as one JSON line {"name","labels","value"}; a malformed exposition exits 1 with the parser's error.
// Tests use it to read /metrics as a real scraper does (issue 14).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type sample struct {
	Name   string            `json:"name"`
	Type   string            `json:"type"`
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

func labels(m *dto.Metric, extra ...string) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	for i := 0; i+1 < len(extra); i += 2 {
		out[extra[i]] = extra[i+1]
	}
	return out
}

func main() {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := make([]string, 0, len(families))
	for name := range families {
		names = append(names, name)
	}
	sort.Strings(names)
	enc := json.NewEncoder(os.Stdout)
	for _, name := range names {
		f := families[name]
		kind := f.GetType().String()
		for _, m := range f.GetMetric() {
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				_ = enc.Encode(sample{name, kind, labels(m), m.GetCounter().GetValue()})
			case dto.MetricType_GAUGE:
				_ = enc.Encode(sample{name, kind, labels(m), m.GetGauge().GetValue()})
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				_ = enc.Encode(sample{name + "_count", kind, labels(m), float64(h.GetSampleCount())})
				_ = enc.Encode(sample{name + "_sum", kind, labels(m), h.GetSampleSum()})
				for _, b := range h.GetBucket() {
					_ = enc.Encode(sample{name + "_bucket", kind, labels(m, "le", fmt.Sprint(b.GetUpperBound())), float64(b.GetCumulativeCount())})
				}
			default:
				_ = enc.Encode(sample{name, kind, labels(m), m.GetUntyped().GetValue()})
			}
		}
	}
}
