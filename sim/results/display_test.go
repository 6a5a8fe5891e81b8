package results

import (
	"math"
	"testing"
)

func TestHuman(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.NaN(), "NA"},
		{math.Inf(-1), "-Inf"},
		{1, "1.000"},
		{0.1234567, "0.1235"},
		{-0.00001234, "-1.234e-05"},
		{12.3456, "12.35"},
		{1234.56, "1235"},
		{123456789.4, "123456789"},
		{2.5e13, "2.5e+13"},
		{-0.00004, "-4e-05"},
		{-0.0001, "-0.0001000"},
		{0.123456, "0.1235"},
		{-1234.6, "-1235"},
		{1e-5, "1e-05"},
		{1055000, "1055000"},
		{-0.00004999, "-4.999e-05"},
		{-0.00000001, "-1e-08"},
		{0.00001, "1e-05"},
	}
	for _, tt := range tests {
		if got := Human(tt.in); got != tt.want {
			t.Errorf("Human(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
