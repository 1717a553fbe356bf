//! The independent plan checker: the oracle every [`MilkRunPlan`] is verified with.
//!
//! It recomputes everything from the network, the inbound description and the plan's own
//! decisions (which pickups, which loops in which order, which departure times) with plain
//! loops, sharing no code with the planner: loads and service times from the parts and
//! containers, timetables and distances from the travel matrix, loads on board from the
//! pickups, stock curves from the consumption and the arrivals.
//!
//! Semantics checked:
//! - **Services**: one per supplier; each supplier has `frequency.per_week()` pickups on distinct
//!   (day, wave) pairs, on `frequency.days` distinct days with `frequency.loops` pickups each, on
//!   production days its site is open on (its calendar's weekdays; holidays are one-off
//!   exceptions to the recurring week, re-planned when they come, not part of the cycle), in
//!   existing waves.
//! - **Pickups**: every part of the supplier listed once; a full container weighs its tare plus
//!   its parts, the kg load is that sum rounded (±1 kg per part allowed), pallet places are
//!   `ceil(containers / per_place)` summed over parts; empties only for returnable containers,
//!   weighing their tare; service = loading + loading per place x (full + empty places); the
//!   pickup window overlaps one of the site's windows (or the site has none).
//! - **Routing**: a milk-run pickup is on exactly one loop stop (or none if the plan lists it as
//!   [`PlanIssue::Unrouted`]), on a loop of its day and wave; a direct pickup is in
//!   [`MilkRunPlan::direct`] exactly once, in no loop, and arrives no earlier than the window
//!   opening plus service plus the drive to the plant.
//! - **Loops**: from the recorded departure, arrival = previous departure + travel duration,
//!   start = max(arrival, window open) <= window close, departure = start + service, return =
//!   last departure + drive to the plant; the recorded times must equal these. Departure and
//!   return lie within the wave and the vehicle type's shift; the vehicle starts and ends at
//!   the plant, leaves it carrying every empty of the loop and its load after each stop
//!   (previous - empties + load) never exceeds the capacity; loops go by day then wave.
//! - **Trucks**: a loop's truck number is below its type's vehicle count; the loops of one
//!   truck in one (day, wave) are its trips: a second one only if the type may reload at the
//!   plant, at most `max_reloads` + 1 of them, each leaving no earlier than the previous one's
//!   return plus the type's reload time; from the first departure to the last return and over
//!   all its loops' kilometres, the truck stays within the type's duration and distance
//!   limits (the routing checker's rule for a route with reloads).
//! - **Stock**: per part, stock(t) = initial + arrivals up to t - consumption up to t, the
//!   consumption `per_day / parts_per_container` containers spread evenly over the production
//!   hours of each production day, a milk-run pickup arriving when its loop is back at the plant,
//!   a direct one at its recorded arrival. The required initial stock keeps the minimum (just
//!   before each arrival and at the end of the cycle) at the safety stock; the peak (just after
//!   each arrival) stays within the storage limit unless the plan reports
//!   [`PlanIssue::StorageExceeded`]; the curve's figures and points match; whole containers
//!   collected per cycle are the weekly consumption rounded up.
//! - **Totals**: loop count, kilometres, mean fill, total cost, a lower bound on vehicles, and
//!   the per-supplier KPI rows' supplier, service and pickup count.
//!
//! The checker never panics: indices out of range, in the plan or in the inputs, are reported
//! as violations and the checks that need them are skipped.

use std::collections::BTreeMap;
use std::fmt;

use milkrun_model::{Distance, Duration, PartId, Problem, SiteId, TimeWindow, VehicleTypeId, Weekday};

use super::types::{Cycle, CycleTime, Inbound, MilkRunPlan, Pickup, PlanIssue, Service, StockCurve, DAY};

/// Length of the cycle.
const WEEK: CycleTime = 7 * DAY;
/// Tolerance on containers, kilometres and fill rates.
const EPS: f64 = 1e-6;
/// Load dimensions of the planner: kg, pallet places.
const DIMS: usize = 2;
/// Index of the kg dimension.
const KG: usize = 0;
/// Index of the pallet-place dimension.
const PLACES: usize = 1;

/// Per truck (day, wave, vehicle type, truck number): its loops as (departure, loop index,
/// return, distance), recomputed.
type Trucks = BTreeMap<(u32, usize, VehicleTypeId, u32), Vec<(Duration, usize, Duration, Distance)>>;

/// One way a plan breaks the rules of the inbound network.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanViolation {
    /// The inputs themselves (network or inbound description) are inconsistent, so the checks
    /// that depend on the item are skipped.
    BadInput {
        /// The item, e.g. "supplier 3 part 1".
        item: String,
        /// What is wrong.
        reason: String,
    },
    /// The plan has not one service per supplier.
    ServiceCount {
        /// Services in the plan.
        services: usize,
        /// Suppliers in the inbound network.
        suppliers: usize,
    },
    /// A pickup names a supplier that does not exist.
    PickupSupplier {
        /// Index of the pickup.
        pickup: usize,
        /// The supplier index given.
        supplier: usize,
    },
    /// A loop stop, a direct shipment or an issue names a pickup that does not exist.
    UnknownPickup {
        /// Where the reference is, e.g. "loop 3 stop 1".
        place: String,
        /// The pickup index given.
        pickup: usize,
    },
    /// A supplier has not `frequency.per_week()` pickups.
    PickupCount {
        /// The supplier.
        supplier: usize,
        /// Pickups its frequency asks for.
        expected: u64,
        /// Pickups in the plan.
        found: usize,
    },
    /// A supplier is visited on another number of days than its frequency says.
    VisitingDays {
        /// The supplier.
        supplier: usize,
        /// Days its frequency asks for.
        expected: u32,
        /// Distinct days in the plan.
        found: usize,
    },
    /// A supplier has another number of pickups on one of its visiting days than its frequency
    /// says.
    PickupsOnDay {
        /// The supplier.
        supplier: usize,
        /// The cycle day.
        day: u32,
        /// Pickups per visiting day its frequency asks for.
        expected: u32,
        /// Pickups that day.
        found: usize,
    },
    /// Several pickups of one supplier share a day and a wave.
    SameSlot {
        /// The supplier.
        supplier: usize,
        /// The cycle day.
        day: u32,
        /// The wave.
        wave: usize,
        /// How many pickups share it.
        pickups: usize,
    },
    /// A pickup falls on a day that is not a production day of the cycle (or beyond it).
    PickupDay {
        /// The pickup.
        pickup: usize,
        /// Its day.
        day: u32,
    },
    /// A pickup falls on a weekday its supplier's site is closed.
    SupplierClosed {
        /// The pickup.
        pickup: usize,
        /// The supplier.
        supplier: usize,
        /// The day.
        day: u32,
    },
    /// A pickup names a wave that does not exist.
    PickupWave {
        /// The pickup.
        pickup: usize,
        /// The wave index given.
        wave: usize,
        /// Waves in the cycle.
        waves: usize,
    },
    /// A part of the supplier is not listed in a pickup.
    PartMissing {
        /// The pickup.
        pickup: usize,
        /// The part.
        part: PartId,
    },
    /// A pickup lists a part its supplier does not ship.
    ForeignPart {
        /// The pickup.
        pickup: usize,
        /// The part.
        part: PartId,
    },
    /// A pickup lists a part more than once.
    DuplicatePart {
        /// The pickup.
        pickup: usize,
        /// The part.
        part: PartId,
    },
    /// A pickup drops empties of a one-way container.
    EmptiesNotReturnable {
        /// The pickup.
        pickup: usize,
        /// The part.
        part: PartId,
        /// Empties dropped.
        empties: u32,
    },
    /// A pickup's load or empties do not have the two dimensions (kg, pallet places).
    LoadDimensions {
        /// The pickup.
        pickup: usize,
        /// "load" or "empties".
        what: &'static str,
        /// Dimensions found.
        found: usize,
    },
    /// A pickup's kg (load or empties) differs from its containers' weight by more than the
    /// rounding allowance of 1 kg per part.
    PickupKg {
        /// The pickup.
        pickup: usize,
        /// "load" or "empties".
        what: &'static str,
        /// Kg recorded.
        recorded: i64,
        /// Kg of the containers, unrounded.
        expected: f64,
    },
    /// A pickup's pallet places (load or empties) differ from its containers'.
    PickupPlaces {
        /// The pickup.
        pickup: usize,
        /// "load" or "empties".
        what: &'static str,
        /// Places recorded.
        recorded: i64,
        /// Places of the containers.
        expected: i64,
    },
    /// A pickup's service time is not loading + loading per place x places moved.
    ServiceTime {
        /// The pickup.
        pickup: usize,
        /// Service recorded.
        recorded: Duration,
        /// Service expected.
        expected: Duration,
    },
    /// A pickup's windows are missing, overlap or are out of time order.
    PickupWindows {
        /// The pickup.
        pickup: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// One of a pickup's windows overlaps none of its site's opening windows.
    WindowOutsideSite {
        /// The pickup.
        pickup: usize,
        /// The pickup's window.
        window: TimeWindow,
    },
    /// A milk-run pickup is on no loop and not reported as unrouted.
    PickupNotRouted {
        /// The pickup.
        pickup: usize,
        /// Its supplier.
        supplier: usize,
    },
    /// A milk-run pickup is on several loop stops.
    PickupRoutedTwice {
        /// The pickup.
        pickup: usize,
        /// Loop stops serving it.
        stops: usize,
    },
    /// A pickup reported as unrouted is on a loop.
    UnroutedButRouted {
        /// The pickup.
        pickup: usize,
    },
    /// A pickup of a directly shipped supplier is on a loop.
    DirectInLoop {
        /// The pickup.
        pickup: usize,
        /// The loop.
        loop_index: usize,
    },
    /// A pickup of a directly shipped supplier is not in the direct shipments exactly once.
    DirectShipments {
        /// The pickup.
        pickup: usize,
        /// Direct shipments listing it.
        found: usize,
    },
    /// A direct shipment carries a pickup of a milk-run supplier.
    NotDirect {
        /// The pickup.
        pickup: usize,
        /// Its supplier.
        supplier: usize,
    },
    /// A direct shipment arrives at the plant before the truck could: window opening plus
    /// service plus the drive.
    DirectTooEarly {
        /// The pickup.
        pickup: usize,
        /// Recorded arrival.
        arrival: CycleTime,
        /// Earliest possible arrival.
        earliest: CycleTime,
    },
    /// A pickup reaches the plant outside the cycle, so it cannot feed the cycle's stock.
    ArrivalOutsideCycle {
        /// The pickup.
        pickup: usize,
        /// Its arrival at the plant.
        arrival: CycleTime,
    },
    /// A loop runs on a day that is not a production day of the cycle (or beyond it).
    LoopDay {
        /// The loop.
        loop_index: usize,
        /// Its day.
        day: u32,
    },
    /// A loop names a wave that does not exist.
    LoopWave {
        /// The loop.
        loop_index: usize,
        /// The wave index given.
        wave: usize,
        /// Waves in the cycle.
        waves: usize,
    },
    /// A loop names a vehicle type that does not exist.
    UnknownVehicleType {
        /// The loop.
        loop_index: usize,
        /// The type given.
        vehicle_type: VehicleTypeId,
    },
    /// A vehicle type used by the loops does not start and end at the plant.
    VehicleNotAtPlant {
        /// The type.
        vehicle_type: VehicleTypeId,
        /// Its start.
        start: SiteId,
        /// Its end.
        end: Option<SiteId>,
        /// The plant.
        plant: SiteId,
    },
    /// A loop has no stops.
    EmptyLoop {
        /// The loop.
        loop_index: usize,
    },
    /// The loops are not in day-then-wave order.
    LoopOrder {
        /// The first loop out of order.
        loop_index: usize,
        /// Its day.
        day: u32,
        /// Its wave.
        wave: usize,
    },
    /// A loop serves a pickup of another day or wave.
    StopSlot {
        /// The loop.
        loop_index: usize,
        /// Position of the stop.
        stop: usize,
        /// The pickup.
        pickup: usize,
        /// The pickup's day.
        day: u32,
        /// The pickup's wave.
        wave: usize,
    },
    /// A loop stop's site is not its pickup's supplier site.
    StopSite {
        /// The loop.
        loop_index: usize,
        /// Position of the stop.
        stop: usize,
        /// Site recorded.
        recorded: SiteId,
        /// The supplier's site.
        expected: SiteId,
    },
    /// Loading starts after the pickup's last window closes.
    Late {
        /// The loop.
        loop_index: usize,
        /// Position of the stop.
        stop: usize,
        /// The pickup.
        pickup: usize,
        /// Start of loading.
        start: Duration,
        /// Close of the window loading had to start in (the last one if the truck came after it).
        close: Duration,
    },
    /// Loading starts while the supplier's site is closed, or ends after it closes (no opening
    /// window holds the whole loading).
    SiteClosedAtStart {
        /// The loop.
        loop_index: usize,
        /// Position of the stop.
        stop: usize,
        /// The pickup.
        pickup: usize,
        /// Start of loading.
        start: Duration,
    },
    /// A recorded time of a loop differs from the one recomputed from its departure (the first
    /// difference of the loop only).
    Timetable {
        /// The loop.
        loop_index: usize,
        /// Position of the stop; `None` for the return to the plant.
        stop: Option<usize>,
        /// "arrival", "start", "departure" or "return".
        field: &'static str,
        /// Time recorded.
        recorded: Duration,
        /// Time recomputed.
        expected: Duration,
    },
    /// A loop leaves before its wave opens or after it closes, or returns after it closes.
    OutsideWave {
        /// The loop.
        loop_index: usize,
        /// Departure from the plant.
        departure: Duration,
        /// Return to the plant (recomputed).
        arrival: Duration,
        /// The wave.
        wave: TimeWindow,
    },
    /// A loop leaves before the vehicle's shift opens or returns after it closes.
    OutsideShift {
        /// The loop.
        loop_index: usize,
        /// Departure from the plant.
        departure: Duration,
        /// Return to the plant (recomputed).
        arrival: Duration,
        /// The vehicle type's shift.
        shift: TimeWindow,
    },
    /// A truck's loops of a wave last longer than its vehicle type allows.
    MaxDuration {
        /// The truck's last loop of the wave.
        loop_index: usize,
        /// Its first loop's departure to its last loop's return.
        duration: Duration,
        /// The limit.
        limit: Duration,
    },
    /// A truck's loops of a wave are longer than its vehicle type allows.
    MaxDistance {
        /// The truck's last loop of the wave.
        loop_index: usize,
        /// Distance of its loops (recomputed).
        distance: Distance,
        /// The limit.
        limit: Distance,
    },
    /// A loop's recorded distance differs from the travel matrix's.
    LoopDistance {
        /// The loop.
        loop_index: usize,
        /// Distance recorded.
        recorded: Distance,
        /// Distance plant, stops, plant.
        expected: Distance,
    },
    /// A stop's recorded load on board differs from previous - empties + load.
    LoadAfter {
        /// The loop.
        loop_index: usize,
        /// Position of the stop.
        stop: usize,
        /// Load recorded.
        recorded: Vec<i64>,
        /// Load recomputed.
        expected: Vec<i64>,
    },
    /// The load on board exceeds the vehicle's capacity.
    Overload {
        /// The loop.
        loop_index: usize,
        /// After which stop; `None` when leaving the plant with the empties.
        stop: Option<usize>,
        /// Load dimension (0 = kg, 1 = pallet places).
        dim: usize,
        /// Load on board.
        load: i64,
        /// Capacity.
        capacity: i64,
    },
    /// A loop's truck number is not below its vehicle type's count.
    FleetExceeded {
        /// The loop.
        loop_index: usize,
        /// The type.
        vehicle_type: VehicleTypeId,
        /// The loop's truck.
        vehicle: u32,
        /// Vehicles of the type.
        count: u32,
    },
    /// A truck runs a second loop in a wave, but its vehicle type may not reload at the plant.
    ReloadNotAllowed {
        /// The truck's second loop.
        loop_index: usize,
        /// The type.
        vehicle_type: VehicleTypeId,
    },
    /// A truck runs more loops in a wave than its type's reloads allow.
    TooManyReloads {
        /// The truck's first loop over the cap.
        loop_index: usize,
        /// Reloads (loops - 1).
        reloads: u32,
        /// The type's cap.
        max: u32,
    },
    /// A truck's loop leaves before the truck is back from its previous loop and reloaded.
    TruckNotReady {
        /// The loop.
        loop_index: usize,
        /// The truck's previous loop.
        previous: usize,
        /// The previous loop's return plus the reload time.
        ready: Duration,
        /// The loop's departure.
        departure: Duration,
    },
    /// The plan has not one stock curve per part of the suppliers.
    StockCount {
        /// Curves in the plan.
        curves: usize,
        /// Parts over all suppliers.
        expected: usize,
    },
    /// A stock curve is for another part than the one at its position.
    StockPart {
        /// Position of the curve.
        curve: usize,
        /// Part recorded.
        recorded: PartId,
        /// Part expected there (suppliers' order, then their parts' order).
        expected: PartId,
    },
    /// The stock falls below the safety stock.
    BelowSafety {
        /// The part.
        part: PartId,
        /// When the stock is lowest.
        at: CycleTime,
        /// Lowest stock, containers.
        stock: f64,
        /// Safety stock, containers.
        safety: f64,
    },
    /// The stock exceeds the storage limit and the plan does not report it.
    AboveMax {
        /// The part.
        part: PartId,
        /// When the stock is highest.
        at: CycleTime,
        /// Peak stock, containers.
        stock: f64,
        /// Storage limit, containers.
        max: u32,
    },
    /// A figure of a stock curve differs from the recomputed one.
    StockFigure {
        /// The part.
        part: PartId,
        /// "initial", "min", "peak", "average", "safety", "max" or "surplus".
        field: &'static str,
        /// Value recorded.
        recorded: f64,
        /// Value recomputed.
        expected: f64,
    },
    /// A point of a stock curve is out of order, or off the recomputed curve.
    StockPoint {
        /// The part.
        part: PartId,
        /// Position of the point.
        index: usize,
        /// Its time.
        at: CycleTime,
        /// What is wrong.
        reason: String,
    },
    /// The containers collected per cycle are not the weekly consumption rounded up.
    Collected {
        /// The part.
        part: PartId,
        /// Full containers over the cycle's pickups.
        collected: u64,
        /// Weekly consumption, containers.
        consumption: f64,
        /// Containers to collect: the consumption rounded up.
        expected: u64,
    },
    /// A plan total differs from the one recomputed from the loops.
    Kpi {
        /// "loops", "km", "fill" or "total".
        what: &'static str,
        /// Value recorded.
        recorded: f64,
        /// Value recomputed.
        expected: f64,
    },
    /// Fewer vehicles reported than loops in one wave.
    KpiVehicles {
        /// Vehicles recorded.
        recorded: u32,
        /// Most loops in one wave.
        at_least: usize,
    },
    /// A per-supplier KPI row is inconsistent with the plan.
    SupplierKpi {
        /// Position of the row (or the supplier, for a missing row).
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// A per-part KPI row is missing, out of order, or disagrees with the plan.
    PartKpi {
        /// Position of the row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
}

/// A time of day in seconds, shown as `HH:MM:SS`.
struct Clock(i64);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let s = self.0.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// A cycle time, shown as weekday and time of day.
struct At(CycleTime);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match weekday(self.0.div_euclid(DAY)) {
            Some(day) => write!(f, "{day:?} {}", Clock(self.0.rem_euclid(DAY))),
            None => write!(f, "cycle second {}", self.0),
        }
    }
}

/// A window shown as `HH:MM:SS-HH:MM:SS`.
struct Window(TimeWindow);

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", Clock(self.0.open.0), Clock(self.0.close.0))
    }
}

impl fmt::Display for PlanViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadInput { item, reason } => write!(f, "bad input: {item}: {reason}"),
            Self::ServiceCount { services, suppliers } => {
                write!(f, "the plan has {services} services for {suppliers} suppliers")
            }
            Self::PickupSupplier { pickup, supplier } => {
                write!(f, "pickup {pickup} names supplier {supplier}, which does not exist")
            }
            Self::UnknownPickup { place, pickup } => write!(f, "{place} names pickup {pickup}, which does not exist"),
            Self::PickupCount { supplier, expected, found } => {
                write!(f, "supplier {supplier} has {found} pickups per cycle, its frequency asks for {expected}")
            }
            Self::VisitingDays { supplier, expected, found } => {
                write!(f, "supplier {supplier} is visited on {found} days, its frequency asks for {expected}")
            }
            Self::PickupsOnDay { supplier, day, expected, found } => write!(
                f,
                "supplier {supplier} has {found} pickups on day {day}, its frequency asks for {expected} per visiting day"
            ),
            Self::SameSlot { supplier, day, wave, pickups } => {
                write!(f, "supplier {supplier} has {pickups} pickups in wave {wave} of day {day}")
            }
            Self::PickupDay { pickup, day } => {
                write!(f, "pickup {pickup} is on day {day}, which is not a production day of the cycle")
            }
            Self::SupplierClosed { pickup, supplier, day } => {
                write!(f, "pickup {pickup} is on day {day}, when supplier {supplier} is closed")
            }
            Self::PickupWave { pickup, wave, waves } => {
                write!(f, "pickup {pickup} is in wave {wave}, but the cycle has {waves} waves")
            }
            Self::PartMissing { pickup, part } => write!(f, "pickup {pickup} does not list {part} of its supplier"),
            Self::ForeignPart { pickup, part } => write!(f, "pickup {pickup} lists {part}, which its supplier does not ship"),
            Self::DuplicatePart { pickup, part } => write!(f, "pickup {pickup} lists {part} more than once"),
            Self::EmptiesNotReturnable { pickup, part, empties } => write!(
                f,
                "pickup {pickup} drops {empties} empties of {part}, whose container is not returnable"
            ),
            Self::LoadDimensions { pickup, what, found } => {
                write!(f, "pickup {pickup}: its {what} has {found} dimensions, expected {DIMS} (kg, pallet places)")
            }
            Self::PickupKg { pickup, what, recorded, expected } => {
                write!(f, "pickup {pickup}: its {what} weighs {recorded} kg, its containers weigh {expected:.2} kg")
            }
            Self::PickupPlaces { pickup, what, recorded, expected } => write!(
                f,
                "pickup {pickup}: its {what} takes {recorded} pallet places, its containers take {expected}"
            ),
            Self::ServiceTime { pickup, recorded, expected } => write!(
                f,
                "pickup {pickup}: service time is {recorded} s, loading and places moved take {expected} s"
            ),
            Self::PickupWindows { pickup, reason } => write!(f, "pickup {pickup}: its windows are wrong: {reason}"),
            Self::WindowOutsideSite { pickup, window } => write!(
                f,
                "pickup {pickup}: its window {} overlaps none of its supplier's opening hours",
                Window(*window)
            ),
            Self::PickupNotRouted { pickup, supplier } => write!(
                f,
                "pickup {pickup} of milk-run supplier {supplier} is on no loop and not reported as unrouted"
            ),
            Self::PickupRoutedTwice { pickup, stops } => write!(f, "pickup {pickup} is served by {stops} loop stops"),
            Self::UnroutedButRouted { pickup } => {
                write!(f, "pickup {pickup} is reported as unrouted but is on a loop")
            }
            Self::DirectInLoop { pickup, loop_index } => {
                write!(f, "pickup {pickup} of a directly shipped supplier is on loop {loop_index}")
            }
            Self::DirectShipments { pickup, found } => write!(
                f,
                "pickup {pickup} of a directly shipped supplier is in {found} direct shipments, expected exactly one"
            ),
            Self::NotDirect { pickup, supplier } => write!(
                f,
                "a direct shipment carries pickup {pickup} of supplier {supplier}, which is served by milk run"
            ),
            Self::DirectTooEarly { pickup, arrival, earliest } => write!(
                f,
                "direct pickup {pickup} reaches the plant at {}, but cannot before {}",
                At(*arrival),
                At(*earliest)
            ),
            Self::ArrivalOutsideCycle { pickup, arrival } => {
                write!(f, "pickup {pickup} reaches the plant at {}, outside the cycle", At(*arrival))
            }
            Self::LoopDay { loop_index, day } => {
                write!(f, "loop {loop_index} runs on day {day}, which is not a production day of the cycle")
            }
            Self::LoopWave { loop_index, wave, waves } => {
                write!(f, "loop {loop_index} is in wave {wave}, but the cycle has {waves} waves")
            }
            Self::UnknownVehicleType { loop_index, vehicle_type } => {
                write!(f, "loop {loop_index} uses {vehicle_type}, which does not exist")
            }
            Self::VehicleNotAtPlant { vehicle_type, start, end, plant } => {
                write!(f, "{vehicle_type} starts at {start} and ends at ")?;
                match end {
                    Some(end) => write!(f, "{end}")?,
                    None => write!(f, "its last stop")?,
                }
                write!(f, ", but loops start and end at the plant {plant}")
            }
            Self::EmptyLoop { loop_index } => write!(f, "loop {loop_index} has no stops"),
            Self::LoopOrder { loop_index, day, wave } => write!(
                f,
                "loop {loop_index} (day {day} wave {wave}) follows a loop of a later day or wave: loops go by day then wave"
            ),
            Self::StopSlot { loop_index, stop, pickup, day, wave } => write!(
                f,
                "loop {loop_index} stop {stop} serves pickup {pickup} of day {day} wave {wave}, not the loop's"
            ),
            Self::StopSite { loop_index, stop, recorded, expected } => write!(
                f,
                "loop {loop_index} stop {stop} is at {recorded}, but its pickup's supplier is at {expected}"
            ),
            Self::Late { loop_index, stop, pickup, start, close } => write!(
                f,
                "loop {loop_index} stop {stop}: loading of pickup {pickup} starts at {}, after its window closes at {}",
                Clock(start.0),
                Clock(close.0)
            ),
            Self::SiteClosedAtStart { loop_index, stop, pickup, start } => write!(
                f,
                "loop {loop_index} stop {stop}: loading of pickup {pickup} starts at {}, outside the supplier's opening hours or running past its closing",
                Clock(start.0)
            ),
            Self::Timetable { loop_index, stop, field, recorded, expected } => {
                match stop {
                    Some(stop) => write!(f, "loop {loop_index} stop {stop}: ")?,
                    None => write!(f, "loop {loop_index}: ")?,
                }
                write!(f, "{field} recorded at {}, recomputed at {}", Clock(recorded.0), Clock(expected.0))
            }
            Self::OutsideWave { loop_index, departure, arrival, wave } => write!(
                f,
                "loop {loop_index} runs {}-{}, outside its wave {}",
                Clock(departure.0),
                Clock(arrival.0),
                Window(*wave)
            ),
            Self::OutsideShift { loop_index, departure, arrival, shift } => write!(
                f,
                "loop {loop_index} runs {}-{}, outside its vehicle's shift {}",
                Clock(departure.0),
                Clock(arrival.0),
                Window(*shift)
            ),
            Self::MaxDuration { loop_index, duration, limit } => write!(
                f,
                "the truck of loop {loop_index} is out {duration} s in the wave, its vehicle type allows {limit} s"
            ),
            Self::MaxDistance { loop_index, distance, limit } => write!(
                f,
                "the truck of loop {loop_index} covers {distance} m in the wave, its vehicle type allows {limit} m"
            ),
            Self::LoopDistance { loop_index, recorded, expected } => {
                write!(f, "loop {loop_index} records {recorded} m, the travel matrix gives {expected} m")
            }
            Self::LoadAfter { loop_index, stop, recorded, expected } => write!(
                f,
                "loop {loop_index} stop {stop}: load on board recorded as {recorded:?}, recomputed as {expected:?}"
            ),
            Self::Overload { loop_index, stop, dim, load, capacity } => {
                let unit = if *dim == KG { "kg" } else { "pallet places" };
                match stop {
                    Some(stop) => write!(f, "loop {loop_index} after stop {stop}")?,
                    None => write!(f, "loop {loop_index} leaving the plant")?,
                }
                write!(f, " carries {load} {unit}, its vehicle holds {capacity}")
            }
            Self::FleetExceeded { loop_index, vehicle_type, vehicle, count } => write!(
                f,
                "loop {loop_index} runs on truck {vehicle} of {vehicle_type}, which has {count} vehicles"
            ),
            Self::ReloadNotAllowed { loop_index, vehicle_type } => write!(
                f,
                "loop {loop_index} is its truck's second in the wave, but {vehicle_type} may not reload at the plant"
            ),
            Self::TooManyReloads { loop_index, reloads, max } => {
                write!(f, "loop {loop_index} makes {reloads} reloads of its truck in the wave, at most {max} allowed")
            }
            Self::TruckNotReady { loop_index, previous, ready, departure } => write!(
                f,
                "loop {loop_index} leaves at {}, its truck is back from loop {previous} and reloaded at {}",
                Clock(departure.0),
                Clock(ready.0)
            ),
            Self::StockCount { curves, expected } => {
                write!(f, "the plan has {curves} stock curves for {expected} parts")
            }
            Self::StockPart { curve, recorded, expected } => {
                write!(f, "stock curve {curve} is for {recorded}, expected {expected}")
            }
            Self::BelowSafety { part, at, stock, safety } => write!(
                f,
                "stock of {part} falls to {stock:.3} containers at {}, below its safety stock {safety:.3}",
                At(*at)
            ),
            Self::AboveMax { part, at, stock, max } => write!(
                f,
                "stock of {part} rises to {stock:.3} containers at {}, above its storage limit {max}, unreported",
                At(*at)
            ),
            Self::StockFigure { part, field, recorded, expected } => write!(
                f,
                "stock curve of {part}: {field} recorded as {recorded:.6}, recomputed as {expected:.6}"
            ),
            Self::StockPoint { part, index, at, reason } => {
                write!(f, "stock curve of {part}: point {index} at {}: {reason}", At(*at))
            }
            Self::Collected { part, collected, consumption, expected } => write!(
                f,
                "{part}: {collected} containers collected per cycle for a consumption of {consumption:.3}, expected {expected}"
            ),
            Self::Kpi { what, recorded, expected } => {
                write!(f, "KPI {what} recorded as {recorded}, recomputed as {expected}")
            }
            Self::KpiVehicles { recorded, at_least } => {
                write!(f, "KPI vehicles is {recorded}, but one wave runs {at_least} loops")
            }
            Self::SupplierKpi { row, reason } => write!(f, "supplier KPI row {row}: {reason}"),
            Self::PartKpi { row, reason } => write!(f, "part KPI row {row}: {reason}"),
        }
    }
}

/// What the checker found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanReport {
    /// Every violation found; empty means the plan keeps every rule.
    pub violations: Vec<PlanViolation>,
    /// Milk-run pickups on no loop that the plan reports as [`PlanIssue::Unrouted`] (counted,
    /// not violations).
    pub unrouted: Vec<usize>,
}

impl PlanReport {
    /// Whether no rule is broken.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for PlanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.violations.is_empty() {
            write!(f, "plan ok")?;
        } else {
            write!(f, "{} violations:", self.violations.len())?;
            for v in &self.violations {
                write!(f, "\n- {v}")?;
            }
        }
        if !self.unrouted.is_empty() {
            write!(f, "\n{} pickups reported unrouted", self.unrouted.len())?;
        }
        Ok(())
    }
}

/// Checks `plan` against the network and the inbound description, recomputing everything.
///
/// # Arguments
/// `network`: sites, parts, containers, fleet and travel matrix. `inbound`: the suppliers, their
/// parts and the cycle. `plan`: the plan to check.
///
/// # Returns
/// Every violation found (see the module docs for the rules), and the pickups left unrouted
/// with a reported reason. Never panics, whatever the plan holds.
///
/// # Complexity
/// O(P log P + L + S · (A log A + A · D)) time for P pickups, L loop stops, S stock curves with
/// A arrivals each and D production days; O(P + L) space.
#[must_use]
pub fn check_plan(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan) -> PlanReport {
    let mut checker = Checker { network, inbound, plan, report: PlanReport::default() };
    let ctx = checker.inputs();
    checker.services(&ctx);
    checker.pickups(&ctx);
    let arrivals = checker.routing(&ctx);
    checker.loops(&ctx);
    checker.stock(&ctx, &arrivals);
    checker.totals();
    checker.report
}

/// A part flow with everything the checks need, resolved from the network.
struct PartInfo {
    part: PartId,
    per_day: f64,
    safety_days: f64,
    max_containers: u32,
    /// Zero when invalid (reported); place counts are then skipped.
    per_place: u32,
    parts_per_container: u32,
    /// Weight of a full container, kg.
    full_kg: f64,
    /// Weight of an empty container, kg.
    tare_kg: f64,
    returnable: bool,
}

/// A supplier resolved from the network.
struct SupplierInfo {
    /// Site index, if it exists.
    site: Option<usize>,
    /// Per part flow, `None` if the part or its container cannot be resolved.
    parts: Vec<Option<PartInfo>>,
}

/// What the input checks resolved.
struct Context {
    plant: Option<usize>,
    suppliers: Vec<SupplierInfo>,
    /// Whether the production hours are a usable window within a day.
    hours_ok: bool,
    /// Pickup indices per supplier.
    pickups_of: Vec<Vec<usize>>,
}

impl Context {
    /// The site index of supplier `s`, if both exist.
    fn site_of(&self, s: usize) -> Option<usize> {
        self.suppliers.get(s).and_then(|i| i.site)
    }
}

struct Checker<'a> {
    network: &'a Problem,
    inbound: &'a Inbound,
    plan: &'a MilkRunPlan,
    report: PlanReport,
}

/// The weekday of cycle day `day` (0 = Monday), if the day lies in the cycle.
fn weekday(day: i64) -> Option<Weekday> {
    usize::try_from(day).ok().and_then(|d| Weekday::ALL.get(d)).copied()
}

/// Whether two closed windows share an instant.
fn overlaps(a: TimeWindow, b: TimeWindow) -> bool {
    a.open <= b.close && b.open <= a.close
}

/// Whether `a` and `b` agree within the tolerance, relative for large values.
fn close_to(a: f64, b: f64) -> bool {
    (a - b).abs() <= EPS * a.abs().max(b.abs()).max(1.0)
}

/// Amount `d` of a recorded load; a missing dimension is reported per pickup (as
/// [`PlanViolation::LoadDimensions`]) and counts as zero here.
fn amount(load: &[i64], d: usize) -> i64 {
    load.get(d).copied().unwrap_or(0)
}

/// Containers of one part consumed from the start of the cycle up to `t`, `per_day` a
/// production day spread evenly over the production hours.
fn consumed(cycle: &Cycle, per_day: f64, t: CycleTime) -> f64 {
    let hours = cycle.production_hours;
    cycle
        .production_days
        .iter()
        .map(|wd| {
            let start = i64::from(wd.number()) * DAY + hours.open.0;
            let end = i64::from(wd.number()) * DAY + hours.close.0;
            if t >= end {
                per_day
            } else if t <= start {
                0.0
            } else {
                per_day * (t - start) as f64 / (end - start) as f64
            }
        })
        .sum()
}

/// Integral of [`consumed`] over the cycle, container-seconds.
fn consumed_integral(cycle: &Cycle, per_day: f64) -> f64 {
    let hours = cycle.production_hours;
    // A day's consumption ramps up from `start` to `end` and then stays: its integral up to
    // the end of the cycle is per_day * (WEEK - midpoint of the ramp).
    cycle
        .production_days
        .iter()
        .map(|wd| {
            let mid = (i64::from(wd.number()) * DAY) as f64 + (hours.open.0 + hours.close.0) as f64 / 2.0;
            per_day * (WEEK as f64 - mid)
        })
        .sum()
}

impl Checker<'_> {
    fn push(&mut self, v: PlanViolation) {
        self.report.violations.push(v);
    }

    fn bad_input(&mut self, item: String, reason: String) {
        self.push(PlanViolation::BadInput { item, reason });
    }

    /// Whether cycle day `day` is a production day.
    fn production_day(&self, day: u32) -> bool {
        weekday(i64::from(day)).is_some_and(|w| self.inbound.cycle.production_days.contains(w))
    }

    /// Resolves and checks the inputs.
    fn inputs(&mut self) -> Context {
        let (network, inbound) = (self.network, self.inbound);
        if network.dimensions().len() != DIMS {
            self.bad_input(
                "network".into(),
                format!(
                    "has {} load dimensions, the planner uses {DIMS} (kg, pallet places)",
                    network.dimensions().len()
                ),
            );
        }
        let n_sites = network.sites().len().min(network.travel().size());
        let plant = inbound.plant.index();
        let plant = if plant < n_sites {
            Some(plant)
        } else {
            self.bad_input("plant".into(), format!("{} does not exist", inbound.plant));
            None
        };
        let hours = inbound.cycle.production_hours;
        let hours_ok = Duration::ZERO <= hours.open && hours.open <= hours.close && hours.close.0 <= DAY;
        if !hours_ok {
            self.bad_input("production hours".into(), format!("{} is not a window within a day", Window(hours)));
        }
        for (w, wave) in inbound.cycle.waves.iter().enumerate() {
            if wave.close < wave.open {
                self.bad_input(format!("wave {w}"), format!("{} closes before it opens", Window(*wave)));
            }
        }
        let mut suppliers = Vec::with_capacity(inbound.suppliers.len());
        for (s, sup) in inbound.suppliers.iter().enumerate() {
            let site = if sup.site.index() < n_sites {
                Some(sup.site.index())
            } else {
                self.bad_input(format!("supplier {s}"), format!("site {} does not exist", sup.site));
                None
            };
            let mut parts = Vec::with_capacity(sup.parts.len());
            for (j, flow) in sup.parts.iter().enumerate() {
                let item = || format!("supplier {s} part {j} ({})", flow.part);
                let Some(part) = network.parts().get(flow.part.index()) else {
                    self.bad_input(item(), "the part does not exist".into());
                    parts.push(None);
                    continue;
                };
                let Some(container) = part.container.and_then(|c| network.containers().get(c.index())) else {
                    self.bad_input(item(), "the part has no container".into());
                    parts.push(None);
                    continue;
                };
                if let Some(from) = part.supplier {
                    if from != sup.site {
                        self.bad_input(item(), format!("the part is shipped by {from}, not {}", sup.site));
                    }
                }
                if flow.per_place == 0 {
                    self.bad_input(item(), "zero containers per pallet place".into());
                }
                let mut usable = container.parts_per_container > 0;
                if !usable {
                    self.bad_input(item(), "its container holds zero parts".into());
                }
                for (what, value) in [("per day", flow.per_day), ("safety days", flow.safety_days)] {
                    if !(value.is_finite() && value >= 0.0) {
                        self.bad_input(item(), format!("{what} is {value}"));
                        usable = false;
                    }
                }
                if !usable {
                    parts.push(None);
                    continue;
                }
                let ppc = container.parts_per_container;
                parts.push(Some(PartInfo {
                    part: flow.part,
                    per_day: flow.per_day,
                    safety_days: flow.safety_days,
                    max_containers: flow.max_containers,
                    per_place: flow.per_place,
                    parts_per_container: ppc,
                    full_kg: container.tare.0 + f64::from(ppc) * part.unit_weight.0,
                    tare_kg: container.tare.0,
                    returnable: container.returnable,
                }));
            }
            suppliers.push(SupplierInfo { site, parts });
        }
        let mut pickups_of = vec![Vec::new(); inbound.suppliers.len()];
        for (k, p) in self.plan.pickups.iter().enumerate() {
            match pickups_of.get_mut(p.supplier) {
                Some(list) => list.push(k),
                None => self.push(PlanViolation::PickupSupplier { pickup: k, supplier: p.supplier }),
            }
        }
        Context { plant, suppliers, hours_ok, pickups_of }
    }

    /// Rule 1: services and visiting patterns.
    fn services(&mut self, ctx: &Context) {
        let (inbound, plan) = (self.inbound, self.plan);
        if plan.services.len() != inbound.suppliers.len() {
            self.push(PlanViolation::ServiceCount {
                services: plan.services.len(),
                suppliers: inbound.suppliers.len(),
            });
        }
        for (s, service) in plan.services.iter().enumerate() {
            let Some(list) = ctx.pickups_of.get(s) else { continue };
            let freq = service.frequency();
            // Not `per_week()`: a corrupt frequency must not overflow.
            let per_week = u64::from(freq.days) * u64::from(freq.loops);
            if list.len() as u64 != per_week {
                self.push(PlanViolation::PickupCount { supplier: s, expected: per_week, found: list.len() });
            }
            let mut slots: Vec<(u32, usize)> =
                list.iter().map(|&k| (plan.pickups[k].day, plan.pickups[k].wave)).collect();
            slots.sort_unstable();
            let mut days: Vec<(u32, usize)> = Vec::new();
            for chunk in slots.chunk_by(|a, b| a == b) {
                let (day, wave) = chunk[0];
                if chunk.len() > 1 {
                    self.push(PlanViolation::SameSlot { supplier: s, day, wave, pickups: chunk.len() });
                }
            }
            for chunk in slots.chunk_by(|a, b| a.0 == b.0) {
                days.push((chunk[0].0, chunk.len()));
            }
            if days.len() != freq.days as usize {
                self.push(PlanViolation::VisitingDays { supplier: s, expected: freq.days, found: days.len() });
            }
            for (day, n) in days {
                if n != freq.loops as usize {
                    self.push(PlanViolation::PickupsOnDay { supplier: s, day, expected: freq.loops, found: n });
                }
            }
        }
    }

    /// Rule 2 and the pickups' days and waves: contents, loads, service times, windows.
    fn pickups(&mut self, ctx: &Context) {
        let (network, inbound, plan) = (self.network, self.inbound, self.plan);
        let waves = inbound.cycle.waves.len();
        for (k, p) in plan.pickups.iter().enumerate() {
            let (Some(sup), Some(info)) = (inbound.suppliers.get(p.supplier), ctx.suppliers.get(p.supplier)) else {
                continue; // reported by `inputs`
            };
            if !self.production_day(p.day) {
                self.push(PlanViolation::PickupDay { pickup: k, day: p.day });
            }
            if p.wave >= waves {
                self.push(PlanViolation::PickupWave { pickup: k, wave: p.wave, waves });
            }
            if let (Some(site), Some(wd)) = (info.site.and_then(|s| network.sites().get(s)), weekday(i64::from(p.day)))
            {
                if !site.calendar.open_days.contains(wd) {
                    self.push(PlanViolation::SupplierClosed { pickup: k, supplier: p.supplier, day: p.day });
                }
                for &window in &p.windows {
                    if !site.windows.is_empty() && !site.windows.iter().any(|w| overlaps(*w, window)) {
                        self.push(PlanViolation::WindowOutsideSite { pickup: k, window });
                    }
                }
            }
            if p.windows.is_empty() {
                self.push(PlanViolation::PickupWindows { pickup: k, reason: "it has no window" });
            } else if p.windows.windows(2).any(|w| w[1].open <= w[0].close) {
                self.push(PlanViolation::PickupWindows { pickup: k, reason: "they overlap or are out of time order" });
            }

            // Which recorded line serves each of the supplier's parts.
            let mut line_of: Vec<Option<usize>> = vec![None; sup.parts.len()];
            for (i, line) in p.parts.iter().enumerate() {
                match sup.parts.iter().position(|f| f.part == line.part) {
                    None => self.push(PlanViolation::ForeignPart { pickup: k, part: line.part }),
                    Some(j) if line_of[j].is_some() => {
                        self.push(PlanViolation::DuplicatePart { pickup: k, part: line.part });
                    }
                    Some(j) => line_of[j] = Some(i),
                }
            }
            let mut complete = true;
            let (mut kg, mut places, mut empty_kg, mut empty_places) = (0.0, 0_i64, 0.0, 0_i64);
            for (j, flow) in sup.parts.iter().enumerate() {
                let part = info.parts.get(j).and_then(Option::as_ref);
                complete &= part.is_some_and(|part| part.per_place > 0);
                let Some(i) = line_of[j] else {
                    self.push(PlanViolation::PartMissing { pickup: k, part: flow.part });
                    continue;
                };
                let line = p.parts[i];
                let Some(part) = part else { continue };
                if line.empties > 0 && !part.returnable {
                    self.push(PlanViolation::EmptiesNotReturnable {
                        pickup: k,
                        part: line.part,
                        empties: line.empties,
                    });
                }
                if part.per_place == 0 {
                    continue;
                }
                kg += f64::from(line.containers) * part.full_kg;
                places += i64::from(line.containers.div_ceil(part.per_place));
                empty_kg += f64::from(line.empties) * part.tare_kg;
                empty_places += i64::from(line.empties.div_ceil(part.per_place));
            }
            for (what, recorded) in [("load", &p.load), ("empties", &p.empties)] {
                if recorded.len() != DIMS {
                    self.push(PlanViolation::LoadDimensions { pickup: k, what, found: recorded.len() });
                }
            }
            if !complete {
                continue;
            }
            let allowance = sup.parts.len().max(1) as f64;
            for (what, recorded, exp_kg, exp_places) in
                [("load", &p.load, kg, places), ("empties", &p.empties, empty_kg, empty_places)]
            {
                if let Some(&rec) = recorded.get(KG) {
                    if (rec as f64 - exp_kg).abs() > allowance {
                        self.push(PlanViolation::PickupKg { pickup: k, what, recorded: rec, expected: exp_kg });
                    }
                }
                if let Some(&rec) = recorded.get(PLACES) {
                    if rec != exp_places {
                        self.push(PlanViolation::PickupPlaces { pickup: k, what, recorded: rec, expected: exp_places });
                    }
                }
            }
            let moved = places.saturating_add(empty_places);
            let expected = Duration(sup.loading.0.saturating_add(sup.loading_per_place.0.saturating_mul(moved)));
            if p.service != expected {
                self.push(PlanViolation::ServiceTime { pickup: k, recorded: p.service, expected });
            }
        }
    }

    /// Rule 3: every pickup served once, by loop or direct shipment. Returns each pickup's
    /// arrival at the plant, if any, for the stock.
    fn routing(&mut self, ctx: &Context) -> Vec<Option<CycleTime>> {
        let (network, plan) = (self.network, self.plan);
        let n = plan.pickups.len();
        let mut stops_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (l, lp) in plan.loops.iter().enumerate() {
            for (s, stop) in lp.stops.iter().enumerate() {
                match stops_of.get_mut(stop.pickup) {
                    Some(list) => list.push(l),
                    None => self.push(PlanViolation::UnknownPickup {
                        place: format!("loop {l} stop {s}"),
                        pickup: stop.pickup,
                    }),
                }
            }
        }
        let mut direct_of: Vec<Vec<CycleTime>> = vec![Vec::new(); n];
        for (i, &(k, at)) in plan.direct.iter().enumerate() {
            match direct_of.get_mut(k) {
                Some(list) => list.push(at),
                None => self.push(PlanViolation::UnknownPickup { place: format!("direct shipment {i}"), pickup: k }),
            }
        }
        let mut unrouted = vec![false; n];
        for (i, issue) in plan.issues.iter().enumerate() {
            if let PlanIssue::Unrouted { pickup, .. } = issue {
                match unrouted.get_mut(*pickup) {
                    Some(flag) => *flag = true,
                    None => self.push(PlanViolation::UnknownPickup { place: format!("issue {i}"), pickup: *pickup }),
                }
            }
        }

        let mut arrivals = vec![None; n];
        for (k, p) in plan.pickups.iter().enumerate() {
            let Some(service) = plan.services.get(p.supplier) else { continue };
            let arrival = match service {
                Service::MilkRun(_) => {
                    if !direct_of[k].is_empty() {
                        self.push(PlanViolation::NotDirect { pickup: k, supplier: p.supplier });
                    }
                    match stops_of[k].len() {
                        0 if unrouted[k] => self.report.unrouted.push(k),
                        0 => self.push(PlanViolation::PickupNotRouted { pickup: k, supplier: p.supplier }),
                        1 if unrouted[k] => self.push(PlanViolation::UnroutedButRouted { pickup: k }),
                        1 => {}
                        stops => self.push(PlanViolation::PickupRoutedTwice { pickup: k, stops }),
                    }
                    stops_of[k]
                        .first()
                        .and_then(|&l| plan.loops.get(l))
                        .map(|lp| (i64::from(lp.day) * DAY).saturating_add(lp.arrival.0))
                }
                Service::Direct(_) => {
                    for &l in &stops_of[k] {
                        self.push(PlanViolation::DirectInLoop { pickup: k, loop_index: l });
                    }
                    if direct_of[k].len() != 1 {
                        self.push(PlanViolation::DirectShipments { pickup: k, found: direct_of[k].len() });
                    }
                    let at = direct_of[k].first().copied();
                    if let (Some(at), Some(site), Some(plant)) = (at, ctx.site_of(p.supplier), ctx.plant) {
                        let earliest = (i64::from(p.day) * DAY)
                            .saturating_add(p.windows.first().map_or(0, |w| w.open.0))
                            .saturating_add(p.service.0)
                            .saturating_add(network.travel().duration(site, plant).0);
                        if at < earliest {
                            self.push(PlanViolation::DirectTooEarly { pickup: k, arrival: at, earliest });
                        }
                    }
                    at
                }
            };
            arrivals[k] = match arrival {
                Some(at) if !(0..WEEK).contains(&at) => {
                    self.push(PlanViolation::ArrivalOutsideCycle { pickup: k, arrival: at });
                    None
                }
                other => other,
            };
        }
        arrivals
    }

    /// Rule 4: the loops' timetables, distances, loads and fleet.
    fn loops(&mut self, ctx: &Context) {
        let (network, inbound, plan) = (self.network, self.inbound, self.plan);
        let travel = network.travel();
        let waves = inbound.cycle.waves.len();
        let mut type_checked = vec![false; network.vehicle_types().len()];
        let mut trucks: Trucks = BTreeMap::new();
        for (l, lp) in plan.loops.iter().enumerate() {
            if !self.production_day(lp.day) {
                self.push(PlanViolation::LoopDay { loop_index: l, day: lp.day });
            }
            let wave = inbound.cycle.waves.get(lp.wave).copied();
            if wave.is_none() {
                self.push(PlanViolation::LoopWave { loop_index: l, wave: lp.wave, waves });
            }
            let vt = network.vehicle_types().get(lp.vehicle_type.index());
            match vt {
                None => self.push(PlanViolation::UnknownVehicleType { loop_index: l, vehicle_type: lp.vehicle_type }),
                Some(vt) => {
                    if lp.vehicle >= vt.count {
                        self.push(PlanViolation::FleetExceeded {
                            loop_index: l,
                            vehicle_type: lp.vehicle_type,
                            vehicle: lp.vehicle,
                            count: vt.count,
                        });
                    }
                    let checked = &mut type_checked[lp.vehicle_type.index()];
                    if !*checked {
                        *checked = true;
                        if vt.start != inbound.plant || vt.end != Some(inbound.plant) {
                            self.push(PlanViolation::VehicleNotAtPlant {
                                vehicle_type: lp.vehicle_type,
                                start: vt.start,
                                end: vt.end,
                                plant: inbound.plant,
                            });
                        }
                    }
                }
            }
            if lp.stops.is_empty() {
                self.push(PlanViolation::EmptyLoop { loop_index: l });
            }
            if l > 0 && (lp.day, lp.wave) < (plan.loops[l - 1].day, plan.loops[l - 1].wave) {
                self.push(PlanViolation::LoopOrder { loop_index: l, day: lp.day, wave: lp.wave });
            }

            // Resolve each stop's pickup and site; the timetable needs them all.
            let mut resolved: Vec<(&Pickup, usize)> = Vec::with_capacity(lp.stops.len());
            for (s, stop) in lp.stops.iter().enumerate() {
                let Some(p) = plan.pickups.get(stop.pickup) else { continue }; // reported by `routing`
                if p.day != lp.day || p.wave != lp.wave {
                    self.push(PlanViolation::StopSlot {
                        loop_index: l,
                        stop: s,
                        pickup: stop.pickup,
                        day: p.day,
                        wave: p.wave,
                    });
                }
                let Some(site) = ctx.site_of(p.supplier) else { continue }; // reported by `inputs`
                if stop.site.index() != site {
                    self.push(PlanViolation::StopSite {
                        loop_index: l,
                        stop: s,
                        recorded: stop.site,
                        expected: inbound.suppliers[p.supplier].site,
                    });
                }
                resolved.push((p, site));
            }
            let Some(plant) = ctx.plant else { continue };
            if resolved.len() != lp.stops.len() {
                continue;
            }

            // Timetable and distance from the recorded departure.
            let mut mismatch: Option<PlanViolation> = None;
            let mut note = |stop: Option<usize>, field: &'static str, recorded: Duration, expected: Duration| {
                if mismatch.is_none() && recorded != expected {
                    mismatch = Some(PlanViolation::Timetable { loop_index: l, stop, field, recorded, expected });
                }
            };
            let mut timing = Vec::new();
            let (mut t, mut at, mut distance) = (lp.departure, plant, Distance::ZERO);
            for (s, (stop, &(p, site))) in lp.stops.iter().zip(&resolved).enumerate() {
                let arrival = t.saturating_add(travel.duration(at, site));
                distance = distance.saturating_add(travel.distance(at, site));
                // Loading starts in the first window not closed yet; late if that window is
                // empty or the truck arrives after the last one closed.
                let window = p.windows.iter().find(|w| w.close >= arrival);
                let start = window.map_or(arrival, |w| arrival.max(w.open));
                let late = match (window, p.windows.last()) {
                    (Some(w), _) if start > w.close => Some(w.close),
                    (None, Some(last)) => Some(last.close),
                    _ => None,
                };
                let departure = start.saturating_add(p.service);
                note(Some(s), "arrival", stop.arrival, arrival);
                note(Some(s), "start", stop.start, start);
                note(Some(s), "departure", stop.departure, departure);
                timing.push((start, late));
                (t, at) = (departure, site);
            }
            let back = t.saturating_add(travel.duration(at, plant));
            distance = distance.saturating_add(travel.distance(at, plant));
            note(None, "return", lp.arrival, back);
            if let Some(v) = mismatch {
                self.push(v);
            }
            for (s, (stop, (&(p, site), &(start, late)))) in
                lp.stops.iter().zip(resolved.iter().zip(&timing)).enumerate()
            {
                if let Some(close) = late {
                    self.push(PlanViolation::Late { loop_index: l, stop: s, pickup: stop.pickup, start, close });
                }
                if let Some(sup_site) = network.sites().get(site) {
                    // Loading starts and ends within one opening window of the supplier.
                    let end = Duration(start.get().saturating_add(p.service.get()));
                    if !sup_site.windows.is_empty()
                        && !sup_site.windows.iter().any(|w| w.contains(start) && end <= w.close)
                    {
                        self.push(PlanViolation::SiteClosedAtStart {
                            loop_index: l,
                            stop: s,
                            pickup: stop.pickup,
                            start,
                        });
                    }
                }
            }
            if let Some(wave) = wave {
                if lp.departure < wave.open || lp.departure > wave.close || back > wave.close {
                    self.push(PlanViolation::OutsideWave {
                        loop_index: l,
                        departure: lp.departure,
                        arrival: back,
                        wave,
                    });
                }
            }
            if lp.distance != distance {
                self.push(PlanViolation::LoopDistance { loop_index: l, recorded: lp.distance, expected: distance });
            }
            let Some(vt) = vt else { continue };
            if lp.departure < vt.shift.open || lp.departure > vt.shift.close || back > vt.shift.close {
                self.push(PlanViolation::OutsideShift {
                    loop_index: l,
                    departure: lp.departure,
                    arrival: back,
                    shift: vt.shift,
                });
            }
            trucks.entry((lp.day, lp.wave, lp.vehicle_type, lp.vehicle)).or_default().push((
                lp.departure,
                l,
                back,
                distance,
            ));

            // Loads: leave with every empty, then drop empties and load at each stop.
            let capacity = vt.capacity.amounts();
            let mut load = [0_i64; DIMS];
            for (p, _) in &resolved {
                for (d, a) in load.iter_mut().enumerate() {
                    *a = a.saturating_add(amount(&p.empties, d));
                }
            }
            let mut overloads = Vec::new();
            let mut over = |stop: Option<usize>, load: &[i64; DIMS]| {
                for (dim, (&a, &cap)) in load.iter().zip(capacity).enumerate() {
                    if a > cap {
                        overloads.push(PlanViolation::Overload { loop_index: l, stop, dim, load: a, capacity: cap });
                    }
                }
            };
            over(None, &load);
            for (s, (stop, (p, _))) in lp.stops.iter().zip(&resolved).enumerate() {
                for (d, a) in load.iter_mut().enumerate() {
                    *a = a.saturating_sub(amount(&p.empties, d)).saturating_add(amount(&p.load, d));
                }
                if stop.load_after != load {
                    self.push(PlanViolation::LoadAfter {
                        loop_index: l,
                        stop: s,
                        recorded: stop.load_after.clone(),
                        expected: load.to_vec(),
                    });
                }
                over(Some(s), &load);
            }
            self.report.violations.extend(overloads);
        }
        self.trucks(trucks);
    }

    /// The loops of each truck in a wave, one after the other (the types exist).
    fn trucks(&mut self, trucks: Trucks) {
        let plant = self.inbound.plant;
        for ((_, _, vehicle_type, _), mut loops) in trucks {
            let Some(vt) = self.network.vehicle_types().get(vehicle_type.index()) else { continue };
            loops.sort_unstable();
            for (k, pair) in loops.windows(2).enumerate() {
                let ((_, previous, back, _), (departure, l, _, _)) = (pair[0], pair[1]);
                if k == 0 && !vt.reload_sites.contains(&plant) {
                    self.push(PlanViolation::ReloadNotAllowed { loop_index: l, vehicle_type });
                }
                let ready = back.saturating_add(vt.reload_time);
                if departure < ready {
                    self.push(PlanViolation::TruckNotReady { loop_index: l, previous, ready, departure });
                }
            }
            let reloads = u32::try_from(loops.len().saturating_sub(1)).unwrap_or(u32::MAX);
            if let Some(max) = vt.max_reloads.filter(|&max| reloads > max) {
                let loop_index = loops[max as usize + 1].1;
                self.push(PlanViolation::TooManyReloads { loop_index, reloads, max });
            }
            let (Some(first), Some(last)) = (loops.first(), loops.last()) else { continue };
            let duration = Duration(last.2 .0.saturating_sub(first.0 .0));
            if let Some(limit) = vt.max_duration.filter(|&limit| duration > limit) {
                self.push(PlanViolation::MaxDuration { loop_index: last.1, duration, limit });
            }
            let distance = loops.iter().fold(Distance::ZERO, |d, l| d.saturating_add(l.3));
            if let Some(limit) = vt.max_distance.filter(|&limit| distance > limit) {
                self.push(PlanViolation::MaxDistance { loop_index: last.1, distance, limit });
            }
        }
    }

    /// Rule 5: the stock curves.
    fn stock(&mut self, ctx: &Context, arrivals: &[Option<CycleTime>]) {
        let (inbound, plan) = (self.inbound, self.plan);
        let expected_curves: usize = inbound.suppliers.iter().map(|s| s.parts.len()).sum();
        if plan.stock.len() != expected_curves {
            self.push(PlanViolation::StockCount { curves: plan.stock.len(), expected: expected_curves });
        }
        let production_days = f64::from(inbound.cycle.production_days.len());
        let mut index = 0;
        for (s, sup) in inbound.suppliers.iter().enumerate() {
            for (j, flow) in sup.parts.iter().enumerate() {
                let c = index;
                index += 1;
                let Some(part) = ctx.suppliers.get(s).and_then(|i| i.parts.get(j)).and_then(Option::as_ref) else {
                    continue; // reported by `inputs`
                };
                let ppc = f64::from(part.parts_per_container);
                let per_day = part.per_day / ppc;
                // Whole containers collected and the arrivals that carry them.
                let mut collected: u64 = 0;
                let mut arriving: Vec<(CycleTime, f64)> = Vec::new();
                for &k in ctx.pickups_of.get(s).map_or(&[][..], Vec::as_slice) {
                    let Some(line) = plan.pickups[k].parts.iter().find(|l| l.part == flow.part) else { continue };
                    collected += u64::from(line.containers);
                    if let Some(at) = arrivals.get(k).copied().flatten() {
                        if line.containers > 0 {
                            arriving.push((at, f64::from(line.containers)));
                        }
                    }
                }
                let weekly = per_day * production_days;
                let expected = (weekly - 1e-9).ceil().max(0.0) as u64;
                if collected != expected {
                    self.push(PlanViolation::Collected { part: part.part, collected, consumption: weekly, expected });
                }
                let Some(curve) = plan.stock.get(c) else { continue };
                if curve.part != part.part {
                    self.push(PlanViolation::StockPart { curve: c, recorded: curve.part, expected: part.part });
                    continue;
                }
                if ctx.hours_ok {
                    self.curve(curve, part, per_day, &mut arriving, collected as f64 - weekly);
                }
            }
        }
    }

    /// Checks one part's curve against the recomputed stock.
    fn curve(
        &mut self,
        curve: &StockCurve,
        part: &PartInfo,
        per_day: f64,
        arriving: &mut [(CycleTime, f64)],
        surplus: f64,
    ) {
        let id = part.part;
        arriving.sort_by_key(|a| a.0);
        // Distinct arrival times with what arrived before and up to them.
        let mut steps: Vec<(CycleTime, f64, f64)> = Vec::new();
        let mut total = 0.0;
        for group in arriving.chunk_by(|a, b| a.0 == b.0) {
            let before = total;
            total += group.iter().map(|a| a.1).sum::<f64>();
            steps.push((group[0].0, before, total));
        }
        // Stock minus the initial stock, just before and just after the arrivals at `t`.
        let inbound: &Inbound = self.inbound;
        let cycle = &inbound.cycle;
        let relative = |t: CycleTime| -> (f64, f64) {
            let i = steps.partition_point(|st| st.0 < t);
            let before = i.checked_sub(1).map_or(0.0, |p| steps[p].2);
            let after = steps.get(i).filter(|st| st.0 == t).map_or(before, |st| st.2);
            let used = consumed(cycle, per_day, t);
            (before - used, after - used)
        };
        // Between arrivals the stock only falls: the lowest stock is just before an arrival or
        // at the end, the highest just after an arrival or at the start.
        let mut candidates = vec![(0, relative(0))];
        candidates.extend(steps.iter().map(|&(t, _, _)| (t, relative(t))));
        candidates.push((WEEK, relative(WEEK)));
        let low = candidates.iter().map(|c| c.1 .0).fold(f64::INFINITY, f64::min);
        let high = candidates.iter().map(|c| c.1 .1).fold(f64::NEG_INFINITY, f64::max);
        // Report the first time the extreme is reached, up to rounding.
        let low_at = candidates.iter().find(|c| c.1 .0 <= low + 1e-9).map_or(0, |c| c.0);
        let high_at = candidates.iter().find(|c| c.1 .1 >= high - 1e-9).map_or(0, |c| c.0);

        let safety = part.safety_days * per_day;
        let max = f64::from(part.max_containers);
        let initial = safety - low;
        let stock_min = curve.initial + low;
        let stock_peak = curve.initial + high;
        if stock_min < safety - EPS {
            self.push(PlanViolation::BelowSafety { part: id, at: low_at, stock: stock_min, safety });
        }
        let reported =
            self.plan.issues.iter().any(|i| matches!(i, PlanIssue::StorageExceeded { part: p, .. } if *p == id));
        // Later weeks of the repeating plan hold less than one container more than the first
        // when a cycle collects more than it consumes (whole containers, rounded up
        // cumulatively): the limit must hold with that container.
        let carry = if surplus > 1e-9 { 1.0 } else { 0.0 };
        if stock_peak + carry > max + EPS && !reported {
            self.push(PlanViolation::AboveMax {
                part: id,
                at: high_at,
                stock: stock_peak + carry,
                max: part.max_containers,
            });
        }
        let integral = curve.initial * WEEK as f64 + arriving.iter().map(|&(t, q)| q * (WEEK - t) as f64).sum::<f64>()
            - consumed_integral(cycle, per_day);
        let average = integral / WEEK as f64;
        for (field, recorded, expected) in [
            ("safety", curve.safety, safety),
            ("max", curve.max, max),
            ("initial", curve.initial, initial),
            ("min", curve.min, stock_min),
            ("peak", curve.peak, stock_peak),
            ("average", curve.average, average),
            ("surplus", curve.surplus_per_cycle, surplus),
        ] {
            if !close_to(recorded, expected) {
                self.push(PlanViolation::StockFigure { part: id, field, recorded, expected });
            }
        }
        self.points(curve, &relative);
    }

    /// The curve's points: in time order from 0 to the end of the cycle, each on the curve
    /// (just before or just after a jump). Reports the first bad point only.
    fn points(&mut self, curve: &StockCurve, relative: &dyn Fn(CycleTime) -> (f64, f64)) {
        let id = curve.part;
        let bad =
            |index: usize, at: CycleTime, reason: String| PlanViolation::StockPoint { part: id, index, at, reason };
        let (Some(first), Some(last)) = (curve.points.first(), curve.points.last()) else {
            self.push(bad(0, 0, "the curve has no points".into()));
            return;
        };
        if first.at != 0 {
            self.push(bad(0, first.at, "the first point is not at the start of the cycle".into()));
            return;
        }
        if last.at != WEEK {
            self.push(bad(curve.points.len() - 1, last.at, "the last point is not at the end of the cycle".into()));
            return;
        }
        for (i, pair) in curve.points.windows(2).enumerate() {
            if pair[1].at < pair[0].at {
                self.push(bad(i + 1, pair[1].at, "out of time order".into()));
                return;
            }
        }
        for (i, point) in curve.points.iter().enumerate() {
            let (before, after) = relative(point.at);
            let (before, after) = (curve.initial + before, curve.initial + after);
            if !close_to(point.containers, before) && !close_to(point.containers, after) {
                let reason = format!(
                    "{:.6} containers, the stock is {before:.6} just before and {after:.6} just after",
                    point.containers
                );
                self.push(bad(i, point.at, reason));
                return;
            }
        }
    }

    /// Rule 6 and the per-supplier rows: totals against the loops.
    fn totals(&mut self) {
        let plan = self.plan;
        let kpis = &plan.kpis;
        let n = plan.loops.len();
        if kpis.loops as usize != n {
            self.push(PlanViolation::Kpi { what: "loops", recorded: f64::from(kpis.loops), expected: n as f64 });
        }
        let km = plan.loops.iter().map(|l| l.distance.0 as f64).sum::<f64>() / 1000.0;
        if !close_to(kpis.km, km) {
            self.push(PlanViolation::Kpi { what: "km", recorded: kpis.km, expected: km });
        }
        if n > 0 {
            let fill = plan.loops.iter().map(|l| l.fill).sum::<f64>() / n as f64;
            if !close_to(kpis.fill, fill) {
                self.push(PlanViolation::Kpi { what: "fill", recorded: kpis.fill, expected: fill });
            }
        }
        let total = kpis.transport.0.saturating_add(kpis.holding.0);
        if kpis.total.0 != total {
            self.push(PlanViolation::Kpi { what: "total", recorded: kpis.total.0 as f64, expected: total as f64 });
        }
        let mut per_wave: BTreeMap<(u32, usize), std::collections::BTreeSet<(VehicleTypeId, u32)>> = BTreeMap::new();
        for l in &plan.loops {
            per_wave.entry((l.day, l.wave)).or_default().insert((l.vehicle_type, l.vehicle));
        }
        let busiest = per_wave.values().map(std::collections::BTreeSet::len).max().unwrap_or(0);
        if (kpis.vehicles as usize) < busiest {
            self.push(PlanViolation::KpiVehicles { recorded: kpis.vehicles, at_least: busiest });
        }

        let mut seen = vec![false; plan.services.len()];
        for (row, kpi) in plan.suppliers.iter().enumerate() {
            let Some(service) = plan.services.get(kpi.supplier) else {
                let reason = format!("supplier {} does not exist", kpi.supplier);
                self.push(PlanViolation::SupplierKpi { row, reason });
                continue;
            };
            if std::mem::replace(&mut seen[kpi.supplier], true) {
                let reason = format!("supplier {} has several rows", kpi.supplier);
                self.push(PlanViolation::SupplierKpi { row, reason });
            }
            if kpi.service != *service {
                let reason =
                    format!("service {:?}, the plan serves supplier {} by {service:?}", kpi.service, kpi.supplier);
                self.push(PlanViolation::SupplierKpi { row, reason });
            }
            let pickups = plan.pickups.iter().filter(|p| p.supplier == kpi.supplier).count();
            if kpi.pickups as usize != pickups {
                let reason = format!("{} pickups, the plan has {pickups} for supplier {}", kpi.pickups, kpi.supplier);
                self.push(PlanViolation::SupplierKpi { row, reason });
            }
        }
        for (s, seen) in seen.iter().enumerate() {
            if !seen {
                self.push(PlanViolation::SupplierKpi { row: s, reason: format!("supplier {s} has no row") });
            }
        }
        self.part_rows();
        let days = i64::from(self.inbound.cycle.production_days.len().max(1));
        let per_day = (total + days / 2) / days;
        if kpis.per_production_day.0 != per_day {
            self.push(PlanViolation::Kpi {
                what: "per production day",
                recorded: kpis.per_production_day.0 as f64,
                expected: per_day as f64,
            });
        }
    }

    /// One per-part row per part of the suppliers, in their order: containers collected as the
    /// pickups say, holding and transport adding up to the supplier's row (transport within a
    /// unit of rounding per part).
    fn part_rows(&mut self) {
        let (inbound, plan) = (self.inbound, self.plan);
        let expected: Vec<(usize, PartId)> = inbound
            .suppliers
            .iter()
            .enumerate()
            .flat_map(|(s, sup)| sup.parts.iter().map(move |p| (s, p.part)))
            .collect();
        if plan.parts.len() != expected.len() {
            let reason = format!("{} rows for {} parts", plan.parts.len(), expected.len());
            self.push(PlanViolation::PartKpi { row: plan.parts.len(), reason });
        }
        for (row, (kpi, &(s, part))) in plan.parts.iter().zip(&expected).enumerate() {
            if (kpi.supplier, kpi.part) != (s, part) {
                let reason =
                    format!("part {} of supplier {}, expected part {part} of supplier {s}", kpi.part, kpi.supplier);
                self.push(PlanViolation::PartKpi { row, reason });
                continue;
            }
            let containers: u32 = plan
                .pickups
                .iter()
                .filter(|p| p.supplier == s)
                .flat_map(|p| &p.parts)
                .filter(|q| q.part == part)
                .map(|q| q.containers)
                .sum();
            if kpi.containers != containers {
                let reason = format!("{} containers a week, the pickups collect {containers}", kpi.containers);
                self.push(PlanViolation::PartKpi { row, reason });
            }
        }
        for (row, sup) in plan.suppliers.iter().enumerate() {
            let mine: Vec<_> = plan.parts.iter().filter(|p| p.supplier == sup.supplier).collect();
            let holding: i64 = mine.iter().map(|p| p.holding.0).sum();
            let transport: i64 = mine.iter().map(|p| p.transport.0).sum();
            if holding != sup.holding.0 || (transport - sup.shapley.0).abs() > mine.len() as i64 {
                let reason = format!(
                    "its parts' holding {holding} and transport {transport} do not add up to {} and {}",
                    sup.holding.0, sup.shapley.0
                );
                self.push(PlanViolation::SupplierKpi { row, reason });
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use milkrun_model::{
        Calendar, ContainerId, ContainerType, Coordinates, CubicMetres, Kilograms, Load, Money, Part, ProblemData,
        Rounding, Site, SiteKind, Speed, TravelMatrix, VehicleType, WeekdaySet,
    };

    use super::super::types::{
        Frequency, InboundSupplier, Kpis, Loop, LoopStop, PartFlow, PartKpi, PartPickup, StockPoint, SupplierKpi,
    };
    use super::*;

    // Key points of the fixture: a plant at the origin, supplier A 5 km out (returnable boxes,
    // 2 per pallet place), supplier B 5 km further on the same line (one-way pallets, one per
    // place), 10 m/s, so the legs take 500 s, 500 s and 1000 s. One daily loop, Monday to
    // Friday, leaves at 06:00, loads at A at once and waits for B to open at 07:00.

    const H: i64 = 3600;
    const DEPART: i64 = 6 * H;
    /// Production 06:00-22:00.
    const PROD: (i64, i64) = (6 * H, 22 * H);

    fn hm(h: i64, m: i64) -> Duration {
        Duration(h * H + m * 60)
    }

    fn window(open: Duration, close: Duration) -> TimeWindow {
        TimeWindow::new(open, close)
    }

    fn network_data(capacity_kg: i64) -> ProblemData {
        let plant = Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 });
        let mut a = Site::new("A", SiteKind::Supplier, Coordinates::Planar { x: 3000.0, y: 4000.0 });
        a.windows = vec![window(hm(6, 0), hm(14, 0))];
        let mut b = Site::new("B", SiteKind::Supplier, Coordinates::Planar { x: 6000.0, y: 8000.0 });
        b.windows = vec![window(hm(7, 0), hm(15, 0))];
        b.calendar = Calendar { open_days: WeekdaySet::WORKDAYS, holidays: Vec::new() };
        let sites = vec![plant, a, b];
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        let container = |name: &str, parts_per_container, tare, returnable| ContainerType {
            name: name.into(),
            parts_per_container,
            tare: Kilograms(tare),
            volume: CubicMetres(0.5),
            empty_volume: CubicMetres(0.5),
            returnable,
        };
        let part = |name: &str, unit, container, supplier| Part {
            name: name.into(),
            unit_weight: Kilograms(unit),
            unit_volume: CubicMetres(0.001),
            container: Some(ContainerId(container)),
            supplier: Some(SiteId(supplier)),
        };
        let mut truck = VehicleType::new("truck", 1, Load::new(vec![capacity_kg, 10]), SiteId(0));
        truck.shift = window(hm(5, 0), hm(22, 0));
        ProblemData {
            name: "check fixture".into(),
            dimensions: vec!["kg".into(), "pallet places".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(10.0)).unwrap(),
            sites,
            // A box of 50 bolts: 10 + 50 x 0.5 = 35 kg; a pallet of 100 panels: 20 + 100 = 120 kg.
            containers: vec![container("box", 50, 10.0, true), container("pallet", 100, 20.0, false)],
            parts: vec![part("bolt", 0.5, 0, 1), part("panel", 1.0, 1, 2)],
            vehicle_types: vec![truck],
            ..ProblemData::default()
        }
    }

    fn network() -> Problem {
        network_data(1000).validate().unwrap()
    }

    fn inbound() -> Inbound {
        let flow = |part, per_day, safety_days, max_containers, per_place| PartFlow {
            part: PartId(part),
            per_day,
            safety_days,
            max_containers,
            holding_per_day: Money(10),
            per_place,
        };
        let supplier = |site, parts| InboundSupplier {
            site: SiteId(site),
            parts,
            loading: Duration::minutes(15),
            loading_per_place: Duration::minutes(2),
        };
        Inbound {
            plant: SiteId(0),
            suppliers: vec![
                // 10 boxes a day, safety 5 boxes.
                supplier(1, vec![flow(0, 500.0, 0.5, 40, 2)]),
                // 3 pallets a day, safety 3 pallets.
                supplier(2, vec![flow(1, 300.0, 1.0, 10, 1)]),
            ],
            cycle: Cycle {
                production_days: WeekdaySet::WORKDAYS,
                production_hours: window(Duration(PROD.0), Duration(PROD.1)),
                waves: vec![window(hm(6, 0), hm(12, 0)), window(hm(13, 0), hm(19, 0))],
            },
        }
    }

    fn pickup_a(day: u32) -> Pickup {
        Pickup {
            supplier: 0,
            day,
            wave: 0,
            parts: vec![PartPickup { part: PartId(0), containers: 10, empties: 10 }],
            load: vec![350, 5],
            empties: vec![100, 5],
            service: Duration(900 + 120 * 10),
            windows: vec![window(hm(6, 0), hm(14, 0))],
        }
    }

    fn pickup_b(day: u32) -> Pickup {
        Pickup {
            supplier: 1,
            day,
            wave: 0,
            parts: vec![PartPickup { part: PartId(1), containers: 3, empties: 0 }],
            load: vec![360, 3],
            empties: vec![0, 0],
            service: Duration(900 + 120 * 3),
            windows: vec![window(hm(7, 0), hm(15, 0))],
        }
    }

    /// The day's loop leaving at `departure`, visiting A (pickup 2 day) and, if `with_b`, B
    /// (pickup 2 day + 1), timed by hand.
    fn day_loop(day: u32, departure: i64, with_b: bool) -> Loop {
        let a_arrival = departure + 500;
        let a_start = a_arrival.max(6 * H);
        let a_departure = a_start + 2100;
        let mut stops = vec![LoopStop {
            pickup: 2 * day as usize,
            site: SiteId(1),
            arrival: Duration(a_arrival),
            start: Duration(a_start),
            departure: Duration(a_departure),
            load_after: vec![350, 5],
        }];
        let (back, distance, fill) = if with_b {
            let b_arrival = a_departure + 500;
            let b_start = b_arrival.max(7 * H);
            let b_departure = b_start + 1260;
            stops.push(LoopStop {
                pickup: 2 * day as usize + 1,
                site: SiteId(2),
                arrival: Duration(b_arrival),
                start: Duration(b_start),
                departure: Duration(b_departure),
                load_after: vec![710, 8],
            });
            (b_departure + 1000, 20_000, 0.8)
        } else {
            (a_departure + 500, 10_000, 0.5)
        };
        Loop {
            day,
            wave: 0,
            vehicle_type: VehicleTypeId(0),
            vehicle: 0,
            departure: Duration(departure),
            stops,
            arrival: Duration(back),
            distance: Distance(distance),
            variable_cost: Money(distance),
            fill,
        }
    }

    /// A stock curve with one arrival of a day's consumption (`per_day` containers) each
    /// production day at `arrival` seconds after midnight, during production hours; its average
    /// is integrated from its points with the trapezoid rule.
    fn curve(part: u32, per_day: f64, safety: f64, max: f64, arrival: i64) -> StockCurve {
        let hours = (PROD.1 - PROD.0) as f64;
        let before = per_day * (arrival - PROD.0) as f64 / hours;
        let initial = safety + before;
        let mut points = vec![StockPoint { at: 0, containers: initial }];
        for day in 0..5 {
            let base = day * DAY;
            let mut push = |at: i64, containers: f64| points.push(StockPoint { at: base + at, containers });
            push(PROD.0, initial);
            push(arrival, initial - before);
            push(arrival, initial - before + per_day);
            push(PROD.1, initial);
        }
        points.push(StockPoint { at: WEEK, containers: initial });
        let area: f64 =
            points.windows(2).map(|w| (w[1].at - w[0].at) as f64 * (w[0].containers + w[1].containers) / 2.0).sum();
        StockCurve {
            part: PartId(part),
            safety,
            max,
            initial,
            points,
            min: safety,
            peak: safety + per_day,
            average: area / WEEK as f64,
            surplus_per_cycle: 0.0,
        }
    }

    fn supplier_kpi(supplier: usize, service: Service) -> SupplierKpi {
        SupplierKpi {
            supplier,
            service,
            pickups: 5,
            shapley: Money(100),
            proportional: Money(100),
            holding: Money(10),
            co2e_kg: 1.0,
            direct_cost: Money(200),
            direct_co2e_kg: 2.0,
        }
    }

    /// Part `k` (of supplier `k`) with the supplier row's transport and holding.
    fn part_kpi(k: u32, containers: u32) -> PartKpi {
        PartKpi {
            part: PartId(k),
            supplier: k as usize,
            containers,
            kg: 1.0,
            transport: Money(100),
            holding: Money(10),
            co2e_kg: 1.0,
            per_container: Money(110 / i64::from(containers)),
        }
    }

    /// Both suppliers in one loop a day, Monday to Friday.
    fn plan() -> MilkRunPlan {
        let weekly = Service::MilkRun(Frequency::new(5, 1));
        let pickups = (0..5).flat_map(|d| [pickup_a(d), pickup_b(d)]).collect();
        let loops: Vec<Loop> = (0..5).map(|d| day_loop(d, DEPART, true)).collect();
        let back = loops[0].arrival.0;
        MilkRunPlan {
            services: vec![weekly, weekly],
            pickups,
            loops,
            direct: Vec::new(),
            stock: vec![curve(0, 10.0, 5.0, 40.0, back), curve(1, 3.0, 3.0, 10.0, back)],
            suppliers: vec![supplier_kpi(0, weekly), supplier_kpi(1, weekly)],
            parts: vec![part_kpi(0, 50), part_kpi(1, 15)],
            kpis: Kpis {
                transport: Money(100_000),
                holding: Money(5_000),
                total: Money(105_000),
                per_production_day: Money(21_000),
                km: 100.0,
                vehicles: 1,
                loops: 5,
                fill: 0.8,
                co2e_kg: 50.0,
                direct_cost: Money(150_000),
                direct_co2e_kg: 80.0,
            },
            issues: Vec::new(),
        }
    }

    /// B shipped directly, arriving at the plant as early as it can; the loops visit A only.
    fn plan_with_direct_b() -> MilkRunPlan {
        let mut plan = plan();
        let direct = Service::Direct(Frequency::new(5, 1));
        plan.services[1] = direct;
        plan.suppliers[1] = supplier_kpi(1, direct);
        plan.loops = (0..5).map(|d| day_loop(d, DEPART, false)).collect();
        // Window opens 07:00, 1260 s of loading, 1000 s to the plant.
        let b_arrival = 7 * H + 1260 + 1000;
        plan.direct = (0..5).map(|d| (2 * d as usize + 1, i64::from(d) * DAY + b_arrival)).collect();
        plan.stock = vec![curve(0, 10.0, 5.0, 40.0, plan.loops[0].arrival.0), curve(1, 3.0, 3.0, 10.0, b_arrival)];
        plan.kpis.km = 50.0;
        plan.kpis.fill = 0.5;
        plan
    }

    fn check(plan: &MilkRunPlan) -> PlanReport {
        check_plan(&network(), &inbound(), plan)
    }

    fn assert_ok(report: &PlanReport) {
        assert!(report.is_ok(), "{report}");
    }

    #[test]
    fn valid_plan_passes() {
        let report = check(&plan());
        assert_ok(&report);
        assert!(report.unrouted.is_empty());
    }

    #[test]
    fn valid_plan_with_direct_supplier_passes() {
        assert_ok(&check(&plan_with_direct_b()));
    }

    #[test]
    fn loop_returning_after_its_wave_is_reported() {
        let mut plan = plan();
        // Leaving at 10:40, no waiting at B: back at 12:09:20, the wave closes at 12:00.
        plan.loops[0] = day_loop(0, 10 * H + 40 * 60, true);
        let report = check(&plan);
        assert!(
            report.violations.iter().any(|v| matches!(
                v,
                PlanViolation::OutsideWave { loop_index: 0, arrival, .. } if *arrival == hm(12, 9) + Duration(20)
            )),
            "{report}"
        );
    }

    #[test]
    fn loading_after_the_window_closes_is_reported() {
        let mut plan = plan();
        plan.pickups[0].windows = vec![window(hm(6, 0), hm(6, 5))];
        let report = check(&plan);
        assert!(
            report.violations.contains(&PlanViolation::Late {
                loop_index: 0,
                stop: 0,
                pickup: 0,
                start: Duration(DEPART + 500),
                close: hm(6, 5),
            }),
            "{report}"
        );
    }

    #[test]
    fn loading_starts_in_the_first_window_not_closed_yet() {
        // The truck reaches A at 06:08:20: after a first window closing at 06:05, so loading
        // waits for the second one at 06:30; the recorded timetable starts at once.
        let mut plan = plan();
        plan.pickups[0].windows = vec![window(hm(6, 0), hm(6, 5)), window(hm(6, 30), hm(14, 0))];
        let report = check(&plan);
        assert_eq!(
            report.violations[0],
            PlanViolation::Timetable {
                loop_index: 0,
                stop: Some(0),
                field: "start",
                recorded: Duration(DEPART + 500),
                expected: hm(6, 30)
            },
            "{report}"
        );
        assert!(!report.violations.iter().any(|v| matches!(v, PlanViolation::Late { .. })), "{report}");
        // Arriving after the last window closed is late against it.
        plan.pickups[0].windows = vec![window(hm(5, 0), hm(5, 30)), window(hm(5, 40), hm(6, 0))];
        let report = check(&plan);
        assert!(report.violations.contains(&PlanViolation::Late {
            loop_index: 0,
            stop: 0,
            pickup: 0,
            start: Duration(DEPART + 500),
            close: hm(6, 0)
        }));
        plan.pickups[0].windows.reverse();
        assert!(check(&plan)
            .violations
            .contains(&PlanViolation::PickupWindows { pickup: 0, reason: "they overlap or are out of time order" }));
        plan.pickups[0].windows.clear();
        assert!(check(&plan)
            .violations
            .contains(&PlanViolation::PickupWindows { pickup: 0, reason: "it has no window" }));
    }

    #[test]
    fn part_rows_are_checked() {
        let mut plan = plan();
        plan.parts[1].containers = 14;
        plan.parts[0].holding = Money(11);
        plan.kpis.per_production_day = Money(20_000);
        let report = check(&plan);
        assert_eq!(report.violations.len(), 3, "{report}");
        assert!(report.violations.contains(&PlanViolation::PartKpi {
            row: 1,
            reason: "14 containers a week, the pickups collect 15".into()
        }));
        assert!(matches!(report.violations[1], PlanViolation::SupplierKpi { row: 0, .. }), "{report}");
        plan = super::tests::plan();
        plan.parts.swap(0, 1);
        assert!(check(&plan).violations.iter().any(|v| matches!(v, PlanViolation::PartKpi { row: 0, .. })));
    }

    #[test]
    fn overloaded_loops_are_reported_and_nothing_else() {
        let network = network_data(700).validate().unwrap();
        let report = check_plan(&network, &inbound(), &plan());
        assert_eq!(report.violations.len(), 5, "{report}");
        for (l, v) in report.violations.iter().enumerate() {
            assert_eq!(v, &PlanViolation::Overload { loop_index: l, stop: Some(1), dim: 0, load: 710, capacity: 700 });
        }
        assert_eq!(report.violations[0].to_string(), "loop 0 after stop 1 carries 710 kg, its vehicle holds 700");
    }

    #[test]
    fn pickup_missing_from_its_loop_is_reported_unless_listed_unrouted() {
        let mut plan = plan();
        plan.loops[2].stops.pop();
        let report = check(&plan);
        assert!(report.violations.contains(&PlanViolation::PickupNotRouted { pickup: 5, supplier: 1 }), "{report}");

        plan.issues.push(PlanIssue::Unrouted { pickup: 5, reason: "window".into() });
        let report = check(&plan);
        assert!(!report.violations.iter().any(|v| matches!(v, PlanViolation::PickupNotRouted { .. })), "{report}");
        assert_eq!(report.unrouted, vec![5]);
        // The pickup never arrives: B's stock falls short on Wednesday.
        assert!(
            report.violations.iter().any(|v| matches!(v, PlanViolation::BelowSafety { part: PartId(1), .. })),
            "{report}"
        );
    }

    #[test]
    fn pickup_missing_from_the_plan_is_reported() {
        let mut plan = plan();
        plan.pickups.pop();
        plan.loops[4].stops.pop();
        let report = check(&plan);
        assert!(
            report.violations.contains(&PlanViolation::PickupCount { supplier: 1, expected: 5, found: 4 }),
            "{report}"
        );
        assert!(
            report.violations.contains(&PlanViolation::Collected {
                part: PartId(1),
                collected: 12,
                consumption: 15.0,
                expected: 15
            }),
            "{report}"
        );
    }

    #[test]
    fn stock_below_safety_is_reported() {
        let mut plan = plan();
        let curve = &mut plan.stock[0];
        curve.initial -= 1.0;
        curve.min -= 1.0;
        curve.peak -= 1.0;
        curve.average -= 1.0;
        for p in &mut curve.points {
            p.containers -= 1.0;
        }
        let report = check(&plan);
        let kinds: Vec<_> = report
            .violations
            .iter()
            .map(|v| match v {
                PlanViolation::BelowSafety { part, at, stock, safety } => {
                    assert_eq!(*part, PartId(0));
                    assert_eq!(*at, plan.loops[0].arrival.0);
                    assert!((stock - 4.0).abs() < 1e-9 && (safety - 5.0).abs() < 1e-9);
                    "below"
                }
                PlanViolation::StockFigure { field: "initial", .. } => "initial",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["below", "initial"], "{report}");
    }

    #[test]
    fn stock_curve_figures_and_points_are_recomputed() {
        let mut plan = plan();
        plan.stock[1].peak += 0.5;
        plan.stock[1].points[3].containers += 0.5;
        let report = check(&plan);
        assert!(
            report.violations.iter().any(|v| matches!(v, PlanViolation::StockFigure { field: "peak", .. })),
            "{report}"
        );
        assert!(report.violations.iter().any(|v| matches!(v, PlanViolation::StockPoint { index: 3, .. })), "{report}");
        assert_eq!(report.violations.len(), 2, "{report}");
    }

    #[test]
    fn storage_limit_is_checked_unless_reported() {
        let mut inbound = inbound();
        inbound.suppliers[1].parts[0].max_containers = 5;
        let mut plan = plan();
        plan.stock[1].max = 5.0;
        let report = check_plan(&network(), &inbound, &plan);
        assert_eq!(report.violations.len(), 1, "{report}");
        assert!(matches!(report.violations[0], PlanViolation::AboveMax { part: PartId(1), max: 5, .. }));
        plan.issues.push(PlanIssue::StorageExceeded { part: PartId(1), peak: 6.0, max: 5 });
        assert_ok(&check_plan(&network(), &inbound, &plan));
    }

    #[test]
    fn wrong_kg_is_reported_beyond_the_rounding_allowance() {
        let mut plan = plan();
        plan.pickups[0].load[0] = 351;
        plan.loops[0].stops[0].load_after[0] = 351;
        plan.loops[0].stops[1].load_after[0] = 711;
        assert_ok(&check(&plan));

        plan.pickups[0].load[0] = 353;
        plan.loops[0].stops[0].load_after[0] = 353;
        plan.loops[0].stops[1].load_after[0] = 713;
        let report = check(&plan);
        assert_eq!(
            report.violations,
            vec![PlanViolation::PickupKg { pickup: 0, what: "load", recorded: 353, expected: 350.0 }],
            "{report}"
        );
    }

    #[test]
    fn load_places_and_service_are_recomputed() {
        let mut plan = plan();
        plan.pickups[2].empties = vec![100, 4];
        plan.pickups[3].service = Duration(1000);
        plan.pickups[4].parts[0].empties = 3;
        plan.pickups[5].parts[0].empties = 1; // one-way pallets have no empties
        let report = check(&plan);
        for v in [
            PlanViolation::PickupPlaces { pickup: 2, what: "empties", recorded: 4, expected: 5 },
            PlanViolation::ServiceTime { pickup: 3, recorded: Duration(1000), expected: Duration(1260) },
            PlanViolation::PickupKg { pickup: 4, what: "empties", recorded: 100, expected: 30.0 },
            PlanViolation::EmptiesNotReturnable { pickup: 5, part: PartId(1), empties: 1 },
        ] {
            assert!(report.violations.contains(&v), "missing {v} in {report}");
        }
    }

    #[test]
    fn timetable_distance_and_load_records_must_match() {
        let mut plan = plan();
        plan.loops[1].stops[1].start = Duration(7 * H + 60);
        plan.loops[2].distance = Distance(19_000);
        plan.kpis.km = 99.0;
        plan.loops[3].stops[0].load_after = vec![350, 6];
        let report = check(&plan);
        assert_eq!(
            report.violations,
            vec![
                PlanViolation::Timetable {
                    loop_index: 1,
                    stop: Some(1),
                    field: "start",
                    recorded: Duration(7 * H + 60),
                    expected: Duration(7 * H),
                },
                PlanViolation::LoopDistance { loop_index: 2, recorded: Distance(19_000), expected: Distance(20_000) },
                PlanViolation::LoadAfter { loop_index: 3, stop: 0, recorded: vec![350, 6], expected: vec![350, 5] },
            ],
            "{report}"
        );
    }

    /// Each day, one truck collects A in a first loop leaving at 06:00 and B in a second one
    /// leaving `gap` seconds after the first is back.
    fn two_trip_plan(gap: i64, second_truck: u32) -> MilkRunPlan {
        let mut plan = plan();
        plan.loops = (0..5)
            .flat_map(|d| {
                let first = day_loop(d, DEPART, false);
                let departure = first.arrival.0 + gap;
                let arrival = departure + 1000;
                let start = arrival.max(7 * H);
                let second = Loop {
                    vehicle: second_truck,
                    departure: Duration(departure),
                    stops: vec![LoopStop {
                        pickup: 2 * d as usize + 1,
                        site: SiteId(2),
                        arrival: Duration(arrival),
                        start: Duration(start),
                        departure: Duration(start + 1260),
                        load_after: vec![360, 3],
                    }],
                    arrival: Duration(start + 1260 + 1000),
                    distance: Distance(20_000),
                    ..first.clone()
                };
                [first, second]
            })
            .collect();
        plan
    }

    /// The violations of the truck rules (the two-trip plans' stock curves are not redone).
    fn truck_violations(network: ProblemData, plan: &MilkRunPlan) -> Vec<PlanViolation> {
        let report = check_plan(&network.validate().unwrap(), &inbound(), plan);
        report
            .violations
            .into_iter()
            .filter(|v| {
                matches!(
                    v,
                    PlanViolation::FleetExceeded { .. }
                        | PlanViolation::ReloadNotAllowed { .. }
                        | PlanViolation::TooManyReloads { .. }
                        | PlanViolation::TruckNotReady { .. }
                        | PlanViolation::MaxDuration { .. }
                        | PlanViolation::MaxDistance { .. }
                        | PlanViolation::Timetable { .. }
                        | PlanViolation::OutsideWave { .. }
                        | PlanViolation::KpiVehicles { .. }
                )
            })
            .collect()
    }

    #[test]
    fn a_truck_runs_loops_one_after_the_other_when_it_may_reload() {
        let reloading = |reload_minutes: i64| {
            let mut data = network_data(1000);
            data.vehicle_types[0].reload_sites = vec![SiteId(0)];
            data.vehicle_types[0].reload_time = Duration::minutes(reload_minutes);
            data
        };
        let ten = 600;
        assert_eq!(truck_violations(reloading(10), &two_trip_plan(ten, 0)), vec![]);
        // The first loop is back at 06:51:40, reloaded at 07:01:40.
        let ready = Duration(DEPART + 3100 + ten);
        assert_eq!(
            truck_violations(reloading(10), &two_trip_plan(ten - 1, 0))[0],
            PlanViolation::TruckNotReady { loop_index: 1, previous: 0, ready, departure: Duration(ready.0 - 1) }
        );
        let mut no_reload = reloading(10);
        no_reload.vehicle_types[0].reload_sites.clear();
        let found = truck_violations(no_reload.clone(), &two_trip_plan(ten, 0));
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found.contains(&PlanViolation::ReloadNotAllowed { loop_index: 3, vehicle_type: VehicleTypeId(0) }));
        // On a second truck there is nothing to reload, but the type has one vehicle.
        let found = truck_violations(no_reload.clone(), &two_trip_plan(ten, 1));
        let fleet = found.iter().filter(|v| matches!(v, PlanViolation::FleetExceeded { vehicle: 1, count: 1, .. }));
        assert_eq!(fleet.count(), 5, "{found:?}");
        // ... and the plan's vehicle count is too low.
        assert!(found.contains(&PlanViolation::KpiVehicles { recorded: 1, at_least: 2 }));
        assert_eq!(found.len(), 5 + 1, "{found:?}");
        no_reload.vehicle_types[0].count = 2;
        let mut two = two_trip_plan(ten, 1);
        two.kpis.vehicles = 2;
        assert_eq!(truck_violations(no_reload, &two), vec![]);
        let mut capped = reloading(10);
        capped.vehicle_types[0].max_reloads = Some(0);
        assert_eq!(
            truck_violations(capped, &two_trip_plan(ten, 0))[0],
            PlanViolation::TooManyReloads { loop_index: 1, reloads: 1, max: 0 }
        );
        // Each loop lasts under an hour; the truck is out from 06:00 to 07:59:20.
        let mut short = reloading(10);
        short.vehicle_types[0].max_duration = Some(Duration::hours(1));
        short.vehicle_types[0].max_distance = Some(Distance(25_000));
        let found = truck_violations(short, &two_trip_plan(ten, 0));
        assert_eq!(found.len(), 10, "{found:?}");
        assert!(found.contains(&PlanViolation::MaxDuration {
            loop_index: 1,
            duration: Duration(3100 + ten + 1000 + 1260 + 1000),
            limit: Duration::hours(1)
        }));
        assert!(found.contains(&PlanViolation::MaxDistance {
            loop_index: 1,
            distance: Distance(30_000),
            limit: Distance(25_000)
        }));
    }

    #[test]
    fn closed_supplier_and_fleet_are_checked() {
        let mut data = network_data(1000);
        data.sites[2].calendar.open_days = WeekdaySet::of(&[Weekday::Mon, Weekday::Tue, Weekday::Thu, Weekday::Fri]);
        data.vehicle_types[0].count = 0;
        let report = check_plan(&data.validate().unwrap(), &inbound(), &plan());
        assert!(
            report.violations.contains(&PlanViolation::SupplierClosed { pickup: 5, supplier: 1, day: 2 }),
            "{report}"
        );
        let fleet = report.violations.iter().filter(|v| matches!(v, PlanViolation::FleetExceeded { .. })).count();
        assert_eq!(fleet, 5, "{report}");
    }

    #[test]
    fn visiting_pattern_is_checked() {
        let mut plan = plan();
        // Friday's pickups moved to Saturday (no production) on a Saturday loop.
        plan.pickups[8].day = 5;
        plan.pickups[9].day = 5;
        plan.loops[4].day = 5;
        let report = check(&plan);
        for v in [
            PlanViolation::PickupDay { pickup: 8, day: 5 },
            PlanViolation::SupplierClosed { pickup: 9, supplier: 1, day: 5 },
            PlanViolation::LoopDay { loop_index: 4, day: 5 },
        ] {
            assert!(report.violations.contains(&v), "missing {v} in {report}");
        }
        // Two pickups of A on Monday.
        let mut plan = self::plan();
        plan.pickups[2].day = 0;
        plan.loops[1].day = 0;
        plan.loops[1].stops[1].pickup = 3;
        let report = check(&plan);
        for v in [
            PlanViolation::SameSlot { supplier: 0, day: 0, wave: 0, pickups: 2 },
            PlanViolation::VisitingDays { supplier: 0, expected: 5, found: 4 },
            PlanViolation::PickupsOnDay { supplier: 0, day: 0, expected: 1, found: 2 },
            PlanViolation::StopSlot { loop_index: 1, stop: 1, pickup: 3, day: 1, wave: 0 },
        ] {
            assert!(report.violations.contains(&v), "missing {v} in {report}");
        }
    }

    #[test]
    fn direct_shipments_are_checked() {
        let mut plan = plan_with_direct_b();
        plan.direct[0].1 -= 1;
        plan.direct.pop();
        plan.loops[1] = day_loop(1, DEPART, true);
        let report = check(&plan);
        for v in [
            PlanViolation::DirectTooEarly { pickup: 1, arrival: 7 * H + 2259, earliest: 7 * H + 2260 },
            PlanViolation::DirectShipments { pickup: 9, found: 0 },
            PlanViolation::DirectInLoop { pickup: 3, loop_index: 1 },
        ] {
            assert!(report.violations.contains(&v), "missing {v} in {report}");
        }
    }

    #[test]
    fn loops_go_by_day_then_wave() {
        let mut plan = plan();
        plan.loops.swap(1, 2);
        let report = check(&plan);
        assert_eq!(report.violations, vec![PlanViolation::LoopOrder { loop_index: 2, day: 1, wave: 0 }], "{report}");
    }

    #[test]
    fn totals_are_checked() {
        let mut plan = plan();
        plan.kpis.loops = 4;
        plan.kpis.km = 99.0;
        plan.kpis.total = Money(1);
        plan.kpis.vehicles = 0;
        let report = check(&plan);
        assert_eq!(report.violations.len(), 4, "{report}");
    }

    #[test]
    fn garbage_is_reported_without_panicking() {
        let mut plan = plan();
        plan.pickups[0].supplier = 99;
        plan.pickups[1].parts.clear();
        plan.pickups[2].load = vec![1];
        plan.loops[0].stops[0].pickup = 999;
        plan.loops[1].vehicle_type = VehicleTypeId(9);
        plan.loops[2].wave = 9;
        plan.loops[3].day = u32::MAX;
        plan.loops[3].departure = Duration(i64::MAX);
        plan.loops[4].stops.clear();
        plan.direct.push((12_345, -5));
        plan.direct.push((1, i64::MIN));
        plan.issues.push(PlanIssue::Unrouted { pickup: 777, reason: String::new() });
        plan.stock.truncate(1);
        plan.stock[0].points.clear();
        plan.suppliers[0].supplier = 42;
        plan.services[0] = Service::MilkRun(Frequency::new(u32::MAX, u32::MAX));
        let report = check(&plan);
        assert!(!report.is_ok());
        for v in &report.violations {
            assert!(!v.to_string().is_empty());
        }

        let mut inbound = inbound();
        inbound.plant = SiteId(50);
        inbound.suppliers[0].site = SiteId(60);
        inbound.suppliers[0].parts[0].per_place = 0;
        inbound.suppliers[1].parts[0].part = PartId(70);
        inbound.cycle.production_hours = TimeWindow::ALWAYS;
        inbound.cycle.waves.clear();
        let report = check_plan(&network(), &inbound, &self::plan());
        assert!(report.violations.iter().any(|v| matches!(v, PlanViolation::BadInput { .. })), "{report}");
        let _ = report.to_string();
    }
}
