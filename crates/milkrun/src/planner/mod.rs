//! The milk-run planner: recurring inbound loops that keep a plant supplied at the lowest
//! transport plus holding cost.
//!
//! # Method (a first version, named for what it is)
//! 1. **Frequencies** (frequency-based milk-run design): for each supplier, every frequency of
//!    the menu its calendar, the waves and the plant's storage allow is priced as pickups a week
//!    times an estimated cost per pickup (its detour into a loop, its loading time and its
//!    share of a truck) plus the holding cost of the stock curve it produces; the cheapest
//!    is the EOQ-style starting frequency.
//! 2. **Days and waves**: a supplier's visiting days are spread evenly over its open
//!    production days, with the offset that levels the daily volume; a day's visits are
//!    spread evenly over the waves its pickup windows allow (every k-th wave when the number
//!    of visits divides the number of those waves), with the offset that levels the load,
//!    avoiding waves where a pickup's loading would not fit the supplier's opening hours.
//! 3. **Quantities**: each pickup collects, per part, what the plant consumed since the
//!    previous pickup, in whole containers ([`stock`]); empties of returnable containers go back
//!    at the next pickup.
//! 4. **Loops**: every (day, wave) is a vehicle-routing problem with time windows, mixed fleet
//!    and simultaneous pickup (full containers) and delivery (empties), solved by the routing
//!    engine with a fixed seed and iteration limit. Identical days give identical problems and
//!    are solved once: the same suppliers, order and timetable every such day.
//! 5. **Direct or milk run**: a supplier whose loops' saving from dropping it exceeds its direct
//!    cost (own round trip, or a carrier's rate card) ships directly.
//! 6. **Improvement**: neighbouring frequencies of each supplier are tried and kept when the
//!    re-planned plan ranks better; a supplier with a part over its storage limit at the routed
//!    arrival times gets the next higher frequency, one with a pickup no vehicle can serve
//!    ships directly. Plans rank by pickups left unrouted, then by container places needed
//!    beyond the storage limits (a part over its limit by `x` needs `ceil(x)`), then by total
//!    (transport + holding).
//! 7. **Finalists**: the improved plan is routed at full effort, keeping per (day, wave) the
//!    quick loops where they rank better or where the full effort's timetable would push a
//!    part over its limit; the plans where every supplier is collected daily by milk run, or
//!    ships directly daily, are planned too, and the best ranked is returned.
//!
//! A truck runs one loop per wave, or several one after the other when its vehicle type may
//! reload at the plant (the type's `reload_sites` list the plant; `max_reloads` and
//! `reload_time` apply): the engine routes the wave's trucks with their reloads, and each trip
//! between two visits of the plant is a loop of the timetable, numbered by truck
//! ([`Loop::vehicle`]). A pickup may load in any of its supplier's opening windows that fit the
//! wave ([`Pickup::windows`]). Candidates (step 6) are compared on loops of one per truck and
//! each pickup's longest window, which route several times faster; the finalists (step 7) are
//! routed with reloads and with every window (both ways when a wave has both: the engine does
//! not combine several windows per stop with reloads yet), and per (day, wave) the better
//! loops are kept. A day's fleet is the most trucks of a type in one wave, and
//! a vehicle's fixed cost is paid once per day it is used.

mod check;
pub mod in_plant;
mod stock;
mod types;
mod whatif;

use std::collections::HashMap;
use std::time::Instant;

use milkrun_cost::baseline::{direct_baseline, DirectMode, DirectSupplier, RateCard};
use milkrun_cost::emissions::{
    route_emissions, CarrierRegistry, ConsumptionModel, Leg, LinearConsumption, MetresPerSecond, VehicleClass,
};
use milkrun_cost::sharing::{proportional_to_stand_alone, shapley, Coalition, Game};
use milkrun_cost::tariff::Tariff;
use milkrun_model::{
    Duration, Job, Kilograms, Load, Money, PartId, Problem, ProblemData, SiteId, Stop, TimeWindow, Visit, Weekday,
};
use milkrun_routing::{Solver, SolverConfig};

pub use self::check::{check_plan, PlanReport, PlanViolation};
use self::stock::Consumption;
pub use self::types::{
    Cycle, CycleTime, Frequency, Inbound, InboundSupplier, Kpis, Loop, LoopStop, MilkRunPlan, PartFlow, PartKpi,
    PartPickup, Pickup, PlanIssue, Service, StockCurve, StockPoint, SupplierKpi, DAY,
};
pub use self::whatif::{PlanChanges, Replan, SupplierChange};
use crate::error::Error;

/// What the planner is doing, for progress reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanningStep {
    /// Starting frequencies chosen.
    Frequencies {
        /// Suppliers in the milk run.
        milk_run: usize,
    },
    /// A candidate plan was routed and priced.
    Candidate {
        /// What was tried.
        what: String,
        /// Its total cost per week.
        total: Money,
        /// Whether it is the best so far.
        kept: bool,
    },
}

/// Plans recurring inbound milk runs. Configure with [`MilkRunPlanner::builder`].
#[derive(Debug, Clone)]
pub struct MilkRunPlanner {
    menu: Vec<Frequency>,
    seed: u64,
    iterations: u64,
    improve_rounds: usize,
    max_candidates: usize,
    time_limit: Option<std::time::Duration>,
    threads: usize,
    rate_card: Option<RateCard>,
    carriers: CarrierRegistry,
    replan_tolerance: f64,
}

/// Builder of [`MilkRunPlanner`].
#[derive(Debug, Clone)]
pub struct MilkRunPlannerBuilder {
    planner: MilkRunPlanner,
}

impl Default for MilkRunPlanner {
    fn default() -> Self {
        Self {
            menu: Vec::new(),
            seed: 1,
            iterations: 400,
            improve_rounds: 1,
            max_candidates: 60,
            time_limit: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            rate_card: None,
            carriers: CarrierRegistry::uk_defaults(),
            replan_tolerance: 0.02,
        }
    }
}

impl MilkRunPlannerBuilder {
    /// The frequencies a supplier may be given (default: 1, 2 and 3 days a week, and every
    /// production day with 1 up to one loop per wave).
    #[must_use]
    pub fn frequencies(mut self, menu: Vec<Frequency>) -> Self {
        self.planner.menu = menu;
        self
    }
    /// Seed of the routing engine (default 1): same seed, same plan.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.planner.seed = seed;
        self
    }
    /// Iterations of the routing engine per (day, wave) problem (default 400).
    #[must_use]
    pub fn iterations(mut self, iterations: u64) -> Self {
        self.planner.iterations = iterations.max(1);
        self
    }
    /// Most candidate plans the improvement prices, the most promising first (default 60):
    /// each re-routes the days of one supplier. Deterministic, unlike a time limit.
    #[must_use]
    pub fn max_candidates(mut self, n: usize) -> Self {
        self.planner.max_candidates = n;
        self
    }
    /// Plans within about this long (default: no limit). The time routing the first whole week
    /// at the quick effort takes is the unit of the budget: the improvement stops early
    /// enough to leave the storage repair, the policy screens and the finalists' routing
    /// their time, and the finalists' engine calls share what is left (each gets a time limit
    /// and starts from the loops the quick effort found). Validation and that first week are
    /// not cut: a limit shorter than they take is overrun. With a time limit, the plan depends
    /// on the machine's speed; without, the same seed gives the same plan.
    #[must_use]
    pub fn time_limit(mut self, limit: std::time::Duration) -> Self {
        self.planner.time_limit = Some(limit);
        self
    }
    /// Threads solving (day, wave) problems in parallel (default: the available cores, at
    /// most 4). The plan does not depend on it.
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.planner.threads = threads.max(1);
        self
    }
    /// Rounds of the frequency improvement (default 1; 0 keeps the starting frequencies).
    #[must_use]
    pub fn improvement_rounds(mut self, rounds: usize) -> Self {
        self.planner.improve_rounds = rounds;
        self
    }
    /// Direct shipping goes through this carrier's rate card (default: an own truck of the
    /// smallest vehicle type that carries the pickup, on a round trip).
    #[must_use]
    pub fn direct_rate_card(mut self, card: RateCard) -> Self {
        self.planner.rate_card = Some(card);
        self
    }
    /// Emission factors (default [`CarrierRegistry::uk_defaults`]).
    #[must_use]
    pub fn carriers(mut self, carriers: CarrierRegistry) -> Self {
        self.planner.carriers = carriers;
        self
    }
    /// The planner.
    #[must_use]
    pub fn build(self) -> MilkRunPlanner {
        self.planner
    }
}

/// Per part of a supplier, what the plan needs to know, derived from the network.
#[derive(Debug, Clone)]
struct PartInfo {
    flow: PartFlow,
    consumption: Consumption,
    gross_kg: f64,
    tare_kg: f64,
    returnable: bool,
    safety: f64,
}

/// Per supplier, derived once.
#[derive(Debug, Clone)]
struct SupplierInfo {
    site: SiteId,
    parts: Vec<PartInfo>,
    /// Open production days (cycle day indices).
    days: Vec<u32>,
    /// Per wave: the window loading may start in (the supplier's opening window overlapping
    /// the wave most, clipped to what a truck from the plant can reach and leave in time),
    /// and the closing time of that opening window (loading must end by then).
    windows: Vec<Option<TimeWindow>>,
    closes: Vec<Duration>,
    /// Per wave: every opening window of the supplier a truck can use that way, in time
    /// order, with its closing time (the one in `windows` among them).
    usable: Vec<Vec<(TimeWindow, Duration)>>,
    /// Frequencies the calendar, waves and storage allow, cheapest estimate first: (frequency,
    /// estimated weekly transport + holding, of which holding).
    options: Vec<(Frequency, f64, f64)>,
}

/// The fixed context of one planning call.
struct Ctx<'a> {
    network: &'a Problem,
    inbound: &'a Inbound,
    suppliers: Vec<SupplierInfo>,
    /// Per vehicle type: its data with the plant check done.
    waves: Vec<TimeWindow>,
}

/// A decided schedule: per supplier, its service and its (day, wave) slots.
#[derive(Debug, Clone, PartialEq)]
struct Schedule {
    services: Vec<Service>,
    slots: Vec<Vec<(u32, usize)>>,
}

/// A routing effort: iterations per problem, the loops already solved with it, and the loops
/// of a previous plan to start from per (day, wave) (re-planning).
struct Effort {
    iterations: u64,
    /// Whether trucks may run several loops a wave (reloading at the plant, where their type
    /// allows it): the full effort's loops; the quick effort compares candidates on loops of
    /// one per truck, which route several times faster.
    reloads: bool,
    /// When the engine calls should be done by, if the planner has a time limit: each gets
    /// its share of the time left.
    deadline: Option<Instant>,
    cache: LoopCache,
    warm: WarmLoops,
    /// Per job set, trucks to start the routing from (a finalist's quick loops).
    starts: HashMap<CacheKey, Vec<WarmTruck>>,
}

impl Effort {
    fn new(iterations: u64, reloads: bool) -> Self {
        Self {
            iterations,
            reloads,
            deadline: None,
            cache: LoopCache::new(),
            warm: WarmLoops::new(),
            starts: HashMap::new(),
        }
    }
}

/// The shortest time an engine call is given under a time limit (it always builds and
/// improves a first solution; this is time for some iterations on top).
const MIN_SOLVE: std::time::Duration = std::time::Duration::from_millis(20);

/// The time budget of one planning call ([`MilkRunPlannerBuilder::time_limit`]), in units of
/// the time routing a whole week at the quick effort took (the first evaluation).
struct Budget {
    started: Instant,
    limit: Option<std::time::Duration>,
    week: std::time::Duration,
    /// Simple policies to be screened at the quick effort after the improvement.
    screens: u32,
}

impl Budget {
    /// The time the finalists need: the improved plan's full routing (a week, or a fifth of
    /// the limit if longer) and the policies' screens (a week each).
    fn finals(&self, limit: std::time::Duration) -> std::time::Duration {
        self.week * self.screens + self.week.max(limit / 5)
    }

    /// Whether the improvement must stop: one more candidate (up to a week), the storage
    /// repair (a week) and the finalists might no longer fit.
    fn improvement_over(&self) -> bool {
        self.limit.is_some_and(|limit| self.started.elapsed() + self.week * 2 + self.finals(limit) >= limit)
    }

    /// Whether a storage repair round (up to a week) no longer fits before the finalists.
    fn repair_over(&self) -> bool {
        self.limit.is_some_and(|limit| self.started.elapsed() + self.week + self.finals(limit) >= limit)
    }

    /// The time the limit leaves `weeks` quick weeks before its end.
    fn deadline(&self, weeks: f64) -> Option<Instant> {
        self.limit.map(|limit| self.started + limit.saturating_sub(self.week.mul_f64(weeks)))
    }
}

/// How plans compare: fewer pickups left unrouted first, then fewer container places needed
/// beyond the storage limits (a part over its limit by `x` containers needs `ceil(x)` more
/// places: a plan within the limits beats one with tiny overflows whatever the cost), then the
/// lower total cost.
type Rank = (usize, u64, Money);

fn rank(plan: &MilkRunPlan) -> Rank {
    let unrouted = plan.issues.iter().filter(|i| matches!(i, PlanIssue::Unrouted { .. })).count();
    let places = plan
        .issues
        .iter()
        .map(|i| match i {
            PlanIssue::StorageExceeded { peak, max, .. } => (peak - f64::from(*max) - 1e-6).ceil().max(1.0) as u64,
            PlanIssue::Unrouted { .. } => 0,
        })
        .sum();
    (unrouted, places, plan.kpis.total)
}

/// The parts over their storage limits in `plan`.
fn overflowing(plan: &MilkRunPlan) -> impl Iterator<Item = PartId> + '_ {
    plan.issues.iter().filter_map(|i| match i {
        PlanIssue::StorageExceeded { part, .. } => Some(*part),
        PlanIssue::Unrouted { .. } => None,
    })
}

/// How the loops of one (day, wave) compare: pickups left out, then cost (variable, plus each
/// truck's fixed cost).
fn routed_rank(ctx: &Ctx<'_>, loops: &[RoutedLoop]) -> (usize, i64) {
    let types = ctx.network.vehicle_types();
    let unrouted = loops.iter().map(|l| l.unrouted.len()).sum();
    let variable: i64 = loops.iter().filter(|l| !l.stops.is_empty()).map(|l| l.variable_cost).sum();
    let fixed: i64 = (0..loops.len())
        .filter(|&k| starts_truck(loops, k))
        .map(|k| types[loops[k].vehicle_type].fixed_cost.get())
        .sum();
    (unrouted, variable + fixed)
}

/// Whether routed loop `k` is the first of its truck (a truck's loops are adjacent; the entry
/// listing unrouted pickups has no stops and is no truck's).
fn starts_truck(loops: &[RoutedLoop], k: usize) -> bool {
    !loops[k].stops.is_empty() && (k == 0 || loops[k - 1].vehicle != loops[k].vehicle)
}

/// A truck's loops of one wave to start the routing from: its vehicle type and, per loop, the
/// sites in order.
type WarmTruck = (usize, Vec<Vec<SiteId>>);

/// Per (day, wave): the trucks to start the routing from.
type WarmLoops = HashMap<(u32, usize), Vec<WarmTruck>>;

/// What identifies a (day, wave) problem: per pickup, supplier, load, empties, service and
/// windows.
type SlotKey = Vec<(usize, Vec<i64>, Vec<i64>, i64, Vec<TimeWindow>)>;

/// The loops of one (day, wave) problem, or why the engine refused it.
type Routed = Result<Vec<RoutedLoop>, String>;

/// Loops solved per (day, wave) job set, shared across candidates; with the (day, wave) when
/// the routing started from that slot's warm loops.
type LoopCache = HashMap<CacheKey, Routed>;

/// A (day, wave) job set, with the (day, wave) when it was routed from that slot's warm loops.
type CacheKey = (SlotKey, Option<(u32, usize)>);

/// A loop as solved, with pickups as positions in its job list.
#[derive(Debug, Clone, PartialEq)]
struct RoutedLoop {
    vehicle_type: usize,
    /// The engine's route (one truck) the loop is a trip of: loops of one truck are adjacent,
    /// in the order it runs them.
    vehicle: usize,
    departure: Duration,
    /// (job position, arrival, start, departure, load after).
    stops: Vec<(usize, Duration, Duration, Duration, Vec<i64>)>,
    arrival: Duration,
    distance: i64,
    /// The truck's variable cost for the loop: its distance, and its time from the previous
    /// loop's return (reload time and waiting included) or from its departure for the first.
    variable_cost: i64,
    fill: f64,
    /// Unserved job positions and the engine's reason.
    unrouted: Vec<(usize, String)>,
}

impl MilkRunPlanner {
    /// A builder with the defaults.
    #[must_use]
    pub fn builder() -> MilkRunPlannerBuilder {
        MilkRunPlannerBuilder { planner: Self::default() }
    }

    /// Plans the cycle. See [`MilkRunPlanner::plan_with_progress`].
    ///
    /// # Errors
    /// As [`MilkRunPlanner::plan_with_progress`].
    pub fn plan(&self, network: &Problem, inbound: &Inbound) -> Result<MilkRunPlan, Error> {
        self.plan_with_progress(network, inbound, |_| {})
    }

    /// Plans the cycle, reporting each step to `progress`.
    ///
    /// # Arguments
    /// * `network`: sites (plant and suppliers with windows and calendars), parts and their
    ///   containers, the fleet (vehicle types starting and ending at the plant, capacity in
    ///   `[kg, pallet places]`) and the travel matrix; its jobs are ignored.
    /// * `inbound`: suppliers, parts' consumption and limits, the cycle and its waves.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the supplier, part or vehicle type for input that does
    /// not fit the network (unknown site or part, a part of another supplier, non-finite or
    /// negative consumption, a vehicle not based at the plant, load dimensions other than kg
    /// and pallet places, no frequency the supplier can be given); [`Error::Routing`] and
    /// [`Error::Cost`] when the engines refuse a problem they were given.
    pub fn plan_with_progress(
        &self,
        network: &Problem,
        inbound: &Inbound,
        mut progress: impl FnMut(&PlanningStep),
    ) -> Result<MilkRunPlan, Error> {
        let started = Instant::now();
        let ctx = self.context(network, inbound)?;
        // Candidates are compared with a quick routing effort, the finalists with the full one.
        let mut quick = Effort::new(self.quick_iterations(), false);
        let mut full = Effort::new(self.iterations, true);
        let start = self.starting_schedule(&ctx);
        progress(&PlanningStep::Frequencies {
            milk_run: start.services.iter().filter(|s| matches!(s, Service::MilkRun(_))).count(),
        });
        let first = self.evaluate(&ctx, &start, &mut quick, false)?;
        // The daily milk run is screened at the quick effort on large plants, unless some of
        // its pickups no vehicle can serve (it then ranks below a plan that serves them all).
        let screens = policy_schedule(&ctx, SimplePolicy::DailyMilkRun).map_or(0, |daily| {
            let pickups: usize = daily.slots.iter().map(Vec::len).sum();
            u32::from(pickups > LARGE_PLANT && jobs(&ctx, &daily).issues.is_empty())
        });
        let budget = Budget { started, limit: self.time_limit, week: started.elapsed(), screens };
        progress(&PlanningStep::Candidate { what: "starting frequencies".into(), total: first.kpis.total, kept: true });
        let movable = vec![true; ctx.suppliers.len()];
        let (mut best_schedule, best) =
            self.improve(&ctx, start, rank(&first), &movable, &mut quick, &budget, &mut progress)?;

        // Finalists at full effort: the improved plan, and the simple policy of collecting
        // every supplier on every open production day (the plan is never worse than it). Under
        // a time limit, the improved plan's routing leaves a quick week for each policy screen.
        full.deadline = budget.deadline(f64::from(screens));
        let improved = self.finalist(&ctx, &best_schedule, &mut quick, &mut full)?;
        let mut chosen = rank(&improved);
        progress(&PlanningStep::Candidate {
            what: "improved plan, full effort".into(),
            total: improved.kpis.total,
            kept: true,
        });
        full.deadline = budget.deadline(0.0);
        for policy in [SimplePolicy::DailyMilkRun, SimplePolicy::DailyDirect] {
            let Some(schedule) = policy_schedule(&ctx, policy) else { continue };
            if schedule == best_schedule {
                continue;
            }
            // Pickups no routing can serve (too big for any vehicle, loading too long for the
            // supplier's hours) rank the policy below a plan with fewer of them unrouted; it is
            // not routed (nor reported as a candidate).
            if jobs(&ctx, &schedule).issues.len() > chosen.0 {
                continue;
            }
            // On large plants (more than LARGE_PLANT pickups a week) the policy is screened at
            // the quick effort first and routed at full effort only if it comes within 1 % of
            // the improved plan there: full-effort routing of a whole week dominates the
            // planning time. Below that size the comparison is always at full effort.
            let pickups: usize = schedule.slots.iter().map(Vec::len).sum();
            let screened = pickups > LARGE_PLANT && policy == SimplePolicy::DailyMilkRun;
            if screened {
                let screen = rank(&self.evaluate(&ctx, &schedule, &mut quick, false)?);
                let within = Money((best.2.get() as f64 * 1.01) as i64);
                if (screen.0, screen.1, screen.2) > (best.0, best.1, within) {
                    progress(&PlanningStep::Candidate {
                        what: format!("{policy:?} (screened)"),
                        total: screen.2,
                        kept: false,
                    });
                    continue;
                }
            }
            let plan = if screened {
                self.finalist(&ctx, &schedule, &mut quick, &mut full)?
            } else {
                self.evaluate(&ctx, &schedule, &mut full, false)?
            };
            let kept = rank(&plan) < chosen;
            progress(&PlanningStep::Candidate { what: format!("{policy:?}"), total: plan.kpis.total, kept });
            if kept {
                best_schedule = schedule;
                chosen = rank(&plan);
            }
        }
        self.evaluate(&ctx, &best_schedule, &mut full, true)
    }

    /// Routes a finalist `schedule` at the `full` effort, keeping per (day, wave) the loops
    /// of the `quick` effort (already routed) where they are cheaper or keep the plan within
    /// storage limits the full effort's timetable would break: parts the quick plan keeps
    /// within their limits but the full one does not take their suppliers' (day, wave)s back
    /// to the quick loops, until no such part is left (at worst, the quick plan). The choice
    /// is written into `full`'s loops, so later evaluations of the schedule agree.
    fn finalist(
        &self,
        ctx: &Ctx<'_>,
        schedule: &Schedule,
        quick: &mut Effort,
        full: &mut Effort,
    ) -> Result<MilkRunPlan, Error> {
        let fast = self.evaluate(ctx, schedule, quick, false)?;
        let Jobs { pickups, by_slot, .. } = jobs(ctx, schedule);
        let mut keys: Vec<((u32, usize), CacheKey, CacheKey)> = by_slot
            .iter()
            .map(|(&slot, members)| {
                (slot, slot_key(&pickups, members, &quick.warm, slot), slot_key(&pickups, members, &full.warm, slot))
            })
            .collect();
        keys.sort_unstable_by_key(|k| k.0);
        // Under a time limit the full effort continues from the quick loops: whatever time is
        // left improves on them.
        if full.deadline.is_some() {
            for (slot, q, f) in &keys {
                let members = &by_slot[slot];
                if let Some(Ok(loops)) = quick.cache.get(q) {
                    let mut start: Vec<WarmTruck> = Vec::new();
                    for (k, l) in loops.iter().enumerate().filter(|(_, l)| !l.stops.is_empty()) {
                        let sites = l.stops.iter().map(|st| ctx.suppliers[pickups[members[st.0]].supplier].site);
                        match start.last_mut() {
                            Some(truck) if !starts_truck(loops, k) => truck.1.push(sites.collect()),
                            _ => start.push((l.vehicle_type, vec![sites.collect()])),
                        }
                    }
                    full.starts.insert(f.clone(), start);
                }
            }
        }
        let mut plan = self.evaluate(ctx, schedule, full, false)?;
        let own: Vec<Option<Routed>> = keys.iter().map(|k| full.cache.get(&k.2).cloned()).collect();
        // Per (day, wave): the quick loops (true) or the full effort's own.
        let mut choice = vec![false; keys.len()];
        let mut best = (rank(&plan), choice.clone());
        let set = |full: &mut Effort, choice: &[bool]| {
            for ((_, q, f), (&fast, own)) in keys.iter().zip(choice.iter().zip(&own)) {
                if let Some(r) = if fast { quick.cache.get(q) } else { own.as_ref() } {
                    full.cache.insert(f.clone(), r.clone());
                }
            }
        };
        // 1. The cheaper loops of the two efforts per (day, wave).
        let cost = |e: &Effort, k: &CacheKey| e.cache.get(k).and_then(|r| r.as_ref().ok()).map(|r| routed_rank(ctx, r));
        for (c, (_, q, f)) in choice.iter_mut().zip(&keys) {
            *c = matches!((cost(quick, q), cost(full, f)), (Some(a), Some(b)) if a < b);
        }
        if choice.iter().any(|&c| c) {
            set(full, &choice);
            plan = self.evaluate(ctx, schedule, full, false)?;
            if rank(&plan) < best.0 {
                best = (rank(&plan), choice.clone());
            }
        }
        // 2. Parts within their limits at the quick timetable but not at this one: their
        // suppliers' (day, wave)s take the quick loops.
        let fast_over: Vec<PartId> = overflowing(&fast).collect();
        for _ in 0..keys.len() {
            let new_over: Vec<PartId> = overflowing(&plan).filter(|p| !fast_over.contains(p)).collect();
            let suppliers: Vec<usize> = (0..ctx.suppliers.len())
                .filter(|&s| ctx.suppliers[s].parts.iter().any(|p| new_over.contains(&p.flow.part)))
                .collect();
            let mut changed = false;
            for (c, (slot, _, _)) in choice.iter_mut().zip(&keys) {
                if !*c && suppliers.iter().any(|&s| schedule.slots[s].contains(slot)) {
                    *c = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
            set(full, &choice);
            plan = self.evaluate(ctx, schedule, full, false)?;
            if rank(&plan) < best.0 {
                best = (rank(&plan), choice.clone());
            }
        }
        // 3. The quick plan itself if it still ranks better.
        if rank(&fast) < best.0 {
            best = (rank(&fast), vec![true; keys.len()]);
        }
        if best.1 != choice {
            set(full, &best.1);
            plan = self.evaluate(ctx, schedule, full, false)?;
        }
        Ok(plan)
    }

    /// Routing iterations of the quick effort candidates are compared with.
    fn quick_iterations(&self) -> u64 {
        (self.iterations / 8).max(25)
    }

    /// Improves `schedule` (ranked `best` at the quick effort): direct or milk run, then
    /// neighbouring frequencies, for the `movable` suppliers, then storage repair. Returns the
    /// best schedule and its rank.
    #[allow(clippy::too_many_arguments)]
    fn improve(
        &self,
        ctx: &Ctx<'_>,
        schedule: Schedule,
        mut best: Rank,
        movable: &[bool],
        quick: &mut Effort,
        budget: &Budget,
        progress: &mut impl FnMut(&PlanningStep),
    ) -> Result<(Schedule, Rank), Error> {
        let mut best_schedule = schedule;
        // Direct or milk run, then neighbouring frequencies, supplier by supplier, the most
        // promising (by the estimates) first, within the candidate budget and the time limit.
        let mut tried = 0usize;
        let out_of_budget = |tried: usize| tried >= self.max_candidates || budget.improvement_over();
        'rounds: for _ in 0..self.improve_rounds {
            let mut improved = false;
            let mut order: Vec<(f64, usize)> = (0..ctx.suppliers.len())
                .filter(|&s| movable[s])
                .map(|s| {
                    let best_gain = self
                        .neighbours(ctx, &best_schedule, s)
                        .map(|c| c.iter().map(|x| x.0).fold(f64::INFINITY, f64::min))
                        .unwrap_or(f64::INFINITY);
                    (best_gain, s)
                })
                .collect();
            order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, s) in &order {
                for (_, candidate) in self.neighbours(ctx, &best_schedule, s)? {
                    if out_of_budget(tried) {
                        break 'rounds;
                    }
                    tried += 1;
                    let plan = self.evaluate(ctx, &candidate, quick, false)?;
                    let kept = rank(&plan) < best;
                    progress(&PlanningStep::Candidate {
                        what: format!(
                            "supplier '{}' {}",
                            ctx.network.sites()[ctx.suppliers[s].site.index()].name,
                            candidate.services[s]
                        ),
                        total: plan.kpis.total,
                        kept,
                    });
                    if kept {
                        best = rank(&plan);
                        best_schedule = candidate;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        // Repair: a part over its storage limit at the routed arrival times (the frequencies
        // were chosen at nominal times) moves its supplier to the next higher frequency.
        for _ in 0..3 {
            if budget.repair_over() {
                break;
            }
            let plan = self.evaluate(ctx, &best_schedule, quick, false)?;
            let over: Vec<PartId> = overflowing(&plan).collect();
            let over: Vec<usize> = (0..ctx.suppliers.len())
                .filter(|&s| ctx.suppliers[s].parts.iter().any(|p| over.contains(&p.flow.part)))
                .collect();
            let mut next = best_schedule.clone();
            // Suppliers with pickups no vehicle can serve ship directly.
            for s in unroutable_suppliers(ctx, &next) {
                next.services[s] = Service::Direct(next.services[s].frequency());
            }
            for &s in &over {
                let f = next.services[s].frequency();
                let higher = ctx.suppliers[s]
                    .options
                    .iter()
                    .map(|o| o.0)
                    .filter(|g| g.per_week() > f.per_week())
                    .min_by_key(|g| (g.per_week(), g.days));
                if let Some(g) = higher {
                    let svc = match next.services[s] {
                        Service::MilkRun(_) => Service::MilkRun(g),
                        Service::Direct(_) => Service::Direct(g),
                    };
                    next = reslot(ctx, &next, s, svc);
                }
            }
            if next == best_schedule {
                break;
            }
            let repaired = rank(&self.evaluate(ctx, &next, quick, false)?);
            // Kept if fewer pickups are unrouted or fewer places over the limits are needed,
            // whatever the cost.
            let kept = (repaired.0, repaired.1) < (best.0, best.1);
            progress(&PlanningStep::Candidate {
                what: format!("higher frequency for {} suppliers over storage", over.len()),
                total: repaired.2,
                kept,
            });
            if !kept {
                break;
            }
            best_schedule = next;
            best = repaired;
        }
        Ok((best_schedule, best))
    }

    /// Plans a simple policy on the same data, to compare with: see [`SimplePolicy`]. The
    /// quantities, timetables, stock curves and KPIs are computed as for a planned cycle;
    /// storage overflow is reported in [`MilkRunPlan::issues`], not avoided.
    ///
    /// # Errors
    /// As [`MilkRunPlanner::plan_with_progress`].
    pub fn plan_policy(
        &self,
        network: &Problem,
        inbound: &Inbound,
        policy: SimplePolicy,
    ) -> Result<MilkRunPlan, Error> {
        let ctx = self.context(network, inbound)?;
        let schedule = policy_schedule(&ctx, policy).ok_or_else(|| Error::InvalidInput {
            item: format!("{policy:?}"),
            reason: "a supplier has no open production day".into(),
        })?;
        let mut full = Effort::new(self.iterations, true);
        self.evaluate(&ctx, &schedule, &mut full, true)
    }

    /// Validates the input and derives per-supplier data.
    fn context<'a>(&self, network: &'a Problem, inbound: &'a Inbound) -> Result<Ctx<'a>, Error> {
        let invalid = |item: String, reason: &str| Error::InvalidInput { item, reason: reason.into() };
        if network.dimensions().len() != 2 {
            return Err(invalid(
                format!("network '{}'", network.name()),
                "the planner needs exactly two load dimensions: kg and pallet places",
            ));
        }
        let plant = inbound.plant;
        if plant.index() >= network.sites().len() {
            return Err(invalid(format!("plant {plant}"), "not a site of the network"));
        }
        for v in network.vehicle_types() {
            if v.start != plant || v.end != Some(plant) {
                return Err(invalid(format!("vehicle type '{}'", v.name), "must start and end at the plant"));
            }
            if !v.breaks.is_empty() {
                return Err(invalid(
                    format!("vehicle type '{}'", v.name),
                    "driver breaks are not planned in milk-run loops yet (waves are short; the routing engine places breaks on single routes)",
                ));
            }
        }
        let cycle = &inbound.cycle;
        let hours = cycle.production_hours;
        if hours.open.get() < 0 || hours.close.get() > DAY || hours.open >= hours.close {
            return Err(invalid("cycle production hours".into(), "must be a non-empty part of one day"));
        }
        if cycle.waves.is_empty() {
            return Err(invalid("cycle waves".into(), "at least one wave is needed"));
        }
        let mut waves = cycle.waves.clone();
        waves.sort_by_key(|w| w.open);
        for (k, w) in waves.iter().enumerate() {
            if w.open >= w.close || w.open.get() < 0 || w.close.get() > DAY {
                return Err(invalid(format!("wave {k}"), "must be a non-empty part of one day"));
            }
            if k > 0 && waves[k - 1].close > w.open {
                return Err(invalid(format!("wave {k}"), "waves overlap"));
            }
        }
        if waves != cycle.waves {
            return Err(invalid("cycle waves".into(), "must be given in time order"));
        }
        let production: [bool; 7] =
            std::array::from_fn(|d| cycle.production_days.contains(Weekday::Mon.plus(d as u32)));
        let mut suppliers = Vec::with_capacity(inbound.suppliers.len());
        let mut seen_sites = vec![false; network.sites().len()];
        let mut seen_parts = vec![false; network.parts().len()];
        for s in &inbound.suppliers {
            let Some(site) = network.sites().get(s.site.index()) else {
                return Err(invalid(format!("supplier {}", s.site), "not a site of the network"));
            };
            let name = format!("supplier '{}'", site.name);
            if s.site == plant {
                return Err(invalid(name, "is the plant"));
            }
            if std::mem::replace(&mut seen_sites[s.site.index()], true) {
                return Err(invalid(name, "listed twice"));
            }
            if s.parts.is_empty() {
                return Err(invalid(name, "ships no part"));
            }
            if s.loading.get() < 0 || s.loading_per_place.get() < 0 {
                return Err(invalid(name, "negative loading time"));
            }
            let mut parts = Vec::with_capacity(s.parts.len());
            for f in &s.parts {
                let Some(part) = network.parts().get(f.part.index()) else {
                    return Err(invalid(format!("{name} part {}", f.part), "not a part of the network"));
                };
                let pname = format!("{name} part '{}'", part.name);
                if std::mem::replace(&mut seen_parts[f.part.index()], true) {
                    return Err(invalid(pname, "listed twice"));
                }
                if part.supplier.is_some_and(|p| p != s.site) {
                    return Err(invalid(pname, "the network says another supplier ships it"));
                }
                let Some(container) = part.container.and_then(|c| network.containers().get(c.index())) else {
                    return Err(invalid(pname, "has no container"));
                };
                if container.parts_per_container == 0 {
                    return Err(invalid(pname, "its container holds no part"));
                }
                if !(f.per_day.is_finite() && f.per_day >= 0.0) {
                    return Err(invalid(pname, "consumption per day must be finite and not negative"));
                }
                if !(f.safety_days.is_finite() && f.safety_days >= 0.0) {
                    return Err(invalid(pname, "safety days must be finite and not negative"));
                }
                if f.per_place == 0 {
                    return Err(invalid(pname, "per_place must be at least 1"));
                }
                if f.holding_per_day.get() < 0 {
                    return Err(invalid(pname, "negative holding cost"));
                }
                let per = f64::from(container.parts_per_container);
                let consumption = Consumption {
                    per_day: f.per_day / per,
                    days: production,
                    open: hours.open.get(),
                    close: hours.close.get(),
                };
                let safety = f.safety_days * consumption.per_day;
                if safety > f64::from(f.max_containers) {
                    return Err(invalid(pname, "its safety stock exceeds its storage limit"));
                }
                parts.push(PartInfo {
                    flow: f.clone(),
                    consumption,
                    gross_kg: container.tare.0 + per * part.unit_weight.0,
                    tare_kg: container.tare.0,
                    returnable: container.returnable,
                    safety,
                });
            }
            // The recurring week: weekdays the supplier and the plant open. Holidays are
            // exceptions to the recurring plan (re-plan that week), not part of it.
            let days: Vec<u32> = (0..7u32)
                .filter(|&d| production[d as usize])
                .filter(|&d| site.calendar.open_days.contains(Weekday::Mon.plus(d)))
                .filter(|&d| network.sites()[plant.index()].calendar.open_days.contains(Weekday::Mon.plus(d)))
                .collect();
            // A wave can serve the supplier if one of its windows lets a truck leave the plant
            // in the wave, load, and be back before the wave closes (the supplier alone).
            let travel = network.travel();
            let out = travel.duration(plant.index(), s.site.index()).get();
            let back = travel.duration(s.site.index(), plant.index()).get();
            let usable: Vec<Vec<(TimeWindow, Duration)>> = waves
                .iter()
                .map(|w| {
                    let site_windows =
                        if site.windows.is_empty() { vec![TimeWindow::ALWAYS] } else { site.windows.clone() };
                    let mut usable: Vec<(TimeWindow, Duration)> = site_windows
                        .iter()
                        .filter_map(|sw| {
                            let open = sw.open.max(Duration(w.open.get() + out));
                            let close = sw.close.min(Duration(w.close.get() - back - s.loading.get()));
                            let close = close.min(Duration(sw.close.get().saturating_sub(s.loading.get())));
                            (open <= close).then(|| (TimeWindow::new(open, close), sw.close))
                        })
                        .collect();
                    usable.sort_unstable_by_key(|(x, _)| x.open);
                    usable
                })
                .collect();
            let chosen: Vec<Option<(TimeWindow, Duration)>> = usable
                .iter()
                .map(|u| u.iter().copied().max_by_key(|(x, _)| (x.close.get() - x.open.get(), -x.open.get())))
                .collect();
            let windows = chosen.iter().map(|c| c.map(|c| c.0)).collect();
            let closes = chosen.iter().map(|c| c.map_or(Duration::ZERO, |c| c.1)).collect();
            suppliers.push(SupplierInfo { site: s.site, parts, days, windows, closes, usable, options: Vec::new() });
        }
        let mut ctx = Ctx { network, inbound, suppliers, waves };
        let menu = self.menu_for(&ctx);
        for s in 0..ctx.suppliers.len() {
            let options = self.price_options(&ctx, s, &menu);
            if options.is_empty() {
                return Err(invalid(
                    format!("supplier '{}'", network.sites()[ctx.suppliers[s].site.index()].name),
                    "no frequency of the menu fits its open days, its windows and the plant's storage limits",
                ));
            }
            ctx.suppliers[s].options = options;
        }
        Ok(ctx)
    }

    fn menu_for(&self, ctx: &Ctx<'_>) -> Vec<Frequency> {
        if !self.menu.is_empty() {
            return self.menu.clone();
        }
        let days = ctx.inbound.cycle.production_days.len();
        let mut menu: Vec<Frequency> = (1..=3.min(days)).map(|d| Frequency::new(d, 1)).collect();
        for loops in 1..=ctx.waves.len() as u32 {
            menu.push(Frequency::new(days, loops));
        }
        menu.sort_unstable();
        menu.dedup();
        menu
    }

    /// The frequencies supplier `s` can be given, with their estimated weekly cost, cheapest
    /// first.
    fn price_options(&self, ctx: &Ctx<'_>, s: usize, menu: &[Frequency]) -> Vec<(Frequency, f64, f64)> {
        let info = &ctx.suppliers[s];
        let waves_open = info.windows.iter().filter(|w| w.is_some()).count() as u32;
        let mut out = Vec::new();
        // Frequencies whose longest pickup cannot be loaded within the supplier's hours in as
        // many waves as it has loops a day are kept only if no frequency can (their pickups
        // are then reported unrouted).
        let mut too_long = Vec::new();
        let largest = largest_capacity(ctx.network);
        for &f in menu {
            if f.days == 0 || f.loops == 0 || f.days as usize > info.days.len() || f.loops > waves_open {
                continue;
            }
            let slots = nominal_slots(info, f);
            let times: Vec<CycleTime> = slots.iter().map(|&(d, w)| nominal_time(info, d, w)).collect();
            let mut holding = 0.0;
            let mut fits = true;
            let mut kg = 0.0;
            let mut quantities = Vec::with_capacity(info.parts.len());
            for p in &info.parts {
                let q = stock::quantities(&p.consumption, &times);
                quantities.push(q.clone());
                let arrivals: Vec<(CycleTime, u32)> = times.iter().copied().zip(q.iter().copied()).collect();
                let curve =
                    stock::curve(p.flow.part, &p.consumption, &arrivals, p.safety, f64::from(p.flow.max_containers));
                if curve.storage_peak() > f64::from(p.flow.max_containers) + 1e-9 {
                    fits = false;
                }
                holding += curve.average * 7.0 * p.flow.holding_per_day.get() as f64;
                kg += q.iter().map(|&x| f64::from(x)).sum::<f64>() * p.gross_kg;
            }
            // Every pickup must fit the largest vehicle (a bigger one is a full truckload:
            // several trucks, outside the milk run).
            let pickups: Vec<Pickup> = (0..times.len())
                .map(|k| make_pickup(ctx, s, 0, 0, info.parts.iter().zip(&quantities).map(|(p, q)| (p, q[k]))))
                .collect();
            fits &= pickups
                .iter()
                .all(|p| p.load.iter().chain(&p.empties).zip(largest.iter().chain(&largest)).all(|(l, c)| l <= c));
            if !fits {
                continue;
            }
            let longest = pickups.iter().map(|p| p.service).max().unwrap_or(Duration::ZERO);
            let into = if loadable_waves(ctx, s, longest).len() < f.loops as usize { &mut too_long } else { &mut out };
            let per_pickup = pickup_cost_estimate(ctx, s, kg / f64::from(f.per_week().max(1)));
            into.push((f, f64::from(f.per_week()) * per_pickup + holding, holding));
        }
        if out.is_empty() {
            out = too_long;
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Every supplier at its cheapest estimated frequency by milk run, or shipping directly if
    /// no vehicle can serve some pickup of it (too big, or loading too long for its hours).
    fn starting_schedule(&self, ctx: &Ctx<'_>) -> Schedule {
        let services = ctx.suppliers.iter().map(|s| Service::MilkRun(s.options[0].0)).collect();
        let mut schedule = assign_slots(ctx, services);
        for s in unroutable_suppliers(ctx, &schedule) {
            schedule.services[s] = Service::Direct(schedule.services[s].frequency());
        }
        schedule
    }

    /// Schedules differing from `base` in supplier `s` only: direct instead of milk run (or
    /// back), and the next lower and higher frequencies it can be given.
    /// The candidates, each with its estimated change of weekly cost (negative: cheaper).
    fn neighbours(&self, ctx: &Ctx<'_>, base: &Schedule, s: usize) -> Result<Vec<(f64, Schedule)>, Error> {
        let current = base.services[s];
        let f = current.frequency();
        let info = &ctx.suppliers[s];
        let mut options: Vec<&(Frequency, f64, f64)> = info.options.iter().collect();
        options.sort_unstable_by_key(|o| (o.0.per_week(), o.0.days));
        let estimate = |g: Frequency| options.iter().find(|o| o.0 == g).map(|o| (o.1, o.2));
        let mut services = Vec::new();
        // The other way of shipping, if the estimates make it plausible: direct at the same
        // frequency against the estimated milk-run cost, within half as much again.
        if let Some((milk_run, holding)) = estimate(f) {
            let kg = per_pickup_kg(ctx, s, f);
            let service = ctx.inbound.suppliers[s].loading;
            let (direct, _) = self.direct(ctx, info.site.index(), [kg, 0.0], f.per_week(), service)?;
            let alone = direct.get() as f64 + holding;
            if alone < 1.5 * milk_run {
                let (svc, gain) = match current {
                    Service::MilkRun(f) => (Service::Direct(f), alone - milk_run),
                    Service::Direct(f) => (Service::MilkRun(f), milk_run - alone),
                };
                services.push((svc, gain));
            }
        }
        // The next lower and higher frequencies, unless estimated half as dear again.
        if let Some(k) = options.iter().position(|o| o.0 == f) {
            let here = options[k].1;
            let wrap = |g: Frequency| {
                if matches!(current, Service::Direct(_)) {
                    Service::Direct(g)
                } else {
                    Service::MilkRun(g)
                }
            };
            for j in [k.checked_sub(1), Some(k + 1)].into_iter().flatten() {
                if let Some(o) = options.get(j) {
                    if o.1 <= 1.5 * here {
                        services.push((wrap(o.0), o.1 - here));
                    }
                }
            }
        }
        Ok(services.into_iter().map(|(svc, gain)| (gain, reslot(ctx, base, s, svc))).collect())
    }

    /// Routes and prices a schedule.
    fn evaluate(
        &self,
        ctx: &Ctx<'_>,
        schedule: &Schedule,
        effort: &mut Effort,
        detail: bool,
    ) -> Result<MilkRunPlan, Error> {
        let network = ctx.network;
        let plant = ctx.inbound.plant.index();
        let Jobs { pickups, part_quantities, by_slot, mut issues } = jobs(ctx, schedule);
        let mut slots: Vec<(u32, usize)> = by_slot.keys().copied().collect();
        slots.sort_unstable();
        let (effort_iterations, reloads) = (effort.iterations, effort.reloads);
        let mut loops = Vec::new();
        let mut arrivals: Vec<Option<CycleTime>> = vec![None; pickups.len()];
        let mut fixed_per_day = vec![vec![0u32; network.vehicle_types().len()]; 7];
        let warm = &effort.warm;
        let starts = &effort.starts;
        let key_of = |slot: &(u32, usize)| slot_key(&pickups, &by_slot[slot], warm, *slot);
        // Solve the new (day, wave) problems, spread over the threads (each solve is seeded on
        // its own: the result does not depend on the split).
        let mut todo: Vec<((u32, usize), CacheKey)> = Vec::new();
        for slot in &slots {
            let key = key_of(slot);
            if !effort.cache.contains_key(&key) && !todo.iter().any(|t| t.1 == key) {
                todo.push((*slot, key));
            }
        }
        let threads = self.threads.clamp(1, todo.len().max(1));
        // Under a time limit, each engine call gets its share of the time left (a thread
        // solves its problems one after the other).
        let max_time = effort.deadline.map(|deadline| {
            let rounds = todo.len().div_ceil(threads).max(1);
            (deadline.saturating_duration_since(Instant::now()) / rounds as u32).max(MIN_SOLVE)
        });
        let solved: Vec<Vec<(_, Routed)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let todo = &todo;
                    let by_slot = &by_slot;
                    let pickups = &pickups;
                    scope.spawn(move || {
                        todo.iter()
                            .skip(t)
                            .step_by(threads)
                            .map(|(slot, key)| {
                                let members = by_slot[slot].iter().map(|&k| &pickups[k]).collect();
                                let warm = starts.get(key).or_else(|| warm.get(slot)).map(Vec::as_slice);
                                (
                                    key.clone(),
                                    self.route(ctx, slot.1, members, warm, (effort_iterations, reloads), max_time),
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Vec::new())).collect()
        });
        for (key, result) in solved.into_iter().flatten() {
            effort.cache.insert(key, result);
        }
        for slot in slots {
            let members = &by_slot[&slot];
            let key = key_of(&slot);
            if !effort.cache.contains_key(&key) {
                return Err(Error::InvalidInput {
                    item: format!("day {} wave {}", slot.0, slot.1),
                    reason: "a routing thread failed".into(),
                });
            }
            let routed = match &effort.cache[&key] {
                Ok(r) => r,
                Err(e) => {
                    return Err(Error::InvalidInput {
                        item: format!("day {} wave {}", slot.0, slot.1),
                        reason: e.clone(),
                    })
                }
            };
            let mut per_type = vec![0u32; network.vehicle_types().len()];
            for (k, r) in routed.iter().enumerate() {
                for &(pos, ref reason) in &r.unrouted {
                    issues.push(PlanIssue::Unrouted { pickup: members[pos], reason: reason.clone() });
                }
                if r.stops.is_empty() {
                    continue;
                }
                // Trucks numbered per type in the engine's order.
                if starts_truck(routed, k) {
                    per_type[r.vehicle_type] += 1;
                }
                let vehicle = per_type[r.vehicle_type] - 1;
                let stops: Vec<LoopStop> = r
                    .stops
                    .iter()
                    .map(|&(pos, arrival, start, departure, ref load)| LoopStop {
                        pickup: members[pos],
                        site: ctx.suppliers[pickups[members[pos]].supplier].site,
                        arrival,
                        start,
                        departure,
                        load_after: load.clone(),
                    })
                    .collect();
                for st in &stops {
                    arrivals[st.pickup] = Some(i64::from(slot.0) * DAY + r.arrival.get());
                }
                loops.push(Loop {
                    day: slot.0,
                    wave: slot.1,
                    vehicle_type: milkrun_model::VehicleTypeId::from_index(r.vehicle_type),
                    vehicle,
                    departure: r.departure,
                    stops,
                    arrival: r.arrival,
                    distance: milkrun_model::Distance(r.distance),
                    variable_cost: Money(r.variable_cost),
                    fill: r.fill,
                });
            }
            for (t, n) in per_type.into_iter().enumerate() {
                fixed_per_day[slot.0 as usize][t] = fixed_per_day[slot.0 as usize][t].max(n);
            }
        }
        // Direct shipments arrive after the pickup and the drive.
        let mut direct = Vec::new();
        for (k, p) in pickups.iter().enumerate() {
            if matches!(schedule.services[p.supplier], Service::Direct(_)) {
                let site = ctx.suppliers[p.supplier].site.index();
                let at = i64::from(p.day) * DAY
                    + p.windows.first().map_or(0, |w| w.open.get())
                    + p.service.get()
                    + network.travel().duration(site, plant).get();
                direct.push((k, at));
                arrivals[k] = Some(at);
            }
        }
        // Stock curves.
        let mut stock_curves = Vec::new();
        let mut holding_per_supplier = vec![0i64; ctx.suppliers.len()];
        for (s, info) in ctx.suppliers.iter().enumerate() {
            let mine: Vec<usize> = (0..pickups.len()).filter(|&k| pickups[k].supplier == s).collect();
            for (j, p) in info.parts.iter().enumerate() {
                let arr: Vec<(CycleTime, u32)> = mine
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &k)| arrivals[k].map(|a| (a, part_quantities[s][j][i])))
                    .collect();
                let mut curve =
                    stock::curve(p.flow.part, &p.consumption, &arr, p.safety, f64::from(p.flow.max_containers));
                // What the cycle collects counts unrouted pickups too (a repeating plan does
                // collect them once they are routed), as the checker counts it.
                let collected: u32 = part_quantities[s][j].iter().sum();
                curve.surplus_per_cycle = f64::from(collected) - p.consumption.weekly();
                if curve.storage_peak() > f64::from(p.flow.max_containers) + 1e-6 {
                    issues.push(PlanIssue::StorageExceeded {
                        part: p.flow.part,
                        peak: curve.storage_peak(),
                        max: p.flow.max_containers,
                    });
                }
                holding_per_supplier[s] += (curve.average * 7.0 * p.flow.holding_per_day.get() as f64).round() as i64;
                stock_curves.push(curve);
            }
        }
        self.kpis(
            ctx,
            schedule,
            Parts { pickups, loops, direct, stock: stock_curves, issues },
            &fixed_per_day,
            &holding_per_supplier,
            detail,
        )
    }

    /// Solves one (day, wave) problem with the routing engine.
    fn route(
        &self,
        ctx: &Ctx<'_>,
        wave: usize,
        members: Vec<&Pickup>,
        warm: Option<&[WarmTruck]>,
        (iterations, reloads): (u64, bool),
        max_time: Option<std::time::Duration>,
    ) -> Result<Vec<RoutedLoop>, String> {
        let network = ctx.network;
        let w = ctx.waves[wave];
        let mut data: ProblemData = network.data().clone();
        // Each pickup with all its loading windows, or (for routing with reloads, which the
        // engine does not combine with several windows per stop yet) the longest alone.
        let jobs = |all_windows: bool| -> Vec<Job> {
            members
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let mut stop = Stop::at(ctx.suppliers[p.supplier].site).service(p.service);
                    stop.windows = if all_windows {
                        p.windows.clone()
                    } else {
                        p.windows.iter().copied().max_by_key(|w| w.close.get() - w.open.get()).into_iter().collect()
                    };
                    Job::delivery_and_pickup(
                        format!("pickup {k}"),
                        stop,
                        Load::new(p.empties.clone()),
                        Load::new(p.load.clone()),
                    )
                })
                .collect()
        };
        let several_windows = members.iter().any(|p| p.windows.len() > 1);
        let plant = ctx.inbound.plant;
        for v in &mut data.vehicle_types {
            v.shift = TimeWindow::new(v.shift.open.max(w.open), v.shift.close.min(w.close));
            // Several loops per truck in the wave: reloads at the plant only (a trip ends where
            // its parts are delivered).
            let at_plant = v.reload_sites.contains(&plant);
            v.reload_sites.clear();
            if at_plant {
                v.reload_sites.push(plant);
            }
        }
        data.horizon = None;
        let can_reload = data.vehicle_types.iter().any(|v| !v.reload_sites.is_empty());
        // The wave's problem with or without reloads, with every pickup's windows or its
        // longest alone.
        let problem_for = |reloading: bool, all_windows: bool| {
            let mut data = data.clone();
            if !reloading {
                for v in &mut data.vehicle_types {
                    v.reload_sites.clear();
                }
            }
            data.jobs = jobs(all_windows);
            data.validate().map_err(|e| e.to_string())
        };
        // Loops have a handful of stops: ruin about a quarter of them, not the engine's default.
        let mut config = SolverConfig::default().seed(self.seed).max_iterations(iterations);
        if let Some(t) = max_time {
            config = config.max_time(t);
        }
        config.avg_removed = (members.len() as f64 / 4.0).clamp(2.0, config.avg_removed);
        let solver = Solver::new(config);
        // Re-planning starts from the previous loops of this (day, wave), pickups of suppliers
        // that are gone left out; a start the engine refuses (more loops of a type than
        // vehicles, after a fleet change) falls back to a cold start.
        let warm = warm.map(|trucks| {
            let routes = trucks
                .iter()
                .map(|(t, loops)| {
                    let mut visits = Vec::new();
                    for sites in loops {
                        let stops: Vec<Visit> = sites
                            .iter()
                            .filter_map(|site| members.iter().position(|p| ctx.suppliers[p.supplier].site == *site))
                            .map(|k| Visit::Service(milkrun_model::JobId::from_index(k)))
                            .collect();
                        if !visits.is_empty() && !stops.is_empty() {
                            visits.push(Visit::Reload(plant));
                        }
                        visits.extend(stops);
                    }
                    milkrun_model::Route::new(milkrun_model::VehicleTypeId::from_index(*t), visits)
                })
                .collect();
            milkrun_model::Solution { routes, unassigned: Vec::new() }
        });
        let solve = |problem: &Problem| match warm.as_ref().map(|w| solver.solve_from(problem, w)) {
            Some(Ok(solved)) => Ok(solved),
            _ => solver.solve(problem).map_err(|e| e.to_string()),
        };
        // The full effort (`reloads`) routes with reloads where the fleet allows them, and
        // with every loading window of the pickups: the engine does not combine the two yet,
        // so when both apply the wave is routed both ways and the better kept. The quick
        // effort compares candidates on one loop per truck and each pickup's longest window,
        // rerouting with reloads only if that leaves pickups out or the loops infeasible (a
        // fleet that relies on several loops per truck).
        let short = |s: &milkrun_routing::Solved| (s.unassigned.len(), !s.feasible);
        let key = |s: &milkrun_routing::Solved| (short(s), s.cost.total);
        let mut tries: Vec<(bool, bool)> = Vec::new();
        if reloads {
            if can_reload {
                tries.push((true, false));
            }
            if !can_reload || several_windows {
                tries.push((false, true));
            }
        } else {
            tries.push((false, false));
        }
        let mut best: Option<(Problem, milkrun_routing::Solved)> = None;
        for (reloading, all_windows) in tries {
            let problem = problem_for(reloading, all_windows)?;
            let solved = solve(&problem)?;
            if best.as_ref().is_none_or(|b| key(&solved) < key(&b.1)) {
                best = Some((problem, solved));
            }
        }
        let (mut problem, mut solved) = best.ok_or("no routing was tried")?;
        if !reloads && can_reload && short(&solved) > (0, false) {
            let again_problem = problem_for(true, false)?;
            let again = solve(&again_problem)?;
            if short(&again) < short(&solved) {
                (problem, solved) = (again_problem, again);
            }
        }
        let mut out = Vec::new();
        let mut unrouted: Vec<(usize, String)> =
            solved.unassigned.iter().map(|u| (u.job.index(), format!("{:?}", u.reason))).collect();
        for (route, schedule) in solved.solution.routes.iter().zip(&solved.schedules) {
            if !solved.feasible {
                // The engine's best is infeasible: keep the routes the checker accepts alone,
                // report the pickups of the others with what is wrong.
                let alone = milkrun_model::Solution { routes: vec![route.clone()], unassigned: Vec::new() };
                let report = milkrun_model::check_solution(&problem, &alone);
                let wrong: Vec<String> = report
                    .violations
                    .iter()
                    .filter(|v| !matches!(v, milkrun_model::Violation::Unserved { .. }))
                    .take(2)
                    .map(|v| format!("{v:?}"))
                    .collect();
                if !wrong.is_empty() {
                    let why = format!("no feasible loop found: {}", wrong.join("; "));
                    unrouted.extend(route.visits.iter().filter_map(|v| match v {
                        Visit::Service(job) => Some((job.index(), why.clone())),
                        _ => None,
                    }));
                    continue;
                }
            }
            let t = route.vehicle_type.index();
            let vt = &problem.vehicle_types()[t];
            let cap = vt.capacity.amounts();
            let fill_of = |load: &Load| {
                cap.iter()
                    .zip(load.amounts())
                    .filter(|(&c, _)| c > 0)
                    .map(|(&c, &a)| a as f64 / c as f64)
                    .fold(0.0f64, f64::max)
            };
            // Each trip between two visits of the plant is a loop.
            let truck = out.len();
            let travel = network.travel();
            let mut started: Option<(Duration, Duration)> = None; // (departure, cost clock)
            let (mut stops, mut fill, mut distance, mut at) = (Vec::new(), 0.0f64, 0i64, plant.index());
            for st in &schedule.stops {
                distance += travel.distance(at, st.site.index()).get();
                at = st.site.index();
                match st.visit {
                    Some(Visit::Service(job)) => {
                        fill = fill.max(fill_of(&st.load_after));
                        stops.push((job.index(), st.arrival, st.start, st.departure, st.load_after.amounts().to_vec()));
                        continue;
                    }
                    Some(Visit::Reload(_)) | None => {}
                    Some(other) => return Err(format!("unexpected visit {other:?} in a milk-run loop")),
                }
                match started {
                    // A trip without pickups (none is expected): its time counts in the next.
                    Some((_, clock)) if stops.is_empty() => started = Some((st.departure, clock)),
                    Some((departure, clock)) => {
                        out.push(RoutedLoop {
                            vehicle_type: t,
                            vehicle: truck,
                            departure,
                            stops: std::mem::take(&mut stops),
                            arrival: st.arrival,
                            distance,
                            variable_cost: vt.unit_distance_cost * distance
                                + vt.unit_duration_cost * (st.arrival.get() - clock.get()),
                            fill,
                            unrouted: Vec::new(),
                        });
                        started = Some((st.departure, st.arrival));
                    }
                    None => started = Some((st.departure, st.departure)),
                }
                (fill, distance) = (fill_of(&st.load_after), 0);
            }
            // The loops' costs add up to the route's (what rounding leaves goes to the last).
            let mine = &mut out[truck..];
            let variable = schedule.cost.get() - vt.fixed_cost.get();
            let others: i64 = mine.iter().rev().skip(1).map(|l| l.variable_cost).sum();
            if let Some(last) = mine.last_mut() {
                last.variable_cost = variable - others;
            }
            let total: i64 = mine.iter().map(|l| l.distance).sum();
            if total != schedule.distance.get() {
                return Err(format!(
                    "the engine's route of {} m does not split into loops of {total} m",
                    schedule.distance.get()
                ));
            }
        }
        if !unrouted.is_empty() {
            out.push(RoutedLoop {
                vehicle_type: 0,
                vehicle: usize::MAX,
                departure: Duration::ZERO,
                stops: Vec::new(),
                arrival: Duration::ZERO,
                distance: 0,
                variable_cost: 0,
                fill: 0.0,
                unrouted,
            });
        }
        Ok(out)
    }

    /// Totals, and with `detail` the emissions, cost shares and baseline of every supplier
    /// (without, only what the total needs: candidates are compared on the total).
    fn kpis(
        &self,
        ctx: &Ctx<'_>,
        schedule: &Schedule,
        parts: Parts,
        fixed_per_day: &[Vec<u32>],
        holding: &[i64],
        detail: bool,
    ) -> Result<MilkRunPlan, Error> {
        let Parts { pickups, loops, direct, stock, issues } = parts;
        let network = ctx.network;
        let plant = ctx.inbound.plant.index();
        let types = network.vehicle_types();
        let n = ctx.suppliers.len();
        let fixed: i64 = fixed_per_day
            .iter()
            .map(|day| day.iter().zip(types).map(|(&k, v)| i64::from(k) * v.fixed_cost.get()).sum::<i64>())
            .sum();
        let vehicles = fixed_per_day.iter().map(|d| d.iter().sum::<u32>()).max().unwrap_or(0);
        // Emissions of each loop, allocated to its pickups by mass x distance to the plant.
        let mut co2e = vec![0.0f64; n];
        let mut shapley_cost = vec![0.0f64; n];
        let mut proportional_cost = vec![0.0f64; n];
        let mut loop_co2e_total = 0.0;
        let mut loops_per_day_type = vec![vec![0u32; types.len()]; 7];
        for l in &loops {
            loops_per_day_type[l.day as usize][l.vehicle_type.index()] += 1;
        }
        for l in loops.iter().filter(|_| detail) {
            let t = l.vehicle_type.index();
            let model = consumption_model(&types[t])?;
            let mut legs = Vec::with_capacity(l.stops.len() + 1);
            let mut at = plant;
            let mut load_kg = l.stops.first().map_or(0, |s| {
                let p = &pickups[s.pickup];
                s.load_after[0] - p.load[0] + p.empties[0]
            });
            for st in &l.stops {
                legs.push(Leg::new(network.travel().distance(at, st.site.index()), Kilograms(load_kg as f64)));
                at = st.site.index();
                load_kg = st.load_after[0];
            }
            legs.push(Leg::new(network.travel().distance(at, plant), Kilograms(load_kg as f64)));
            let e = route_emissions(&legs, &model, &self.carriers)?;
            loop_co2e_total += e.emissions.wtw.kg();
            let weights: Vec<f64> = l
                .stops
                .iter()
                .map(|st| {
                    pickups[st.pickup].load[0] as f64 * network.travel().distance(st.site.index(), plant).get() as f64
                })
                .collect();
            let sum: f64 = weights.iter().sum();
            for (st, w) in l.stops.iter().zip(&weights) {
                let share = if sum > 0.0 { w / sum } else { 1.0 / l.stops.len() as f64 };
                co2e[pickups[st.pickup].supplier] += share * e.emissions.wtw.kg();
            }
            // Cost sharing of the loop: its variable cost plus its part of the day's fixed cost
            // of its vehicle type (the vehicles used that day, over the loops they ran).
            let day = l.day as usize;
            let runs = loops_per_day_type[day][t].max(1);
            let loop_cost = l.variable_cost.get() as f64
                + types[t].fixed_cost.get() as f64 * f64::from(fixed_per_day[day][t]) / f64::from(runs);
            let (sh, pr) = self.share_loop(ctx, l, loop_cost)?;
            for ((st, a), b) in l.stops.iter().zip(sh).zip(pr) {
                shapley_cost[pickups[st.pickup].supplier] += a;
                proportional_cost[pickups[st.pickup].supplier] += b;
            }
        }
        // Baseline: each supplier alone at the plan's frequency; direct suppliers pay it.
        let mut direct_cost = vec![Money(0); n];
        let mut direct_co2e = vec![0.0; n];
        for (s, info) in ctx.suppliers.iter().enumerate() {
            let mine: Vec<&Pickup> = pickups.iter().filter(|p| p.supplier == s).collect();
            let shipments = mine.len() as u32;
            if shipments == 0 || !(detail || matches!(schedule.services[s], Service::Direct(_))) {
                continue;
            }
            let mass = mine.iter().map(|p| p.load[0] as f64).sum::<f64>() / f64::from(shipments);
            let places = mine.iter().map(|p| p.load[1]).max().unwrap_or(0);
            let service = mine.iter().map(|p| p.service.get()).max().unwrap_or(0);
            let (cost, kg) =
                self.direct(ctx, info.site.index(), [mass, places as f64], shipments, Duration(service))?;
            direct_cost[s] = cost;
            direct_co2e[s] = kg;
        }
        let mut suppliers = Vec::with_capacity(n);
        let mut direct_total = 0i64;
        let mut co2e_total = loop_co2e_total;
        for s in 0..n {
            let svc = schedule.services[s];
            let is_direct = matches!(svc, Service::Direct(_));
            if is_direct {
                direct_total += direct_cost[s].get();
                co2e_total += direct_co2e[s];
            }
            suppliers.push(SupplierKpi {
                supplier: s,
                service: svc,
                pickups: svc.frequency().per_week(),
                shapley: if is_direct { direct_cost[s] } else { Money(shapley_cost[s].round() as i64) },
                proportional: if is_direct { direct_cost[s] } else { Money(proportional_cost[s].round() as i64) },
                holding: Money(holding[s]),
                co2e_kg: if is_direct { direct_co2e[s] } else { co2e[s] },
                direct_cost: direct_cost[s],
                direct_co2e_kg: direct_co2e[s],
            });
        }
        let variable: i64 = loops.iter().map(|l| l.variable_cost.get()).sum();
        let transport = fixed + variable + direct_total;
        let holding_total: i64 = holding.iter().sum();
        let km = loops.iter().map(|l| l.distance.get() as f64).sum::<f64>() / 1000.0;
        let fill = if loops.is_empty() { 0.0 } else { loops.iter().map(|l| l.fill).sum::<f64>() / loops.len() as f64 };
        // Per part: the supplier's transport and CO2e by the part's share of its kg, its own
        // holding.
        let mut parts = Vec::new();
        let mut curves = stock.iter();
        for (s, info) in ctx.suppliers.iter().enumerate() {
            let collected: Vec<u32> = info
                .parts
                .iter()
                .map(|p| {
                    let mine = pickups.iter().filter(|k| k.supplier == s).flat_map(|k| &k.parts);
                    mine.filter(|q| q.part == p.flow.part).map(|q| q.containers).sum()
                })
                .collect();
            let kg: Vec<f64> = info.parts.iter().zip(&collected).map(|(p, &c)| f64::from(c) * p.gross_kg).collect();
            let supplier_kg: f64 = kg.iter().sum();
            for ((p, &containers), &kg) in info.parts.iter().zip(&collected).zip(&kg) {
                let share = if supplier_kg > 0.0 { kg / supplier_kg } else { 1.0 / info.parts.len() as f64 };
                let curve = curves.next();
                let holding =
                    curve.map_or(0, |c| (c.average * 7.0 * p.flow.holding_per_day.get() as f64).round() as i64);
                let transport = (suppliers[s].shapley.get() as f64 * share).round() as i64;
                parts.push(PartKpi {
                    part: p.flow.part,
                    supplier: s,
                    containers,
                    kg,
                    transport: Money(transport),
                    holding: Money(holding),
                    co2e_kg: suppliers[s].co2e_kg * share,
                    per_container: Money(if containers > 0 {
                        (transport + holding) / i64::from(containers)
                    } else {
                        0
                    }),
                });
            }
        }
        let days = i64::from(ctx.inbound.cycle.production_days.len().max(1));
        let kpis = Kpis {
            transport: Money(transport),
            holding: Money(holding_total),
            total: Money(transport + holding_total),
            per_production_day: Money((transport + holding_total + days / 2) / days),
            km,
            vehicles,
            loops: loops.len() as u32,
            fill,
            co2e_kg: co2e_total,
            direct_cost: Money(direct_cost.iter().map(|m| m.get()).sum()),
            direct_co2e_kg: direct_co2e.iter().sum(),
        };
        Ok(MilkRunPlan {
            services: schedule.services.clone(),
            pickups,
            loops,
            direct,
            stock,
            suppliers,
            parts,
            kpis,
            issues,
        })
    }

    /// Splits `total` among a loop's stops: the Shapley value and shares proportional to
    /// stand-alone cost, of the game whose coalition cost is the cheapest closed tour from the
    /// plant through the coalition's suppliers (distance and driving-time cost, windows
    /// ignored) plus the
    /// vehicle's share; exact (Held-Karp) up to 12 stops, equal split of the rest beyond.
    fn share_loop(&self, ctx: &Ctx<'_>, l: &Loop, total: f64) -> Result<(Vec<f64>, Vec<f64>), Error> {
        let k = l.stops.len();
        if k == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        if k > 12 {
            let even = vec![total / k as f64; k];
            return Ok((even.clone(), even));
        }
        let network = ctx.network;
        let plant = ctx.inbound.plant.index();
        let v = &network.vehicle_types()[l.vehicle_type.index()];
        let sites: Vec<usize> = l.stops.iter().map(|s| s.site.index()).collect();
        // A leg costs what the vehicle charges for its distance and its driving time (loading
        // and waiting are left out of the coalition tours).
        let travel = network.travel();
        let (per_m, per_s) = (v.unit_distance_cost as f64, v.unit_duration_cost as f64);
        let d = |a: usize, b: usize| {
            per_m * travel.distance(a, b).get() as f64 + per_s * travel.duration(a, b).get() as f64
        };
        let tours = held_karp(&sites, plant, d);
        let fixed = total - l.variable_cost.get() as f64;
        let cost = |c: Coalition| -> Result<f64, milkrun_cost::CostError> { Ok(tours[c.0 as usize] + fixed) };
        let game = Game::from_fn(k, cost)?;
        let raw = shapley(&game);
        let grand = game.grand_cost();
        let scale = if grand > 0.0 { total / grand } else { 0.0 };
        let sh: Vec<f64> = raw.iter().map(|x| x * scale).collect();
        let pr = proportional_to_stand_alone(k, |c: Coalition| Ok(tours[c.0 as usize] + fixed))?;
        let pr_sum: f64 = pr.iter().sum();
        let pr: Vec<f64> =
            pr.iter().map(|x| if pr_sum > 0.0 { x * total / pr_sum } else { total / k as f64 }).collect();
        Ok((sh, pr))
    }

    /// A supplier shipping alone: cost and kg CO2e (well-to-wheel) per week.
    fn direct(
        &self,
        ctx: &Ctx<'_>,
        site: usize,
        load: [f64; 2],
        shipments: u32,
        handling: Duration,
    ) -> Result<(Money, f64), Error> {
        let network = ctx.network;
        let plant = ctx.inbound.plant.index();
        let distance = network.travel().distance(site, plant);
        let mass = load[0];
        let supplier = DirectSupplier { supplier: site as u32, distance, mass: Kilograms(mass), shipments };
        let base = if let Some(card) = &self.rate_card {
            direct_baseline(&[supplier], &DirectMode::Carrier(card))?
        } else {
            // The smallest vehicle type that carries the shipment (kg and pallet places), or
            // enough of the largest: a shipment then takes several trucks.
            let types = network.vehicle_types();
            let cap =
                |v: &milkrun_model::VehicleType, d: usize| v.capacity.amounts().get(d).copied().unwrap_or(0) as f64;
            let v = types
                .iter()
                .filter(|v| cap(v, 0) >= load[0] && cap(v, 1) >= load[1])
                .min_by_key(|v| v.capacity.amounts()[0])
                .or_else(|| types.iter().max_by_key(|v| v.capacity.amounts()[0]))
                .ok_or_else(|| Error::InvalidInput { item: "fleet".into(), reason: "no vehicle type".into() })?;
            let trucks =
                (0..2).map(|d| if cap(v, d) > 0.0 { (load[d] / cap(v, d)).ceil() } else { 1.0 }).fold(1.0, f64::max);
            let tariff = Tariff {
                fixed_per_day: v.fixed_cost,
                per_km: v.unit_distance_cost as f64 * 1000.0,
                per_hour: v.unit_duration_cost as f64 * 3600.0,
                ..Tariff::default()
            };
            let model = consumption_model(v)?;
            let secs = network.travel().duration(site, plant).get().max(1) as f64;
            let speed = MetresPerSecond((distance.get() as f64 / secs).max(1.0));
            let mode = DirectMode::OwnTruck {
                tariff: &tariff,
                model: &model,
                carriers: &self.carriers,
                speed,
                handling,
                // A truck is available over the waves: a direct trip pays the day's fixed cost
                // in proportion to its hours over the waves' total, as loops share a truck's
                // day among the waves it runs.
                working_day: Duration(ctx.waves.iter().map(|w| w.close.get() - w.open.get()).sum::<i64>().max(1)),
            };
            let capped = DirectSupplier {
                mass: Kilograms(mass / trucks),
                shipments: shipments.saturating_mul(trucks as u32),
                ..supplier
            };
            direct_baseline(&[capped], &mode)?
        };
        Ok(base.first().map_or((Money(0), 0.0), |b| (b.cost, b.emissions.wtw.kg())))
    }
}

/// Pickups a week above which the daily milk-run policy is screened at the quick routing
/// effort before it is routed at full effort (see [`MilkRunPlanner::plan_with_progress`]).
const LARGE_PLANT: usize = 100;

/// A simple policy the planner is compared with, and never ranked below: both are finalists
/// of every plan (a policy with more pickups no vehicle can serve than the improved plan
/// leaves unrouted is ranked below it without routing; on plants of more than 100 pickups a
/// week, the daily milk run is a finalist when the quick routing effort puts it within 1 % of
/// the improved plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimplePolicy {
    /// Every supplier collected by the milk runs once on each of its open production days.
    DailyMilkRun,
    /// Every supplier shipping alone once on each of its open production days.
    DailyDirect,
}

/// The schedule of a simple policy; `None` if a supplier has no open production day.
fn policy_schedule(ctx: &Ctx<'_>, policy: SimplePolicy) -> Option<Schedule> {
    let services = ctx
        .suppliers
        .iter()
        .map(|s| {
            let f = Frequency::new(u32::try_from(s.days.len()).ok().filter(|&d| d > 0)?, 1);
            Some(match policy {
                SimplePolicy::DailyMilkRun => Service::MilkRun(f),
                SimplePolicy::DailyDirect => Service::Direct(f),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(assign_slots(ctx, services))
}

/// The pieces of a plan before its totals.
struct Parts {
    pickups: Vec<Pickup>,
    loops: Vec<Loop>,
    direct: Vec<(usize, CycleTime)>,
    stock: Vec<StockCurve>,
    issues: Vec<PlanIssue>,
}

/// The shortest closed tour from `depot` through every subset of `sites`, indexed by the
/// subset's bit mask (Held-Karp, O(2^k k^2)).
fn held_karp(sites: &[usize], depot: usize, d: impl Fn(usize, usize) -> f64) -> Vec<f64> {
    let k = sites.len();
    let full = 1usize << k;
    // path[mask * k + j]: shortest path from the depot through `mask`, ending at j (in mask).
    let mut path = vec![f64::INFINITY; full * k];
    for j in 0..k {
        path[(1 << j) * k + j] = d(depot, sites[j]);
    }
    for mask in 1..full {
        for j in 0..k {
            let here = path[mask * k + j];
            if mask >> j & 1 == 0 || !here.is_finite() {
                continue;
            }
            for next in 0..k {
                if mask >> next & 1 == 1 {
                    continue;
                }
                let m2 = mask | 1 << next;
                let c = here + d(sites[j], sites[next]);
                if c < path[m2 * k + next] {
                    path[m2 * k + next] = c;
                }
            }
        }
    }
    let mut tours = vec![0.0; full];
    for (mask, tour) in tours.iter_mut().enumerate().skip(1) {
        *tour = (0..k)
            .filter(|&j| mask >> j & 1 == 1)
            .map(|j| path[mask * k + j] + d(sites[j], depot))
            .fold(f64::INFINITY, f64::min);
    }
    tours
}

/// The waves in which supplier `s` can load for `service` within its opening hours.
fn loadable_waves(ctx: &Ctx<'_>, s: usize, service: Duration) -> Vec<usize> {
    let info = &ctx.suppliers[s];
    (0..ctx.waves.len()).filter(|&w| loading_window(info, w, service).is_some_and(|x| x.open <= x.close)).collect()
}

/// When loading of `service` may start at supplier `info` in `wave`: its start window, closed
/// early enough for loading to end when the supplier closes. `None` if the wave cannot serve
/// it, or loading this long no longer fits (an empty window, `open > close`, is returned as
/// such so the engine reports the pickup).
fn loading_window(info: &SupplierInfo, wave: usize, service: Duration) -> Option<TimeWindow> {
    let w = info.windows.get(wave).copied().flatten()?;
    let close = w.close.min(Duration(info.closes[wave].get().saturating_sub(service.get())));
    Some(TimeWindow::new(w.open, close))
}

/// When loading of `service` may start at supplier `info` in `wave`: every usable opening
/// window of the wave, each closed early enough for loading to end when the supplier closes,
/// in time order; those too short for the loading are left out, unless none is long enough:
/// then the main window alone, empty (`open > close`), so the pickup is reported. The wave
/// itself when no window of the supplier can serve it.
fn loading_windows(ctx: &Ctx<'_>, s: usize, wave: usize, service: Duration) -> Vec<TimeWindow> {
    let info = &ctx.suppliers[s];
    let Some(main) = loading_window(info, wave, service) else { return vec![ctx.waves[wave]] };
    let fitting: Vec<TimeWindow> = info.usable[wave]
        .iter()
        .map(|&(w, close)| TimeWindow::new(w.open, w.close.min(Duration(close.get().saturating_sub(service.get())))))
        .filter(|w| w.open <= w.close)
        .collect();
    if fitting.is_empty() {
        vec![main]
    } else {
        fitting
    }
}

/// The largest capacity of any vehicle type, per dimension.
fn largest_capacity(network: &Problem) -> Vec<i64> {
    let dims = network.dimensions().len();
    (0..dims)
        .map(|d| {
            network.vehicle_types().iter().map(|v| v.capacity.amounts().get(d).copied().unwrap_or(0)).max().unwrap_or(0)
        })
        .collect()
}

/// The vehicle type's own energy profile as a linear model (its carrier, consumption empty and
/// full), or without one the DEFRA-style diesel class its payload falls in.
fn consumption_model(v: &milkrun_model::VehicleType) -> Result<ConsumptionModel, Error> {
    // The vehicle's own energy profile (carrier and consumption empty and full), if it has one.
    if v.energy.is_some() {
        return Ok(ConsumptionModel::Linear(LinearConsumption::from_vehicle_type(v)?));
    }
    let payload = v.capacity.amounts().first().copied().unwrap_or(0) as f64;
    let class = match payload {
        p if p <= 1_500.0 => VehicleClass::Van,
        p if p <= 3_500.0 => VehicleClass::RigidSmall,
        p if p <= 9_000.0 => VehicleClass::RigidMedium,
        p if p <= 17_000.0 => VehicleClass::RigidLarge,
        _ => VehicleClass::Articulated,
    };
    let mut model = class.linear_model();
    if payload > 0.0 {
        model.payload = Kilograms(payload);
    }
    Ok(ConsumptionModel::Linear(model))
}

/// Estimated cost of one pickup of `kg` at supplier `s`: the detour into a loop (there and
/// back to the nearest other supplier, or the round trip from the plant if cheaper, at the
/// largest vehicle's distance and time charges), its loading time, and its share by mass of a
/// loaded truck's fixed cost per wave.
fn pickup_cost_estimate(ctx: &Ctx<'_>, s: usize, kg: f64) -> f64 {
    let network = ctx.network;
    let travel = network.travel();
    let plant = ctx.inbound.plant.index();
    let site = ctx.suppliers[s].site.index();
    let types = network.vehicle_types();
    let Some(v) = types.iter().max_by_key(|v| v.capacity.amounts()[0]) else { return 0.0 };
    let (per_m, per_s) = (v.unit_distance_cost as f64, v.unit_duration_cost as f64);
    let there_and_back = |a: usize, b: usize| {
        per_m * (travel.distance(a, b).get() + travel.distance(b, a).get()) as f64
            + per_s * (travel.duration(a, b).get() + travel.duration(b, a).get()) as f64
    };
    let round = there_and_back(plant, site);
    let nearest = ctx
        .suppliers
        .iter()
        .filter(|o| o.site.index() != site)
        .map(|o| there_and_back(site, o.site.index()))
        .fold(f64::INFINITY, f64::min);
    let loading = ctx.inbound.suppliers[s].loading.get() as f64;
    let cap = v.capacity.amounts()[0].max(1) as f64;
    let truck = v.fixed_cost.get() as f64 / ctx.waves.len() as f64 + round;
    round.min(nearest) + loading * per_s + (kg / cap).min(1.0) * truck
}

/// Nominal pickup time of supplier `info` on `day` in `wave`: the middle of its pickup window.
fn nominal_time(info: &SupplierInfo, day: u32, wave: usize) -> CycleTime {
    let w = info.windows[wave].unwrap_or(TimeWindow::new(Duration::ZERO, Duration::ZERO));
    let close = w.close.get().min(DAY);
    i64::from(day) * DAY + (w.open.get() + close) / 2
}

/// The (day, wave) slots of frequency `f` for a supplier, without load levelling: evenly spaced
/// days from its first open day, and evenly spaced waves from its first open wave.
fn nominal_slots(info: &SupplierInfo, f: Frequency) -> Vec<(u32, usize)> {
    let days = spread(&info.days, f.days as usize, 0);
    let open: Vec<usize> = (0..info.windows.len()).filter(|&w| info.windows[w].is_some()).collect();
    let waves = wave_sets(&open, f.loops as usize).into_iter().next().unwrap_or_default();
    days.iter().flat_map(|&d| waves.iter().map(move |&w| (d, w))).collect()
}

/// `k` of the `open` days (or waves), evenly spaced, starting at offset `offset`.
fn spread<T: Copy + Ord>(open: &[T], k: usize, offset: usize) -> Vec<T> {
    let a = open.len();
    if a == 0 || k == 0 {
        return Vec::new();
    }
    let mut out: Vec<T> = (0..k.min(a)).map(|i| open[(offset + (i * a + k / 2) / k) % a]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The choices of `loops` of the `open` waves (in time order) a supplier can be visited in,
/// the same every visiting day (a stable timetable): evenly spaced at each offset, as days are
/// spread over the week (every k-th wave when `loops` divides the open waves), in ascending
/// order and without repeats; none when `loops` is zero or above the open waves. With up to
/// three open waves these are all the choices. O(a^2 log a) for `a` open waves, where every
/// subset would be 2^a (a tugger train's shift has 16 to 24 cycles).
fn wave_sets(open: &[usize], loops: usize) -> Vec<Vec<usize>> {
    if loops == 0 || loops > open.len() {
        return Vec::new();
    }
    let mut sets: Vec<Vec<usize>> = (0..open.len()).map(|offset| spread(open, loops, offset)).collect();
    sets.sort_unstable();
    sets.dedup();
    sets
}

/// Chooses days and waves for every supplier: the heaviest first, each at the offset and in
/// the waves that keep the most loaded (day, wave) lightest.
fn assign_slots(ctx: &Ctx<'_>, services: Vec<Service>) -> Schedule {
    let n = ctx.suppliers.len();
    let waves = ctx.waves.len();
    let weekly_kg: Vec<f64> =
        ctx.suppliers.iter().map(|s| s.parts.iter().map(|p| p.consumption.weekly() * p.gross_kg).sum()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| weekly_kg[b].total_cmp(&weekly_kg[a]).then(a.cmp(&b)));
    let mut load = vec![0.0f64; 7 * waves];
    let mut slots = vec![Vec::new(); n];
    for s in order {
        let f = services[s].frequency();
        let chosen = place(ctx, &load, s, f);
        for &(d, w) in &chosen {
            load[d as usize * waves + w] += per_pickup_kg(ctx, s, f);
        }
        slots[s] = chosen;
    }
    Schedule { services, slots }
}

/// Average kg of one pickup of supplier `s` at frequency `f`.
fn per_pickup_kg(ctx: &Ctx<'_>, s: usize, f: Frequency) -> f64 {
    let weekly: f64 = ctx.suppliers[s].parts.iter().map(|p| p.consumption.weekly() * p.gross_kg).sum();
    weekly / f64::from(f.per_week().max(1))
}

/// `base` with supplier `s` served as `svc`, placed in the slots that level the others' loads.
fn reslot(ctx: &Ctx<'_>, base: &Schedule, s: usize, svc: Service) -> Schedule {
    let mut load = slot_loads(ctx, base);
    let kg_now = per_pickup_kg(ctx, s, base.services[s].frequency());
    for &(d, w) in &base.slots[s] {
        load[d as usize * ctx.waves.len() + w] -= kg_now;
    }
    let mut next = base.clone();
    next.services[s] = svc;
    next.slots[s] = place(ctx, &load, s, svc.frequency());
    next
}

/// Kg collected per (day, wave) under `schedule`, indexed `day * waves + wave`.
fn slot_loads(ctx: &Ctx<'_>, schedule: &Schedule) -> Vec<f64> {
    let waves = ctx.waves.len();
    let mut load = vec![0.0f64; 7 * waves];
    for (s, slots) in schedule.slots.iter().enumerate() {
        let kg = per_pickup_kg(ctx, s, schedule.services[s].frequency());
        for &(d, w) in slots {
            load[d as usize * waves + w] += kg;
        }
    }
    load
}

/// The (day, wave) slots for supplier `s` at frequency `f` that keep the most loaded slot of
/// `load` lightest: evenly spaced days at the best offset, the least loaded open waves.
fn place(ctx: &Ctx<'_>, load: &[f64], s: usize, f: Frequency) -> Vec<(u32, usize)> {
    let waves = ctx.waves.len();
    let info = &ctx.suppliers[s];
    let per_pickup = per_pickup_kg(ctx, s, f);
    let open: Vec<usize> = (0..waves).filter(|&w| info.windows[w].is_some()).collect();
    // The same waves every visiting day (a stable timetable), evenly spaced.
    let wave_sets = wave_sets(&open, f.loops as usize);
    // Least pickups whose loading does not fit the supplier's hours in their wave first (they
    // are reported unrouted), then the most level load.
    let (mut best, mut best_slots) = ((usize::MAX, f64::INFINITY), Vec::new());
    for offset in 0..info.days.len().max(1) {
        let days = spread(&info.days, f.days as usize, offset);
        for set in &wave_sets {
            let mut trial = load.to_vec();
            let mut chosen = Vec::with_capacity(days.len() * set.len());
            for &d in &days {
                for &w in set {
                    trial[d as usize * waves + w] += per_pickup;
                    chosen.push((d, w));
                }
            }
            chosen.sort_unstable();
            let unloadable = unloadable(ctx, s, &chosen);
            // Level the slots: the sum of squared loads is least when they are even.
            let spread_cost: f64 = trial.iter().map(|x| x * x).sum();
            if unloadable < best.0 || (unloadable == best.0 && spread_cost < best.1 * (1.0 - 1e-12)) {
                best = (unloadable, spread_cost);
                best_slots = chosen;
            }
        }
    }
    best_slots
}

/// How many pickups of supplier `s` on `slots` (in time order) cannot be loaded within its
/// opening hours in their wave.
fn unloadable(ctx: &Ctx<'_>, s: usize, slots: &[(u32, usize)]) -> usize {
    let info = &ctx.suppliers[s];
    let times: Vec<CycleTime> = slots.iter().map(|&(d, w)| nominal_time(info, d, w)).collect();
    let q: Vec<Vec<u32>> = info.parts.iter().map(|p| stock::quantities(&p.consumption, &times)).collect();
    slots
        .iter()
        .enumerate()
        .filter(|&(k, &(day, wave))| {
            let p = make_pickup(ctx, s, day, wave, info.parts.iter().zip(&q).map(|(p, q)| (p, q[k])));
            loading_window(info, wave, p.service).is_none_or(|x| x.open > x.close)
        })
        .count()
}

/// The pickups of a schedule before routing.
struct Jobs {
    pickups: Vec<Pickup>,
    /// Per supplier, per part, the containers of each of its pickups (in slot order).
    part_quantities: Vec<Vec<Vec<u32>>>,
    /// The milk-run pickups to route, per (day, wave).
    by_slot: HashMap<(u32, usize), Vec<usize>>,
    /// Milk-run pickups no routing can serve: too big for the largest vehicle, or loading too
    /// long for the supplier's hours.
    issues: Vec<PlanIssue>,
}

/// Suppliers collected by milk run with a pickup no vehicle can serve (too big for the
/// largest, or loading too long for the supplier's hours in its wave).
fn unroutable_suppliers(ctx: &Ctx<'_>, schedule: &Schedule) -> Vec<usize> {
    let Jobs { pickups, issues, .. } = jobs(ctx, schedule);
    let mut out: Vec<usize> = issues
        .iter()
        .filter_map(|i| match i {
            PlanIssue::Unrouted { pickup, .. } => pickups.get(*pickup).map(|p| p.supplier),
            PlanIssue::StorageExceeded { .. } => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The pickups of `schedule` with their quantities, the milk-run ones per (day, wave).
fn jobs(ctx: &Ctx<'_>, schedule: &Schedule) -> Jobs {
    let mut pickups: Vec<Pickup> = Vec::new();
    let mut part_quantities: Vec<Vec<Vec<u32>>> = Vec::new();
    for (s, info) in ctx.suppliers.iter().enumerate() {
        let slots = &schedule.slots[s];
        let times: Vec<CycleTime> = slots.iter().map(|&(d, w)| nominal_time(info, d, w)).collect();
        let q: Vec<Vec<u32>> = info.parts.iter().map(|p| stock::quantities(&p.consumption, &times)).collect();
        for (k, &(day, wave)) in slots.iter().enumerate() {
            pickups.push(make_pickup(ctx, s, day, wave, info.parts.iter().zip(&q).map(|(p, q)| (p, q[k]))));
        }
        part_quantities.push(q);
    }
    let mut by_slot: HashMap<(u32, usize), Vec<usize>> = HashMap::new();
    let mut issues = Vec::new();
    let largest = largest_capacity(ctx.network);
    for (k, p) in pickups.iter().enumerate() {
        if matches!(schedule.services[p.supplier], Service::MilkRun(_)) {
            let fits = p.load.iter().chain(&p.empties).zip(largest.iter().chain(&largest)).all(|(l, c)| l <= c);
            if p.windows.iter().all(|w| w.open > w.close) {
                issues.push(PlanIssue::Unrouted {
                    pickup: k,
                    reason: format!(
                        "loading of {} s does not fit the supplier's opening hours in wave {}",
                        p.service.get(),
                        p.wave
                    ),
                });
            } else if fits {
                by_slot.entry((p.day, p.wave)).or_default().push(k);
            } else {
                issues.push(PlanIssue::Unrouted {
                    pickup: k,
                    reason: format!(
                        "load {:?} or empties {:?} exceed the largest vehicle {largest:?}",
                        p.load, p.empties
                    ),
                });
            }
        }
    }
    Jobs { pickups, part_quantities, by_slot, issues }
}

/// What identifies the (day, wave) problem of `members`, routed from the warm loops of `slot`
/// if `warm` has some.
fn slot_key(pickups: &[Pickup], members: &[usize], warm: &WarmLoops, slot: (u32, usize)) -> CacheKey {
    let jobs: SlotKey = members
        .iter()
        .map(|&k| {
            let p = &pickups[k];
            (p.supplier, p.load.clone(), p.empties.clone(), p.service.get(), p.windows.clone())
        })
        .collect();
    (jobs, warm.contains_key(&slot).then_some(slot))
}

/// The pickup of supplier `s` on (`day`, `wave`) collecting `(part, containers)`.
fn make_pickup<'a>(
    ctx: &Ctx<'_>,
    s: usize,
    day: u32,
    wave: usize,
    parts: impl Iterator<Item = (&'a PartInfo, u32)>,
) -> Pickup {
    let supplier = &ctx.inbound.suppliers[s];
    let (mut kg, mut places, mut empty_kg, mut empty_places) = (0.0f64, 0i64, 0.0f64, 0i64);
    let mut list = Vec::new();
    for (p, q) in parts {
        let per_place = i64::from(p.flow.per_place);
        let empties = if p.returnable { q } else { 0 };
        kg += f64::from(q) * p.gross_kg;
        places += (i64::from(q) + per_place - 1) / per_place;
        empty_kg += f64::from(empties) * p.tare_kg;
        empty_places += (i64::from(empties) + per_place - 1) / per_place;
        list.push(PartPickup { part: p.flow.part, containers: q, empties });
    }
    let service = supplier.loading + Duration(supplier.loading_per_place.get() * (places + empty_places));
    Pickup {
        supplier: s,
        day,
        wave,
        parts: list,
        load: vec![kg.round() as i64, places],
        empties: vec![empty_kg.round() as i64, empty_places],
        service,
        windows: loading_windows(ctx, s, wave, service),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn demo_plan(planner: &MilkRunPlanner) -> (Problem, Inbound, MilkRunPlan) {
        let (network, inbound) = crate::demo::automotive_inbound().unwrap();
        let plan = planner.plan(&network, &inbound).unwrap();
        (network, inbound, plan)
    }

    #[test]
    fn plans_rank_by_unrouted_pickups_then_places_over_the_limits_then_cost() {
        let planner = MilkRunPlanner::builder().iterations(40).max_candidates(2).build();
        let (_, _, plan) = demo_plan(&planner);
        assert!(plan.issues.is_empty(), "{:?}", plan.issues);
        let part = plan.stock[0].part;
        // A hundredth of a container over a limit loses to no overflow, however cheap.
        let mut tiny = plan.clone();
        tiny.issues.push(PlanIssue::StorageExceeded { part, peak: 4.01, max: 4 });
        tiny.kpis.total = Money(plan.kpis.total.get() / 2);
        assert!(rank(&plan) < rank(&tiny));
        // Overflows weigh by the places they need, not by their number.
        let mut large = plan.clone();
        large.issues.push(PlanIssue::StorageExceeded { part, peak: 7.5, max: 4 });
        let mut two_tiny = tiny.clone();
        two_tiny.issues.push(PlanIssue::StorageExceeded { part, peak: 4.2, max: 4 });
        two_tiny.kpis.total = plan.kpis.total;
        assert_eq!(rank(&large).1, 4);
        assert!(rank(&two_tiny) < rank(&large));
        // A pickup left unrouted weighs more than any overflow.
        let mut unrouted = plan.clone();
        unrouted.issues.push(PlanIssue::Unrouted { pickup: 0, reason: "test".into() });
        assert!(rank(&large) < rank(&unrouted));
    }

    #[test]
    fn a_time_limited_plan_passes_the_checker() {
        let planner =
            MilkRunPlanner::builder().iterations(80).time_limit(std::time::Duration::from_millis(300)).build();
        let (network, inbound, plan) = demo_plan(&planner);
        let report = check_plan(&network, &inbound, &plan);
        assert!(report.is_ok(), "{report}");
        assert!(plan.issues.is_empty(), "{:?}", plan.issues);
    }
}
