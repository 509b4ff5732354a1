package chart

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// treatyNumberPattern accepts a treaty number alone or after its series, in
// English or French: "201", "CETS 201", "ETS No. 185", "STCE n° 201".
var treatyNumberPattern = regexp.MustCompile(`(?i)^(?:(?:c?ets|stc?e)\s*(?:no\.?|n°|nº|#)?\s*)?0*([1-9][0-9]{0,2})$`)

// TreatyNumber returns the number of a Council of Europe treaty as the
// Treaty Office writes it in its addresses: three digits, zero-padded
// ("ETS No. 5" gives "005").
func TreatyNumber(s string) (string, error) {
	m := treatyNumberPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", fmt.Errorf("treaty number %q: want digits, optionally after CETS or ETS, such as \"CETS 201\"", s)
	}
	n, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%03d", n), nil
}

// DefaultSourceURL returns the address of the Treaty Office chart of
// signatures and ratifications of a treaty, or "" when number is not one
// TreatyNumber reads.
func DefaultSourceURL(number string) string {
	n, err := TreatyNumber(number)
	if err != nil {
		return ""
	}
	return "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=" + n
}
