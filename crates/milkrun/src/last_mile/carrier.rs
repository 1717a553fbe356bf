//! Carrier selection for the vans of a last-mile day: run each van's route on the own fleet,
//! or hand its jobs to carriers' rate cards; and, job by job, which jobs a carrier takes for
//! less than the route saves without them.
//!
//! The pricing and the choice are [`milkrun_cost::carrier`]'s ([`choose_for_route`],
//! [`choose_carrier`]); this module builds their inputs from the day's plan: the own fleet's
//! cost from [`route_cost`] over the route's distance and duration as the model's checker
//! reports them, its CO2e from [`route_emissions`] with the load on board on each leg, and one
//! carrier [`Shipment`] per job.

use milkrun_cost::carrier::{
    choose_carrier, choose_for_route, Carrier, CarrierSelection, Objective, Offer, OwnFleetOffer, Provider,
    RouteChoice, RouteProvider, Shipment, ShipmentChoice,
};
use milkrun_cost::emissions::{route_emissions, CarrierRegistry, ConsumptionModel, Emissions, Leg, RouteEmissions};
use milkrun_cost::tariff::{route_cost, CostBreakdown, RouteUsage, Tariff};
use milkrun_model::{
    check_solution, Distance, Duration, Job, JobId, JobKind, Kilograms, Load, Money, Route, SiteId, Solution,
};

use super::{LastMileDay, VehicleId};
use crate::error::Error;

/// Which load dimension of the day's problem is a mass, and how many kilograms one unit of it
/// weighs. Carriers charge per kilogram and ISO 14083 counts tonne-kilometres, so the loads of
/// the jobs must become kilograms.
///
/// # Units
/// `kg_per_unit` in kilograms per unit of the dimension (1.0 when the dimension counts
/// kilograms, as in [`crate::demo::last_mile_day`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadMass {
    /// Index of the dimension in [`Problem::dimensions`](milkrun_model::Problem::dimensions).
    pub dimension: usize,
    /// Kilograms per unit of that dimension; finite and positive.
    pub kg_per_unit: f64,
}

impl LoadMass {
    /// Dimension `dimension` counts kilograms.
    #[must_use]
    pub const fn kilograms(dimension: usize) -> Self {
        Self { dimension, kg_per_unit: 1.0 }
    }

    /// Dimension `dimension` counts units of `kg_per_unit` kilograms (parcels of a standard
    /// weight, crates...).
    #[must_use]
    pub const fn per_unit(dimension: usize, kg_per_unit: f64) -> Self {
        Self { dimension, kg_per_unit }
    }

    fn kg(self, load: &Load) -> Option<f64> {
        load.amounts().get(self.dimension).map(|&a| a as f64 * self.kg_per_unit)
    }
}

/// How the own fleet's vans are priced: one tariff and one consumption model for every van of
/// the day, the energy carriers' emission factors, and the mass of the loads.
#[derive(Debug, Clone, Copy)]
pub struct OwnFleet<'a> {
    /// The vans' charges. A van that runs pays `fixed_per_day` once plus [`route_cost`] of its
    /// route; a van whose every job goes to carriers stays home and pays nothing.
    pub tariff: &'a Tariff,
    /// The vans' consumption model (its payload bounds the load on board, in kg).
    pub vehicle: &'a ConsumptionModel,
    /// Emission factors of the energy carriers; must hold the model's carrier.
    pub energy: &'a CarrierRegistry,
    /// How the jobs' loads become kilograms.
    pub mass: LoadMass,
}

/// The own fleet against the carriers for one van's route, by route and by job, with every
/// alternative priced.
///
/// Shipment ids are job indices: shipment `id` is `JobId(id)`.
///
/// # Units
/// Money in minor units; masses in kg; distances in metres; emissions in kg CO2e
/// (well-to-wheel decides).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteCarrierChoice {
    /// The van.
    pub vehicle: VehicleId,
    /// The route's jobs, in the order of their first stop.
    pub jobs: Vec<JobId>,
    /// The carrier shipment of each job, in the order of `jobs`: its mass, and the travel
    /// matrix's distance from the van's depot to a delivery, from a return to the depot, or
    /// from a shipment's pickup to its delivery.
    pub shipments: Vec<Shipment>,
    /// What the route used, as priced: the checker's distance and shortest duration (the van
    /// leaves as late as the stops' windows allow, which may be later than the day's planned
    /// departure), the waiting left in that schedule, and the stops.
    pub usage: RouteUsage,
    /// The route's cost on the own fleet, the day's fixed charge included (all zero for a van
    /// with no work).
    pub cost: CostBreakdown,
    /// Its emissions leg by leg with the load on board, empty running included; `None` for a
    /// van with no work.
    pub emissions: Option<RouteEmissions>,
    /// The route on the own fleet (`cost.total`, `emissions`) against each job with its best
    /// carrier, and the better of the two.
    pub route: RouteChoice,
    /// Job by job, the own fleet's marginal offer (what the route saves without the job,
    /// see [`LastMileDay::carrier_options`]) against every carrier's quote, and the best.
    pub per_job: CarrierSelection,
}

impl RouteCarrierChoice {
    /// Who should carry the route's jobs under the objective.
    #[must_use]
    pub fn chosen(&self) -> RouteProvider {
        self.route.chosen
    }

    /// The jobs a carrier takes for less (under the objective) than the route saves without
    /// them, each judged alone.
    pub fn jobs_to_carriers(&self) -> impl Iterator<Item = &ShipmentChoice> {
        self.per_job.shipments.iter().filter(|s| matches!(s.chosen, Provider::Carrier(_)))
    }
}

/// A route priced on the own fleet.
struct Priced {
    usage: RouteUsage,
    cost: CostBreakdown,
    emissions: Option<RouteEmissions>,
}

impl Priced {
    fn offer(&self) -> Offer {
        Offer { cost: self.cost.total, emissions: self.emissions.as_ref().map_or(Emissions::ZERO, |e| e.emissions) }
    }
}

impl LastMileDay {
    /// For each van's route of the day's plan as it stands ([`LastMileDay::current_solution`]),
    /// the own fleet against carriers' rate cards: the whole route, and job by job.
    ///
    /// # Arguments
    /// * `fleet`: the vans' tariff, consumption model, emission factors and the loads' mass.
    /// * `carriers`: the carriers ([`Provider::Carrier`] indexes this slice); none leaves the
    ///   own fleet as the only option.
    /// * `objective`: cost, CO2e or both with a carbon price; ties as in
    ///   [`milkrun_cost::carrier`].
    ///
    /// # Returns
    /// One [`RouteCarrierChoice`] per vehicle, indexed by [`VehicleId`] (vans with no work
    /// included, at zero). Each holds:
    /// - the route on the own fleet: [`route_cost`] over the checker's distance and shortest
    ///   duration plus the tariff's fixed charge, and [`route_emissions`] over its legs with
    ///   the load on board (deliveries loaded at the start, returns and shipments picked up
    ///   along the way), empty running included;
    /// - the carriers' alternative, each job a [`Shipment`] of its mass over the shortest
    ///   distance the travel matrix knows (ISO 14083): from the van's start site (the depot)
    ///   to a delivery, from a return to the van's end site (its start site on an open route),
    ///   from a shipment's pickup to its delivery; and the choice of [`choose_for_route`];
    /// - job by job, [`choose_carrier`] with the own fleet's marginal offer: the route's cost
    ///   and CO2e minus those of the same route without the job.
    ///
    /// Every job on a route is priced (a job no carrier takes makes the carriers' alternative
    /// of its route [`CostError::Unserved`](milkrun_cost::CostError::Unserved), and the route
    /// stays on the own fleet). Jobs on no route (open or cancelled) are not considered.
    ///
    /// # Approximations
    /// - The whole route is priced, stops already done included: the comparison is meant for
    ///   the plan before the vans leave (or after a re-plan, as a what-if); it does not price
    ///   only what is left from where a van is.
    /// - Durations are the checker's shortest: the van leaves as late as the stops' windows
    ///   allow (not at the day's planned departure), with or without a job alike.
    /// - The route without a job keeps the other stops in the same order (it is not
    ///   re-optimised); with time windows the saving may be small or even negative (the van
    ///   waits instead), or large (without an early job the van leaves later). Savings are those of
    ///   one job alone: they do not add up when several jobs leave the route, so the jobs a
    ///   carrier takes more cheaply one by one are candidates, not a plan. The last job of a
    ///   route saves the whole route, fixed charge included.
    /// - A job that both delivers and collects at its stop is one shipment of both masses over
    ///   the longer of the two distances (a carrier would book two).
    /// - Every van has the same tariff and consumption model.
    ///
    /// # Errors
    /// - [`Error::InvalidInput`]: the mass dimension is not one of the problem's, or
    ///   `kg_per_unit` is not finite and positive.
    /// - [`Error::Cost`]: a negative or non-finite carbon price; a load on board above the
    ///   model's payload; the model's energy carrier missing from `fleet.energy`; invalid
    ///   tariff rates; an amount of money that does not fit.
    ///
    /// # Complexity
    /// O(r · (n² + n · c · log z)) time for r routes of at most n jobs, c carriers and z zones
    /// (each job's marginal offer re-checks its route); O(n · c) space per route.
    ///
    /// # Example
    /// ```
    /// use milkrun::cost::baseline::{RateCard, RateZone};
    /// use milkrun::cost::carrier::{Carrier, Objective, RouteProvider};
    /// use milkrun::cost::emissions::{CarrierRegistry, Co2ePerTonneKm, ConsumptionModel, VehicleClass};
    /// use milkrun::cost::tariff::Tariff;
    /// use milkrun::last_mile::{LastMileDay, LastMileOptions, LoadMass, OwnFleet};
    /// use milkrun::model::Money;
    /// use milkrun::{demo, Distance};
    ///
    /// let day = LastMileDay::plan(demo::last_mile_day()?, LastMileOptions::default(), 1, 100)?;
    /// let tariff = Tariff { fixed_per_day: Money(9_000), per_km: 35.0, per_hour: 2_800.0, ..Tariff::default() };
    /// let model = ConsumptionModel::Linear(VehicleClass::Van.linear_model());
    /// let energy = CarrierRegistry::default();
    /// // The demo's loads are in kg.
    /// let fleet = OwnFleet { tariff: &tariff, vehicle: &model, energy: &energy, mass: LoadMass::kilograms(0) };
    /// let parcel = Carrier::new("Parcel", RateCard {
    ///     zones: vec![RateZone { up_to: Distance(20_000), per_kg: 40.0, minimum: Money(900) }],
    ///     fuel_surcharge: 0.15,
    ///     intensity: Co2ePerTonneKm(0.6),
    ///     ttw_share: 0.8,
    /// })?;
    /// let options = day.carrier_options(&fleet, &[parcel], Objective::Cost)?;
    /// for van in &options {
    ///     let by_carrier = van.route.carriers.as_ref().map(|s| s.cost).ok();
    ///     // The route goes to the carriers only when they are cheaper.
    ///     if van.chosen() == RouteProvider::Carriers {
    ///         assert!(by_carrier.is_some_and(|c| c <= van.cost.total));
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn carrier_options(
        &self,
        fleet: &OwnFleet<'_>,
        carriers: &[Carrier],
        objective: Objective,
    ) -> Result<Vec<RouteCarrierChoice>, Error> {
        self.check_mass(fleet.mass)?;
        // The carbon price is checked even on a day without routes: by the selection itself,
        // on no shipment.
        choose_carrier(&[], &[], carriers, objective)?;
        let solution = self.current_solution();
        let mut out = Vec::with_capacity(solution.routes.len());
        for (k, route) in solution.routes.iter().enumerate() {
            // `new` refuses more routes than u32 ids.
            let vehicle = VehicleId(k as u32);
            let route = Route { vehicle_type: route.vehicle_type, visits: route.visits.clone(), departure: None };
            let mut jobs: Vec<JobId> = Vec::new();
            for j in route.visits.iter().filter_map(|v| v.job()) {
                if !jobs.contains(&j) {
                    jobs.push(j);
                }
            }
            let shipments =
                jobs.iter().map(|&j| self.carrier_shipment(j, &route, fleet.mass)).collect::<Result<Vec<_>, _>>()?;
            let full = self.price_route(&route, fleet)?;
            let own = full.offer();
            let route_choice = choose_for_route(&shipments, own, carriers, objective)?;
            let mut offers = Vec::with_capacity(jobs.len());
            let mut without = Route { visits: Vec::with_capacity(route.visits.len()), ..route.clone() };
            for &j in &jobs {
                without.visits.clear();
                without.visits.extend(route.visits.iter().filter(|v| v.job() != Some(j)));
                let rest = self.price_route(&without, fleet)?.offer();
                let cost = own.cost.0.checked_sub(rest.cost.0).ok_or_else(|| Error::InvalidInput {
                    item: format!("{vehicle}, {j}"),
                    reason: "the route's saving without the job overflows".into(),
                })?;
                let emissions =
                    Emissions::new(own.emissions.ttw - rest.emissions.ttw, own.emissions.wtt - rest.emissions.wtt);
                offers.push(OwnFleetOffer { shipment: j.0, cost: Money(cost), emissions });
            }
            let per_job = choose_carrier(&shipments, &offers, carriers, objective)?;
            out.push(RouteCarrierChoice {
                vehicle,
                jobs,
                shipments,
                usage: full.usage,
                cost: full.cost,
                emissions: full.emissions,
                route: route_choice,
                per_job,
            });
        }
        Ok(out)
    }

    fn check_mass(&self, mass: LoadMass) -> Result<(), Error> {
        let dims = self.problem.dimensions();
        if mass.dimension >= dims.len() {
            return Err(Error::InvalidInput {
                item: "load mass dimension".into(),
                reason: format!(
                    "{} is not a dimension of the problem (it has {}: {:?})",
                    mass.dimension,
                    dims.len(),
                    dims
                ),
            });
        }
        if !(mass.kg_per_unit.is_finite() && mass.kg_per_unit > 0.0) {
            return Err(Error::InvalidInput {
                item: format!("load mass of dimension {} ({})", mass.dimension, dims[mass.dimension]),
                reason: format!("kg per unit must be finite and positive, got {}", mass.kg_per_unit),
            });
        }
        Ok(())
    }

    /// Job `j` of `route` as a carrier shipment: its mass and shortest distance.
    fn carrier_shipment(&self, j: JobId, route: &Route, mass: LoadMass) -> Result<Shipment, Error> {
        let problem = &self.problem;
        let job: &Job = problem.job(j);
        let vt = problem.vehicle_type(route.vehicle_type);
        let kg = |load: &Load| {
            mass.kg(load).ok_or_else(|| Error::InvalidInput {
                item: format!("{j} ('{}')", job.name),
                reason: format!("its load has no dimension {}", mass.dimension),
            })
        };
        let distance = |from: SiteId, to: SiteId| problem.travel().distance(from.index(), to.index());
        let (kg, distance): (f64, Distance) = match &job.kind {
            JobKind::Service { stop, delivery, pickup } => {
                let (out, back) = (kg(delivery)?, kg(pickup)?);
                let there = distance(vt.start, stop.site);
                let home = distance(stop.site, vt.end.unwrap_or(vt.start));
                let far = match (out > 0.0, back > 0.0) {
                    (true, true) => there.max(home),
                    (false, true) => home,
                    _ => there,
                };
                (out + back, far)
            }
            JobKind::Shipment { pickup, delivery, load, .. } => (kg(load)?, distance(pickup.site, delivery.site)),
        };
        Ok(Shipment { id: j.0, mass: Kilograms(kg), distance })
    }

    /// What `route` (departure free) costs and emits on the own fleet; nothing when it has no
    /// stop.
    fn price_route(&self, route: &Route, fleet: &OwnFleet<'_>) -> Result<Priced, Error> {
        if route.visits.is_empty() {
            return Ok(Priced { usage: RouteUsage::default(), cost: CostBreakdown::default(), emissions: None });
        }
        let solution = Solution { routes: vec![route.clone()], unassigned: Vec::new() };
        let check = check_solution(&self.problem, &solution);
        let Some(report) = check.routes.first() else {
            return Err(Error::InvalidInput {
                item: "the day's plan".into(),
                reason: "the checker reports no route".into(),
            });
        };
        // The checker's waiting is that of the earliest departure; leaving later to keep the
        // shortest duration waits that much less (travel and service do not change).
        let span = match (report.timetable.first(), report.timetable.last()) {
            (Some(first), Some(last)) => last.departure - first.departure,
            _ => report.duration,
        };
        let mut usage = RouteUsage::from_report(report);
        usage.waiting = (report.wait - (span - report.duration)).max(Duration::ZERO).min(usage.duration);
        let mut cost = route_cost(fleet.tariff, &usage)?;
        cost.fixed = fleet.tariff.fixed_per_day;
        cost.total = Money(cost.total.0.checked_add(cost.fixed.0).ok_or_else(|| Error::InvalidInput {
            item: "own-fleet route cost".into(),
            reason: "the fixed charge and the route's cost overflow".into(),
        })?);
        let travel = self.problem.travel();
        let legs = report
            .timetable
            .windows(2)
            .map(|w| {
                let load = fleet.mass.kg(&w[0].load_after).ok_or_else(|| Error::InvalidInput {
                    item: format!("the load on board at {}", w[0].site),
                    reason: format!("has no dimension {}", fleet.mass.dimension),
                })?;
                Ok(Leg::new(travel.distance(w[0].site.index(), w[1].site.index()), Kilograms(load)))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let emissions = route_emissions(&legs, fleet.vehicle, fleet.energy)?;
        Ok(Priced { usage, cost, emissions: Some(emissions) })
    }
}
