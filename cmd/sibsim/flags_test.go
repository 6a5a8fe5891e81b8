package main

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestNumericFlagsDecimal runs every case of testdata/numeric-flags.txt:
// numbers in other bases, with signs, spaces or underscores are usage
// errors naming the flag.
func TestNumericFlagsDecimal(t *testing.T) {
	data, err := os.ReadFile("testdata/numeric-flags.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // nothing may be written; a failure would write here
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " | ", 3)
		if len(fields) != 3 {
			t.Fatalf("bad case %q", line)
		}
		code, err := strconv.Atoi(fields[0])
		if err != nil {
			t.Fatalf("bad case %q", line)
		}
		args := strings.Split(fields[2], " ")
		n++
		t.Run(fields[2], func(t *testing.T) {
			got, stdout, stderr := cli(t, context.Background(), args...)
			if got != code || !strings.Contains(stdout+stderr, fields[1]) {
				t.Errorf("sibsim %q = exit %d, stdout %q, stderr %q; want exit %d and %q", args, got, stdout, stderr, code, fields[1])
			}
			if entries(t, ".") != nil {
				t.Errorf("sibsim %q wrote %q", args, entries(t, "."))
			}
		})
	}
	if n == 0 {
		t.Fatal("no cases")
	}
}

// TestNumericFlagsAccepted: decimal values, leading zeros included, mean
// their decimal value.
func TestNumericFlagsAccepted(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{{"17", 17}, {"017", 17}, {"0", 0}, {"-3", -3}, {"-007", -7}}
	for _, tt := range tests {
		var v decimalInt
		if err := v.Set(tt.in); err != nil || int(v) != tt.want {
			t.Errorf("decimalInt.Set(%q) = %d, %v; want %d", tt.in, v, err, tt.want)
		}
	}
	var u decimalUint64
	if err := u.Set("017"); err != nil || u != 17 {
		t.Errorf("decimalUint64.Set(\"017\") = %d, %v; want 17", u, err)
	}
	if err := u.Set("18446744073709551615"); err != nil || u != 18446744073709551615 {
		t.Errorf("decimalUint64.Set(max) = %d, %v", u, err)
	}
}

// TestDecimalFloatAccepted: decimal spellings of numbers mean their value.
func TestDecimalFloatAccepted(t *testing.T) {
	for in, want := range map[string]float64{"0.25": 0.25, "-0.1": -0.1, ".5": 0.5, "1.": 1, "1e-3": 1e-3, "-2E+2": -200, "0": 0, "0.000e5": 0, "017": 17} {
		var v decimalFloat
		if err := v.Set(in); err != nil || float64(v) != want {
			t.Errorf("decimalFloat.Set(%q) = %v, %v; want %v", in, float64(v), err, want)
		}
	}
}
