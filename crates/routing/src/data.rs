//! The engine's flat, private view of a [`Problem`]: locations `0..n_depots` are depots (start
//! and end points of vehicle types), locations `n_depots..` are clients (one per job stop: a
//! paired shipment has two, its pickup then its delivery), with dense row-major distance and
//! duration matrices between locations.

use milkrun_model::{Assignment, BreakWhen, JobKind, Problem};

use crate::error::RoutingError;

/// Capacity dimensions the engine handles.
pub(crate) const MAX_DIMS: usize = 3;
/// Amounts per dimension; unused dimensions stay zero.
pub(crate) type Amounts = [i64; MAX_DIMS];
/// "Never": window ends and limits beyond this are clamped so that sums cannot overflow.
pub(crate) const FOREVER: i64 = i64::MAX / 16;

/// A vehicle type, flattened.
#[derive(Debug, Clone)]
pub(crate) struct VType {
    /// Its index in [`Data::vtypes`].
    pub(crate) index: usize,
    pub(crate) capacity: Amounts,
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) open: i64,
    pub(crate) close: i64,
    pub(crate) max_duration: i64,
    pub(crate) max_distance: i64,
    pub(crate) fixed: i64,
    pub(crate) unit_distance: i64,
    pub(crate) unit_duration: i64,
    /// Routes of this type the engine keeps (the type's count, capped at the number of clients).
    pub(crate) count: usize,
    /// The skills its vehicles have, one bit per skill.
    pub(crate) skills: u64,
    /// Excess load units a missing skill counts as (the largest capacity of any type in any
    /// dimension, at least 1): a job on a vehicle without its skills is as bad as a full
    /// truckload too many.
    pub(crate) skill_penalty: i64,
    /// Depot locations where its vehicles may reload between trips (empty: single trip).
    pub(crate) reload_locs: Vec<u32>,
    /// Most reloads per route.
    pub(crate) max_reloads: u32,
    /// Time a reload takes.
    pub(crate) reload_time: i64,
    /// Driver break rules (at most [`MAX_BREAKS`]), in the model's order.
    pub(crate) breaks: Vec<BreakRule>,
}

/// Driver break rules per vehicle type the engine handles.
pub(crate) const MAX_BREAKS: usize = 4;

/// A driver break rule, flattened: a window rule (start in `open..=close`, `limit` unused) or
/// a driving-time rule (`limit` of driving before it; any time).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BreakRule {
    pub(crate) duration: i64,
    pub(crate) window: bool,
    pub(crate) open: i64,
    pub(crate) close: i64,
    pub(crate) limit: i64,
}

impl VType {
    /// Whether its vehicles may reload at depot location `loc`.
    #[inline(always)]
    pub(crate) fn may_reload_at(&self, loc: u32) -> bool {
        self.reload_locs.contains(&loc)
    }
}

/// The compiled instance.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub(crate) n_depots: usize,
    pub(crate) n: usize,
    /// Distances, row-major; `i32` halves the memory the search touches (values are checked).
    pub(crate) dist: Vec<i32>,
    pub(crate) dur: Vec<i32>,
    pub(crate) dims: usize,
    pub(crate) delivery: Vec<Amounts>,
    pub(crate) pickup: Vec<Amounts>,
    pub(crate) service: Vec<i64>,
    pub(crate) early: Vec<i64>,
    pub(crate) late: Vec<i64>,
    pub(crate) release: Vec<i64>,
    /// Penalty for leaving an optional client out; 0 for required clients.
    pub(crate) prize: Vec<i64>,
    pub(crate) required: Vec<bool>,
    /// Job index of each client location (depots: unused).
    pub(crate) job: Vec<usize>,
    /// Client location of each job.
    pub(crate) loc_of_job: Vec<u32>,
    /// Planar position (x, y) of each location, for the polar sectors of SWAP*.
    pub(crate) xy: Vec<(f64, f64)>,
    pub(crate) vtypes: Vec<VType>,
    /// Granular neighbourhood: for each client, the closest other clients (by proximity).
    pub(crate) neighbours: Vec<Vec<u32>>,
    /// Whether time matters at all (windows, shifts, durations, release times).
    pub(crate) has_time: bool,
    /// Whether some client both delivers and picks up, or pickups and deliveries are mixed.
    pub(crate) mixed: bool,
    /// Whether every route must serve its linehauls (pure deliveries) before its backhauls
    /// (pure pickups), as in the VRPB; violations count as excess load.
    pub(crate) vrpb: bool,
    /// Whether the distance matrix is symmetric (2-opt reversals keep their distance).
    pub(crate) symmetric: bool,
    /// Skills each location's job needs, one bit per skill (depots: none).
    pub(crate) skills: Vec<u64>,
    /// Whether some job needs a skill that some vehicle type lacks.
    pub(crate) has_skills: bool,
    /// Whether some vehicle type may reload (multi-trip): routes then hold reload visits, depot
    /// locations between their clients, and are evaluated trip by trip.
    pub(crate) multi_trip: bool,
    /// Whether some client has several time windows: routes are then evaluated by simulation
    /// (see `windows.rs`).
    pub(crate) multi_window: bool,
    /// Whether some vehicle type has driver break rules: routes are then evaluated by
    /// simulation, breaks placed as they become due (see `breaks.rs`).
    pub(crate) has_breaks: bool,
    /// Each location's time windows (only when `multi_window` or `ride_limits`, which
    /// simulate routes; depots: none).
    pub(crate) windows: Vec<Vec<(i64, i64)>>,
    /// Model site of each depot location.
    pub(crate) depot_site: Vec<usize>,
    /// Whether some job is a paired shipment: its pickup and its delivery are two client
    /// locations (the delivery right after the pickup), partners of each other, that must be
    /// on one route, pickup first. The search then only makes moves that keep pairs whole
    /// (see `search/pairs.rs`).
    pub(crate) shipments: bool,
    /// Each location's partner: the other half of its shipment, or [`NO_PARTNER`].
    pub(crate) partner: Vec<u32>,
    /// Whether some shipment has a maximum ride time: routes are then evaluated by simulation
    /// with ride tracking (see `rides.rs`).
    pub(crate) ride_limits: bool,
    /// Each location's maximum ride time, on the delivery half of a shipment that has one
    /// ([`FOREVER`] everywhere else).
    pub(crate) max_ride: Vec<i64>,
}

/// No partner: the location is a depot or a job with a single stop.
pub(crate) const NO_PARTNER: u32 = u32::MAX;

fn item(kind: &str, name: &str) -> String {
    format!("{kind} '{name}'")
}

impl Data {
    /// Compiles `problem`; `granularity` is the neighbour list length.
    pub(crate) fn new(problem: &Problem, granularity: usize) -> Result<Self, RoutingError> {
        let dims = problem.dimensions().len().max(1);
        if dims > MAX_DIMS {
            return Err(RoutingError::Unsupported {
                item: format!("problem '{}'", problem.name()),
                feature: "more than 3 capacity dimensions",
            });
        }
        if problem.vehicle_types().iter().all(|v| v.count == 0) {
            return Err(RoutingError::NoVehicles);
        }
        let clamp = |t: i64| t.min(FOREVER);
        let amounts = |load: &milkrun_model::Load| {
            let mut a = [0; MAX_DIMS];
            for (k, &x) in load.amounts().iter().enumerate().take(MAX_DIMS) {
                a[k] = x;
            }
            a
        };

        // Depots: distinct (site, open end) pairs.
        let mut depot_sites: Vec<(usize, bool)> = Vec::new();
        let mut depot = |site: usize, open: bool| -> u32 {
            if let Some(k) = depot_sites.iter().position(|&d| d == (site, open)) {
                return k as u32;
            }
            depot_sites.push((site, open));
            (depot_sites.len() - 1) as u32
        };
        // One client location per stop: a shipment has two.
        let n_clients: usize = problem.jobs().iter().map(|j| j.stops().len()).sum();
        if problem.skills().len() > 64 {
            return Err(RoutingError::Unsupported {
                item: format!("problem '{}'", problem.name()),
                feature: "more than 64 skills",
            });
        }
        let mask = |skills: &[milkrun_model::SkillId]| skills.iter().fold(0u64, |m, s| m | 1u64 << s.index());
        let skill_penalty =
            problem.vehicle_types().iter().flat_map(|v| v.capacity.amounts().iter().copied()).max().unwrap_or(1).max(1);
        let mut vtypes = Vec::with_capacity(problem.vehicle_types().len());
        for vt in problem.vehicle_types() {
            let reload_locs: Vec<u32> = if vt.max_reloads == Some(0) {
                Vec::new()
            } else {
                vt.reload_sites.iter().map(|s| depot(s.index(), false)).collect()
            };
            let start = depot(vt.start.index(), false);
            let end = match vt.end {
                Some(site) => depot(site.index(), false),
                None => depot(vt.start.index(), true),
            };
            if vt.breaks.len() > MAX_BREAKS {
                return Err(RoutingError::Unsupported {
                    item: item("vehicle type", &vt.name),
                    feature: "more than 4 driver break rules",
                });
            }
            let breaks = vt
                .breaks
                .iter()
                .map(|b| match b.when {
                    BreakWhen::Window(w) => BreakRule {
                        duration: clamp(b.duration.get()),
                        window: true,
                        open: w.open.get(),
                        close: clamp(w.close.get()),
                        limit: FOREVER,
                    },
                    BreakWhen::AfterDriving(limit) => BreakRule {
                        duration: clamp(b.duration.get()),
                        window: false,
                        open: 0,
                        close: FOREVER,
                        limit: clamp(limit.get()),
                    },
                })
                .collect();
            vtypes.push(VType {
                index: vtypes.len(),
                capacity: amounts(&vt.capacity),
                start,
                end,
                open: vt.shift.open.get(),
                close: clamp(vt.shift.close.get()),
                max_duration: vt.max_duration.map_or(FOREVER, |d| clamp(d.get())),
                max_distance: vt.max_distance.map_or(FOREVER, |d| clamp(d.get())),
                fixed: vt.fixed_cost.get(),
                unit_distance: vt.unit_distance_cost,
                unit_duration: vt.unit_duration_cost,
                count: (vt.count as usize).min(n_clients.max(1)),
                skills: mask(&vt.skills),
                skill_penalty,
                max_reloads: if reload_locs.is_empty() { 0 } else { vt.max_reloads.unwrap_or(u32::MAX) },
                reload_locs,
                reload_time: clamp(vt.reload_time.get()),
                breaks,
            });
        }
        let n_depots = depot_sites.len();
        let n = n_depots + n_clients;

        let mut site = Vec::with_capacity(n);
        let mut open_end = Vec::with_capacity(n);
        for &(s, open) in &depot_sites {
            site.push(s);
            open_end.push(open);
        }
        let mut delivery = vec![[0; MAX_DIMS]; n];
        let mut pickup = vec![[0; MAX_DIMS]; n];
        let mut service = vec![0; n];
        let mut early = vec![0; n];
        let mut late = vec![FOREVER; n];
        let mut release = vec![0; n];
        let mut prize = vec![0; n];
        let mut required = vec![false; n];
        let mut job_of = vec![usize::MAX; n];
        let mut skills = vec![0u64; n];
        let mut loc_of_job = Vec::with_capacity(n_clients);
        // Every client's windows; kept only when some client has several.
        let mut windows: Vec<Vec<(i64, i64)>> = Vec::new();
        let mut all_windows: Vec<Vec<(i64, i64)>> = Vec::with_capacity(n_clients);
        let mut partner = vec![NO_PARTNER; n];
        let mut max_ride = vec![FOREVER; n];
        let mut shipments = false;
        let mut loc = n_depots;
        for (j, job) in problem.jobs().iter().enumerate() {
            // (stop, delivered there, picked up there) per client location of the job; a
            // shipment's delivery is a negative pickup: the load summaries then count what is
            // on board between its two stops (see `segment.rs`).
            let halves: Vec<(&milkrun_model::Stop, Amounts, Amounts)> = match &job.kind {
                JobKind::Service { stop, delivery: d, pickup: p } => vec![(stop, amounts(d), amounts(p))],
                JobKind::Shipment { pickup: from, delivery: to, load, max_ride: limit } => {
                    if let Some(limit) = limit {
                        max_ride[loc + 1] = clamp(limit.get());
                    }
                    shipments = true;
                    let q = amounts(load);
                    partner[loc] = loc as u32 + 1;
                    partner[loc + 1] = loc as u32;
                    vec![(from, [0; MAX_DIMS], q), (to, [0; MAX_DIMS], q.map(|x| -x))]
                }
            };
            loc_of_job.push(loc as u32);
            for (half, (stop, d, p)) in halves.into_iter().enumerate() {
                if stop.windows.len() > 1 {
                    windows.resize(n, Vec::new());
                }
                skills[loc] = mask(&job.skills);
                site.push(stop.site.index());
                open_end.push(false);
                delivery[loc] = d;
                pickup[loc] = p;
                service[loc] = stop.service.get();
                if let (Some(first), Some(last)) = (stop.windows.first(), stop.windows.last()) {
                    early[loc] = first.open.get();
                    late[loc] = clamp(last.close.get());
                }
                all_windows.push(stop.windows.iter().map(|w| (w.open.get(), clamp(w.close.get()))).collect::<Vec<_>>());
                release[loc] = job.release.get();
                match job.assignment {
                    Assignment::Required => required[loc] = true,
                    // A shipment's penalty is on its pickup: the pair is served or left out whole.
                    Assignment::Optional { penalty } if half == 0 => prize[loc] = penalty.get(),
                    Assignment::Optional { .. } => {}
                }
                job_of[loc] = j;
                loc += 1;
            }
        }

        let travel = problem.travel();
        let mut dist = vec![0i32; n * n];
        let mut dur = vec![0i32; n * n];
        let narrow = |v: i64, what: &str, a: usize, b: usize| {
            i32::try_from(v).map_err(|_| RoutingError::OutOfRange {
                item: format!("{what} from site {a} to site {b}"),
                reason: format!("{v} exceeds the engine's 2^31 - 1 travel units; use a coarser unit"),
            })
        };
        let never = i32::MAX / 4;
        let mut max_arc = 0i64;
        for a in 0..n {
            for b in 0..n {
                if a == b || open_end[b] {
                    continue;
                }
                if open_end[a] {
                    // Nothing leaves an open end; keep such arcs expensive so they are never used.
                    dist[a * n + b] = never;
                    dur[a * n + b] = never;
                    continue;
                }
                let d = travel.distance(site[a], site[b]).get();
                let t = travel.duration(site[a], site[b]).get();
                max_arc = max_arc.max(d).max(t);
                dist[a * n + b] = narrow(d, "distance", site[a], site[b])?;
                dur[a * n + b] = narrow(t, "duration", site[a], site[b])?;
            }
        }
        // Integer safety: any route sum and its cost must stay far from overflow.
        let worst = (max_arc.max(1) as i128) * (n as i128 + 1);
        let unit = vtypes.iter().map(|v| v.unit_distance.abs().max(v.unit_duration.abs())).max().unwrap_or(1).max(1);
        if worst * unit as i128 > (FOREVER / 1024) as i128 {
            return Err(RoutingError::OutOfRange {
                item: format!("problem '{}'", problem.name()),
                reason: format!("travel values up to {max_arc} times unit costs up to {unit} may overflow route costs"),
            });
        }
        for loc in n_depots..n {
            for k in 0..MAX_DIMS {
                if delivery[loc][k].abs() > FOREVER / (n as i64 * 1024)
                    || pickup[loc][k].abs() > FOREVER / (n as i64 * 1024)
                {
                    return Err(RoutingError::OutOfRange {
                        item: item("job", &problem.jobs()[job_of[loc]].name),
                        reason: "load amount too large".into(),
                    });
                }
            }
        }

        let unsupported =
            |feature| Err(RoutingError::Unsupported { item: format!("problem '{}'", problem.name()), feature });
        let multi_trip = vtypes.iter().any(|v| !v.reload_locs.is_empty());
        let multi_window = !windows.is_empty();
        let ride_limits = max_ride.iter().any(|&r| r < FOREVER);
        if multi_window || ride_limits {
            windows.resize(n, Vec::new());
            for (k, w) in all_windows.into_iter().enumerate() {
                windows[n_depots + k] = w;
            }
        }
        if multi_window {
            // The multi-window evaluation simulates from the earliest departure, which a
            // release time (known only once the whole route is) or a reload would move.
            if multi_trip {
                return unsupported("several time windows per stop together with reloads");
            }
            if (n_depots..n).any(|c| release[c] > 0) {
                return unsupported("several time windows per stop together with release times");
            }
        }
        let has_breaks = vtypes.iter().any(|v| !v.breaks.is_empty());
        if has_breaks {
            // Breaks are placed by simulating from the earliest departure (see `breaks.rs`),
            // which a release time or a reload would move.
            if multi_trip {
                return unsupported("driver breaks together with reloads");
            }
            if (n_depots..n).any(|c| release[c] > 0) {
                return unsupported("driver breaks together with release times");
            }
            // (Two simulations, one chain each: not combined yet.)
            if ride_limits {
                return unsupported("driver breaks together with maximum ride times of shipments");
            }
        }
        if shipments {
            if multi_trip {
                return unsupported("paired shipments together with reloads");
            }
            if problem.linehauls_before_backhauls() {
                return unsupported("paired shipments together with linehauls before backhauls");
            }
            // Ride times are tracked by simulating from the earliest departure, which a release
            // time would move (as with several windows per stop).
            if ride_limits && (n_depots..n).any(|c| release[c] > 0) {
                return unsupported("maximum ride times of paired shipments together with release times");
            }
        }
        let has_time = has_breaks
            || ride_limits
            || (n_depots..n).any(|c| early[c] > 0 || late[c] < FOREVER || release[c] > 0)
            || vtypes
                .iter()
                .any(|v| v.open > 0 || v.close < FOREVER || v.max_duration < FOREVER || v.unit_duration != 0);
        let any_pickup = (n_depots..n).any(|c| pickup[c].iter().any(|&x| x != 0));
        let any_delivery = (n_depots..n).any(|c| delivery[c].iter().any(|&x| x != 0));
        // (A shipment's delivery is a negative pickup: its loads never sum as plain totals.)
        let mixed = any_pickup && any_delivery || shipments;
        // Open-route ends are one-way by construction and never reversed through.
        let symmetric = (0..n).filter(|&a| !open_end[a]).all(|a| {
            (0..a)
                .filter(|&b| !open_end[b])
                .all(|b| dist[a * n + b] == dist[b * n + a] && dur[a * n + b] == dur[b * n + a])
        });
        let xy = site.iter().map(|&s| problem.sites()[s].location.xy()).collect();
        let has_skills = skills.iter().any(|&need| vtypes.iter().any(|v| need & !v.skills != 0));

        let mut data = Data {
            n_depots,
            n,
            dist,
            dur,
            dims,
            delivery,
            pickup,
            service,
            early,
            late,
            release,
            prize,
            required,
            job: job_of,
            loc_of_job,
            xy,
            vtypes,
            neighbours: Vec::new(),
            has_time,
            mixed,
            vrpb: problem.linehauls_before_backhauls(),
            symmetric,
            skills,
            has_skills,
            multi_trip,
            multi_window,
            has_breaks,
            windows,
            depot_site: depot_sites.iter().map(|&(s, _)| s).collect(),
            shipments,
            partner,
            ride_limits,
            max_ride,
        };
        data.neighbours = data.compute_neighbours(granularity);
        Ok(data)
    }

    /// Whether SWAP* applies: no time, no maximum distances, no reloads (and, checked where it
    /// runs, not per move, no shipments: it moves single clients). Its screening prices loads as
    /// the larger of the route's total delivery and total pickup (exact for pure deliveries or
    /// pure pickups, and for linehauls before backhauls); the exchange it picks is re-evaluated
    /// exactly (mixed loads, backhaul order, skills) before it is applied.
    pub(crate) fn swap_star(&self) -> bool {
        !self.multi_trip && !self.has_time && self.vtypes.iter().all(|v| v.max_distance >= FOREVER)
    }

    /// Whether the fast distance-and-totals evaluation of inter-route exchanges is exact:
    /// SWAP*'s conditions, and neither mixed loads (shipments count as mixed) nor skills.
    pub(crate) fn simple_loads(&self) -> bool {
        self.swap_star() && !self.mixed && !self.has_skills
    }

    #[inline]
    pub(crate) fn d(&self, a: u32, b: u32) -> i64 {
        i64::from(self.dist[a as usize * self.n + b as usize])
    }

    #[inline]
    pub(crate) fn t(&self, a: u32, b: u32) -> i64 {
        i64::from(self.dur[a as usize * self.n + b as usize])
    }

    /// Service start and lateness at client `loc` reached at `arrival`: in the first window
    /// that has not closed (waiting for it to open), or late after the last one (the
    /// checker's rule).
    #[inline(always)]
    pub(crate) fn service_start(&self, loc: u32, arrival: i64) -> (i64, i64) {
        let l = loc as usize;
        if !self.multi_window {
            return (arrival.max(self.early[l]), (arrival - self.late[l]).max(0));
        }
        let ws = &self.windows[l];
        for &(open, close) in ws {
            if arrival <= close {
                return (arrival.max(open), 0);
            }
        }
        (arrival, ws.last().map_or(0, |&(_, close)| arrival - close))
    }

    /// Whether routes are evaluated by simulation (several windows per stop, breaks, ride limits)
    /// rather than by duration summaries.
    #[inline(always)]
    pub(crate) fn simulated(&self) -> bool {
        self.multi_window || self.has_breaks || self.ride_limits
    }

    /// Whether client `loc` is the pickup of a shipment (its partner, the delivery, follows it).
    #[inline(always)]
    pub(crate) fn is_pickup_half(&self, loc: u32) -> bool {
        let p = self.partner[loc as usize];
        p != NO_PARTNER && p > loc
    }

    /// Whether location `loc` is a depot (inside a route: a reload).
    #[inline(always)]
    pub(crate) fn is_depot(&self, loc: u32) -> bool {
        (loc as usize) < self.n_depots
    }

    pub(crate) fn clients(&self) -> std::ops::Range<usize> {
        self.n_depots..self.n
    }

    pub(crate) fn n_clients(&self) -> usize {
        self.n - self.n_depots
    }

    /// Proximity of Vidal et al. (2013): distance plus weighted waiting and lateness of serving
    /// `j` right after `i`, symmetrised by the minimum; the `k` closest clients per client.
    fn compute_neighbours(&self, k: usize) -> Vec<Vec<u32>> {
        let k = k.min(self.n_clients().saturating_sub(1));
        let prox = |i: usize, j: usize| -> f64 {
            let d = f64::from(self.dist[i * self.n + j]);
            if !self.has_time {
                return d;
            }
            let t = i64::from(self.dur[i * self.n + j]);
            let wait = (self.early[j] - (self.late[i] + self.service[i] + t)).max(0) as f64;
            let warp = (self.early[i] + self.service[i] + t - self.late[j]).max(0) as f64;
            d + 0.2 * wait + warp
        };
        let mut out = vec![Vec::new(); self.n];
        let mut row: Vec<(f64, u32)> = Vec::with_capacity(self.n);
        for i in self.clients() {
            row.clear();
            for j in self.clients() {
                if j != i {
                    row.push((prox(i, j).min(prox(j, i)), j as u32));
                }
            }
            if k < row.len() {
                row.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                row.truncate(k);
            }
            row.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out[i] = row.iter().map(|&(_, j)| j).collect();
        }
        out
    }
}
