package sim

import (
	"context"
	"math"
	"testing"
)

// TestWeekProgress: WeekProgress counts every week of every replication,
// never decreases, is called at least every 16 weeks of a replication, and
// does not change results.
func TestWeekProgress(t *testing.T) {
	sc := loadShipped(t, "ways-to-wellness")
	opts := Options{Replications: 3, Seed: 2, Workers: 2, Weeks: 37, NoWeekly: true}
	plain, err := RunBatch(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	var calls, last int
	opts.WeekProgress = func(done, total int) {
		calls++
		if total != 3*37 || done <= last || done > total {
			t.Errorf("WeekProgress(%d, %d) after %d; want increasing weeks done of 111", done, total, last)
		}
		last = done
	}
	watched, err := RunBatch(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	// 37 weeks: ticks after weeks 16 and 32, and 5 at the end.
	if last != 111 || calls != 9 {
		t.Errorf("WeekProgress ended at %d after %d calls; want 111 after 9", last, calls)
	}
	for r := range plain.Results {
		for i, x := range plain.Results[r].Metrics {
			if math.Float64bits(x) != math.Float64bits(watched.Results[r].Metrics[i]) {
				t.Fatalf("replication %d metric %s: %v without WeekProgress, %v with", r, Metrics()[i].Name, x, watched.Results[r].Metrics[i])
			}
		}
	}
}
