//! The problem: everything a planner needs, validated once.

use crate::error::ModelError;
use crate::ids::{ContainerId, JobId, PartId, SiteId, VehicleTypeId};
use crate::job::{Assignment, Job, JobKind, Stop};
use crate::part::{ContainerType, Part};
use crate::schedule::Horizon;
use crate::site::{Coordinates, Site};
use crate::travel::TravelMatrix;
use crate::units::{Duration, Load, TimeWindow};
use crate::vehicle::{BreakWhen, VehicleType};

/// The raw, unvalidated content of a [`Problem`]: build it freely, then call
/// [`ProblemData::validate`] (or [`Problem::new`]).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProblemData {
    /// Name of the problem or instance.
    pub name: String,
    /// Names of the load dimensions, in order ("kg", "m3", "pallets"...).
    pub dimensions: Vec<String>,
    /// Sites; `SiteId(i)` is `sites[i]` and row `i` of the travel matrix.
    pub sites: Vec<Site>,
    /// Container types.
    #[cfg_attr(feature = "serde", serde(default))]
    pub containers: Vec<ContainerType>,
    /// Parts.
    #[cfg_attr(feature = "serde", serde(default))]
    pub parts: Vec<Part>,
    /// Skill names; `SkillId(i)` is `skills[i]`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub skills: Vec<String>,
    /// Jobs.
    pub jobs: Vec<Job>,
    /// The fleet.
    pub vehicle_types: Vec<VehicleType>,
    /// Travel distances and durations between sites.
    pub travel: TravelMatrix,
    /// On every route, all pure deliveries (linehauls) come before any pure pickup (backhaul),
    /// as in the VRP with backhauls.
    #[cfg_attr(feature = "serde", serde(default))]
    pub linehauls_before_backhauls: bool,
    /// The planning horizon, for multi-day planning.
    #[cfg_attr(feature = "serde", serde(default))]
    pub horizon: Option<Horizon>,
}

impl Default for TravelMatrix {
    fn default() -> Self {
        // An empty matrix is always valid.
        match TravelMatrix::new(0, Vec::new(), Vec::new()) {
            Ok(m) => m,
            Err(_) => unreachable!("the empty matrix is valid"),
        }
    }
}

/// A validated problem. Every id inside refers to an existing item, every window opens before
/// it closes, every load has the problem's dimensions and fits some vehicle, and the travel
/// matrix covers every site.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ProblemData", into = "ProblemData")
)]
pub struct Problem {
    data: ProblemData,
}

impl From<Problem> for ProblemData {
    fn from(p: Problem) -> Self {
        p.data
    }
}

impl TryFrom<ProblemData> for Problem {
    type Error = ModelError;
    fn try_from(data: ProblemData) -> Result<Self, ModelError> {
        data.validate()
    }
}

impl Problem {
    /// Validates `data` into a problem.
    ///
    /// # Errors
    /// The first [`ModelError`] found, naming the item and the reason.
    pub fn new(data: ProblemData) -> Result<Self, ModelError> {
        data.validate()
    }

    /// The problem's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.data.name
    }
    /// Names of the load dimensions.
    #[must_use]
    pub fn dimensions(&self) -> &[String] {
        &self.data.dimensions
    }
    /// All sites, indexed by [`SiteId`].
    #[must_use]
    pub fn sites(&self) -> &[Site] {
        &self.data.sites
    }
    /// One site.
    #[must_use]
    pub fn site(&self, id: SiteId) -> &Site {
        &self.data.sites[id.index()]
    }
    /// All container types, indexed by [`ContainerId`].
    #[must_use]
    pub fn containers(&self) -> &[ContainerType] {
        &self.data.containers
    }
    /// All parts, indexed by [`PartId`].
    #[must_use]
    pub fn parts(&self) -> &[Part] {
        &self.data.parts
    }
    /// One part.
    #[must_use]
    pub fn part(&self, id: PartId) -> &Part {
        &self.data.parts[id.index()]
    }
    /// Skill names, indexed by [`SkillId`].
    #[must_use]
    pub fn skills(&self) -> &[String] {
        &self.data.skills
    }
    /// All jobs, indexed by [`JobId`].
    #[must_use]
    pub fn jobs(&self) -> &[Job] {
        &self.data.jobs
    }
    /// One job.
    #[must_use]
    pub fn job(&self, id: JobId) -> &Job {
        &self.data.jobs[id.index()]
    }
    /// All vehicle types, indexed by [`VehicleTypeId`].
    #[must_use]
    pub fn vehicle_types(&self) -> &[VehicleType] {
        &self.data.vehicle_types
    }
    /// One vehicle type.
    #[must_use]
    pub fn vehicle_type(&self, id: VehicleTypeId) -> &VehicleType {
        &self.data.vehicle_types[id.index()]
    }
    /// Total number of vehicles over all types.
    #[must_use]
    pub fn fleet_size(&self) -> u64 {
        self.data.vehicle_types.iter().map(|v| u64::from(v.count)).sum()
    }
    /// The travel matrices.
    #[must_use]
    pub fn travel(&self) -> &TravelMatrix {
        &self.data.travel
    }
    /// Whether linehauls must precede backhauls on every route.
    #[must_use]
    pub fn linehauls_before_backhauls(&self) -> bool {
        self.data.linehauls_before_backhauls
    }
    /// The planning horizon, if any.
    #[must_use]
    pub fn horizon(&self) -> Option<&Horizon> {
        self.data.horizon.as_ref()
    }
    /// The raw data (for serialization or to derive a modified problem).
    #[must_use]
    pub fn data(&self) -> &ProblemData {
        &self.data
    }
    /// Gives back the raw data.
    #[must_use]
    pub fn into_data(self) -> ProblemData {
        self.data
    }
}

fn check_ref(item: &dyn Fn() -> String, kind: &'static str, index: u32, count: usize) -> Result<(), ModelError> {
    if (index as usize) < count {
        Ok(())
    } else {
        Err(ModelError::UnknownReference { item: item(), kind, index, count })
    }
}

fn check_finite(item: &dyn Fn() -> String, what: &'static str, value: f64) -> Result<(), ModelError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(ModelError::InvalidNumber { item: item(), what, value })
    }
}

fn check_duration(item: &dyn Fn() -> String, what: &'static str, value: Duration) -> Result<(), ModelError> {
    if value.0 < 0 {
        Err(ModelError::Negative { item: item(), what, value: value.0 })
    } else {
        Ok(())
    }
}

/// Sorts `windows` and checks each opens before it closes and none overlap.
fn check_windows(item: &dyn Fn() -> String, windows: &mut [TimeWindow]) -> Result<(), ModelError> {
    for w in windows.iter() {
        if w.close < w.open {
            return Err(ModelError::WindowClosesBeforeOpen { item: item(), open: w.open, close: w.close });
        }
    }
    windows.sort_by_key(|w| (w.open, w.close));
    for pair in windows.windows(2) {
        if pair[1].open <= pair[0].close {
            return Err(ModelError::WindowsOverlap {
                item: item(),
                first_open: pair[0].open,
                first_close: pair[0].close,
                second_open: pair[1].open,
                second_close: pair[1].close,
            });
        }
    }
    Ok(())
}

fn check_load(item: &dyn Fn() -> String, load: &Load, dims: usize) -> Result<(), ModelError> {
    if load.dims() != dims {
        return Err(ModelError::DimensionMismatch { item: item(), found: load.dims(), expected: dims });
    }
    if let Some(&value) = load.amounts().iter().find(|&&a| a < 0) {
        return Err(ModelError::Negative { item: item(), what: "load", value });
    }
    Ok(())
}

impl ProblemData {
    /// Checks everything once and returns the validated [`Problem`]. Time windows are sorted.
    ///
    /// # Errors
    /// The first [`ModelError`] found, naming the offending item and the reason.
    ///
    /// # Complexity
    /// O(sites + jobs · (windows + skills) + vehicle types + matrix entries).
    pub fn validate(mut self) -> Result<Problem, ModelError> {
        let n_sites = self.sites.len();
        let dims = self.dimensions.len();
        let n_skills = self.skills.len();

        if self.travel.size() != n_sites {
            return Err(ModelError::MatrixSize {
                what: "distance",
                found: self.travel.distances().len(),
                expected: n_sites * n_sites,
                size: n_sites,
            });
        }
        // A deserialized matrix has not been through `TravelMatrix::new`: check it again.
        self.travel = TravelMatrix::new(n_sites, self.travel.distances().to_vec(), self.travel.durations().to_vec())?;

        for (i, site) in self.sites.iter_mut().enumerate() {
            let name = site.name.clone();
            let item = || format!("site '{name}' (#{i})");
            let (x, y) = site.location.xy();
            for v in [x, y] {
                if !v.is_finite() {
                    return Err(ModelError::InvalidNumber { item: item(), what: "coordinate", value: v });
                }
            }
            if let Coordinates::LatLon { lat, lon } = site.location {
                if lat.abs() > 90.0 || lon.abs() > 180.0 {
                    return Err(ModelError::Invalid {
                        item: item(),
                        reason: format!("({lat}, {lon}) is not a valid latitude/longitude"),
                    });
                }
            }
            check_windows(&item, &mut site.windows)?;
        }

        for (i, c) in self.containers.iter().enumerate() {
            let item = || format!("container '{}' (#{i})", c.name);
            check_finite(&item, "tare", c.tare.0)?;
            check_finite(&item, "volume", c.volume.0)?;
            check_finite(&item, "empty volume", c.empty_volume.0)?;
            if c.parts_per_container == 0 {
                return Err(ModelError::Invalid { item: item(), reason: "holds zero parts".into() });
            }
        }
        for (i, p) in self.parts.iter().enumerate() {
            let item = || format!("part '{}' (#{i})", p.name);
            check_finite(&item, "unit weight", p.unit_weight.0)?;
            check_finite(&item, "unit volume", p.unit_volume.0)?;
            if let Some(ContainerId(c)) = p.container {
                check_ref(&item, "container", c, self.containers.len())?;
            }
            if let Some(SiteId(s)) = p.supplier {
                check_ref(&item, "site", s, n_sites)?;
            }
        }

        for (i, v) in self.vehicle_types.iter_mut().enumerate() {
            let name = v.name.clone();
            let item = || format!("vehicle type '{name}' (#{i})");
            check_load(&item, &v.capacity, dims)?;
            check_ref(&item, "site", v.start.0, n_sites)?;
            if let Some(end) = v.end {
                check_ref(&item, "site", end.0, n_sites)?;
            }
            for s in &v.reload_sites {
                check_ref(&item, "site", s.0, n_sites)?;
            }
            for s in &v.skills {
                check_ref(&item, "skill", s.0, n_skills)?;
            }
            check_windows(&item, std::slice::from_mut(&mut v.shift))?;
            check_duration(&item, "reload time", v.reload_time)?;
            for (b, rule) in v.breaks.iter_mut().enumerate() {
                let item = || format!("break #{b} of vehicle type '{name}' (#{i})");
                check_duration(&item, "break duration", rule.duration)?;
                match &mut rule.when {
                    BreakWhen::Window(w) => check_windows(&item, std::slice::from_mut(w))?,
                    BreakWhen::AfterDriving(limit) => {
                        if limit.0 <= 0 {
                            return Err(ModelError::Invalid {
                                item: item(),
                                reason: format!("maximum driving time {limit} must be positive"),
                            });
                        }
                    }
                }
            }
            if let Some(d) = v.max_duration {
                check_duration(&item, "max duration", d)?;
            }
            if let Some(d) = v.max_distance {
                if d.0 < 0 {
                    return Err(ModelError::Negative { item: item(), what: "max distance", value: d.0 });
                }
            }
            for (what, value) in [
                ("fixed cost", v.fixed_cost.0),
                ("unit distance cost", v.unit_distance_cost),
                ("unit duration cost", v.unit_duration_cost),
            ] {
                if value < 0 {
                    return Err(ModelError::Negative { item: item(), what, value });
                }
            }
            if let Some(e) = &v.energy {
                check_finite(&item, "empty consumption", e.empty_per_100km)?;
                check_finite(&item, "full consumption", e.full_per_100km)?;
                check_finite(&item, "kerb mass", e.kerb_mass_kg)?;
            }
        }

        let largest: Vec<i64> =
            (0..dims).map(|d| self.vehicle_types.iter().map(|v| v.capacity.amounts()[d]).max().unwrap_or(0)).collect();
        let vehicle_types = &self.vehicle_types;
        let skills = &self.skills;
        for (i, job) in self.jobs.iter_mut().enumerate() {
            let name = job.name.clone();
            let item = || format!("job '{name}' (#{i})");
            check_duration(&item, "release time", job.release)?;
            if let Assignment::Optional { penalty } = job.assignment {
                if penalty.0 < 0 {
                    return Err(ModelError::Negative { item: item(), what: "penalty", value: penalty.0 });
                }
            }
            for s in &job.skills {
                check_ref(&item, "skill", s.0, n_skills)?;
            }
            let check_stop = |stop: &mut Stop| -> Result<(), ModelError> {
                check_ref(&item, "site", stop.site.0, n_sites)?;
                check_duration(&item, "service time", stop.service)?;
                check_windows(&item, &mut stop.windows)
            };
            let need = match &mut job.kind {
                JobKind::Service { stop, delivery, pickup } => {
                    check_stop(stop)?;
                    check_load(&item, delivery, dims)?;
                    check_load(&item, pickup, dims)?;
                    delivery.amounts().iter().zip(pickup.amounts()).map(|(a, b)| *a.max(b)).collect::<Vec<_>>()
                }
                JobKind::Shipment { pickup, delivery, load, max_ride } => {
                    check_stop(pickup)?;
                    check_stop(delivery)?;
                    check_load(&item, load, dims)?;
                    if let Some(r) = max_ride {
                        check_duration(&item, "max ride time", *r)?;
                    }
                    load.amounts().to_vec()
                }
            };
            if let Some((dim, (&need, &largest))) =
                need.iter().zip(&largest).enumerate().find(|(_, (need, largest))| need > largest)
            {
                return Err(ModelError::HeavierThanEveryVehicle { item: item(), dim, need, largest });
            }
            if !job.skills.is_empty() && !vehicle_types.iter().any(|v| job.skills.iter().all(|s| v.skills.contains(s)))
            {
                let names: Vec<&str> = job.skills.iter().map(|s| skills[s.index()].as_str()).collect();
                return Err(ModelError::NoCapableVehicle { item: item(), skills: names.join(", ") });
            }
        }
        if let Some(h) = &self.horizon {
            for (i, site) in self.sites.iter().enumerate() {
                if let Some(&d) = site.calendar.holidays.iter().find(|&&d| d >= h.days) {
                    return Err(ModelError::Invalid {
                        item: format!("site '{}' (#{i})", site.name),
                        reason: format!("holiday on day {d} lies outside the {}-day horizon", h.days),
                    });
                }
            }
        }
        Ok(Problem { data: self })
    }
}
