//! The inventory routing problem: one depot (supplier or warehouse) makes or receives stock and
//! serves stores whose stock it manages, over a horizon of periods, with a fleet of identical
//! vehicles.

use milkrun_formats::IrpInstance;

use crate::error::Error;

/// The depot: where vehicles start and end, and where the product is made or received.
///
/// # Units
/// Quantities in product units; holding cost in money per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpDepot {
    /// Stock at the start of period 0.
    pub initial: i64,
    /// Units made or received in each period (the length is the horizon).
    pub production: Vec<i64>,
    /// Cost of holding one unit over one period end.
    pub holding_cost: f64,
}

/// A store (retailer) whose stock the depot manages.
///
/// # Units
/// Quantities in product units; holding cost in money per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpStore {
    /// Stock at the start of period 0.
    pub initial: i64,
    /// Largest stock allowed: the level right after a delivery may not exceed it.
    pub max_level: i64,
    /// Smallest stock allowed at the end of every period.
    pub min_level: i64,
    /// Units consumed in each period (the length is the horizon).
    pub consumption: Vec<i64>,
    /// Cost of holding one unit over one period end.
    pub holding_cost: f64,
}

/// The raw data of an inventory routing problem; [`IrpSpec::validate`] checks it once.
///
/// Node 0 is the depot, node `k + 1` is store `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpSpec {
    /// A name for messages and reports.
    pub name: String,
    /// Capacity of each vehicle, in product units.
    pub vehicle_capacity: i64,
    /// Vehicles available in every period.
    pub vehicles: usize,
    /// Travel cost between nodes, a square matrix over the depot and the stores.
    pub travel_cost: Vec<Vec<i64>>,
    /// The depot.
    pub depot: IrpDepot,
    /// The stores.
    pub stores: Vec<IrpStore>,
}

/// A validated inventory routing problem.
///
/// Built by [`IrpSpec::validate`] or [`IrpProblem::from_instance`]; its invariants: at least
/// one period, every per-period vector as long as the horizon, quantities non-negative,
/// `min_level <= max_level`, holding costs finite and non-negative, a square non-negative
/// travel-cost matrix over the depot and the stores, positive capacity and at least one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct IrpProblem {
    pub(crate) name: String,
    pub(crate) horizon: usize,
    pub(crate) capacity: i64,
    pub(crate) vehicles: usize,
    pub(crate) nodes: usize,
    pub(crate) travel: Vec<i64>,
    pub(crate) depot: IrpDepot,
    pub(crate) stores: Vec<IrpStore>,
}

fn invalid(item: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidInput { item: item.into(), reason: reason.into() }
}

impl IrpSpec {
    /// Checks the data and returns the problem.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the depot, the store (by index) or the matrix entry and
    /// what is wrong with it.
    pub fn validate(self) -> Result<IrpProblem, Error> {
        let horizon = self.depot.production.len();
        if horizon == 0 {
            return Err(invalid("depot", "production is given for no period: the horizon is empty"));
        }
        if self.vehicle_capacity <= 0 {
            return Err(invalid("fleet", format!("vehicle capacity {} is not positive", self.vehicle_capacity)));
        }
        if self.vehicles == 0 {
            return Err(invalid("fleet", "no vehicle"));
        }
        let depot = &self.depot;
        if depot.initial < 0 || depot.production.iter().any(|&p| p < 0) {
            return Err(invalid("depot", "negative initial stock or production"));
        }
        if !(depot.holding_cost.is_finite() && depot.holding_cost >= 0.0) {
            return Err(invalid(
                "depot",
                format!("holding cost {} is not a finite non-negative number", depot.holding_cost),
            ));
        }
        for (k, s) in self.stores.iter().enumerate() {
            let item = format!("store {k}");
            if s.consumption.len() != horizon {
                return Err(invalid(
                    item,
                    format!(
                        "consumption is given for {} periods, the depot's production for {horizon}",
                        s.consumption.len()
                    ),
                ));
            }
            if s.initial < 0 || s.min_level < 0 || s.consumption.iter().any(|&c| c < 0) {
                return Err(invalid(item, "negative initial stock, minimum level or consumption"));
            }
            if s.min_level > s.max_level {
                return Err(invalid(
                    item,
                    format!("minimum level {} above maximum level {}", s.min_level, s.max_level),
                ));
            }
            if !(s.holding_cost.is_finite() && s.holding_cost >= 0.0) {
                return Err(invalid(
                    item,
                    format!("holding cost {} is not a finite non-negative number", s.holding_cost),
                ));
            }
        }
        let nodes = self.stores.len() + 1;
        if self.travel_cost.len() != nodes {
            return Err(invalid(
                "travel cost",
                format!("{} rows for {nodes} nodes (the depot and {} stores)", self.travel_cost.len(), nodes - 1),
            ));
        }
        let mut travel = Vec::with_capacity(nodes * nodes);
        for (i, row) in self.travel_cost.iter().enumerate() {
            if row.len() != nodes {
                return Err(invalid(
                    format!("travel cost row {i}"),
                    format!("{} entries for {nodes} nodes", row.len()),
                ));
            }
            if let Some(j) = row.iter().position(|&c| c < 0) {
                return Err(invalid(format!("travel cost {i} -> {j}"), "negative"));
            }
            travel.extend_from_slice(row);
        }
        Ok(IrpProblem {
            name: self.name,
            horizon,
            capacity: self.vehicle_capacity,
            vehicles: self.vehicles,
            nodes,
            travel,
            depot: self.depot,
            stores: self.stores,
        })
    }
}

impl IrpProblem {
    /// The problem of a benchmark instance (Archetti et al. 2007 format): constant production
    /// and consumption, travel cost the rounded Euclidean distance.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the instance has no period or no vehicle.
    pub fn from_instance(instance: &IrpInstance) -> Result<Self, Error> {
        let horizon = instance.horizon as usize;
        let nodes = instance.nodes();
        let travel_cost = (0..nodes)
            // Both indices are below `nodes`: `try_distance` cannot return `None` here.
            .map(|i| (0..nodes).map(|j| instance.try_distance(i, j).unwrap_or(i64::MAX)).collect())
            .collect();
        let depot = IrpDepot {
            initial: instance.supplier.initial,
            production: vec![instance.supplier.production; horizon],
            holding_cost: instance.supplier.holding_cost,
        };
        let stores = instance
            .retailers
            .iter()
            .map(|r| IrpStore {
                initial: r.initial,
                max_level: r.max_level,
                min_level: r.min_level,
                consumption: vec![r.consumption; horizon],
                holding_cost: r.holding_cost,
            })
            .collect();
        IrpSpec {
            name: instance.name.clone(),
            vehicle_capacity: instance.vehicle_capacity,
            vehicles: instance.vehicles as usize,
            travel_cost,
            depot,
            stores,
        }
        .validate()
    }

    /// The problem's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of periods.
    #[must_use]
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Capacity of each vehicle.
    #[must_use]
    pub fn vehicle_capacity(&self) -> i64 {
        self.capacity
    }

    /// Vehicles available per period.
    #[must_use]
    pub fn vehicles(&self) -> usize {
        self.vehicles
    }

    /// The depot.
    #[must_use]
    pub fn depot(&self) -> &IrpDepot {
        &self.depot
    }

    /// The stores; store `k` is node `k + 1`.
    #[must_use]
    pub fn stores(&self) -> &[IrpStore] {
        &self.stores
    }

    /// Travel cost from node `i` to node `j` (0 = the depot, `k + 1` = store `k`), `None` if a
    /// node does not exist.
    #[must_use]
    pub fn travel_cost(&self, i: usize, j: usize) -> Option<i64> {
        (i < self.nodes && j < self.nodes).then(|| self.travel[i * self.nodes + j])
    }

    /// Holding cost and shortage (units below the minimum level, each raised back to it) of
    /// the quantities `q[store * H + t]`, deliveries first in each period.
    pub(crate) fn holding_and_shortage(&self, q: &[i64]) -> (f64, i64) {
        let h = self.horizon;
        let mut depot = self.depot.initial;
        let mut holding = 0.0;
        let mut shortage = 0;
        let mut level: Vec<i64> = self.stores.iter().map(|s| s.initial).collect();
        for t in 0..h {
            let shipped: i64 = (0..self.stores.len()).map(|i| q[i * h + t]).sum();
            depot += self.depot.production[t] - shipped;
            holding += depot as f64 * self.depot.holding_cost;
            for (i, s) in self.stores.iter().enumerate() {
                level[i] += q[i * h + t] - s.consumption[t];
                if level[i] < s.min_level {
                    shortage += s.min_level - level[i];
                    level[i] = s.min_level;
                }
                holding += level[i] as f64 * s.holding_cost;
            }
        }
        (holding, shortage)
    }

    /// Travel cost between nodes known to exist (inner loops).
    #[inline]
    pub(crate) fn cost(&self, i: usize, j: usize) -> i64 {
        self.travel[i * self.nodes + j]
    }
}
