//! The in-plant milk run (tugger train): the [`MilkRunPlanner`] on a plant's aisle graph.
//!
//! A tugger train runs a fixed cycle through the shift: at the start of every cycle it leaves
//! the assembly supermarket with empty bins, drops them at fabrication stations, collects the
//! full bins those stations made, and is back before the next cycle starts. This module
//! describes a hall in those terms ([`InPlantLayout`], [`TuggerTrain`]), compiles it into the
//! milk-run planner's own input ([`InPlantNetwork`]), and plans it with the same planner, the
//! same routing engine and the same independent checker ([`check_plan`](super::check_plan)):
//!
//! | in the hall                                   | in the milk-run planner                          |
//! |-----------------------------------------------|--------------------------------------------------|
//! | aisle graph (petgraph, points in metres)      | travel matrix of the fastest aisle paths ([`TravelMatrix::from_road_network`]) |
//! | assembly supermarket                          | the plant, site 0                                 |
//! | station `k` (stop time, time per bin)         | supplier site `k + 1` (loading, loading per place) |
//! | part in bins, consumed per hour of the shift  | part in its container, consumed per production day |
//! | safety stock, line-side limit (bins)          | safety days, storage limit (containers)          |
//! | the shift                                     | one production day (Monday) and its hours        |
//! | the train's cycles through the shift          | the waves                                        |
//! | trains, capacity in kg and bins               | one vehicle type: count, capacity `[kg, bins]`   |
//! | every k-th cycle                              | frequency `1 x/week x ceil(cycles / k)/day`      |
//!
//! One plan is one shift, and every shift repeats it: the stock at the end of the shift is the
//! stock at the start of the next one. A station visited `n` times a shift is visited in evenly
//! spaced cycles (every k-th cycle when `n` divides the cycles), chosen to level the train's
//! load; a station may also be served "direct": by a trip of its own outside the train's cycles
//! (a forklift, or the tugger alone), when the planner finds the train's detour dearer.
//!
//! # Units
//! Aisle points in metres (planar), lengths in metres, times in seconds from midnight
//! ([`Duration`]), speeds in metres per second, masses in kg, money in minor units, stock in
//! bins (fractional while a bin is being used up).
//!
//! # Example
//! ```
//! use milkrun::model::{Duration, Kilograms, Money, TimeWindow};
//! use milkrun::planner::check_plan;
//! use milkrun::planner::in_plant::{
//!     Aisle, AisleGraph, AislePoint, BinType, InPlantLayout, InPlantNetwork, InPlantPlanner, Station,
//!     StationPart, TuggerTrain,
//! };
//!
//! // Three points on a 60 m aisle: the supermarket at one end, two stations.
//! let mut aisles = AisleGraph::default();
//! let market = aisles.add_node(AislePoint { x: 0.0, y: 0.0 });
//! let press = aisles.add_node(AislePoint { x: 30.0, y: 0.0 });
//! let weld = aisles.add_node(AislePoint { x: 60.0, y: 0.0 });
//! aisles.add_edge(market, press, Aisle::straight());
//! aisles.add_edge(press, weld, Aisle::straight());
//! let klt = BinType { name: "KLT 6428".into(), parts: 20, tare: Kilograms(2.2), returnable: true };
//! let part = |name: &str, per_hour| StationPart {
//!     name: name.into(), bin: klt.clone(), unit_weight: Kilograms(0.5), per_hour,
//!     safety_bins: 1.0, max_bins: 8, holding_per_bin: Money(20),
//! };
//! let station = |name: &str, node, p| Station {
//!     name: name.into(), node, parts: vec![p], stop_time: Duration(30), per_bin: Duration(8),
//! };
//! let layout = InPlantLayout {
//!     name: "hall 1".into(),
//!     aisles,
//!     supermarket: market,
//!     stations: vec![station("press", press, part("bracket", 60.0)), station("weld", weld, part("frame", 30.0))],
//! };
//! let at = |h: i64| Duration::hours(h);
//! let train = TuggerTrain {
//!     name: "tugger".into(), trains: 1, bins: 12, payload: Kilograms(1_000.0), speed: 2.0,
//!     shift: TimeWindow::new(at(6), at(8)), cycle: Duration::minutes(30),
//!     fixed_per_shift: Money(5_000), cost_per_second: 1, cost_per_metre: 0, energy: None,
//! };
//! let hall = InPlantNetwork::new(&layout, &train)?;
//! let plan = InPlantPlanner::builder().iterations(50).build().plan(&hall)?;
//! assert!(check_plan(hall.network(), hall.inbound(), &plan.milk_run).is_ok());
//! for run in &plan.runs {
//!     println!("cycle {} train {}: {} stops, {} m", run.cycle + 1, run.train + 1, run.stops.len(), run.distance);
//! }
//! # Ok::<(), milkrun::Error>(())
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use milkrun_model::{
    ContainerId, ContainerType, Coordinates, CubicMetres, Distance, Duration, Kilograms, Load, Money, Part, PartId,
    Problem, ProblemData, RoadEdge, Site, SiteId, SiteKind, TimeWindow, TravelMatrix, VehicleType, Weekday, WeekdaySet,
};
use petgraph::graph::{DiGraph, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use super::{
    Cycle, Frequency, Inbound, InboundSupplier, MilkRunPlan, MilkRunPlanner, PartFlow, PlanningStep, Service, DAY,
};
use crate::error::Error;

/// The aisles of a hall: points (crossings, bends, stations) joined by aisle segments. Build it
/// with `AisleGraph::default()`, `add_node` and `add_edge` (petgraph's `UnGraph`).
pub type AisleGraph = UnGraph<AislePoint, Aisle>;

/// A point of the [`AisleGraph`], as `add_node` returns it.
pub type AisleNode = NodeIndex;

/// A point of the aisle graph.
///
/// # Units
/// Metres, planar, y growing northwards (as drawn on the map).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AislePoint {
    /// East.
    pub x: f64,
    /// North.
    pub y: f64,
}

/// An aisle segment between two points of the [`AisleGraph`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aisle {
    /// Length driven; `None`: the straight line between the two points.
    pub length: Option<Distance>,
    /// Speed limit on the segment in metres per second (a crossing, a pedestrian zone); `None`:
    /// the train's speed. The slower of the two applies.
    pub max_speed: Option<f64>,
    /// Driven only from the edge's first point (`add_edge(a, b, ..)`: from `a` to `b`).
    pub one_way: bool,
}

impl Aisle {
    /// A two-way segment as long as the straight line, at the train's speed.
    #[must_use]
    pub const fn straight() -> Self {
        Self { length: None, max_speed: None, one_way: false }
    }

    /// A one-way segment as long as the straight line, from the edge's first point to its
    /// second, at the train's speed.
    #[must_use]
    pub const fn one_way() -> Self {
        Self { length: None, max_speed: None, one_way: true }
    }
}

/// A type of bin (small load carrier).
#[derive(Debug, Clone, PartialEq)]
pub struct BinType {
    /// Name, for example "KLT 6428".
    pub name: String,
    /// Parts in a full bin.
    pub parts: u32,
    /// Weight of the empty bin.
    pub tare: Kilograms,
    /// Returnable: the train brings the station an empty bin for each full one it collects.
    pub returnable: bool,
}

/// A part a station makes and the assembly line uses, in bins.
#[derive(Debug, Clone, PartialEq)]
pub struct StationPart {
    /// Name of the part.
    pub name: String,
    /// Its bin.
    pub bin: BinType,
    /// Weight of one part.
    pub unit_weight: Kilograms,
    /// Parts the assembly line uses an hour, evenly through the shift.
    pub per_hour: f64,
    /// Safety stock at the line side (the supermarket), in bins.
    pub safety_bins: f64,
    /// Line-side storage at the supermarket, in bins: the stock never exceeds it.
    pub max_bins: u32,
    /// Weight of line-side stock in the planner's choices: the planner's holding cost of one
    /// bin for a day, charged over its weekly cycle of which the shift is one day (so the
    /// plan's holding total is a weight, not a shift's cost). Higher values favour more, smaller
    /// visits.
    pub holding_per_bin: Money,
}

/// A fabrication station the train collects full bins from.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    /// Name, unique in the layout (errors and plans name stations by it).
    pub name: String,
    /// Where the train stops, on the aisle graph.
    pub node: AisleNode,
    /// The parts it makes.
    pub parts: Vec<StationPart>,
    /// Time at every stop (stopping, walking to the rack, scanning).
    pub stop_time: Duration,
    /// Time per bin moved, full bins on and empty bins off.
    pub per_bin: Duration,
}

/// A hall: its aisles, the assembly supermarket the train starts from and returns to, and the
/// stations it collects from.
#[derive(Debug, Clone)]
pub struct InPlantLayout {
    /// Name of the hall.
    pub name: String,
    /// The aisles.
    pub aisles: AisleGraph,
    /// The supermarket's point: every cycle starts and ends there.
    pub supermarket: AisleNode,
    /// The stations.
    pub stations: Vec<Station>,
}

/// The tugger trains and their fixed cycle.
///
/// # Units
/// `payload` kg, `speed` metres per second, times in seconds from midnight, money in minor
/// units, `cost_per_second` and `cost_per_metre` in minor units per second and per metre.
#[derive(Debug, Clone, PartialEq)]
pub struct TuggerTrain {
    /// Name, for example "tugger, 4 trolleys".
    pub name: String,
    /// Trains: each runs at most one loop per cycle.
    pub trains: u32,
    /// Capacity in bins, full and empty together.
    pub bins: u32,
    /// Capacity in kg.
    pub payload: Kilograms,
    /// Driving speed in the aisles.
    pub speed: f64,
    /// The shift: the assembly line uses parts evenly through it, the trains run its cycles.
    pub shift: TimeWindow,
    /// The fixed cycle: a train leaves the supermarket at the start of a cycle at the earliest
    /// and is back by its end. The shift holds `shift length / cycle` whole cycles, from its
    /// start; a remainder at its end has no cycle (the line still uses parts in it).
    pub cycle: Duration,
    /// Cost of a train used in the shift (lease, charging, its driver's fixed time).
    pub fixed_per_shift: Money,
    /// Cost per second on a loop.
    pub cost_per_second: i64,
    /// Cost per metre driven.
    pub cost_per_metre: i64,
    /// What the train runs on, for CO2e (for an electric tugger: grid electricity, kWh per
    /// 100 km empty and with full trolleys). Without it the planner's CO2e falls back on the
    /// diesel truck class of the payload, which does not describe a tugger.
    pub energy: Option<milkrun_model::EnergyProfile>,
}

/// A hall compiled into the milk-run planner's input: the network (sites, bins, parts, the
/// train as a vehicle type, the travel matrix of the aisles) and the inbound description
/// (consumption, stock limits, the cycles as waves), with the aisle paths behind the matrix.
///
/// Site 0 is the supermarket, site `k + 1` station `k`; part ids follow the stations' parts
/// in order.
#[derive(Debug, Clone)]
pub struct InPlantNetwork {
    network: Problem,
    inbound: Inbound,
    /// Aisle points (x, y), by node index.
    points: Vec<(f64, f64)>,
    /// Aisle segments as node-index pairs, and whether one-way.
    aisles: Vec<(usize, usize, bool)>,
    /// Per site, its node index.
    nodes: Vec<usize>,
    /// Per site, the predecessor of every node on the fastest paths from the site's node
    /// (`u32::MAX`: none), row-major `site * nodes + node`.
    previous: Vec<u32>,
    /// Per station, the part ids of its parts.
    parts: Vec<Vec<PartId>>,
    cycles: usize,
}

/// Most points, aisle segments, stations or parts a layout may have (readers and generators
/// stay bounded).
const MAX_ITEMS: usize = 100_000;

/// Longest aisle segment, metres: with at most [`MAX_ITEMS`] segments of at most a day's
/// driving each, path sums stay far from overflowing.
const MAX_AISLE_M: i64 = 100_000;

impl InPlantNetwork {
    /// Validates a layout and its trains and compiles them for the planner.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the train, the aisle graph, a point, a segment, a station
    /// or a station's part, and the reason: a point or speed that is not finite, a segment
    /// longer than 100 km or taking more than a day to drive, a shift that is
    /// not part of one day or shorter than one cycle, no station, a station at a point not in the
    /// graph or that cannot reach the supermarket and back along the aisles (one-way segments
    /// included), a station whose round trip with its stop does not fit one cycle, a part
    /// without consumption, a bin heavier than the payload, a safety stock above the line-side
    /// limit. [`Error::Model`] if the compiled network does not validate.
    ///
    /// # Complexity
    /// One Dijkstra per site over the aisles: O(s (E + V) log V) time, O(s V + s²) space for
    /// `s` stations, `V` points and `E` segments.
    pub fn new(layout: &InPlantLayout, train: &TuggerTrain) -> Result<Self, Error> {
        let invalid = |item: String, reason: String| Error::InvalidInput { item, reason };
        check_train(train)?;
        let graph = &layout.aisles;
        if graph.node_count() > MAX_ITEMS || graph.edge_count() > MAX_ITEMS || layout.stations.len() > MAX_ITEMS {
            return Err(invalid(
                format!("layout '{}'", layout.name),
                format!("more than {MAX_ITEMS} aisle points, segments or stations"),
            ));
        }
        let points: Vec<(f64, f64)> = graph.node_weights().map(|p| (p.x, p.y)).collect();
        if let Some(k) = points.iter().position(|p| !(p.0.is_finite() && p.1.is_finite())) {
            return Err(invalid(format!("aisle point {k}"), "coordinates must be finite".into()));
        }
        // The directed graph the train drives on: both ways unless one-way.
        let mut drive = DiGraph::<(), RoadEdge>::with_capacity(points.len(), 2 * graph.edge_count());
        for _ in &points {
            drive.add_node(());
        }
        let mut aisles = Vec::with_capacity(graph.edge_count());
        for e in graph.edge_references() {
            let (a, b) = (e.source(), e.target());
            let w = e.weight();
            let item = || format!("aisle segment {}-{}", a.index(), b.index());
            let straight = (points[a.index()].0 - points[b.index()].0).hypot(points[a.index()].1 - points[b.index()].1);
            let length = match w.length {
                Some(d) => d.get(),
                None => straight.round() as i64,
            };
            if !(0..=MAX_AISLE_M).contains(&length) {
                return Err(invalid(item(), format!("length {length} m is negative or above {MAX_AISLE_M} m")));
            }
            let speed = match w.max_speed {
                Some(v) if !(v.is_finite() && v > 0.0) => {
                    return Err(invalid(item(), format!("speed limit must be finite and above zero, got {v}")))
                }
                Some(v) => v.min(train.speed),
                None => train.speed,
            };
            let seconds = (length as f64 / speed).round();
            if seconds > DAY as f64 {
                return Err(invalid(item(), format!("takes {seconds} s to drive, more than a day")));
            }
            let edge = RoadEdge { distance: Distance(length), duration: Duration(seconds as i64) };
            drive.add_edge(a, b, edge);
            if !w.one_way {
                drive.add_edge(b, a, edge);
            }
            aisles.push((a.index(), b.index(), w.one_way));
        }
        if layout.stations.is_empty() {
            return Err(invalid(format!("layout '{}'", layout.name), "has no station".into()));
        }
        if graph.node_weight(layout.supermarket).is_none() {
            return Err(invalid(
                "supermarket".into(),
                format!("its point {} is not in the aisle graph", layout.supermarket.index()),
            ));
        }
        let mut site_nodes = vec![layout.supermarket];
        for (k, s) in layout.stations.iter().enumerate() {
            let name = format!("station '{}'", s.name);
            if layout.stations[..k].iter().any(|o| o.name == s.name) {
                return Err(invalid(name, "listed twice (station names must be unique)".into()));
            }
            if graph.node_weight(s.node).is_none() {
                return Err(invalid(name, format!("its point {} is not in the aisle graph", s.node.index())));
            }
            site_nodes.push(s.node);
        }
        // The matrix is built row by row from the supermarket: the first unreachable pair is
        // a station the supermarket cannot reach, or then one that cannot get back to it (when
        // every station reaches the supermarket and back, every pair is reachable).
        let travel = TravelMatrix::from_road_network(&drive, &site_nodes).map_err(|e| match e {
            milkrun_model::ModelError::Unreachable { from, to } => {
                let (station, why) = if from == 0 {
                    (to, "cannot be reached from the supermarket along the aisles")
                } else {
                    (from, "cannot get back to the supermarket along the aisles")
                };
                let name = layout.stations.get(station.wrapping_sub(1)).map_or("?", |s| s.name.as_str());
                invalid(format!("station '{name}'"), format!("{why} (check one-way segments)"))
            }
            other => Error::Model(other),
        })?;
        let previous = fastest_path_trees(&drive, &site_nodes);

        let shift_len = train.shift.close.get() - train.shift.open.get();
        let cycles = usize::try_from(shift_len / train.cycle.get()).unwrap_or(0);
        let market = SiteId(0);
        let mut sites = vec![Site::new(
            format!("{} supermarket", layout.name),
            SiteKind::Plant,
            Coordinates::Planar { x: points[layout.supermarket.index()].0, y: points[layout.supermarket.index()].1 },
        )];
        let (mut containers, mut parts, mut suppliers, mut part_ids) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (k, s) in layout.stations.iter().enumerate() {
            let name = format!("station '{}'", s.name);
            if s.parts.is_empty() {
                return Err(invalid(name, "makes no part".into()));
            }
            if s.stop_time.get() < 0 || s.per_bin.get() < 0 {
                return Err(invalid(name, "negative stop time or time per bin".into()));
            }
            let site = SiteId::from_index(k + 1);
            let round_trip = travel.duration(0, k + 1).get() + travel.duration(k + 1, 0).get();
            if round_trip + s.stop_time.get() > train.cycle.get() {
                return Err(invalid(
                    name,
                    format!(
                        "the round trip from the supermarket ({round_trip} s) and the stop ({} s) do not fit one cycle of {} s",
                        s.stop_time.get(),
                        train.cycle.get()
                    ),
                ));
            }
            let (x, y) = points[s.node.index()];
            sites.push(Site::new(s.name.clone(), SiteKind::Supplier, Coordinates::Planar { x, y }));
            let mut flows = Vec::with_capacity(s.parts.len());
            let mut ids = Vec::with_capacity(s.parts.len());
            for p in &s.parts {
                let pname = format!("{name} part '{}'", p.name);
                check_part(p, train, &pname)?;
                let id = PartId::from_index(parts.len());
                let per_day = p.per_hour * shift_len as f64 / 3600.0;
                containers.push(ContainerType {
                    name: format!("{} of {} x {}", p.bin.name, p.bin.parts, p.name),
                    parts_per_container: p.bin.parts,
                    tare: p.bin.tare,
                    volume: CubicMetres(0.0),
                    empty_volume: CubicMetres(0.0),
                    returnable: p.bin.returnable,
                });
                parts.push(Part {
                    name: p.name.clone(),
                    unit_weight: p.unit_weight,
                    unit_volume: CubicMetres(0.0),
                    container: Some(ContainerId::from_index(containers.len() - 1)),
                    supplier: Some(site),
                });
                flows.push(PartFlow {
                    part: id,
                    per_day,
                    safety_days: p.safety_bins * f64::from(p.bin.parts) / per_day,
                    max_containers: p.max_bins,
                    holding_per_day: p.holding_per_bin,
                    per_place: 1,
                });
                ids.push(id);
            }
            suppliers.push(InboundSupplier { site, parts: flows, loading: s.stop_time, loading_per_place: s.per_bin });
            part_ids.push(ids);
        }
        let mut vehicle = VehicleType::new(
            train.name.clone(),
            train.trains,
            Load::new(vec![train.payload.0.floor() as i64, i64::from(train.bins)]),
            market,
        );
        vehicle.shift = train.shift;
        vehicle.fixed_cost = train.fixed_per_shift;
        vehicle.unit_duration_cost = train.cost_per_second;
        vehicle.unit_distance_cost = train.cost_per_metre;
        vehicle.energy = train.energy.clone();
        let network = ProblemData {
            name: layout.name.clone(),
            dimensions: vec!["kg".into(), "bins".into()],
            sites,
            containers,
            parts,
            vehicle_types: vec![vehicle],
            travel,
            ..ProblemData::default()
        }
        .validate()?;
        let waves = (0..cycles as i64)
            .map(|c| {
                let open = train.shift.open.get() + c * train.cycle.get();
                TimeWindow::new(Duration(open), Duration(open + train.cycle.get()))
            })
            .collect();
        let inbound = Inbound {
            plant: market,
            suppliers,
            cycle: Cycle { production_days: WeekdaySet::of(&[Weekday::Mon]), production_hours: train.shift, waves },
        };
        Ok(Self {
            network,
            inbound,
            points,
            aisles,
            nodes: site_nodes.iter().map(|n| n.index()).collect(),
            previous,
            parts: part_ids,
            cycles,
        })
    }

    /// The planner's network: sites (supermarket, stations), bins, parts, the train, the
    /// travel matrix of the aisles.
    #[must_use]
    pub fn network(&self) -> &Problem {
        &self.network
    }

    /// The planner's inbound description: consumption over the shift (Monday), limits, the
    /// cycles as waves.
    #[must_use]
    pub fn inbound(&self) -> &Inbound {
        &self.inbound
    }

    /// Cycles in the shift.
    #[must_use]
    pub fn cycles(&self) -> usize {
        self.cycles
    }

    /// The site of station `k` (the supermarket is site 0).
    #[must_use]
    pub fn station_site(&self, k: usize) -> SiteId {
        SiteId::from_index(k + 1)
    }

    /// The part ids of station `k`'s parts, in order (empty for an unknown station).
    #[must_use]
    pub fn station_parts(&self, k: usize) -> &[PartId] {
        self.parts.get(k).map_or(&[], Vec::as_slice)
    }

    /// The aisle points as (x, y) in metres, by node index.
    #[must_use]
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The aisle segments as (node index, node index, one-way from the first).
    #[must_use]
    pub fn aisles(&self) -> &[(usize, usize, bool)] {
        &self.aisles
    }

    /// The frequencies "every k-th cycle" for k from 1 to `max_interval` (at least 1): per
    /// shift `ceil(cycles / k)` visits, one production day.
    #[must_use]
    pub fn frequencies(&self, max_interval: u32) -> Vec<Frequency> {
        let cycles = u32::try_from(self.cycles).unwrap_or(u32::MAX);
        let mut menu: Vec<Frequency> =
            (1..=max_interval.max(1)).map(|k| Frequency::new(1, cycles.div_ceil(k))).filter(|f| f.loops > 0).collect();
        menu.sort_unstable();
        menu.dedup();
        menu
    }

    /// The fastest aisle path from site `from` to site `to` (the one the travel matrix
    /// measures), as node indices from `from`'s point to `to`'s; empty for an unknown site.
    #[must_use]
    pub fn path(&self, from: SiteId, to: SiteId) -> Vec<usize> {
        let (Some(&start), Some(&end)) = (self.nodes.get(from.index()), self.nodes.get(to.index())) else {
            return Vec::new();
        };
        let n = self.points.len();
        let tree = &self.previous[from.index() * n..(from.index() + 1) * n];
        let mut path = vec![end];
        let mut at = end;
        while at != start {
            match tree.get(at).copied() {
                Some(p) if p != u32::MAX && path.len() <= n => {
                    at = p as usize;
                    path.push(at);
                }
                _ => return Vec::new(),
            }
        }
        path.reverse();
        path
    }
}

/// The train's own checks.
fn check_train(train: &TuggerTrain) -> Result<(), Error> {
    let item = format!("tugger train '{}'", train.name);
    let invalid = |reason: String| Err(Error::InvalidInput { item: item.clone(), reason });
    if train.trains == 0 {
        return invalid("at least one train is needed".into());
    }
    if train.bins == 0 {
        return invalid("capacity must be at least one bin".into());
    }
    if !(train.payload.0.is_finite() && train.payload.0 >= 1.0) {
        return invalid(format!("payload must be finite and at least 1 kg, got {}", train.payload.0));
    }
    if !(train.speed.is_finite() && train.speed > 0.0) {
        return invalid(format!("speed must be finite and above zero, got {}", train.speed));
    }
    let shift = train.shift;
    if shift.open.get() < 0 || shift.close.get() > DAY || shift.open >= shift.close {
        return invalid("the shift must be a non-empty part of one day".into());
    }
    if train.cycle.get() <= 0 || train.cycle.get() > shift.close.get() - shift.open.get() {
        return invalid(format!(
            "the cycle ({} s) must be above zero and fit the shift ({}-{})",
            train.cycle.get(),
            shift.open.hhmm(),
            shift.close.hhmm()
        ));
    }
    if train.fixed_per_shift.get() < 0 || train.cost_per_second < 0 || train.cost_per_metre < 0 {
        return invalid("negative cost".into());
    }
    Ok(())
}

/// A part's own checks.
fn check_part(p: &StationPart, train: &TuggerTrain, item: &str) -> Result<(), Error> {
    let invalid = |reason: String| Err(Error::InvalidInput { item: item.to_string(), reason });
    if p.bin.parts == 0 {
        return invalid(format!("bin '{}' holds no part", p.bin.name));
    }
    if !(p.bin.tare.0.is_finite() && p.bin.tare.0 >= 0.0 && p.unit_weight.0.is_finite() && p.unit_weight.0 >= 0.0) {
        return invalid("weights must be finite and not negative".into());
    }
    if !(p.per_hour.is_finite() && p.per_hour > 0.0) {
        return invalid(format!("consumption per hour must be finite and above zero, got {}", p.per_hour));
    }
    if !(p.safety_bins.is_finite() && p.safety_bins >= 0.0) {
        return invalid(format!("safety stock must be finite and not negative, got {}", p.safety_bins));
    }
    if p.safety_bins > f64::from(p.max_bins) {
        return invalid(format!(
            "its safety stock ({} bins) exceeds its line-side storage ({} bins)",
            p.safety_bins, p.max_bins
        ));
    }
    if p.holding_per_bin.get() < 0 {
        return invalid("negative holding cost".into());
    }
    let full = p.bin.tare.0 + f64::from(p.bin.parts) * p.unit_weight.0;
    // As the planner counts them: whole kg, the payload rounded down.
    if full.round() > train.payload.0.floor() {
        return invalid(format!("a full bin weighs {full:.1} kg, above the train's payload of {} kg", train.payload.0));
    }
    Ok(())
}

/// Per site node, the predecessor of every node on the fastest paths from it (ties broken by
/// distance, as [`TravelMatrix::from_road_network`] does), row-major `site * nodes + node`,
/// `u32::MAX` for none.
fn fastest_path_trees(drive: &DiGraph<(), RoadEdge>, sites: &[NodeIndex]) -> Vec<u32> {
    let n = drive.node_count();
    let mut previous = vec![u32::MAX; sites.len() * n];
    let mut best: Vec<Option<(i64, i64)>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    for (s, &source) in sites.iter().enumerate() {
        best.iter_mut().for_each(|b| *b = None);
        heap.clear();
        let tree = &mut previous[s * n..(s + 1) * n];
        best[source.index()] = Some((0, 0));
        heap.push(Reverse((0i64, 0i64, source.index())));
        while let Some(Reverse((t, d, v))) = heap.pop() {
            if best[v] != Some((t, d)) {
                continue;
            }
            for e in drive.edges(NodeIndex::new(v)) {
                let w = e.weight();
                let cand = (t + w.duration.get(), d + w.distance.get());
                let u = e.target().index();
                if best[u].is_none_or(|b| cand < b) {
                    best[u] = Some(cand);
                    tree[u] = v as u32;
                    heap.push(Reverse((cand.0, cand.1, u)));
                }
            }
        }
    }
    previous
}

/// Plans the tugger trains of an [`InPlantNetwork`] with the [`MilkRunPlanner`]. Configure
/// with [`InPlantPlanner::builder`].
#[derive(Debug, Clone)]
pub struct InPlantPlanner {
    seed: u64,
    iterations: u64,
    max_interval: u32,
    max_candidates: usize,
    improve_rounds: usize,
    threads: Option<usize>,
}

/// Builder of [`InPlantPlanner`].
#[derive(Debug, Clone)]
pub struct InPlantPlannerBuilder {
    planner: InPlantPlanner,
}

impl InPlantPlannerBuilder {
    /// Seed of the routing engine (default 1): same seed, same plan.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.planner.seed = seed;
        self
    }
    /// Routing iterations per cycle's problem (default 300).
    #[must_use]
    pub fn iterations(mut self, iterations: u64) -> Self {
        self.planner.iterations = iterations.max(1);
        self
    }
    /// Most cycles between two visits of a station (default 4): the frequencies tried are
    /// every cycle, every 2nd, ..., every `max_interval`-th.
    #[must_use]
    pub fn max_interval(mut self, cycles: u32) -> Self {
        self.planner.max_interval = cycles.max(1);
        self
    }
    /// Most candidate plans the improvement prices (default 60), as
    /// [`MilkRunPlannerBuilder::max_candidates`](super::MilkRunPlannerBuilder::max_candidates).
    #[must_use]
    pub fn max_candidates(mut self, n: usize) -> Self {
        self.planner.max_candidates = n;
        self
    }
    /// Rounds of the frequency improvement (default 1; 0 keeps the starting frequencies).
    #[must_use]
    pub fn improvement_rounds(mut self, rounds: usize) -> Self {
        self.planner.improve_rounds = rounds;
        self
    }
    /// Threads routing cycles in parallel (default: the milk-run planner's). The plan does not
    /// depend on it.
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.planner.threads = Some(threads.max(1));
        self
    }
    /// The planner.
    #[must_use]
    pub fn build(self) -> InPlantPlanner {
        self.planner
    }
}

/// One stop of a train run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStop {
    /// The station (index in [`InPlantLayout::stations`]).
    pub station: usize,
    /// Index of the pickup in the milk-run plan's `pickups`.
    pub pickup: usize,
    /// Arrival at the station.
    pub arrival: Duration,
    /// Departure.
    pub departure: Duration,
    /// Full bins collected.
    pub full: u32,
    /// Empty bins dropped.
    pub empty: u32,
}

/// One loop of one train in one cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainRun {
    /// Index of the loop in the milk-run plan's `loops`.
    pub loop_index: usize,
    /// The cycle, 0 for the first of the shift.
    pub cycle: usize,
    /// The train, 0-based: a cycle's loops numbered by departure.
    pub train: usize,
    /// Departure from the supermarket.
    pub departure: Duration,
    /// Back at the supermarket.
    pub arrival: Duration,
    /// The stops, in order.
    pub stops: Vec<RunStop>,
    /// Distance driven.
    pub distance: Distance,
    /// Most bins on board at once (empties out, full bins back).
    pub bins_on_board: u32,
    /// The aisle points driven through, supermarket to supermarket (node indices).
    pub path: Vec<usize>,
}

/// A part's line-side stock over the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct LineStock {
    /// The part.
    pub part: PartId,
    /// Index of its curve in the milk-run plan's `stock`.
    pub curve: usize,
    /// Safety stock, bins.
    pub safety: f64,
    /// Lowest stock, bins (the safety stock: the stock at the shift start is chosen so).
    pub low: f64,
    /// Highest stock in any shift, bins ([`StockCurve::storage_peak`](super::StockCurve::storage_peak)).
    pub high: f64,
    /// Line-side limit, bins.
    pub limit: u32,
    /// Stock to hold at the shift start.
    pub initial: f64,
}

/// How a station is served.
#[derive(Debug, Clone, PartialEq)]
pub struct StationPlan {
    /// By the train or direct, and how often (the milk-run planner's terms).
    pub service: Service,
    /// The cycles it is visited in (0 for the first of the shift), ascending.
    pub cycles: Vec<usize>,
    /// `Some(k)`: every k-th cycle, the same spacing through the shift and into the next one.
    pub every: Option<usize>,
    /// Full bins per visit: fewest, most.
    pub bins: (u32, u32),
    /// Its parts' stock at the line side.
    pub stock: Vec<LineStock>,
}

/// One train over the shift.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainKpi {
    /// Runs in the shift.
    pub runs: usize,
    /// Kilometres in the shift.
    pub km: f64,
    /// Time on runs, from departure to return.
    pub busy: Duration,
    /// `busy` over the shift's length, in [0, 1].
    pub utilisation: f64,
    /// Mean over its runs of the most bins on board over the capacity, in [0, 1].
    pub bin_fill: f64,
}

/// The result of [`InPlantPlanner::plan`].
#[derive(Debug, Clone, PartialEq)]
pub struct InPlantPlan {
    /// The milk-run planner's plan; check it with
    /// `check_plan(hall.network(), hall.inbound(), &plan.milk_run)`.
    pub milk_run: MilkRunPlan,
    /// Every train run of the shift, by cycle then train.
    pub runs: Vec<TrainRun>,
    /// Per station, same order as the layout.
    pub stations: Vec<StationPlan>,
    /// Per train that runs at all, by number.
    pub trains: Vec<TrainKpi>,
    /// Kilometres of all runs in the shift.
    pub km: f64,
}

impl Default for InPlantPlanner {
    fn default() -> Self {
        Self { seed: 1, iterations: 300, max_interval: 4, max_candidates: 60, improve_rounds: 1, threads: None }
    }
}

impl InPlantPlanner {
    /// A builder with the defaults.
    #[must_use]
    pub fn builder() -> InPlantPlannerBuilder {
        InPlantPlannerBuilder { planner: Self::default() }
    }

    /// The milk-run planner this planner runs, with the hall's frequencies "every k-th cycle".
    #[must_use]
    pub fn milk_run_planner(&self, hall: &InPlantNetwork) -> MilkRunPlanner {
        let mut builder = MilkRunPlanner::builder()
            .frequencies(hall.frequencies(self.max_interval))
            .seed(self.seed)
            .iterations(self.iterations)
            .max_candidates(self.max_candidates)
            .improvement_rounds(self.improve_rounds);
        if let Some(threads) = self.threads {
            builder = builder.threads(threads);
        }
        builder.build()
    }

    /// Plans the shift. See [`InPlantPlanner::plan_with_progress`].
    ///
    /// # Errors
    /// As [`MilkRunPlanner::plan_with_progress`].
    pub fn plan(&self, hall: &InPlantNetwork) -> Result<InPlantPlan, Error> {
        self.plan_with_progress(hall, |_| {})
    }

    /// Plans the shift with the milk-run planner (frequencies every cycle to every
    /// `max_interval`-th, quantities in whole bins, loops per cycle by the routing engine) and
    /// reads the plan in the hall's terms: runs per train and cycle with their aisle paths, each
    /// station's cycles and stock, each train's load. Pickups the planner could not route are
    /// in `milk_run.issues`.
    ///
    /// # Errors
    /// As [`MilkRunPlanner::plan_with_progress`]: for example a station for which no frequency
    /// keeps its line-side stock within the limit, named as "supplier 'name'".
    pub fn plan_with_progress(
        &self,
        hall: &InPlantNetwork,
        progress: impl FnMut(&PlanningStep),
    ) -> Result<InPlantPlan, Error> {
        let milk_run = self.milk_run_planner(hall).plan_with_progress(&hall.network, &hall.inbound, progress)?;
        Ok(read_plan(hall, milk_run))
    }
}

/// The milk-run plan in the hall's terms.
fn read_plan(hall: &InPlantNetwork, milk_run: MilkRunPlan) -> InPlantPlan {
    let plan = &milk_run;
    let bins_of = |pickup: usize| {
        plan.pickups.get(pickup).map_or((0, 0), |p| {
            (p.parts.iter().map(|q| q.containers).sum::<u32>(), p.parts.iter().map(|q| q.empties).sum::<u32>())
        })
    };
    // Runs, numbered by cycle then departure.
    let mut order: Vec<usize> = (0..plan.loops.len()).collect();
    order.sort_by_key(|&l| (plan.loops[l].day, plan.loops[l].wave, plan.loops[l].departure, l));
    let mut runs: Vec<TrainRun> = Vec::with_capacity(order.len());
    for l in order {
        let lp = &plan.loops[l];
        let train = runs.iter().filter(|r| r.cycle == lp.wave).count();
        let stops: Vec<RunStop> = lp
            .stops
            .iter()
            .map(|s| {
                let (full, empty) = bins_of(s.pickup);
                RunStop {
                    station: s.site.index().saturating_sub(1),
                    pickup: s.pickup,
                    arrival: s.arrival,
                    departure: s.departure,
                    full,
                    empty,
                }
            })
            .collect();
        // Bins on board: every empty at the start, then each stop's change.
        let mut on_board: i64 = stops.iter().map(|s| i64::from(s.empty)).sum();
        let mut most = on_board;
        for s in &stops {
            on_board += i64::from(s.full) - i64::from(s.empty);
            most = most.max(on_board);
        }
        let mut sites = vec![SiteId(0)];
        sites.extend(lp.stops.iter().map(|s| s.site));
        sites.push(SiteId(0));
        let mut path: Vec<usize> = Vec::new();
        for w in sites.windows(2) {
            let leg = hall.path(w[0], w[1]);
            let skip = usize::from(path.last().is_some() && path.last() == leg.first());
            path.extend(leg.into_iter().skip(skip));
        }
        runs.push(TrainRun {
            loop_index: l,
            cycle: lp.wave,
            train,
            departure: lp.departure,
            arrival: lp.arrival,
            stops,
            distance: lp.distance,
            bins_on_board: u32::try_from(most.max(0)).unwrap_or(u32::MAX),
            path,
        });
    }
    // Stations.
    let cycles = hall.cycles;
    let mut curve_of = vec![usize::MAX; hall.network.parts().len()];
    for (k, c) in plan.stock.iter().enumerate() {
        if let Some(slot) = curve_of.get_mut(c.part.index()) {
            *slot = k;
        }
    }
    let stations = plan
        .services
        .iter()
        .enumerate()
        .map(|(s, &service)| {
            let mine: Vec<usize> = (0..plan.pickups.len()).filter(|&k| plan.pickups[k].supplier == s).collect();
            let mut visited: Vec<usize> = mine.iter().map(|&k| plan.pickups[k].wave).collect();
            visited.sort_unstable();
            let full: Vec<u32> = mine.iter().map(|&k| bins_of(k).0).collect();
            let stock = hall
                .station_parts(s)
                .iter()
                .filter_map(|&part| {
                    let k = *curve_of.get(part.index())?;
                    let c = plan.stock.get(k)?;
                    Some(LineStock {
                        part,
                        curve: k,
                        safety: c.safety,
                        low: c.min,
                        high: c.storage_peak(),
                        limit: c.max.round() as u32,
                        initial: c.initial,
                    })
                })
                .collect();
            StationPlan {
                service,
                every: even_spacing(&visited, cycles),
                cycles: visited,
                bins: (full.iter().copied().min().unwrap_or(0), full.iter().copied().max().unwrap_or(0)),
                stock,
            }
        })
        .collect();
    // Trains.
    let shift = hall.inbound.cycle.production_hours;
    let shift_len = (shift.close.get() - shift.open.get()).max(1) as f64;
    let capacity = hall.network.vehicle_types().first().map_or(1, |v| v.capacity.amounts()[1].max(1)) as f64;
    let count = runs.iter().map(|r| r.train + 1).max().unwrap_or(0);
    let trains = (0..count)
        .map(|t| {
            let mine: Vec<&TrainRun> = runs.iter().filter(|r| r.train == t).collect();
            let busy: Duration = mine.iter().map(|r| r.arrival - r.departure).sum();
            TrainKpi {
                runs: mine.len(),
                km: mine.iter().map(|r| r.distance.get() as f64).sum::<f64>() / 1000.0,
                busy,
                utilisation: busy.get() as f64 / shift_len,
                bin_fill: mine.iter().map(|r| f64::from(r.bins_on_board) / capacity).sum::<f64>()
                    / mine.len().max(1) as f64,
            }
        })
        .collect();
    let km = runs.iter().map(|r| r.distance.get() as f64).sum::<f64>() / 1000.0;
    InPlantPlan { milk_run, runs, stations, trains, km }
}

/// `Some(k)` when the visited cycles (ascending) are every k-th of `cycles`, counting the gap
/// from the last visit into the next shift.
fn even_spacing(visited: &[usize], cycles: usize) -> Option<usize> {
    let (&first, &last) = (visited.first()?, visited.last()?);
    let wrap = (cycles + first).checked_sub(last)?;
    let k = if visited.len() == 1 { cycles } else { visited[1] - first };
    (k > 0 && wrap == k && visited.windows(2).all(|w| w[1] - w[0] == k)).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::even_spacing;

    #[test]
    fn spacing_counts_into_the_next_shift() {
        assert_eq!(even_spacing(&[0, 2, 4, 6], 8), Some(2));
        assert_eq!(even_spacing(&[1, 3, 5, 7], 8), Some(2));
        assert_eq!(even_spacing(&[0, 1, 2, 3], 4), Some(1));
        assert_eq!(even_spacing(&[0, 3, 6], 8), None);
        assert_eq!(even_spacing(&[5], 8), Some(8));
        assert_eq!(even_spacing(&[], 8), None);
    }
}
