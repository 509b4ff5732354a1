package telemetry

import (
	"fmt"
	"testing"
	"time"
)

func TestOperationLabelsAreCapped(t *testing.T) {
	m := NewMetrics("test")
	for i := 0; i < maxOperations+50; i++ {
		m.Request(fmt.Sprintf("Op%d", i), "OK", time.Millisecond, 1, 1)
	}
	cases := []struct{ in, want string }{
		{"", "anonymous"},
		{"Op0", "Op0"},
		{fmt.Sprintf("Op%d", maxOperations-1), fmt.Sprintf("Op%d", maxOperations-1)},
		{fmt.Sprintf("Op%d", maxOperations), "other"},
		{string(make([]byte, 65)), "other"},
	}
	for _, c := range cases {
		if got := m.label(c.in); got != c.want {
			t.Errorf("label(%.10q) = %q, want %q", c.in, got, c.want)
		}
	}
}
