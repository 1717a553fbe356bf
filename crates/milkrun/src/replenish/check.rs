//! The independent checker of inventory routing plans: it replays a plan period by period and
//! reports its cost and every rule it breaks. It shares no code with the solver.

use std::fmt;

use super::problem::IrpProblem;

/// One delivery of a route: a store and the quantity dropped there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IrpDelivery {
    /// The store's index (node `store + 1`).
    pub store: usize,
    /// Units delivered.
    pub quantity: i64,
}

/// A vehicle's route in one period: from the depot through the deliveries, back to the depot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IrpRoute {
    /// Deliveries in visiting order.
    pub deliveries: Vec<IrpDelivery>,
}

/// A plan over the horizon: per period, the routes driven.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IrpPlan {
    /// `periods[t]` holds the routes of period `t` (at most one per vehicle).
    pub periods: Vec<Vec<IrpRoute>>,
}

impl IrpPlan {
    /// Number of store visits over the horizon.
    #[must_use]
    pub fn visits(&self) -> usize {
        self.periods.iter().flatten().map(|r| r.deliveries.len()).sum()
    }
}

/// When the maximum level applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MaxLevelRule {
    /// The level right after a delivery (before the period's consumption) may not exceed the
    /// maximum: the maximum-level policy of Archetti et al. (2007) and of the published bounds.
    #[default]
    AfterDelivery,
    /// Only the level at the end of each period may not exceed the maximum.
    EndOfPeriod,
}

/// The rules a plan is checked against.
///
/// The default is the benchmark convention (Archetti et al. 2007; `../shared/data/README.md`):
/// in each period deliveries happen first, then production and consumption; a store's level
/// after its delivery is at most its maximum and its level at each period end at least its
/// minimum; the depot ships only what it holds at the start of the period; holding cost is
/// charged on the levels at the end of periods `0..H` of the depot and every store (not on the
/// initial levels, unless `holding_on_initial_stock`: the published bounds exclude them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IrpRules {
    /// Where the maximum level applies.
    pub max_level: MaxLevelRule,
    /// Whether the depot may ship, in a period, what it produces in that period.
    pub ship_same_period_production: bool,
    /// Whether the initial levels are charged holding cost too (a constant; the formulation of
    /// Archetti et al. 2007 sums the levels at times `1..=H+1`, the first being the initial
    /// level, but the bounds of `../shared/data/IRP` leave it out).
    pub holding_on_initial_stock: bool,
}

impl Default for IrpRules {
    fn default() -> Self {
        Self {
            max_level: MaxLevelRule::AfterDelivery,
            ship_same_period_production: false,
            holding_on_initial_stock: false,
        }
    }
}

/// A broken rule. Periods are 0-based indices.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IrpViolation {
    /// The plan covers another number of periods than the horizon.
    WrongHorizon {
        /// Periods in the plan.
        periods: usize,
        /// The problem's horizon.
        horizon: usize,
    },
    /// More routes in a period than vehicles.
    TooManyRoutes {
        /// The period.
        period: usize,
        /// Routes in it.
        routes: usize,
        /// Vehicles available.
        vehicles: usize,
    },
    /// A delivery to a store that does not exist.
    UnknownStore {
        /// The period.
        period: usize,
        /// The index given.
        store: usize,
    },
    /// A store visited more than once in a period.
    VisitedTwice {
        /// The period.
        period: usize,
        /// The store.
        store: usize,
    },
    /// A negative delivery.
    NegativeQuantity {
        /// The period.
        period: usize,
        /// The store.
        store: usize,
        /// The quantity.
        quantity: i64,
    },
    /// A route carries more than the vehicle's capacity.
    OverCapacity {
        /// The period.
        period: usize,
        /// The route's index in the period.
        route: usize,
        /// Units on board leaving the depot.
        load: i64,
        /// The capacity.
        capacity: i64,
    },
    /// The depot ships more than it holds.
    DepotShort {
        /// The period.
        period: usize,
        /// Units shipped.
        shipped: i64,
        /// Units available to ship.
        available: i64,
    },
    /// A store's level below its minimum at a period end.
    BelowMinimum {
        /// The period.
        period: usize,
        /// The store.
        store: usize,
        /// The level.
        level: i64,
        /// The minimum.
        min: i64,
    },
    /// A store's level above its maximum (after the delivery or at the period end, by rule).
    AboveMaximum {
        /// The period.
        period: usize,
        /// The store.
        store: usize,
        /// The level.
        level: i64,
        /// The maximum.
        max: i64,
    },
}

impl fmt::Display for IrpViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongHorizon { periods, horizon } => write!(f, "plan has {periods} periods, the horizon {horizon}"),
            Self::TooManyRoutes { period, routes, vehicles } => {
                write!(f, "period {period}: {routes} routes for {vehicles} vehicles")
            }
            Self::UnknownStore { period, store } => write!(f, "period {period}: store {store} does not exist"),
            Self::VisitedTwice { period, store } => write!(f, "period {period}: store {store} visited twice"),
            Self::NegativeQuantity { period, store, quantity } => {
                write!(f, "period {period}: store {store} gets {quantity} units")
            }
            Self::OverCapacity { period, route, load, capacity } => {
                write!(f, "period {period}: route {route} carries {load} units, capacity {capacity}")
            }
            Self::DepotShort { period, shipped, available } => {
                write!(f, "period {period}: the depot ships {shipped} units and has {available}")
            }
            Self::BelowMinimum { period, store, level, min } => {
                write!(f, "period {period}: store {store} ends at {level}, minimum {min}")
            }
            Self::AboveMaximum { period, store, level, max } => {
                write!(f, "period {period}: store {store} reaches {level}, maximum {max}")
            }
        }
    }
}

/// What the checker found: the plan's cost and the rules it breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpReport {
    /// Travel cost of all routes.
    pub transport: i64,
    /// Holding cost at the depot and the stores.
    pub holding: f64,
    /// Every broken rule, in the order found.
    pub violations: Vec<IrpViolation>,
}

impl IrpReport {
    /// Transport plus holding.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.transport as f64 + self.holding
    }

    /// Whether no rule is broken.
    #[must_use]
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks a plan against a problem under `rules`.
///
/// Arguments: the problem, the plan, the rules. Returns the transport and holding cost and
/// every violation (an unknown store is reported and its delivery ignored in the replay).
///
/// # Complexity
/// O(H · n + deliveries) time, O(n) space.
#[must_use]
pub fn check_irp(problem: &IrpProblem, plan: &IrpPlan, rules: &IrpRules) -> IrpReport {
    let n = problem.stores.len();
    let mut violations = Vec::new();
    let mut transport = 0_i64;
    if plan.periods.len() != problem.horizon {
        violations.push(IrpViolation::WrongHorizon { periods: plan.periods.len(), horizon: problem.horizon });
    }
    let mut level: Vec<i64> = problem.stores.iter().map(|s| s.initial).collect();
    let mut depot = problem.depot.initial;
    let mut holding = 0.0;
    if rules.holding_on_initial_stock {
        holding += depot as f64 * problem.depot.holding_cost;
        holding += problem.stores.iter().map(|s| s.initial as f64 * s.holding_cost).sum::<f64>();
    }
    let empty = Vec::new();
    for t in 0..problem.horizon {
        let routes = plan.periods.get(t).unwrap_or(&empty);
        if routes.len() > problem.vehicles {
            violations.push(IrpViolation::TooManyRoutes {
                period: t,
                routes: routes.len(),
                vehicles: problem.vehicles,
            });
        }
        let mut delivered = vec![0_i64; n];
        let mut visited = vec![false; n];
        let mut shipped = 0_i64;
        for (r, route) in routes.iter().enumerate() {
            let mut load = 0_i64;
            let mut at = 0_usize;
            for d in &route.deliveries {
                if d.store >= n {
                    violations.push(IrpViolation::UnknownStore { period: t, store: d.store });
                    continue;
                }
                if visited[d.store] {
                    violations.push(IrpViolation::VisitedTwice { period: t, store: d.store });
                }
                visited[d.store] = true;
                if d.quantity < 0 {
                    violations.push(IrpViolation::NegativeQuantity { period: t, store: d.store, quantity: d.quantity });
                }
                transport += problem.cost(at, d.store + 1);
                at = d.store + 1;
                load += d.quantity;
                delivered[d.store] += d.quantity;
            }
            transport += problem.cost(at, 0);
            if load > problem.capacity {
                violations.push(IrpViolation::OverCapacity { period: t, route: r, load, capacity: problem.capacity });
            }
            shipped += load;
        }
        let production = problem.depot.production[t];
        let available = if rules.ship_same_period_production { depot + production } else { depot };
        if shipped > available {
            violations.push(IrpViolation::DepotShort { period: t, shipped, available });
        }
        depot += production - shipped;
        holding += depot as f64 * problem.depot.holding_cost;
        for (k, store) in problem.stores.iter().enumerate() {
            let after_delivery = level[k] + delivered[k];
            if rules.max_level == MaxLevelRule::AfterDelivery && delivered[k] > 0 && after_delivery > store.max_level {
                violations.push(IrpViolation::AboveMaximum {
                    period: t,
                    store: k,
                    level: after_delivery,
                    max: store.max_level,
                });
            }
            level[k] = after_delivery - store.consumption[t];
            if rules.max_level == MaxLevelRule::EndOfPeriod && level[k] > store.max_level {
                violations.push(IrpViolation::AboveMaximum {
                    period: t,
                    store: k,
                    level: level[k],
                    max: store.max_level,
                });
            }
            if level[k] < store.min_level {
                violations.push(IrpViolation::BelowMinimum {
                    period: t,
                    store: k,
                    level: level[k],
                    min: store.min_level,
                });
            }
            holding += level[k] as f64 * store.holding_cost;
        }
    }
    IrpReport { transport, holding, violations }
}
