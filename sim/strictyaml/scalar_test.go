package strictyaml

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

// scalarNode parses "v: text" and returns the value node, as a file gives it.
func scalarNode(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("v: "+text+"\n"), &doc); err != nil {
		t.Fatalf("yaml.Unmarshal(v: %s): %v", text, err)
	}
	return doc.Content[0].Content[1]
}

// result formats what a reader returned: the value, "type" for
// ErrWrongType, or the message of a *SpellingError.
func result[T any](v T, err error) string {
	var se *SpellingError
	switch {
	case err == nil:
		return fmt.Sprint(v)
	case errors.Is(err, ErrWrongType):
		return "type"
	case errors.As(err, &se):
		return se.Msg
	}
	return "unexpected error " + err.Error()
}

// TestNumbersAsWritten lists every way of writing a number that YAML
// readers could take for another number, and what each reader makes of
// it: a number means its decimal value or is refused.
func TestNumbersAsWritten(t *testing.T) {
	const (
		lead  = "must be written without leading zeros (got %s): some YAML readers take them to mean octal"
		base  = "must be a decimal number (got %s)"
		under = "must be written without _ between digits (got %s)"
		oor   = "out of range (got %s)"
		tiny  = "out of range: too close to 0 to be told from 0 (got %s)"
	)
	tests := []struct {
		text             string
		int, uint, float string // value, "type" or the problem (%s: the text)
	}{
		// Plain decimal numbers mean their value.
		{"17", "17", "17", "17"},
		{"-17", "-17", "type", "-17"},
		{"+17", "17", "17", "17"},
		{"0", "0", "0", "0"},
		{"-0", "0", "0", "0"},
		{"0.5", "type", "type", "0.5"},
		{".5", "type", "type", "0.5"},
		{"-.5", "type", "type", "-0.5"},
		{"+1.5", "type", "type", "1.5"},
		{"1.", "type", "type", "1"},
		{"1.0", "type", "type", "1"}, // a whole number is written without a point
		{"1e3", "type", "type", "1000"},
		{"1.5E+3", "type", "type", "1500"},
		{"12e03", "type", "type", "12000"}, // leading zeros in an exponent are harmless
		{"-0.0", "type", "type", "0"},      // no negative zero
		{"4.9e-324", "type", "type", "5e-324"},
		{"99999999999999999999", oor, oor, "1e+20"},
		// Leading zeros: octal in YAML 1.1 (yaml.v3 reads 017 as 15).
		{"017", lead, lead, lead},
		{"-017", lead, lead, lead},
		{"+017", lead, lead, lead},
		{"0017", lead, lead, lead},
		{"00", lead, lead, lead},
		{"08", lead, lead, lead}, // not octal, but yaml.v3 makes it a float
		{"01.5", "type", "type", lead},
		{"00.5", "type", "type", lead},
		{"!!int 017", lead, lead, lead},
		// Other bases.
		{"0o17", base, base, base},
		{"0O17", base, base, base},
		{"0x1F", base, base, base},
		{"0X1f", base, base, base},
		{"-0x1F", base, base, base},
		{"0b101", base, base, base},
		{"0x_1F", base, base, base},
		{"0b11111111111111111111111111111111111111111111111111111111111111111", base, base, base}, // too long for yaml.v3: a string
		// Digit separators.
		{"1_000", under, under, under},
		{"1__0", under, under, under},
		{"1_", under, under, under},
		{"1_000.5", "type", "type", under},
		{"0.1_5", "type", "type", under},
		{"1e1_0", "type", "type", under},
		// Sexagesimal (YAML 1.1 reads 1:20 as 80; yaml.v3 as a string).
		{"1:20", "type", "type", "type"},
		{"190:20:30.15", "type", "type", "type"},
		// Infinity and not-a-number: floats only; callers that need a
		// finite number refuse them.
		{".inf", "type", "type", "+Inf"},
		{"+.inf", "type", "type", "+Inf"},
		{"-.inf", "type", "type", "-Inf"},
		{".Inf", "type", "type", "+Inf"},
		{"-.INF", "type", "type", "-Inf"},
		{".nan", "type", "type", "NaN"},
		{".NaN", "type", "type", "NaN"},
		{".NAN", "type", "type", "NaN"},
		{"inf", "type", "type", "type"},
		{"NaN", "type", "type", "type"},
		// Too large or too small to represent.
		{"1e400", "type", "type", oor},
		{"-1e400", "type", "type", oor},
		{"1e-400", "type", "type", tiny},
		{"-2e-324", "type", "type", tiny},
		{"0e-400", "type", "type", "0"},
		{"9223372036854775807", "9223372036854775807", "9223372036854775807", "9.223372036854776e+18"},
		{"9223372036854775808", oor, "9223372036854775808", "9.223372036854776e+18"},
		{"-9223372036854775808", "-9223372036854775808", "type", "-9.223372036854776e+18"},
		{"-9223372036854775809", oor, "type", "-9.223372036854776e+18"},
		{"18446744073709551615", oor, "18446744073709551615", "1.8446744073709552e+19"},
		{"18446744073709551616", oor, oor, "1.8446744073709552e+19"},
		// Quoted numbers are strings; explicit tags are read by the rules.
		{"'17'", "type", "type", "type"},
		{`"17"`, "type", "type", "type"},
		{"!!str 17", "type", "type", "type"},
		{"!!int '17'", "17", "17", "17"},
		{"!!float 17", "17", "17", "17"},
		{"!!int 1.5", "type", "type", "1.5"},
		// Not numbers.
		{"true", "type", "type", "type"},
		{"~", "type", "type", "type"},
		{"seventeen", "type", "type", "type"},
		{"1e", "type", "type", "type"},
		{"_1", "type", "type", "type"},
		{"1e_1", "type", "type", "type"},
		{"._5", "type", "type", "type"},
		{"0x", "type", "type", "type"},
		{"[17]", "type", "type", "type"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			n := scalarNode(t, tt.text)
			text := n.Value
			if len(text) > 40 {
				text = text[:40] + "..."
			}
			want := func(w string) string {
				if w == lead || w == base || w == under || w == oor || w == tiny {
					return fmt.Sprintf(w, text)
				}
				return w
			}
			if got := result(Int(n)); got != want(tt.int) {
				t.Errorf("Int(%s) = %s; want %s", tt.text, got, want(tt.int))
			}
			if got := result(Uint(n)); got != want(tt.uint) {
				t.Errorf("Uint(%s) = %s; want %s", tt.text, got, want(tt.uint))
			}
			f, err := Float(n)
			if got := result(f, err); got != want(tt.float) {
				t.Errorf("Float(%s) = %s; want %s", tt.text, got, want(tt.float))
			}
			if err == nil && f == 0 && math.Signbit(f) {
				t.Errorf("Float(%s) = -0; want 0", tt.text)
			}
		})
	}
}

// TestNumbersAgreeWithGo checks that every accepted spelling reads as Go's
// strconv reads the same decimal text: no reader turns a number written
// in decimal into another number.
func TestNumbersAgreeWithGo(t *testing.T) {
	for _, text := range []string{"0", "7", "-7", "+7", "123456789", "0.1", "0.30000000000000004", "-2.5e-3", "1e21", "6.02214076e23", "1.7976931348623157e308", ".25", "3."} {
		n := scalarNode(t, text)
		f, err := Float(n)
		want, _ := strconv.ParseFloat(text, 64)
		if err != nil || f != want {
			t.Errorf("Float(%s) = %v, %v; want %v", text, f, err, want)
		}
		if i, err := Int(n); err == nil {
			if w, _ := strconv.ParseInt(text, 10, 64); i != w {
				t.Errorf("Int(%s) = %d; want %d", text, i, w)
			}
		}
	}
}

func TestBool(t *testing.T) {
	tests := []struct{ text, want string }{
		{"true", "true"},
		{"false", "false"},
		{"!!bool true", "true"},
		{"True", "must be true or false, in lower case (got True)"},
		{"FALSE", "must be true or false, in lower case (got FALSE)"},
		{"yes", `must be true or false (got "yes", which some YAML readers take as true)`},
		{"No", `must be true or false (got "No", which some YAML readers take as false)`},
		{"on", `must be true or false (got "on", which some YAML readers take as true)`},
		{"OFF", `must be true or false (got "OFF", which some YAML readers take as false)`},
		{"y", `must be true or false (got "y", which some YAML readers take as true)`},
		{"n", `must be true or false (got "n", which some YAML readers take as false)`},
		{"!!bool yes", `must be true or false (got "yes", which some YAML readers take as true)`},
		{"'yes'", "type"},
		{"'true'", "type"},
		{"1", "type"},
		{"0", "type"},
		{"~", "type"},
		{"tRue", "type"},
	}
	for _, tt := range tests {
		if got := result(Bool(scalarNode(t, tt.text))); got != tt.want {
			t.Errorf("Bool(%s) = %s; want %s", tt.text, got, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct{ text, want string }{
		{"x", "x"},
		{"017", "017"}, // as written, not 15
		{"0x1F", "0x1F"},
		{"1_000", "1_000"},
		{"yes", "yes"},
		{"'17'", "17"},
		{"1.50", "1.50"},
		{"~", "type"},
		{"[x]", "type"},
		{"{a: 1}", "type"},
	}
	for _, tt := range tests {
		if got := result(String(scalarNode(t, tt.text))); got != tt.want {
			t.Errorf("String(%s) = %s; want %s", tt.text, got, tt.want)
		}
	}
}
