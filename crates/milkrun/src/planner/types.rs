//! Inputs and outputs of the milk-run planner.
//!
//! # Units
//! Times are seconds ([`Duration`]) from midnight of a cycle day, or from Monday 00:00 for
//! cycle times ([`CycleTime`]); distances metres; masses kilograms; money minor units
//! ([`Money`]); stock in containers (fractional while a container is being used up).

use milkrun_model::{Distance, Duration, Money, PartId, SiteId, TimeWindow, VehicleTypeId, WeekdaySet};

/// Seconds since the start of the cycle (Monday 00:00 of its first week).
pub type CycleTime = i64;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How a part flows from its supplier to the plant.
#[derive(Debug, Clone, PartialEq)]
pub struct PartFlow {
    /// The part (its container, weight and supplier come from the network).
    pub part: PartId,
    /// Parts consumed per production day, spread evenly over the production hours.
    pub per_day: f64,
    /// Safety stock at the plant, in production days of consumption.
    pub safety_days: f64,
    /// Storage limit at the plant, in containers.
    pub max_containers: u32,
    /// Holding cost of one full container at the plant for a day.
    pub holding_per_day: Money,
    /// How many containers stack on one pallet place (the second load dimension).
    pub per_place: u32,
}

/// A supplier in the milk-run network and the parts it ships.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundSupplier {
    /// The supplier's site (its windows and calendar come from the network).
    pub site: SiteId,
    /// Its parts.
    pub parts: Vec<PartFlow>,
    /// Fixed time at the supplier per pickup (docking, paperwork).
    pub loading: Duration,
    /// Time per pallet place moved (full out, empty in).
    pub loading_per_place: Duration,
}

/// The repeating cycle of the plan: one week.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    /// Days the plant produces (consumes parts) and receives milk runs.
    pub production_days: WeekdaySet,
    /// Hours of the day in which parts are consumed, evenly.
    pub production_hours: TimeWindow,
    /// The loop waves of a day: each loop leaves the plant and is back within one wave; a
    /// truck runs one loop per wave, or several one after the other when its vehicle type may
    /// reload at the plant (several loops per shift either way). Waves must not overlap.
    pub waves: Vec<TimeWindow>,
}

/// The inbound network to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// The plant: every loop starts and ends at the vehicle types' start and end site, which
    /// must be this one.
    pub plant: SiteId,
    /// The suppliers.
    pub suppliers: Vec<InboundSupplier>,
    /// The cycle.
    pub cycle: Cycle,
}

/// How often a supplier is visited: `days` production days a week, `loops` pickups (in
/// different waves) on each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Frequency {
    /// Visiting days per week.
    pub days: u32,
    /// Pickups per visiting day (one per wave).
    pub loops: u32,
}

impl Frequency {
    /// `days` a week, `loops` a day.
    #[must_use]
    pub const fn new(days: u32, loops: u32) -> Self {
        Self { days, loops }
    }
    /// Pickups per week.
    #[must_use]
    pub const fn per_week(self) -> u32 {
        self.days * self.loops
    }
}

impl std::fmt::Display for Frequency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x/week", self.days)?;
        if self.loops > 1 {
            write!(f, " x {}/day", self.loops)?;
        }
        Ok(())
    }
}

/// How a supplier is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// In the milk runs, at this frequency.
    MilkRun(Frequency),
    /// Shipping alone (own round trip or the carrier's rate card) at this frequency: the
    /// milk run would cost more for it.
    Direct(Frequency),
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MilkRun(g) => write!(f, "milk run {g}"),
            Self::Direct(g) => write!(f, "direct {g}"),
        }
    }
}

impl Service {
    /// The frequency, either way.
    #[must_use]
    pub fn frequency(self) -> Frequency {
        match self {
            Self::MilkRun(f) | Self::Direct(f) => f,
        }
    }
}

/// What one pickup collects of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPickup {
    /// The part.
    pub part: PartId,
    /// Full containers collected.
    pub containers: u32,
    /// Empty containers dropped (returnable containers only).
    pub empties: u32,
}

/// One pickup at a supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Pickup {
    /// Index of the supplier in [`Inbound::suppliers`].
    pub supplier: usize,
    /// Cycle day (0 = Monday).
    pub day: u32,
    /// Wave index.
    pub wave: usize,
    /// Per part.
    pub parts: Vec<PartPickup>,
    /// Load collected, in the network's dimensions (kg, pallet places).
    pub load: Vec<i64>,
    /// Empties dropped, same dimensions.
    pub empties: Vec<i64>,
    /// Service time at the supplier.
    pub service: Duration,
    /// When loading may start, in time order: each opening window of the supplier that a
    /// truck leaving the plant in the wave can reach and come back from before the wave
    /// closes, cut so that loading ends by the supplier's closing (a supplier with a lunch
    /// break has two). Loading starts in the first window not closed yet when the truck
    /// arrives. A single empty window (`open > close`) when the loading fits none: the pickup
    /// is then reported unrouted.
    pub windows: Vec<TimeWindow>,
}

/// One stop of a loop's timetable.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopStop {
    /// Index of the pickup in [`MilkRunPlan::pickups`].
    pub pickup: usize,
    /// The supplier's site.
    pub site: SiteId,
    /// Arrival at the supplier.
    pub arrival: Duration,
    /// Start of loading.
    pub start: Duration,
    /// Departure.
    pub departure: Duration,
    /// Load on board after the stop.
    pub load_after: Vec<i64>,
}

/// One loop: a vehicle leaving the plant, visiting suppliers and returning.
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    /// Cycle day (0 = Monday).
    pub day: u32,
    /// Wave.
    pub wave: usize,
    /// Vehicle type.
    pub vehicle_type: VehicleTypeId,
    /// The truck of its type that runs the loop, numbered from 0 in its (day, wave). A truck
    /// runs its loops of a wave one after the other (when its type may reload at the plant):
    /// each leaves once the previous one is back and the type's reload time has passed.
    pub vehicle: u32,
    /// Departure from the plant.
    pub departure: Duration,
    /// The stops, in order.
    pub stops: Vec<LoopStop>,
    /// Arrival back at the plant dock.
    pub arrival: Duration,
    /// Distance driven.
    pub distance: Distance,
    /// Variable cost (per distance and per duration), without the vehicle's fixed cost. The
    /// duration of a truck's second and later loop counts from the previous loop's return
    /// (the reload time and any waiting at the plant).
    pub variable_cost: Money,
    /// The most loaded share of the vehicle's capacity on the way back (largest over the
    /// dimensions), in [0, 1].
    pub fill: f64,
}

/// A point of a part's stock curve at the plant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StockPoint {
    /// When.
    pub at: CycleTime,
    /// Containers in stock.
    pub containers: f64,
}

/// A part's stock at the plant over the cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct StockCurve {
    /// The part.
    pub part: PartId,
    /// Safety stock, containers.
    pub safety: f64,
    /// Storage limit, containers.
    pub max: f64,
    /// Stock to hold at the start of the cycle (Monday 00:00) for the plan to work.
    pub initial: f64,
    /// Points at every change of slope or jump, in time order, from 0 to the end of the cycle.
    pub points: Vec<StockPoint>,
    /// Lowest stock over the cycle (the safety stock: the initial stock is chosen so).
    pub min: f64,
    /// Highest stock over the cycle.
    pub peak: f64,
    /// Time-average stock over the cycle.
    pub average: f64,
    /// Containers collected per cycle minus containers consumed (whole containers are
    /// collected, consumption is fractional): what builds up per week unless a pickup skips
    /// it.
    pub surplus_per_cycle: f64,
}

impl StockCurve {
    /// The highest stock in any week of the repeating plan: [`StockCurve::peak`], plus one
    /// container when the cycle collects more than it consumes. Quantities round up
    /// cumulatively from the first week (a pickup collects what was consumed since the last
    /// one, less what earlier roundings brought in), so later weeks hold less than one container
    /// more than the first at any moment. Storage limits are checked against this.
    #[must_use]
    pub fn storage_peak(&self) -> f64 {
        self.peak + if self.surplus_per_cycle > 1e-9 { 1.0 } else { 0.0 }
    }
}

/// Something the plan could not achieve, reported rather than hidden.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanIssue {
    /// The part's stock would exceed its storage limit ([`StockCurve::storage_peak`] above
    /// the limit) at the actual arrival times, or under a [`SimplePolicy`](super::SimplePolicy)
    /// whose frequency is too low. (When no frequency of the menu keeps a part within its
    /// limit at nominal times, planning fails with an error naming the supplier instead.)
    StorageExceeded {
        /// The part.
        part: PartId,
        /// Peak stock, containers.
        peak: f64,
        /// The limit.
        max: u32,
    },
    /// A pickup the routing engine could not serve within windows and capacities.
    Unrouted {
        /// Index into [`MilkRunPlan::pickups`].
        pickup: usize,
        /// Why, as the engine says.
        reason: String,
    },
}

/// Cost, distance and CO2e of one supplier: its milk-run share and its direct baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierKpi {
    /// Index of the supplier in [`Inbound::suppliers`].
    pub supplier: usize,
    /// How it is served.
    pub service: Service,
    /// Pickups per week.
    pub pickups: u32,
    /// Its Shapley share of the loops' cost per week (or its direct cost).
    pub shapley: Money,
    /// Its share proportional to stand-alone cost.
    pub proportional: Money,
    /// Holding cost of its parts at the plant per week.
    pub holding: Money,
    /// Its allocated CO2e per week (ISO 14083: mass x shortest distance), kg well-to-wheel.
    pub co2e_kg: f64,
    /// Shipping alone at the same frequency: cost per week.
    pub direct_cost: Money,
    /// Shipping alone: CO2e per week, kg well-to-wheel.
    pub direct_co2e_kg: f64,
}

/// Cost, volume and CO2e of one part per week: its supplier's figures split by the part's
/// share of the supplier's kilograms (the parts of one supplier ride the same legs, so mass
/// is the ISO 14083 allocation key between them), and its own holding cost.
#[derive(Debug, Clone, PartialEq)]
pub struct PartKpi {
    /// The part.
    pub part: PartId,
    /// Index of its supplier in [`Inbound::suppliers`].
    pub supplier: usize,
    /// Full containers collected per week.
    pub containers: u32,
    /// Kilograms collected per week (full containers, gross).
    pub kg: f64,
    /// Its share of the supplier's transport cost ([`SupplierKpi::shapley`]).
    pub transport: Money,
    /// Holding cost of its stock at the plant.
    pub holding: Money,
    /// Its share of the supplier's CO2e, kg well-to-wheel.
    pub co2e_kg: f64,
    /// Transport plus holding per full container collected (zero if none is).
    pub per_container: Money,
}

/// Plan totals per week.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpis {
    /// Transport: vehicles' fixed cost per day used, distance and time costs, plus direct
    /// shipments.
    pub transport: Money,
    /// Holding cost of the plant's stock.
    pub holding: Money,
    /// Transport plus holding.
    pub total: Money,
    /// The total per production day of the cycle (rounded).
    pub per_production_day: Money,
    /// Kilometres driven by the milk runs.
    pub km: f64,
    /// Most vehicles used on one day.
    pub vehicles: u32,
    /// Loops per week.
    pub loops: u32,
    /// Mean of the loops' fill rates.
    pub fill: f64,
    /// CO2e of the milk runs and direct shipments, kg well-to-wheel.
    pub co2e_kg: f64,
    /// The direct-shipping baseline: every supplier alone at the plan's frequencies.
    pub direct_cost: Money,
    /// The baseline's CO2e, kg well-to-wheel.
    pub direct_co2e_kg: f64,
}

/// The result of [`MilkRunPlanner::plan`](super::MilkRunPlanner::plan).
#[derive(Debug, Clone, PartialEq)]
pub struct MilkRunPlan {
    /// How each supplier is served, same order as [`Inbound::suppliers`].
    pub services: Vec<Service>,
    /// Every pickup of the cycle (milk run and direct).
    pub pickups: Vec<Pickup>,
    /// The loops of the cycle, by day then wave.
    pub loops: Vec<Loop>,
    /// Direct shipments: pickup index and the arrival at the plant.
    pub direct: Vec<(usize, CycleTime)>,
    /// Stock curve per part, in the order of the suppliers' parts.
    pub stock: Vec<StockCurve>,
    /// Per-supplier KPIs.
    pub suppliers: Vec<SupplierKpi>,
    /// Per-part KPIs, in the order of the suppliers' parts.
    pub parts: Vec<PartKpi>,
    /// Totals.
    pub kpis: Kpis,
    /// What the plan could not achieve.
    pub issues: Vec<PlanIssue>,
}
