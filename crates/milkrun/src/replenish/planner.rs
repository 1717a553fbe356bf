//! The replenishment planner: outbound milk runs from a warehouse to stores whose stock it
//! manages (vendor-managed inventory), in domain terms: sites of a travel matrix, stock
//! positions from the inventory engine, daily demand forecasts, money per kilometre.

use std::time::Duration as StdDuration;

use milkrun_inventory::Position;
use milkrun_model::{Distance, Money, SiteId, TravelMatrix};

use super::check::{IrpPlan, IrpReport, IrpViolation};
use super::problem::{IrpDepot, IrpSpec, IrpStore};
use super::solver::{IrpProgress, IrpSolver, IrpSolverConfig};
use crate::error::Error;

/// A store the warehouse replenishes.
///
/// # Units
/// Stock in whole units of the product; holding cost in minor units of money per unit and day.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreStock {
    /// Name, for reports and errors.
    pub name: String,
    /// The store's site in the travel matrix.
    pub site: SiteId,
    /// Units on hand now (the start of day 0).
    pub on_hand: i64,
    /// Units that must remain at the end of every day (safety stock).
    pub min_level: i64,
    /// Most units the store can hold right after a delivery.
    pub max_level: i64,
    /// Forecast demand per day of the horizon.
    pub daily_demand: Vec<f64>,
    /// Cost of holding one unit over one night.
    pub holding_cost: f64,
}

impl StoreStock {
    /// A store whose stock comes from the inventory engine's position (whole units on hand,
    /// rounded down: a part unit cannot be sold) and whose demand is a forecast per day (for
    /// instance `Fitted::forecast(days)` of [`milkrun_inventory::forecast`]).
    #[must_use]
    pub fn from_position(
        name: impl Into<String>,
        site: SiteId,
        position: &Position,
        (min_level, max_level): (i64, i64),
        daily_demand: Vec<f64>,
        holding_cost: f64,
    ) -> Self {
        // `on_hand` is finite and non-negative in a ledger; the cast saturates otherwise.
        let on_hand = position.on_hand.floor() as i64;
        Self { name: name.into(), site, on_hand, min_level, max_level, daily_demand, holding_cost }
    }
}

/// The warehouse the vehicles start from.
///
/// # Units
/// Stock in whole units; holding cost in minor units of money per unit and day.
#[derive(Debug, Clone, PartialEq)]
pub struct WarehouseStock {
    /// The warehouse's site in the travel matrix.
    pub site: SiteId,
    /// Units on hand now.
    pub on_hand: i64,
    /// Units arriving each day of the horizon (usable from the next day on).
    pub inflow: Vec<i64>,
    /// Cost of holding one unit over one night.
    pub holding_cost: f64,
}

/// The delivery fleet: identical vehicles, each doing at most one route a day.
///
/// # Units
/// Capacity in units of the product; cost in minor units of money per kilometre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliveryFleet {
    /// Vehicles available every day.
    pub vehicles: usize,
    /// Units one vehicle carries.
    pub capacity: i64,
    /// Running cost per kilometre driven.
    pub cost_per_km: f64,
}

/// What to plan: the network, the warehouse, the stores and the fleet over a horizon of days
/// (the length of the warehouse's inflow; every store's forecast must be as long).
#[derive(Debug, Clone, Copy)]
pub struct ReplenishmentInput<'a> {
    /// Distances between the sites.
    pub travel: &'a TravelMatrix,
    /// The warehouse.
    pub warehouse: &'a WarehouseStock,
    /// The stores.
    pub stores: &'a [StoreStock],
    /// The fleet.
    pub fleet: DeliveryFleet,
}

/// One delivery route of one day.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRoute {
    /// Stops in order: the store (index into the input's stores) and the units dropped.
    pub stops: Vec<(usize, i64)>,
    /// Distance from the warehouse through the stops and back.
    pub distance: Distance,
    /// Running cost of the route.
    pub cost: Money,
}

/// A replenishment plan over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplenishmentPlan {
    /// Per day, the routes driven.
    pub days: Vec<Vec<DeliveryRoute>>,
    /// Per store, its predicted stock at the end of each day.
    pub store_levels: Vec<Vec<i64>>,
    /// The warehouse's predicted stock at the end of each day.
    pub warehouse_levels: Vec<i64>,
    /// The plan as the independent checker sees it: transport (in minor units of money,
    /// rounded per leg), holding cost and the rules broken (with the store's index; empty when
    /// every store stays within its levels and every route within capacity).
    pub report: IrpReport,
}

impl ReplenishmentPlan {
    /// Whether every store stays within its levels and every route within capacity.
    #[must_use]
    pub fn is_feasible(&self) -> bool {
        self.report.is_feasible()
    }

    /// The routes of the first day: what to dispatch now when the plan is re-made every day
    /// from the latest readings (rolling horizon).
    #[must_use]
    pub fn first_day(&self) -> &[DeliveryRoute] {
        self.days.first().map_or(&[], Vec::as_slice)
    }

    /// Total distance driven.
    #[must_use]
    pub fn distance(&self) -> Distance {
        Distance(self.days.iter().flatten().map(|r| r.distance.get()).sum())
    }

    /// The broken rules, if any.
    #[must_use]
    pub fn issues(&self) -> &[IrpViolation] {
        &self.report.violations
    }
}

/// Plans when to visit each store, how much to deliver and the routes, over a horizon of days,
/// at the least transport plus holding cost, every store between its minimum and maximum
/// level (inventory routing; the method is [`IrpSolver`]'s).
///
/// Demand forecasts are rounded up to whole units per day, so that the plan covers them.
/// Used on a rolling horizon, re-plan every day from the latest positions and dispatch
/// [`ReplenishmentPlan::first_day`].
///
/// ```
/// use milkrun::model::{Coordinates, Rounding, SiteId, Speed, TravelMatrix};
/// use milkrun::replenish::{DeliveryFleet, ReplenishmentInput, ReplenishmentPlanner, StoreStock, WarehouseStock};
///
/// let at = |x: f64, y: f64| Coordinates::Planar { x, y };
/// let coords = [at(0.0, 0.0), at(8_000.0, 0.0), at(0.0, 12_000.0), at(9_000.0, 9_000.0)];
/// let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(14.0))?;
/// let store = |k: usize, on_hand, rate: f64| StoreStock {
///     name: format!("store {k}"), site: SiteId::from_index(k), on_hand, min_level: 5,
///     max_level: 60, daily_demand: vec![rate; 7], holding_cost: 2.0,
/// };
/// let warehouse = WarehouseStock { site: SiteId::from_index(0), on_hand: 300, inflow: vec![40; 7], holding_cost: 1.0 };
/// let stores = [store(1, 30, 10.0), store(2, 20, 15.0), store(3, 40, 8.0)];
/// let fleet = DeliveryFleet { vehicles: 1, capacity: 100, cost_per_km: 90.0 };
/// let input = ReplenishmentInput { travel: &travel, warehouse: &warehouse, stores: &stores, fleet };
/// let plan = ReplenishmentPlanner::builder().seed(3).iterations(300).build().plan(&input)?;
/// assert!(plan.is_feasible());
/// assert!(plan.store_levels.iter().flatten().all(|&level| level >= 5));
/// # Ok::<(), milkrun::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReplenishmentPlanner {
    seed: u64,
    iterations: u64,
    time_limit: Option<StdDuration>,
}

/// Builder of [`ReplenishmentPlanner`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReplenishmentPlannerBuilder {
    planner: ReplenishmentPlanner,
}

impl ReplenishmentPlannerBuilder {
    /// Seed of the search (same seed and iterations, same plan).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.planner.seed = seed;
        self
    }

    /// Iterations of the search (default 2000).
    #[must_use]
    pub fn iterations(mut self, iterations: u64) -> Self {
        self.planner.iterations = iterations;
        self
    }

    /// Also stop after this much time (the plan then depends on the machine's speed).
    #[must_use]
    pub fn time_limit(mut self, limit: StdDuration) -> Self {
        self.planner.time_limit = Some(limit);
        self
    }

    /// The planner.
    #[must_use]
    pub fn build(self) -> ReplenishmentPlanner {
        self.planner
    }
}

impl ReplenishmentPlanner {
    /// A builder with seed 1 and 2000 iterations.
    #[must_use]
    pub fn builder() -> ReplenishmentPlannerBuilder {
        ReplenishmentPlannerBuilder { planner: Self { seed: 1, iterations: 2000, time_limit: None } }
    }

    /// Plans the horizon.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the store, the warehouse or the fleet when a forecast is
    /// not as long as the horizon, a quantity is negative or not finite, a site is not in the
    /// travel matrix, or levels are inverted.
    pub fn plan(&self, input: &ReplenishmentInput<'_>) -> Result<ReplenishmentPlan, Error> {
        self.plan_with_progress(input, |_| {})
    }

    /// Plans the horizon, calling `progress` as the search goes (see [`IrpProgress`]).
    ///
    /// # Errors
    /// As [`ReplenishmentPlanner::plan`].
    pub fn plan_with_progress(
        &self,
        input: &ReplenishmentInput<'_>,
        progress: impl FnMut(&IrpProgress),
    ) -> Result<ReplenishmentPlan, Error> {
        let spec = to_spec(input)?;
        let problem = spec.validate()?;
        let mut config = IrpSolverConfig::default().seed(self.seed).max_iterations(self.iterations);
        config.max_time = self.time_limit;
        let solved = IrpSolver::new(config).on_progress(progress).solve(&problem);
        Ok(to_plan(input, &solved.plan, solved.report))
    }
}

fn invalid(item: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidInput { item: item.into(), reason: reason.into() }
}

/// The money cost of driving from site `a` to site `b`.
fn leg_cost(input: &ReplenishmentInput<'_>, a: SiteId, b: SiteId) -> i64 {
    let metres = input.travel.distance(a.index(), b.index()).get() as f64;
    (metres / 1000.0 * input.fleet.cost_per_km).round() as i64
}

fn to_spec(input: &ReplenishmentInput<'_>) -> Result<IrpSpec, Error> {
    let horizon = input.warehouse.inflow.len();
    let size = input.travel.size();
    let fleet = input.fleet;
    if !(fleet.cost_per_km.is_finite() && fleet.cost_per_km >= 0.0) {
        return Err(invalid("fleet", format!("cost per km {} is not a finite non-negative number", fleet.cost_per_km)));
    }
    if input.warehouse.site.index() >= size {
        return Err(invalid(
            "warehouse",
            format!("site {} is not in the travel matrix ({size} sites)", input.warehouse.site.index()),
        ));
    }
    let w = input.warehouse;
    if horizon == 0 {
        return Err(invalid("warehouse", "the inflow covers no day: the horizon is empty"));
    }
    if w.on_hand < 0 || w.inflow.iter().any(|&q| q < 0) {
        return Err(invalid("warehouse", "negative stock on hand or inflow"));
    }
    if !(w.holding_cost.is_finite() && w.holding_cost >= 0.0) {
        return Err(invalid(
            "warehouse",
            format!("holding cost {} is not a finite non-negative number", w.holding_cost),
        ));
    }
    let mut stores = Vec::with_capacity(input.stores.len());
    for s in input.stores {
        if s.site.index() >= size {
            return Err(invalid(
                &s.name,
                format!("site {} is not in the travel matrix ({size} sites)", s.site.index()),
            ));
        }
        if s.daily_demand.len() != horizon {
            return Err(invalid(
                &s.name,
                format!(
                    "demand forecast covers {} days, the horizon (warehouse inflow) {horizon}",
                    s.daily_demand.len()
                ),
            ));
        }
        if let Some(d) = s.daily_demand.iter().find(|d| !(d.is_finite() && **d >= 0.0)) {
            return Err(invalid(&s.name, format!("daily demand {d} is not a finite non-negative number")));
        }
        if s.on_hand < 0 || s.min_level < 0 {
            return Err(invalid(
                &s.name,
                format!("negative stock on hand ({}) or minimum level ({})", s.on_hand, s.min_level),
            ));
        }
        if s.min_level > s.max_level {
            return Err(invalid(&s.name, format!("minimum level {} above maximum level {}", s.min_level, s.max_level)));
        }
        if !(s.holding_cost.is_finite() && s.holding_cost >= 0.0) {
            return Err(invalid(
                &s.name,
                format!("holding cost {} is not a finite non-negative number", s.holding_cost),
            ));
        }
        stores.push(IrpStore {
            initial: s.on_hand,
            max_level: s.max_level,
            min_level: s.min_level,
            // Finite and non-negative (checked above): the cast is exact up to 2^53.
            consumption: s.daily_demand.iter().map(|d| d.ceil() as i64).collect(),
            holding_cost: s.holding_cost,
        });
    }
    let sites: Vec<SiteId> = std::iter::once(input.warehouse.site).chain(input.stores.iter().map(|s| s.site)).collect();
    let travel_cost = sites.iter().map(|&a| sites.iter().map(|&b| leg_cost(input, a, b)).collect()).collect();
    Ok(IrpSpec {
        name: "replenishment".into(),
        vehicle_capacity: fleet.capacity,
        vehicles: fleet.vehicles,
        travel_cost,
        depot: IrpDepot {
            initial: input.warehouse.on_hand,
            production: input.warehouse.inflow.clone(),
            holding_cost: input.warehouse.holding_cost,
        },
        stores,
    })
}

fn to_plan(input: &ReplenishmentInput<'_>, plan: &IrpPlan, report: IrpReport) -> ReplenishmentPlan {
    let horizon = input.warehouse.inflow.len();
    let n = input.stores.len();
    let site = |store: Option<usize>| store.map_or(input.warehouse.site, |k| input.stores[k].site);
    let mut delivered = vec![vec![0_i64; horizon]; n];
    let days = plan
        .periods
        .iter()
        .enumerate()
        .map(|(t, routes)| {
            routes
                .iter()
                .map(|route| {
                    let mut at = None;
                    let mut metres = 0;
                    let mut cost = 0;
                    for d in &route.deliveries {
                        metres += input.travel.distance(site(at).index(), site(Some(d.store)).index()).get();
                        cost += leg_cost(input, site(at), site(Some(d.store)));
                        delivered[d.store][t] += d.quantity;
                        at = Some(d.store);
                    }
                    metres += input.travel.distance(site(at).index(), input.warehouse.site.index()).get();
                    cost += leg_cost(input, site(at), input.warehouse.site);
                    DeliveryRoute {
                        stops: route.deliveries.iter().map(|d| (d.store, d.quantity)).collect(),
                        distance: Distance(metres),
                        cost: Money(cost),
                    }
                })
                .collect()
        })
        .collect();
    let store_levels = input
        .stores
        .iter()
        .zip(&delivered)
        .map(|(s, got)| {
            let mut level = s.on_hand;
            (0..horizon)
                .map(|t| {
                    level += got[t] - s.daily_demand[t].ceil() as i64;
                    level
                })
                .collect()
        })
        .collect();
    let mut level = input.warehouse.on_hand;
    let warehouse_levels = (0..horizon)
        .map(|t| {
            level += input.warehouse.inflow[t] - delivered.iter().map(|d| d[t]).sum::<i64>();
            level
        })
        .collect();
    ReplenishmentPlan { days, store_levels, warehouse_levels, report }
}
