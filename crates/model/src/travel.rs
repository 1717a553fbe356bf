//! Travel: dense row-major distance and duration matrices, built from coordinates, supplied by
//! the user, or computed from a road network.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::visit::{EdgeRef, IntoEdges, IntoNodeIdentifiers, NodeCount, NodeIndexable};

use crate::error::ModelError;
use crate::site::Coordinates;
use crate::units::{Distance, Duration};

/// How a Euclidean distance between planar coordinates becomes an integer matrix entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Rounding {
    /// Nearest integer (CVRPLIB, X instances): one matrix unit = one coordinate unit.
    Nearest,
    /// Truncated to one decimal (DIMACS challenge): the entry is `trunc(10 d)`, so one matrix
    /// unit is a tenth of a coordinate unit.
    TruncateOneDecimal,
    /// Exact up to `1/scale`: the entry is `round(scale * d)`. Use a large scale (1000 or more)
    /// for instances whose convention is unrounded distances.
    Exact {
        /// Matrix units per coordinate unit.
        scale: u32,
    },
}

impl Rounding {
    /// Matrix units per coordinate unit.
    #[must_use]
    pub fn scale(self) -> i64 {
        match self {
            Rounding::Nearest => 1,
            Rounding::TruncateOneDecimal => 10,
            Rounding::Exact { scale } => i64::from(scale),
        }
    }

    /// The matrix entry for a Euclidean distance `d`.
    #[must_use]
    pub fn apply(self, d: f64) -> i64 {
        // `as` saturates on overflow; inputs are validated finite before this is called.
        match self {
            Rounding::Nearest => d.round() as i64,
            Rounding::TruncateOneDecimal => (10.0 * d).trunc() as i64,
            Rounding::Exact { scale } => (f64::from(scale) * d).round() as i64,
        }
    }
}

/// How durations follow from distances when a matrix is built from coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
pub enum Speed {
    /// Duration equals distance in matrix units (Solomon and most benchmark sets).
    EqualToDistance,
    /// A constant speed in distance units per duration unit (metres per second for real data).
    Constant(f64),
}

/// Mean Earth radius in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two (lat, lon) points in degrees (Haversine formula).
///
/// # Complexity
/// O(1).
#[must_use]
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

/// An edge of a road network: its length and its driving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoadEdge {
    /// Length of the road segment.
    pub distance: Distance,
    /// Driving time along it.
    pub duration: Duration,
}

/// Dense, row-major distance and duration matrices over the problem's sites.
///
/// Entry `(i, j)` is at `i * size + j`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TravelMatrix {
    size: usize,
    distances: Vec<Distance>,
    durations: Vec<Duration>,
}

impl TravelMatrix {
    /// Matrices supplied by the caller, row-major, `size * size` entries each.
    ///
    /// # Errors
    /// [`ModelError::MatrixSize`] if a matrix has the wrong number of entries,
    /// [`ModelError::NegativeTravel`] if an entry is negative.
    pub fn new(size: usize, distances: Vec<Distance>, durations: Vec<Duration>) -> Result<Self, ModelError> {
        let expected = size.checked_mul(size).ok_or(ModelError::MatrixSize {
            what: "distance",
            found: distances.len(),
            expected: usize::MAX,
            size,
        })?;
        for (what, found) in [("distance", distances.len()), ("duration", durations.len())] {
            if found != expected {
                return Err(ModelError::MatrixSize { what, found, expected, size });
            }
        }
        let negative = |what: &'static str, values: &mut dyn Iterator<Item = i64>| {
            values.enumerate().find(|&(_, v)| v < 0).map(|(k, value)| ModelError::NegativeTravel {
                what,
                from: k / size,
                to: k % size,
                value,
            })
        };
        if let Some(e) = negative("distance", &mut distances.iter().map(|d| d.0)) {
            return Err(e);
        }
        if let Some(e) = negative("duration", &mut durations.iter().map(|d| d.0)) {
            return Err(e);
        }
        Ok(Self { size, distances, durations })
    }

    /// Matrices from coordinates: Euclidean distance with `rounding` for planar coordinates,
    /// Haversine metres (rounded to the nearest metre) for geographic ones.
    ///
    /// # Errors
    /// [`ModelError::InvalidNumber`] for a non-finite coordinate or speed,
    /// [`ModelError::Invalid`] when planar and geographic coordinates are mixed.
    ///
    /// # Complexity
    /// O(n²) time and space.
    pub fn from_coordinates(coords: &[Coordinates], rounding: Rounding, speed: Speed) -> Result<Self, ModelError> {
        for (i, c) in coords.iter().enumerate() {
            let (x, y) = c.xy();
            if !x.is_finite() || !y.is_finite() {
                return Err(ModelError::InvalidNumber {
                    item: format!("coordinates #{i}"),
                    what: "coordinate",
                    value: if x.is_finite() { y } else { x },
                });
            }
        }
        if let Speed::Constant(v) = speed {
            if !(v.is_finite() && v > 0.0) {
                return Err(ModelError::InvalidNumber { item: "travel matrix".into(), what: "speed", value: v });
            }
        }
        let n = coords.len();
        let mut distances = Vec::with_capacity(n * n);
        let mut durations = Vec::with_capacity(n * n);
        for (i, a) in coords.iter().enumerate() {
            for b in coords {
                let (d, raw) = match (a, b) {
                    (Coordinates::Planar { x: x1, y: y1 }, Coordinates::Planar { x: x2, y: y2 }) => {
                        let e = (x1 - x2).hypot(y1 - y2);
                        (rounding.apply(e), e * rounding.scale() as f64)
                    }
                    (Coordinates::LatLon { lat: a1, lon: o1 }, Coordinates::LatLon { lat: a2, lon: o2 }) => {
                        let m = haversine_m(*a1, *o1, *a2, *o2);
                        (m.round() as i64, m)
                    }
                    _ => {
                        return Err(ModelError::Invalid {
                            item: format!("coordinates #{i}"),
                            reason: "planar and geographic coordinates are mixed".into(),
                        })
                    }
                };
                distances.push(Distance(d));
                durations.push(Duration(match speed {
                    Speed::EqualToDistance => d,
                    Speed::Constant(v) => (raw / v).round() as i64,
                }));
            }
        }
        Ok(Self { size: n, distances, durations })
    }

    /// Matrices of shortest paths through a road network: for each pair of `sites` (graph nodes),
    /// the fastest path (ties broken by distance), its duration and its length.
    ///
    /// # Arguments
    /// `graph`: any petgraph graph whose edge weights are [`RoadEdge`]s (directed graphs give
    /// one-way streets; undirected graphs are traversed both ways). `sites`: the node of each
    /// problem site, in site order.
    ///
    /// # Errors
    /// [`ModelError::Unreachable`] if some site cannot reach another one,
    /// [`ModelError::NegativeTravel`] for a negative edge.
    ///
    /// # Complexity
    /// One Dijkstra per site: O(s (E + V) log V) time, O(V + s²) space.
    ///
    /// # Reference
    /// E. W. Dijkstra, A note on two problems in connexion with graphs, 1959.
    pub fn from_road_network<G>(graph: G, sites: &[G::NodeId]) -> Result<Self, ModelError>
    where
        G: IntoEdges<EdgeWeight = RoadEdge> + IntoNodeIdentifiers + NodeIndexable + NodeCount,
    {
        let n = sites.len();
        let bound = graph.node_bound();
        for e in graph.node_identifiers().flat_map(|v| graph.edges(v)) {
            let w = e.weight();
            if w.distance.0 < 0 || w.duration.0 < 0 {
                return Err(ModelError::NegativeTravel {
                    what: "road edge",
                    from: graph.to_index(e.source()),
                    to: graph.to_index(e.target()),
                    value: w.distance.0.min(w.duration.0),
                });
            }
        }
        let mut distances = Vec::with_capacity(n * n);
        let mut durations = Vec::with_capacity(n * n);
        let mut best: Vec<Option<(i64, i64)>> = vec![None; bound];
        let mut heap = BinaryHeap::new();
        for (i, &source) in sites.iter().enumerate() {
            best.iter_mut().for_each(|b| *b = None);
            heap.clear();
            let s = graph.to_index(source);
            best[s] = Some((0, 0));
            heap.push(Reverse((0i64, 0i64, s)));
            while let Some(Reverse((t, d, v))) = heap.pop() {
                if best[v] != Some((t, d)) {
                    continue;
                }
                for e in graph.edges(graph.from_index(v)) {
                    let w = e.weight();
                    let cand = (t + w.duration.0, d + w.distance.0);
                    let u = graph.to_index(e.target());
                    if best[u].is_none_or(|b| cand < b) {
                        best[u] = Some(cand);
                        heap.push(Reverse((cand.0, cand.1, u)));
                    }
                }
            }
            for (j, &target) in sites.iter().enumerate() {
                let (t, d) = best[graph.to_index(target)].ok_or(ModelError::Unreachable { from: i, to: j })?;
                distances.push(Distance(d));
                durations.push(Duration(t));
            }
        }
        Ok(Self { size: n, distances, durations })
    }

    /// Number of sites (rows and columns).
    #[must_use]
    pub fn size(&self) -> usize {
        self.size
    }

    /// Distance from site index `from` to site index `to`.
    ///
    /// # Panics
    /// If an index is out of range; the problem guarantees its site ids are in range.
    #[must_use]
    pub fn distance(&self, from: usize, to: usize) -> Distance {
        self.distances[from * self.size + to]
    }

    /// Duration from site index `from` to site index `to`.
    ///
    /// # Panics
    /// If an index is out of range; the problem guarantees its site ids are in range.
    #[must_use]
    pub fn duration(&self, from: usize, to: usize) -> Duration {
        self.durations[from * self.size + to]
    }

    /// The whole distance matrix, row-major.
    #[must_use]
    pub fn distances(&self) -> &[Distance] {
        &self.distances
    }

    /// The whole duration matrix, row-major.
    #[must_use]
    pub fn durations(&self) -> &[Duration] {
        &self.durations
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::UnGraph;

    #[test]
    fn rounding_conventions() {
        let d = 2f64.sqrt() * 10.0; // 14.142...
        assert_eq!(Rounding::Nearest.apply(d), 14);
        assert_eq!(Rounding::TruncateOneDecimal.apply(d), 141);
        assert_eq!(Rounding::Exact { scale: 1000 }.apply(d), 14142);
    }

    #[test]
    fn haversine_paris_berlin() {
        // Paris (48.8566, 2.3522) to Berlin (52.52, 13.405): about 878 km.
        let m = haversine_m(48.8566, 2.3522, 52.52, 13.405);
        assert!((m - 878_000.0).abs() < 3_000.0, "{m}");
    }

    #[test]
    fn wrong_size_is_an_error() {
        let e = TravelMatrix::new(2, vec![Distance(0); 3], vec![Duration(0); 4]).unwrap_err();
        assert!(e.to_string().contains("3"), "{e}");
    }

    #[test]
    fn road_network_shortest_paths() {
        let mut g = UnGraph::<(), RoadEdge>::new_undirected();
        let a = g.add_node(());
        let b = g.add_node(());
        let c = g.add_node(());
        let edge = |d, t| RoadEdge { distance: Distance(d), duration: Duration(t) };
        g.add_edge(a, b, edge(10, 10));
        g.add_edge(b, c, edge(10, 10));
        g.add_edge(a, c, edge(15, 30));
        let m = TravelMatrix::from_road_network(&g, &[a, c]).unwrap();
        // Fastest a->c goes through b: 20 time units, 20 distance.
        assert_eq!(m.duration(0, 1), Duration(20));
        assert_eq!(m.distance(0, 1), Distance(20));
        assert_eq!(m.distance(1, 0), Distance(20));
        let lone = g.add_node(());
        assert!(matches!(
            TravelMatrix::from_road_network(&g, &[a, lone]),
            Err(ModelError::Unreachable { from: 0, to: 1 })
        ));
    }
}
