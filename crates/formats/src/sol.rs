//! VRPLIB solution files (`.sol`): `Route #k: a b c` lines with 0-based location indices
//! (depots first; a depot inside a route is a reload), then `Cost N` and optional extra lines.

use std::fmt::Write as _;

use milkrun_model::{JobId, JobKind, Problem, Route, SiteId, SiteKind, Solution, VehicleTypeId, Visit};

use crate::error::{check_count, FormatError};

/// A parsed `.sol` file, before it is matched to a problem.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SolFile {
    /// Routes as listed, each a list of 0-based location indices (empty routes kept).
    pub routes: Vec<Vec<usize>>,
    /// The text of the Cost value, if given (kept as text so its decimals are known).
    pub cost: Option<String>,
    /// Other `key value` lines (for example `Optimal: True`), in order.
    pub extra: Vec<(String, String)>,
}

/// Parses a `.sol` file.
///
/// # Errors
/// [`FormatError::Parse`] with the line for a malformed route or cost line,
/// [`FormatError::TooLarge`] for a location index beyond [`crate::MAX_ITEMS`].
pub fn read_sol(text: &str) -> Result<SolFile, FormatError> {
    let mut sol = SolFile::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("Route") {
            let (label, visits) = rest
                .split_once(':')
                .ok_or_else(|| FormatError::parse(line, "route line without ':' (expected 'Route #k: a b c')"))?;
            let k: usize = label
                .trim()
                .trim_start_matches('#')
                .parse()
                .map_err(|_| FormatError::parse(line, format!("route label '{}' is not '#k'", label.trim())))?;
            if k != sol.routes.len() + 1 {
                return Err(FormatError::parse(
                    line,
                    format!("route #{k} out of order (expected #{})", sol.routes.len() + 1),
                ));
            }
            let visits = visits
                .split_whitespace()
                .map(|v| {
                    let idx: u64 =
                        v.parse().map_err(|_| FormatError::parse(line, format!("'{v}' is not a location index")))?;
                    check_count(line, "location index", idx)
                })
                .collect::<Result<Vec<_>, _>>()?;
            sol.routes.push(visits);
            continue;
        }
        let (key, value) = match trimmed.split_once(':') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => trimmed.split_once(char::is_whitespace).map_or((trimmed, ""), |(k, v)| (k.trim(), v.trim())),
        };
        if key.eq_ignore_ascii_case("cost") {
            if value.parse::<f64>().map_or(true, |v| !v.is_finite()) {
                return Err(FormatError::parse(line, format!("cost '{value}' is not a number")));
            }
            if sol.cost.replace(value.to_string()).is_some() {
                return Err(FormatError::parse(line, "Cost given twice"));
            }
        } else {
            sol.extra.push((key.to_string(), value.to_string()));
        }
    }
    Ok(sol)
}

impl SolFile {
    /// Matches the routes to `problem`: a location index is a site; a depot inside a route is a
    /// reload there, any other site is the one job stop at that site (a service, or a
    /// shipment's pickup or delivery). With several vehicle types
    /// the file must list every vehicle (route k is vehicle k, types in order, as HFVRP files
    /// do); with one type, routes are assigned to it in order. Empty routes are dropped.
    ///
    /// # Errors
    /// [`FormatError::Parse`] (line 0) naming the route for an unknown location, a site with no
    /// or several jobs, or a route count that does not match the fleet.
    pub fn to_solution(&self, problem: &Problem) -> Result<Solution, FormatError> {
        let n = problem.sites().len();
        // site -> the one job stop there (None: no job; Some(None): several).
        let mut job_at: Vec<Option<Option<Visit>>> = vec![None; n];
        let mut put = |site: SiteId, visit: Visit| {
            let slot = &mut job_at[site.index()];
            *slot = Some(if slot.is_none() { Some(visit) } else { None });
        };
        for (j, job) in problem.jobs().iter().enumerate() {
            let id = JobId::from_index(j);
            match &job.kind {
                JobKind::Service { stop, .. } => put(stop.site, Visit::Service(id)),
                JobKind::Shipment { pickup, delivery, .. } => {
                    put(pickup.site, Visit::Pickup(id));
                    put(delivery.site, Visit::Delivery(id));
                }
            }
        }
        let types = problem.vehicle_types();
        let fleet = problem.fleet_size();
        let vehicle_type_of = |k: usize| -> Result<VehicleTypeId, FormatError> {
            if types.len() == 1 {
                return Ok(VehicleTypeId(0));
            }
            if self.routes.len() as u64 != fleet {
                return Err(FormatError::parse(
                    0,
                    format!("{} routes listed, but the fleet has {fleet} vehicles of several types", self.routes.len()),
                ));
            }
            let mut k = k as u64;
            for (t, vt) in types.iter().enumerate() {
                if k < u64::from(vt.count) {
                    return Ok(VehicleTypeId::from_index(t));
                }
                k -= u64::from(vt.count);
            }
            Err(FormatError::parse(0, format!("route #{} has no vehicle", k + 1)))
        };
        let mut routes = Vec::new();
        for (k, locations) in self.routes.iter().enumerate() {
            if locations.is_empty() {
                continue;
            }
            let vehicle_type = vehicle_type_of(k)?;
            let visits = locations
                .iter()
                .map(|&loc| {
                    let site = problem.sites().get(loc).ok_or_else(|| {
                        FormatError::parse(0, format!("route #{}: location {loc} is not a site (0..{n})", k + 1))
                    })?;
                    if site.kind == SiteKind::Depot {
                        return Ok(Visit::Reload(SiteId::from_index(loc)));
                    }
                    match job_at[loc] {
                        Some(Some(visit)) => Ok(visit),
                        Some(None) => Err(FormatError::parse(
                            0,
                            format!("route #{}: location {loc} has several jobs; a .sol cannot tell which", k + 1),
                        )),
                        None => Err(FormatError::parse(0, format!("route #{}: location {loc} has no job", k + 1))),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            routes.push(Route::new(vehicle_type, visits));
        }
        Ok(Solution { routes, unassigned: Vec::new() })
    }
}

/// Writes `solution` as a `.sol` file. With several vehicle types every vehicle is listed, types
/// in order (empty routes included), so [`SolFile::to_solution`] can tell the types apart; routes
/// of one type keep their order.
///
/// # Errors
/// [`FormatError::Parse`] (line 0) for a visit whose job does not exist or does not match, a
/// driver break (the format lists locations only), or more routes of a type than it has
/// vehicles.
pub fn write_sol(problem: &Problem, solution: &Solution, cost: Option<&str>) -> Result<String, FormatError> {
    let location = |v: &Visit| -> Result<usize, FormatError> {
        match *v {
            Visit::Reload(site) => Ok(site.index()),
            Visit::Break(b) => {
                Err(FormatError::parse(0, format!("a driver break ({b}) cannot be written: the .sol format has none")))
            }
            Visit::Service(job) => match &problem.jobs().get(job.index()).map(|j| &j.kind) {
                Some(JobKind::Service { stop, .. }) => Ok(stop.site.index()),
                _ => Err(FormatError::parse(0, format!("{job} is not a service job of this problem"))),
            },
            Visit::Pickup(job) | Visit::Delivery(job) => match &problem.jobs().get(job.index()).map(|j| &j.kind) {
                Some(JobKind::Shipment { pickup, delivery, .. }) => {
                    Ok(if matches!(v, Visit::Pickup(_)) { pickup.site.index() } else { delivery.site.index() })
                }
                _ => Err(FormatError::parse(0, format!("{job} is not a shipment of this problem"))),
            },
        }
    };
    let mut listed: Vec<Vec<&Route>> = Vec::new();
    if problem.vehicle_types().len() == 1 {
        listed.push(solution.routes.iter().collect());
    } else {
        for (t, vt) in problem.vehicle_types().iter().enumerate() {
            let mut of_type: Vec<&Route> = solution.routes.iter().filter(|r| r.vehicle_type.index() == t).collect();
            if of_type.len() > vt.count as usize {
                return Err(FormatError::parse(
                    0,
                    format!("{} routes for vehicle type '{}' of {}", of_type.len(), vt.name, vt.count),
                ));
            }
            of_type.resize(vt.count as usize, &EMPTY_ROUTE);
            listed.push(of_type);
        }
    }
    let mut out = String::new();
    for (k, route) in listed.into_iter().flatten().enumerate() {
        let _ = write!(out, "Route #{}:", k + 1);
        for v in &route.visits {
            let _ = write!(out, " {}", location(v)?);
        }
        out.push('\n');
    }
    if let Some(c) = cost {
        let _ = writeln!(out, "Cost {c}");
    }
    Ok(out)
}

static EMPTY_ROUTE: Route = Route { vehicle_type: VehicleTypeId(0), visits: Vec::new(), departure: None };

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_routes_and_cost() {
        let s = read_sol("Route #1: 1 2\nRoute #2: \nRoute #3: 3 0 4\nCost: 15006\nOptimal: True\n").unwrap();
        assert_eq!(s.routes, vec![vec![1, 2], vec![], vec![3, 0, 4]]);
        assert_eq!(s.cost.as_deref(), Some("15006"));
        assert_eq!(s.extra, vec![("Optimal".to_string(), "True".to_string())]);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(read_sol("Route #1: 1 x\n").unwrap_err().to_string().starts_with("line 1:"));
        assert!(read_sol("Route #2: 1\n").is_err());
        assert!(read_sol("Cost abc\n").is_err());
        assert!(matches!(read_sol("Route #1: 99999999999\n"), Err(FormatError::TooLarge { .. })));
    }
}
