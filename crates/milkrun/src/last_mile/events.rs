//! Tracking events and the changes of the day's work (new and cancelled jobs): validation in
//! full, then the change, then the ETA refresh.

use milkrun_model::{Duration, Job, JobId, JobKind, SiteId, Visit};

use super::eta::EtaAlert;
use super::{DoneStop, JobStatus, LastMileDay, StopOutcome, VehicleId};
use crate::error::Error;

/// Why a stop could not be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureReason {
    /// Nobody there to receive or hand over the goods.
    CustomerAbsent,
    /// The customer refused the goods.
    Refused,
    /// The site could not be reached or entered.
    NoAccess,
    /// The goods were damaged.
    Damaged,
    /// Anything else.
    Other,
}

/// What the tracking of a vehicle reports. Times are instants of the day, in the travel
/// matrix's time unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackingEvent {
    /// The vehicle is at `site` at `at` and can leave it from then on. Positions are sites: the
    /// travel matrix knows no other places, so map a GPS fix to the nearest site (or the next
    /// stop) before reporting it.
    Position {
        /// The vehicle.
        vehicle: VehicleId,
        /// When.
        at: Duration,
        /// Where.
        site: SiteId,
    },
    /// The vehicle finished serving `visit` at `at` (it is at the stop's site and leaves
    /// from there). Stops may be reported in any order, except a shipment's delivery before
    /// its pickup.
    StopDone {
        /// The vehicle.
        vehicle: VehicleId,
        /// The stop.
        visit: Visit,
        /// When service finished.
        at: Duration,
    },
    /// The vehicle could not serve `visit`; the job fails for the day (a failed pickup of a
    /// shipment also takes its delivery off the route; goods on board stay there).
    StopFailed {
        /// The vehicle.
        vehicle: VehicleId,
        /// The stop.
        visit: Visit,
        /// When the driver gave up (the vehicle leaves the stop's site from then).
        at: Duration,
        /// Why.
        reason: FailureReason,
    },
    /// The vehicle, seen at `at`, will reach its next stop `extra` later than estimated
    /// (traffic, a breakdown, a long stop).
    Delay {
        /// The vehicle.
        vehicle: VehicleId,
        /// When the delay was reported.
        at: Duration,
        /// How much later.
        extra: Duration,
    },
}

impl TrackingEvent {
    /// The vehicle the event is about.
    #[must_use]
    pub fn vehicle(&self) -> VehicleId {
        match *self {
            TrackingEvent::Position { vehicle, .. }
            | TrackingEvent::StopDone { vehicle, .. }
            | TrackingEvent::StopFailed { vehicle, .. }
            | TrackingEvent::Delay { vehicle, .. } => vehicle,
        }
    }

    /// When it happened.
    #[must_use]
    pub fn at(&self) -> Duration {
        match *self {
            TrackingEvent::Position { at, .. }
            | TrackingEvent::StopDone { at, .. }
            | TrackingEvent::StopFailed { at, .. }
            | TrackingEvent::Delay { at, .. } => at,
        }
    }

    fn describe(&self) -> String {
        let what = match self {
            TrackingEvent::Position { .. } => "position",
            TrackingEvent::StopDone { .. } => "stop done",
            TrackingEvent::StopFailed { .. } => "stop failed",
            TrackingEvent::Delay { .. } => "delay",
        };
        format!("{what} of {}", self.vehicle())
    }
}

impl LastMileDay {
    /// Applies one tracking event, recomputes every remaining ETA, and calls `on_alert` for
    /// each stop whose ETA left (or came back into) its promised window.
    ///
    /// The event's time becomes the day's clock. Position, stop done and stop failed move the
    /// vehicle to the site reported, free to leave at the event's time; a delay pushes the
    /// vehicle's arrival at its next stop `extra` later than the current estimate.
    ///
    /// # Errors
    /// Checked in this order, and nothing changes on error:
    /// [`Error::UnknownVehicle`]; [`Error::TimeWentBackwards`] if `at` precedes the day's
    /// clock; for a position, [`Error::UnknownSite`]; for a delay, [`Error::InvalidInput`] if
    /// `extra` is negative; for a stop, [`Error::UnknownJob`], [`Error::StopAlreadyDone`] if
    /// it was already reported done or failed, [`Error::JobClosed`] if its job was cancelled,
    /// [`Error::StopNotOnRoute`] if the vehicle's remaining route does not hold it, and
    /// [`Error::NotPickedUp`] for a shipment's delivery before its pickup.
    ///
    /// # Complexity
    /// O(remaining stops · windows) for the refresh.
    pub fn apply(&mut self, event: &TrackingEvent, mut on_alert: impl FnMut(&EtaAlert)) -> Result<(), Error> {
        let vehicle = event.vehicle();
        let v = self.check_vehicle(vehicle)?;
        let at = event.at();
        self.check_time(at, || event.describe())?;
        match *event {
            TrackingEvent::Position { site, .. } => {
                let count = self.problem.sites().len();
                if site.index() >= count {
                    return Err(Error::UnknownSite { site, count });
                }
                self.move_to(v, site, at);
            }
            TrackingEvent::StopDone { visit, .. } => {
                let k = self.check_stop(v, visit)?;
                self.finish(v, k, at, StopOutcome::Done);
            }
            TrackingEvent::StopFailed { visit, reason, .. } => {
                let k = self.check_stop(v, visit)?;
                self.finish(v, k, at, StopOutcome::Failed(reason));
            }
            TrackingEvent::Delay { extra, .. } => {
                if extra < Duration::ZERO {
                    return Err(Error::InvalidInput {
                        item: event.describe(),
                        reason: format!("a delay of {extra} is negative"),
                    });
                }
                let vehicle = &self.vehicles[v];
                let travel = self.problem.travel();
                let next =
                    vehicle.remaining.first().map(|s| s.site).or(self.problem.vehicle_type(vehicle.vehicle_type).end);
                let drive = next.map_or(Duration::ZERO, |n| travel.duration(vehicle.position.index(), n.index()));
                // The arrival estimate max(ready + drive, now) moves `extra` later.
                let arrival = vehicle.ready.saturating_add(drive).max(at).saturating_add(extra);
                self.vehicles[v].ready = arrival - drive;
            }
        }
        self.vehicles[v].started = true;
        self.now = at;
        self.refresh(&mut on_alert);
        Ok(())
    }

    /// Moves the day's clock to `at` with no event (time passes), recomputing every ETA.
    ///
    /// # Errors
    /// [`Error::TimeWentBackwards`] if `at` precedes the clock; nothing changes then.
    pub fn advance_to(&mut self, at: Duration, mut on_alert: impl FnMut(&EtaAlert)) -> Result<(), Error> {
        self.check_time(at, || "clock".to_string())?;
        self.now = at;
        self.refresh(&mut on_alert);
        Ok(())
    }

    /// Adds a job at `at`; it is open (on no route) until the next [`LastMileDay::replan`].
    ///
    /// Returns the new job's id.
    ///
    /// # Errors
    /// [`Error::TimeWentBackwards`] if `at` precedes the clock; [`Error::InvalidInput`] for a
    /// service that delivers something (no vehicle holds its goods: give it as a shipment from
    /// the depot); [`Error::Model`] if the job does not validate against the problem (unknown
    /// site, wrong load dimensions, heavier than every vehicle, window closing before it
    /// opens...). Nothing changes on error.
    ///
    /// # Complexity
    /// O(problem size): the day's problem is validated again with the job.
    pub fn add_job(&mut self, job: Job, at: Duration, mut on_alert: impl FnMut(&EtaAlert)) -> Result<JobId, Error> {
        self.check_time(at, || format!("new job '{}'", job.name))?;
        if let JobKind::Service { delivery, .. } = &job.kind {
            if !delivery.is_zero() {
                return Err(Error::InvalidInput {
                    item: format!("new job '{}'", job.name),
                    reason: "a delivery added during the day has its goods on no vehicle; add it as a shipment \
                             from the depot"
                        .into(),
                });
            }
        }
        let id = JobId::try_from_index(self.problem.jobs().len()).ok_or_else(|| Error::InvalidInput {
            item: format!("new job '{}'", job.name),
            reason: "too many jobs".into(),
        })?;
        let mut data = self.problem.data().clone();
        data.jobs.push(job);
        self.problem = data.validate()?;
        self.status.push(JobStatus::Open);
        self.loaded.push(None);
        self.now = at;
        self.refresh(&mut on_alert);
        Ok(id)
    }

    /// Cancels a job at `at`: its stops leave the routes (goods on board stay there).
    ///
    /// # Errors
    /// [`Error::TimeWentBackwards`], [`Error::UnknownJob`], or [`Error::JobClosed`] if the
    /// job is already done, failed or cancelled. Nothing changes on error.
    pub fn cancel_job(&mut self, job: JobId, at: Duration, mut on_alert: impl FnMut(&EtaAlert)) -> Result<(), Error> {
        self.check_time(at, || format!("cancellation of {job}"))?;
        let status = self.check_job(job)?;
        if status.is_closed() {
            return Err(Error::JobClosed { job, status });
        }
        for vehicle in &mut self.vehicles {
            vehicle.remaining.retain(|s| s.visit.job() != Some(job));
        }
        self.status[job.index()] = JobStatus::Cancelled { at };
        self.now = at;
        self.refresh(&mut on_alert);
        Ok(())
    }

    pub(super) fn check_vehicle(&self, vehicle: VehicleId) -> Result<usize, Error> {
        let count = self.vehicles.len();
        if vehicle.index() < count {
            Ok(vehicle.index())
        } else {
            Err(Error::UnknownVehicle { vehicle, count })
        }
    }

    fn check_time(&self, at: Duration, what: impl FnOnce() -> String) -> Result<(), Error> {
        if at < self.now {
            Err(Error::TimeWentBackwards { what: what(), at, now: self.now })
        } else {
            Ok(())
        }
    }

    fn check_job(&self, job: JobId) -> Result<JobStatus, Error> {
        let count = self.status.len();
        self.status.get(job.index()).copied().ok_or(Error::UnknownJob { job, count })
    }

    /// Validates a stop reported by vehicle `v`; returns its position in the remaining route.
    fn check_stop(&self, v: usize, visit: Visit) -> Result<usize, Error> {
        let vehicle = VehicleId(v as u32);
        let Some(job) = visit.job() else {
            return Err(Error::StopNotOnRoute { vehicle, visit });
        };
        let status = self.check_job(job)?;
        let done = match (status, visit) {
            (JobStatus::Cancelled { .. }, _) => return Err(Error::JobClosed { job, status }),
            (JobStatus::Done { .. } | JobStatus::Failed { .. }, _) => true,
            (JobStatus::PickedUp { .. }, Visit::Pickup(_)) => true,
            _ => false,
        };
        if done {
            return Err(Error::StopAlreadyDone { vehicle, visit });
        }
        let Some(k) = self.vehicles[v].remaining.iter().position(|s| s.visit == visit) else {
            return Err(Error::StopNotOnRoute { vehicle, visit });
        };
        if matches!(visit, Visit::Delivery(_)) && !matches!(status, JobStatus::PickedUp { .. }) {
            return Err(Error::NotPickedUp { vehicle, job });
        }
        Ok(k)
    }

    /// The vehicle is at `site` at `at`, free to leave.
    fn move_to(&mut self, v: usize, site: SiteId, at: Duration) {
        let travel = self.problem.travel();
        let vehicle = &mut self.vehicles[v];
        vehicle.driven = vehicle.driven.saturating_add(travel.distance(vehicle.position.index(), site.index()));
        vehicle.position = site;
        vehicle.ready = at;
    }

    /// Finishes stop `k` of vehicle `v` (validated) with `outcome` at `at`.
    fn finish(&mut self, v: usize, k: usize, at: Duration, outcome: StopOutcome) {
        let vehicle_id = VehicleId(v as u32);
        let stop = self.vehicles[v].remaining.remove(k);
        self.move_to(v, stop.site, at);
        let Some(j) = stop.visit.job() else { return };
        let job = &self.problem.jobs()[j.index()];
        let vehicle = &mut self.vehicles[v];
        vehicle.done.push(DoneStop { visit: stop.visit, site: stop.site, at, outcome });
        self.status[j.index()] = match outcome {
            StopOutcome::Failed(reason) => {
                if matches!(stop.visit, Visit::Pickup(_)) {
                    // Nothing was picked up: the delivery has nothing to deliver.
                    vehicle.remaining.retain(|s| s.visit != Visit::Delivery(j));
                }
                JobStatus::Failed { vehicle: vehicle_id, at, reason }
            }
            StopOutcome::Done => match (&job.kind, stop.visit) {
                (JobKind::Service { delivery, pickup, .. }, _) => {
                    vehicle.on_board.sub_assign(delivery);
                    vehicle.on_board.add_assign(pickup);
                    JobStatus::Done { vehicle: vehicle_id, at }
                }
                (JobKind::Shipment { load, .. }, Visit::Pickup(_)) => {
                    vehicle.on_board.add_assign(load);
                    self.loaded[j.index()] = Some(vehicle_id);
                    JobStatus::PickedUp { vehicle: vehicle_id }
                }
                (JobKind::Shipment { load, .. }, _) => {
                    vehicle.on_board.sub_assign(load);
                    JobStatus::Done { vehicle: vehicle_id, at }
                }
            },
        };
    }
}
