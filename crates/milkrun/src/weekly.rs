//! The weekly milk-run planner: recurring supplier pickups turned into daily jobs, routed day by
//! day with the savings construction heuristic, returned as a [`Plan`] with timetables.

use milkrun_model::{
    DayPlan, Distance, Duration, Horizon, Job, JobId, Load, Plan, PlannedRoute, Problem, RecurringPattern, SiteId,
    Solution, Stop, StopTime, TimeWindow, Visit, Weekday, WeekdaySet,
};

use crate::error::Error;
use crate::walking_skeleton::{ClarkeWrightSavings, Construction, Unassigned};

/// What one supplier ships to the plant each week.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierDemand {
    /// The supplier's site.
    pub site: SiteId,
    /// How often it is collected: `k` visiting days a week among the allowed days (intersected
    /// with the site's open days), `n` pickups (loops) on each visiting day.
    pub pattern: RecurringPattern,
    /// What one pickup collects (full containers), in the problem's load dimensions.
    pub pickup: Load,
    /// Empty returnable containers dropped at each pickup, in the problem's load dimensions.
    pub empties: Load,
    /// Time at the supplier per pickup (docking, loading, paperwork).
    pub service: Duration,
    /// Pickup windows within the day; empty means the site's opening hours.
    pub windows: Vec<TimeWindow>,
}

impl SupplierDemand {
    /// `pickup` collected at `site` following `pattern`, with no empties, no service time and
    /// the site's opening hours as pickup windows.
    #[must_use]
    pub fn new(site: SiteId, pattern: RecurringPattern, pickup: Load) -> Self {
        let empties = Load::zero(pickup.dims());
        Self { site, pattern, pickup, empties, service: Duration::ZERO, windows: Vec::new() }
    }
    /// Sets the empties dropped at each pickup.
    #[must_use]
    pub fn empties(mut self, empties: Load) -> Self {
        self.empties = empties;
        self
    }
    /// Sets the service time per pickup.
    #[must_use]
    pub fn service(mut self, service: Duration) -> Self {
        self.service = service;
        self
    }
    /// Adds a pickup window.
    #[must_use]
    pub fn window(mut self, window: TimeWindow) -> Self {
        self.windows.push(window);
        self
    }
}

/// The weekly demand of a plant: one entry per supplier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeeklyDemand {
    /// The suppliers' demands.
    pub suppliers: Vec<SupplierDemand>,
}

/// Why a pickup the pattern asks for was not turned into a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The supplier is on holiday that day.
    SupplierClosed,
    /// The site the trucks start from (the plant) is closed that day.
    PlantClosed,
}

/// A pickup the pattern asks for that the plan leaves out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkippedPickup {
    /// The supplier.
    pub supplier: SiteId,
    /// Horizon day.
    pub day: u32,
    /// Why.
    pub reason: SkipReason,
}

/// Progress of [`WeeklyMilkRunPlanner::plan_with_progress`], reported before each day is routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Horizon day about to be routed.
    pub day: u32,
    /// Days in the horizon.
    pub days: u32,
    /// Pickup jobs that day.
    pub jobs: usize,
}

/// One routed day: the day's own problem (the network plus that day's pickup jobs, so job ids in
/// the plan refer to it), the heuristic's solution, and the jobs it left out with reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedDay {
    /// Horizon day.
    pub day: u32,
    /// Its weekday.
    pub weekday: Weekday,
    /// The day's problem.
    pub problem: Problem,
    /// One route per vehicle, loops separated by reloads; check it with
    /// [`check_solution`](milkrun_model::check_solution).
    pub solution: Solution,
    /// Jobs left out, with the reason.
    pub unassigned: Vec<Unassigned>,
}

/// What [`WeeklyMilkRunPlanner::plan`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyPlan {
    /// Loops per day with their timetables; `PlannedRoute::vehicle` numbers the vehicles of a
    /// type within a day, so a vehicle's chained loops share it.
    pub plan: Plan,
    /// Per day, the problem and the solution the loops come from.
    pub days: Vec<PlannedDay>,
    /// Pickups the patterns ask for but calendars rule out.
    pub skipped: Vec<SkippedPickup>,
}

impl WeeklyPlan {
    /// Total distance driven over the horizon.
    #[must_use]
    pub fn total_distance(&self) -> Distance {
        self.plan.days.iter().flat_map(|d| &d.routes).map(|r| r.distance).sum()
    }
    /// Number of loops over the horizon.
    #[must_use]
    pub fn loop_count(&self) -> usize {
        self.plan.days.iter().map(|d| d.routes.len()).sum()
    }
    /// Vehicles used on the busiest day.
    #[must_use]
    pub fn peak_vehicles(&self) -> usize {
        self.days.iter().map(|d| d.solution.routes.len()).max().unwrap_or(0)
    }
    /// Number of jobs left out over the horizon.
    #[must_use]
    pub fn unassigned_count(&self) -> usize {
        self.days.iter().map(|d| d.unassigned.len()).sum()
    }
}

/// Plans a horizon of inbound milk runs from a weekly demand description.
///
/// For each day of the horizon it builds that day's pickup jobs: a supplier is visited on the
/// days [`RecurringPattern::spread_days`] picks among its allowed days that its calendar opens
/// (holidays are reported as [`SkippedPickup`]s), with `loops_per_day` pickups per visiting day
/// in successive slots of its pickup windows (the first half of each of `n` equal slices, so the
/// pickups fall on different loops). Each day is then routed with [`ClarkeWrightSavings`], a
/// **construction heuristic, not an optimiser**: the plan is feasible and sensible, not
/// optimal. The routing engine will replace it.
///
/// # Example
/// ```
/// use milkrun::{demo, WeeklyMilkRunPlanner};
///
/// let scenario = demo::automotive_week()?;
/// let planner = WeeklyMilkRunPlanner::builder().horizon(scenario.horizon).build();
/// let weekly = planner.plan(&scenario.network, &scenario.demand)?;
/// assert_eq!(weekly.plan.days.len(), 7);
/// assert_eq!(weekly.unassigned_count(), 0);
/// # Ok::<(), milkrun::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyMilkRunPlanner {
    savings: ClarkeWrightSavings,
    horizon: Option<Horizon>,
}

/// Configures a [`WeeklyMilkRunPlanner`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklyMilkRunPlannerBuilder {
    savings: ClarkeWrightSavings,
    horizon: Option<Horizon>,
}

impl WeeklyMilkRunPlannerBuilder {
    /// The routing heuristic and its settings (default: [`ClarkeWrightSavings::new`]).
    #[must_use]
    pub fn savings(mut self, savings: ClarkeWrightSavings) -> Self {
        self.savings = savings;
        self
    }
    /// The days to plan (default: the network's horizon, else one week from a Monday).
    #[must_use]
    pub fn horizon(mut self, horizon: Horizon) -> Self {
        self.horizon = Some(horizon);
        self
    }
    /// The planner.
    #[must_use]
    pub fn build(self) -> WeeklyMilkRunPlanner {
        WeeklyMilkRunPlanner { savings: self.savings, horizon: self.horizon }
    }
}

/// The pickup windows of each of `n` loops: slot `i` is the first half of the `i`-th of `n`
/// equal slices of the span of `windows`, intersected with `windows` (falling back to the whole
/// slice, then to `windows`, when that is empty).
fn loop_windows(windows: &[TimeWindow], n: u32) -> Vec<Vec<TimeWindow>> {
    if n <= 1 {
        return vec![windows.to_vec(); n as usize];
    }
    let (open, close) = match (windows.first(), windows.last()) {
        (Some(f), Some(l)) => (f.open.get(), l.close.get()),
        _ => (0, Duration::hours(24).get()),
    };
    let slice = (close - open) / i64::from(n);
    let clip = |o: i64, c: i64| -> Vec<TimeWindow> {
        if windows.is_empty() {
            return vec![TimeWindow::new(Duration(o), Duration(c))];
        }
        windows
            .iter()
            .filter_map(|w| {
                let (a, b) = (w.open.get().max(o), w.close.get().min(c));
                (a <= b).then(|| TimeWindow::new(Duration(a), Duration(b)))
            })
            .collect()
    };
    (0..i64::from(n))
        .map(|i| {
            let o = open + i * slice;
            let slot = clip(o, o + slice / 2);
            if !slot.is_empty() {
                return slot;
            }
            let whole = clip(o, o + slice);
            if whole.is_empty() {
                windows.to_vec()
            } else {
                whole
            }
        })
        .collect()
}

impl WeeklyMilkRunPlanner {
    /// A builder with the defaults.
    #[must_use]
    pub fn builder() -> WeeklyMilkRunPlannerBuilder {
        WeeklyMilkRunPlannerBuilder::default()
    }

    /// Plans the horizon; see [`Self::plan_with_progress`].
    ///
    /// # Errors
    /// As [`Self::plan_with_progress`].
    pub fn plan(&self, network: &Problem, demand: &WeeklyDemand) -> Result<WeeklyPlan, Error> {
        self.plan_with_progress(network, demand, &mut |_| {})
    }

    /// Plans the horizon, calling `progress` before each day is routed.
    ///
    /// # Arguments
    /// `network`: the sites (plant and suppliers with their calendars and opening hours), the
    /// fleet (starting at the plant; give it reload sites for several loops per vehicle), the
    /// load dimensions and the travel matrix; its jobs are ignored. `demand`: what each supplier
    /// ships.
    ///
    /// # Returns
    /// A [`WeeklyPlan`]: loops per day with timetables, the day problems and solutions, skipped
    /// pickups. Deterministic.
    ///
    /// # Errors
    /// [`Error::InvalidDemand`] when a demand names an unknown site or has a load of the wrong
    /// dimensions; [`Error::Model`] if a day's problem does not validate.
    ///
    /// # Complexity
    /// One savings construction per day: O(days · n³) for `n` pickups a day in the worst case.
    pub fn plan_with_progress(
        &self,
        network: &Problem,
        demand: &WeeklyDemand,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<WeeklyPlan, Error> {
        let horizon = self
            .horizon
            .or_else(|| network.horizon().copied())
            .unwrap_or(Horizon { days: 7, first_weekday: Weekday::Mon });
        let dims = network.dimensions().len();
        let sites = network.sites();
        let mut visiting = Vec::with_capacity(demand.suppliers.len());
        for s in &demand.suppliers {
            let Some(site) = sites.get(s.site.index()) else {
                return Err(Error::InvalidDemand {
                    supplier: s.site.to_string(),
                    reason: format!("no such site (the network has {})", sites.len()),
                });
            };
            for (what, load) in [("pickup", &s.pickup), ("empties", &s.empties)] {
                if load.dims() != dims {
                    return Err(Error::InvalidDemand {
                        supplier: site.name.clone(),
                        reason: format!("{what} has {} load dimensions, the network {dims}", load.dims()),
                    });
                }
            }
            let allowed = WeekdaySet::of(
                &s.pattern.allowed_days.iter().filter(|d| site.calendar.open_days.contains(*d)).collect::<Vec<_>>(),
            );
            visiting.push(RecurringPattern { allowed_days: allowed, ..s.pattern }.spread_days());
        }
        let plants: Vec<SiteId> = network.vehicle_types().iter().map(|v| v.start).collect();

        let mut days = Vec::with_capacity(horizon.days as usize);
        let mut plan_days = Vec::with_capacity(horizon.days as usize);
        let mut skipped = Vec::new();
        for day in 0..horizon.days {
            let weekday = horizon.weekday(day);
            let plant_open = plants.is_empty()
                || plants.iter().any(|p| network.site(*p).calendar.is_open(day, horizon.first_weekday));
            let mut jobs = Vec::new();
            for (s, days_of) in demand.suppliers.iter().zip(&visiting) {
                if !days_of.contains(&weekday) {
                    continue;
                }
                let site = network.site(s.site);
                let reason = if !plant_open {
                    Some(SkipReason::PlantClosed)
                } else if !site.calendar.is_open(day, horizon.first_weekday) {
                    Some(SkipReason::SupplierClosed)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    skipped.push(SkippedPickup { supplier: s.site, day, reason });
                    continue;
                }
                let windows = if s.windows.is_empty() { &site.windows } else { &s.windows };
                let n = s.pattern.loops_per_day;
                for (i, slot) in loop_windows(windows, n).into_iter().enumerate() {
                    let mut stop = Stop::at(s.site).service(s.service);
                    stop.windows = slot;
                    let name = format!("{} {weekday:?} {}/{n}", site.name, i + 1);
                    jobs.push(Job::delivery_and_pickup(name, stop, s.empties.clone(), s.pickup.clone()));
                }
            }
            progress(&Progress { day, days: horizon.days, jobs: jobs.len() });
            let mut data = network.data().clone();
            data.name = format!("{} day {day} ({weekday:?})", network.name());
            data.jobs = jobs;
            data.horizon = None;
            let problem = data.validate()?;
            let built = self.savings.solve(&problem);
            plan_days.push(day_plan(&problem, day, &built));
            days.push(PlannedDay { day, weekday, problem, solution: built.solution, unassigned: built.unassigned });
        }
        Ok(WeeklyPlan { plan: Plan { horizon, days: plan_days }, days, skipped })
    }
}

/// Splits each vehicle's route into its loops, with a timetable per loop.
fn day_plan(problem: &Problem, day: u32, built: &Construction) -> DayPlan {
    let mut routes = Vec::new();
    let mut per_type = vec![0u32; problem.vehicle_types().len()];
    for (route, schedule) in built.solution.routes.iter().zip(&built.schedules) {
        let vt = route.vehicle_type;
        let vehicle = per_type.get(vt.index()).copied().unwrap_or(0);
        if let Some(c) = per_type.get_mut(vt.index()) {
            *c += 1;
        }
        let rows = &schedule.timetable;
        // Loop boundaries: the start row, each reload row, the end row.
        let mut cuts: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.visit, Some(Visit::Reload(_))))
            .map(|(k, _)| k)
            .collect();
        cuts.insert(0, 0);
        // Open routes (no end site) finish at their last visit, which belongs to the last loop.
        let ends_at_site = problem.vehicle_types().get(vt.index()).is_some_and(|v| v.end.is_some());
        let last = if ends_at_site { rows.len().saturating_sub(1) } else { rows.len() };
        for (c, &from) in cuts.iter().enumerate() {
            let to = cuts.get(c + 1).copied().unwrap_or(last);
            let Some(first) = rows.get(from) else { continue };
            let start = StopTime {
                visit: None,
                site: first.site,
                arrival: first.departure,
                wait: Duration::ZERO,
                start: first.departure,
                departure: first.departure,
                load_after: first.load_after.clone(),
            };
            let mut timetable = vec![start];
            timetable.extend(rows.get(from + 1..to).unwrap_or_default().iter().cloned());
            if let Some(back) = rows.get(to) {
                let before =
                    rows.get(to.saturating_sub(1)).map_or_else(|| back.load_after.clone(), |r| r.load_after.clone());
                timetable.push(StopTime {
                    visit: None,
                    site: back.site,
                    arrival: back.arrival,
                    wait: Duration::ZERO,
                    start: back.arrival,
                    departure: back.arrival,
                    load_after: before,
                });
            }
            let travel = problem.travel();
            let distance = timetable.windows(2).map(|w| travel.distance(w[0].site.index(), w[1].site.index())).sum();
            let duration = match (timetable.first(), timetable.last()) {
                (Some(a), Some(b)) => b.departure - a.departure,
                _ => Duration::ZERO,
            };
            let visits = timetable.iter().filter_map(|r| r.visit).collect();
            routes.push(PlannedRoute { vehicle_type: vt, vehicle, visits, timetable, distance, duration });
        }
    }
    let unassigned: Vec<JobId> = built.unassigned.iter().map(|u| u.job).collect();
    DayPlan { day, routes, unassigned }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_supplier_problem(end: Option<SiteId>, reload: bool) -> Problem {
        use milkrun_model::{Coordinates, ProblemData, Rounding, Site, SiteKind, Speed, TravelMatrix, VehicleType};
        let sites = vec![
            Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 }),
            Site::new("a", SiteKind::Supplier, Coordinates::Planar { x: 30.0, y: 0.0 }),
            Site::new("b", SiteKind::Supplier, Coordinates::Planar { x: 0.0, y: 40.0 }),
        ];
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        let mut vt = VehicleType::new("truck", 1, Load::single(10), SiteId(0));
        vt.end = end;
        if reload {
            vt.reload_sites = vec![SiteId(0)];
        }
        ProblemData {
            dimensions: vec!["pallets".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).expect("finite"),
            sites,
            jobs: vec![
                Job::pickup("a", Stop::at(SiteId(1)), Load::single(8)),
                Job::pickup("b", Stop::at(SiteId(2)), Load::single(8)),
            ],
            vehicle_types: vec![vt],
            ..ProblemData::default()
        }
        .validate()
        .expect("valid")
    }

    #[test]
    fn loops_split_at_reloads_with_their_own_timetables() {
        let problem = two_supplier_problem(Some(SiteId(0)), true);
        let built = ClarkeWrightSavings::new().solve(&problem);
        let plan = day_plan(&problem, 0, &built);
        assert_eq!(plan.routes.len(), 2);
        assert!(plan.routes.iter().all(|r| r.vehicle == 0 && r.visits.len() == 1 && r.timetable.len() == 3));
        assert_eq!(plan.routes[0].distance + plan.routes[1].distance, built.schedules[0].distance);
        assert_eq!(plan.routes[0].distance, Distance(60));
        assert_eq!(plan.routes[0].duration, Duration(60));
    }

    #[test]
    fn open_routes_keep_their_last_visit() {
        let mut data = two_supplier_problem(None, false).into_data();
        data.vehicle_types[0].count = 2;
        let problem = data.validate().expect("valid");
        let built = ClarkeWrightSavings::new().solve(&problem);
        let plan = day_plan(&problem, 0, &built);
        assert_eq!(plan.routes.len(), 2);
        for r in &plan.routes {
            assert_eq!(r.visits.len(), 1);
            assert_eq!(r.timetable.len(), 2, "start and the visit");
        }
    }

    #[test]
    fn loop_windows_fall_in_separate_slots() {
        let w = [TimeWindow::new(Duration::hours(6), Duration::hours(20))];
        let slots = loop_windows(&w, 2);
        assert_eq!(slots[0], vec![TimeWindow::new(Duration::hours(6), Duration::hours(6) + Duration::minutes(210))]);
        assert_eq!(slots[1], vec![TimeWindow::new(Duration::hours(13), Duration::hours(13) + Duration::minutes(210))]);
        assert_eq!(loop_windows(&w, 1), vec![w.to_vec()]);
    }
}
