package model

// The bounds the API documents for its arguments, checked before any
// statement runs.
const (
	// DefaultPage is a connection's page size when first is not given.
	DefaultPage = 50
	// MaxPage is the largest page a connection returns.
	MaxPage = 500
	// MaxPathHops is the longest path the path fields look for.
	MaxPathHops = 6
	// MaxPaths is the most paths allShortestPaths returns.
	MaxPaths = 100
	// MaxNeighbourhoodDepth is the most levels a neighbourhood expands.
	MaxNeighbourhoodDepth = 3
	// MaxSubgraph is the most nodes a neighbourhood returns.
	MaxSubgraph = 500
	// MaxCoverageColumns is the most instruments of a coverage matrix.
	MaxCoverageColumns = 20
	// MaxCoverageRows is the most states of a coverage matrix.
	MaxCoverageRows = 1000
)
