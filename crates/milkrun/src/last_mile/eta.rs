//! Estimated times of arrival: the schedule sweep shared by live ETAs and re-plans, the
//! promised-window rule, and the alert rule.

use milkrun_model::{Duration, Job, JobKind, SiteId, Stop, TimeWindow, TravelMatrix, Visit};

/// How wide the window promised to a customer is around the planned ETA.
///
/// The margin of a stop is `minimum + per_hour × on_road / 1 h`, where `on_road` is the driving
/// and service time (waiting excluded) from the route's departure, or from the re-plan that
/// first routed the stop, to the arrival at the stop: the later in a route, the more can go
/// wrong before it. The promised window is `[eta - margin, eta + margin]`, clipped to the
/// stop's own time window that contains the ETA, and never opening before the time the
/// promise is made.
///
/// # Units
/// Durations in the travel matrix's time unit (seconds for real data); `per_hour` is the extra
/// margin per 3600 time units on the road.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EtaMargin {
    /// Margin of a stop reached without any time on the road.
    pub minimum: Duration,
    /// Extra margin per hour (3600 time units) on the road before the stop.
    pub per_hour: Duration,
}

impl Default for EtaMargin {
    /// Ten minutes plus five minutes per hour on the road.
    fn default() -> Self {
        Self { minimum: Duration::minutes(10), per_hour: Duration::minutes(5) }
    }
}

impl EtaMargin {
    /// `minimum` plus `per_hour` per hour on the road.
    #[must_use]
    pub const fn new(minimum: Duration, per_hour: Duration) -> Self {
        Self { minimum, per_hour }
    }

    /// The margin of a stop reached after `on_road` of driving and service (negative values
    /// count as zero; the result saturates instead of overflowing).
    ///
    /// ```
    /// use milkrun::last_mile::EtaMargin;
    /// use milkrun::Duration;
    ///
    /// let margin = EtaMargin::new(Duration::minutes(10), Duration::minutes(6));
    /// assert_eq!(margin.margin(Duration::hours(2) + Duration::minutes(30)), Duration::minutes(25));
    /// ```
    #[must_use]
    pub fn margin(&self, on_road: Duration) -> Duration {
        let extra = i128::from(self.per_hour.get()) * i128::from(on_road.get().max(0)) / 3600;
        let extra = i64::try_from(extra).unwrap_or(i64::MAX);
        self.minimum.saturating_add(Duration(extra))
    }

    /// The window promised for a stop whose service is expected to start at `eta` after
    /// `on_road` on the road, when the promise is made at `now` (see the type's docs).
    ///
    /// The window always contains `eta` when `eta >= now` and the margin is not negative.
    #[must_use]
    pub fn promise(&self, eta: Duration, on_road: Duration, windows: &[TimeWindow], now: Duration) -> TimeWindow {
        let margin = self.margin(on_road);
        let mut open = Duration(eta.get().saturating_sub(margin.get()));
        let mut close = eta.saturating_add(margin);
        if let Some(w) = windows.iter().find(|w| w.contains(eta)) {
            open = open.max(w.open);
            close = close.min(w.close);
        }
        TimeWindow::new(open.max(now).min(eta), close.max(eta))
    }
}

/// Where an ETA stands against the promised window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EtaStatus {
    /// Inside the promised window.
    OnTime,
    /// Before the promised window opens (the vehicle is ahead of the plan).
    Early,
    /// After the promised window closes.
    Late,
}

impl EtaStatus {
    /// The status of `eta` against `promised`: early before it opens, late after it closes.
    #[must_use]
    pub fn of(eta: Duration, promised: TimeWindow) -> Self {
        Self::with_tolerance(eta, promised, Duration::ZERO)
    }

    /// The status of `eta` against `promised` widened by `tolerance` on both sides.
    #[must_use]
    pub fn with_tolerance(eta: Duration, promised: TimeWindow, tolerance: Duration) -> Self {
        if eta < Duration(promised.open.get().saturating_sub(tolerance.get())) {
            EtaStatus::Early
        } else if eta > promised.close.saturating_add(tolerance) {
            EtaStatus::Late
        } else {
            EtaStatus::OnTime
        }
    }
}

/// A stop whose ETA changed status against its promised window: it left the window (early or
/// late), or came back into it.
///
/// The alert callback fires once per change of status, not on every recomputation: a stop
/// that stays late through ten events raises one alert, and one more if it comes back on time.
/// [`LastMileOptions::alert_tolerance`](super::LastMileOptions::alert_tolerance) widens the
/// promised window for this purpose, so ETAs that wobble by a minute around its edge do not
/// raise an alert each time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtaAlert {
    /// The vehicle that serves the stop.
    pub vehicle: super::VehicleId,
    /// The stop.
    pub visit: Visit,
    /// The day's clock when the change was seen.
    pub at: Duration,
    /// The new ETA (start of service).
    pub eta: Duration,
    /// The window promised to the customer.
    pub promised: TimeWindow,
    /// The status before.
    pub previous: EtaStatus,
    /// The status now.
    pub status: EtaStatus,
}

/// The stop of `job` that `visit` serves: the pickup or delivery stop of a shipment, the stop
/// of a service.
pub(super) fn stop_of(job: &Job, visit: Visit) -> &Stop {
    match (&job.kind, visit) {
        (JobKind::Shipment { pickup, .. }, Visit::Pickup(_)) => pickup,
        (JobKind::Shipment { delivery, .. }, _) => delivery,
        (JobKind::Service { stop, .. }, _) => stop,
    }
}

/// Start of service for an arrival at `arrival`: the first window that has not closed, or the
/// arrival itself when none is left (the stop is then late) or the stop has no window. The
/// same rule as the model's checker.
pub(super) fn service_start(windows: &[TimeWindow], arrival: Duration) -> Duration {
    windows.iter().find(|w| arrival <= w.close).map_or(arrival, |w| arrival.max(w.open))
}

/// Times of one stop in a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Times {
    /// Arrival at the site.
    pub(super) arrival: Duration,
    /// Start of service (the ETA).
    pub(super) start: Duration,
    /// Departure.
    pub(super) departure: Duration,
    /// Driving and service time before the arrival, waiting excluded.
    pub(super) on_road: Duration,
}

/// Schedules `stops` in order for a vehicle that can leave `from` at `leave`: it drives, waits
/// for the first window not yet closed, serves, moves on. The first arrival is never before
/// `floor` (the day's clock: a vehicle that left earlier is somewhere on the way and arrives
/// no earlier than now). Appends one [`Times`] per stop to `out` (cleared first) and returns
/// the last site and departure.
///
/// # Complexity
/// O(stops · windows) time, no allocation beyond `out`.
pub(super) fn sweep<'a>(
    travel: &TravelMatrix,
    from: SiteId,
    leave: Duration,
    floor: Duration,
    stops: impl IntoIterator<Item = &'a Stop>,
    out: &mut Vec<Times>,
) -> (SiteId, Duration) {
    out.clear();
    let (mut prev, mut t, mut on_road) = (from, leave, Duration::ZERO);
    for (k, stop) in stops.into_iter().enumerate() {
        let drive = travel.duration(prev.index(), stop.site.index());
        let mut arrival = t.saturating_add(drive);
        if k == 0 {
            arrival = arrival.max(floor);
        }
        on_road = on_road.saturating_add(drive);
        let start = service_start(&stop.windows, arrival);
        let departure = start.saturating_add(stop.service);
        out.push(Times { arrival, start, departure, on_road });
        on_road = on_road.saturating_add(stop.service);
        t = departure;
        prev = stop.site;
    }
    (prev, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(open: i64, close: i64) -> TimeWindow {
        TimeWindow::new(Duration(open), Duration(close))
    }

    #[test]
    fn promise_is_clipped_to_the_window_and_now() {
        let m = EtaMargin::new(Duration(600), Duration(300));
        // Two hours on the road: 600 + 600 = 1200 either side.
        assert_eq!(m.promise(Duration(10_000), Duration(7200), &[], Duration(0)), w(8800, 11_200));
        assert_eq!(m.promise(Duration(10_000), Duration(7200), &[w(9000, 10_500)], Duration(0)), w(9000, 10_500));
        assert_eq!(m.promise(Duration(10_000), Duration(7200), &[], Duration(9500)), w(9500, 11_200));
        // A late ETA (outside every window) is not clipped.
        assert_eq!(m.promise(Duration(10_000), Duration(0), &[w(0, 5000)], Duration(0)), w(9400, 10_600));
    }

    #[test]
    fn status_against_promise() {
        assert_eq!(EtaStatus::of(Duration(5), w(10, 20)), EtaStatus::Early);
        assert_eq!(EtaStatus::of(Duration(10), w(10, 20)), EtaStatus::OnTime);
        assert_eq!(EtaStatus::of(Duration(21), w(10, 20)), EtaStatus::Late);
        assert_eq!(EtaStatus::with_tolerance(Duration(25), w(10, 20), Duration(5)), EtaStatus::OnTime);
        assert_eq!(EtaStatus::with_tolerance(Duration(4), w(10, 20), Duration(5)), EtaStatus::Early);
    }

    #[test]
    fn service_waits_for_the_first_open_window() {
        let windows = [w(100, 200), w(300, 400)];
        assert_eq!(service_start(&windows, Duration(50)), Duration(100));
        assert_eq!(service_start(&windows, Duration(250)), Duration(300));
        assert_eq!(service_start(&windows, Duration(450)), Duration(450));
        assert_eq!(service_start(&[], Duration(7)), Duration(7));
    }
}
