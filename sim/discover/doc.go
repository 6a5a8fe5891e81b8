// Package discover finds the regions of an uncertainty space where an
// outcome of interest happens (scenario discovery): given n points of a
// d-dimensional space of uncertain parameters and, at each point, whether
// the outcome happened, it describes the points of interest by a few
// boxes, each a set of limits on some of the parameters.
//
// Two methods find boxes. PRIM, the Patient Rule Induction Method of
// Friedman and Fisher (1999, "Bump hunting in high-dimensional data",
// Statistics and Computing 9:123-143), peels a box from the whole space a
// small share of points at a time, records the peeling trajectory, selects
// one box on it, pastes its edges back out where that does not lower the
// density, and repeats on the points left over (covering). CART (Breiman,
// Friedman, Olshen and Stone 1984) grows a classification tree and returns
// its leaves where the outcome holds.
//
// Every box is summarised by the statistics of Bryant and Lempert (2010,
// "Thinking inside the box", Technological Forecasting and Social Change
// 77:34-49): its coverage (share of all points of interest that lie inside
// it), its density (share of the points inside it that are of interest)
// and its mass (share of all points that lie inside it). Each restricted
// dimension of a box gets a quasi-p-value (QuasiP): how likely a box that
// good would be if that restriction did not matter.
//
// The package is pure and deterministic: no randomness, no printing, no
// global state; ties are broken by a documented order, so the same data
// always give the same boxes.
package discover
