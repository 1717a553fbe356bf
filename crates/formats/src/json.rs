//! milkrun's own JSON format for problems and solutions.
//!
//! A file is an envelope naming its format and version around the model's serde form:
//!
//! ```json
//! {"format": "milkrun-problem", "version": 1, "problem": { ... }}
//! {"format": "milkrun-solution", "version": 1, "solution": { ... }}
//! ```
//!
//! Every field is described in `docs/json-format.md`; `docs/examples/` holds a problem and a
//! solution. Problems are validated when read ([`ProblemData::validate`]); solutions are only
//! parsed (check one against its problem with [`milkrun_model::check_solution`]).

use milkrun_model::{Problem, ProblemData, Solution};
use serde::{Deserialize, Serialize};

use crate::error::FormatError;

/// The `format` of a problem file.
pub const JSON_PROBLEM_FORMAT: &str = "milkrun-problem";
/// The `format` of a solution file.
pub const JSON_SOLUTION_FORMAT: &str = "milkrun-solution";
/// The version this crate writes and reads.
pub const JSON_VERSION: u64 = 1;

#[derive(Serialize)]
struct ProblemOut<'a> {
    format: &'static str,
    version: u64,
    problem: &'a Problem,
}

#[derive(Deserialize)]
struct ProblemIn {
    problem: ProblemData,
}

#[derive(Serialize)]
struct SolutionOut<'a> {
    format: &'static str,
    version: u64,
    solution: &'a Solution,
}

#[derive(Deserialize)]
struct SolutionIn {
    solution: Solution,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

/// Checks the envelope's `format` and `version` before the body is parsed, so that a wrong
/// file gets a clear error rather than a missing-field one.
fn check_header(text: &str, expected: &str) -> Result<(), FormatError> {
    let header: Header = serde_json::from_str(text)?;
    match header.format.as_deref() {
        Some(f) if f == expected => {}
        Some(f) => return Err(FormatError::parse(0, format!("format is \"{f}\", expected \"{expected}\""))),
        None => return Err(FormatError::parse(0, format!("no \"format\" field: not a {expected} file"))),
    }
    match header.version {
        Some(v) if v.as_u64() == Some(JSON_VERSION) => Ok(()),
        Some(v) => Err(FormatError::parse(0, format!("{expected} version {v} is not supported (only {JSON_VERSION})"))),
        None => Err(FormatError::parse(0, "no \"version\" field")),
    }
}

/// A problem as JSON (pretty-printed, fields in a fixed order).
///
/// # Errors
/// [`FormatError::Json`] if serialization fails (it does not for a validated problem).
///
/// # Example
/// ```
/// # let text = "t\nVEHICLE\nNUMBER CAPACITY\n1 10\nCUSTOMER\nCUST\n0 0 0 0 0 9 0\n1 1 1 1 0 9 0\n";
/// # let problem = milkrun_formats::read_solomon(text, 1000)?.problem;
/// let json = milkrun_formats::problem_to_json(&problem)?;
/// assert_eq!(milkrun_formats::problem_from_json(&json)?, problem);
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
pub fn problem_to_json(problem: &Problem) -> Result<String, FormatError> {
    let out = ProblemOut { format: JSON_PROBLEM_FORMAT, version: JSON_VERSION, problem };
    Ok(serde_json::to_string_pretty(&out)?)
}

/// Reads and validates a problem from JSON.
///
/// # Errors
/// [`FormatError::Json`] for malformed JSON or a field of the wrong type (with line and column),
/// [`FormatError::Parse`] for a wrong `format` or an unsupported `version`,
/// [`FormatError::Model`] if the content is not a valid problem.
pub fn problem_from_json(text: &str) -> Result<Problem, FormatError> {
    check_header(text, JSON_PROBLEM_FORMAT)?;
    let envelope: ProblemIn = serde_json::from_str(text)?;
    Ok(envelope.problem.validate()?)
}

/// A solution as JSON (pretty-printed).
///
/// # Errors
/// [`FormatError::Json`] if serialization fails (it does not for the model's types).
pub fn solution_to_json(solution: &Solution) -> Result<String, FormatError> {
    let out = SolutionOut { format: JSON_SOLUTION_FORMAT, version: JSON_VERSION, solution };
    Ok(serde_json::to_string_pretty(&out)?)
}

/// Reads a solution from JSON. Its ids are not checked against any problem: use
/// [`milkrun_model::check_solution`].
///
/// # Errors
/// [`FormatError::Json`] for malformed JSON or a field of the wrong type,
/// [`FormatError::Parse`] for a wrong `format` or an unsupported `version`.
pub fn solution_from_json(text: &str) -> Result<Solution, FormatError> {
    check_header(text, JSON_SOLUTION_FORMAT)?;
    let envelope: SolutionIn = serde_json::from_str(text)?;
    Ok(envelope.solution)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::PathBuf;

    use milkrun_model::{
        check_solution, Assignment, Calendar, ContainerId, ContainerType, Coordinates, CubicMetres, Duration, Horizon,
        Job, JobId, Kilograms, Load, Money, Part, Rounding, Route, Site, SiteId, SiteKind, SkillId, Speed, Stop,
        TimeWindow, TravelMatrix, VehicleType, VehicleTypeId, Visit, Weekday, WeekdaySet,
    };
    use proptest::prelude::*;

    use super::*;

    fn examples() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples")
    }

    fn hhmm(h: i64, m: i64) -> Duration {
        Duration::hours(h) + Duration::minutes(m)
    }

    /// The documented example: a plant near Munich and three suppliers, one truck type.
    fn example_problem() -> Problem {
        let at = |lat, lon| Coordinates::LatLon { lat, lon };
        let mut plant = Site::new("Plant Munich", SiteKind::Plant, at(48.137, 11.575));
        plant.windows = vec![TimeWindow::new(hhmm(5, 0), hhmm(22, 0))];
        plant.calendar = Calendar { open_days: WeekdaySet::WORKDAYS, holidays: vec![] };
        let suppliers = [
            ("Supplier Freising", 48.403, 11.749),
            ("Supplier Dachau", 48.260, 11.434),
            ("Supplier Erding", 48.306, 11.907),
        ];
        let mut sites = vec![plant];
        sites.extend(suppliers.iter().map(|&(name, lat, lon)| Site::new(name, SiteKind::Supplier, at(lat, lon))));
        let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
        let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(15.0)).unwrap();
        let window = TimeWindow::new(hhmm(6, 0), hhmm(14, 0));
        let jobs = [(1, 1800, 6), (2, 2500, 9), (3, 900, 4)]
            .into_iter()
            .map(|(site, kg, pallets)| {
                let stop = Stop::at(SiteId(site)).service(Duration::minutes(20)).window(window);
                Job::pickup(format!("pickup at {}", suppliers[site as usize - 1].0), stop, Load::new(vec![kg, pallets]))
            })
            .collect();
        let mut truck = VehicleType::new("truck 40t", 2, Load::new(vec![12_000, 33]), SiteId(0));
        truck.shift = TimeWindow::new(hhmm(5, 0), hhmm(22, 0));
        truck.max_duration = Some(Duration::hours(10));
        truck.fixed_cost = Money(15_000);
        let containers = vec![ContainerType {
            name: "KLT 6428".into(),
            parts_per_container: 40,
            tare: Kilograms(1.9),
            volume: CubicMetres(0.048),
            empty_volume: CubicMetres(0.048),
            returnable: true,
        }];
        let parts = (1..=3)
            .map(|s| Part {
                name: format!("part P-10{s}"),
                unit_weight: Kilograms(0.75),
                unit_volume: CubicMetres(0.001),
                container: Some(ContainerId(0)),
                supplier: Some(SiteId(s)),
            })
            .collect();
        ProblemData {
            name: "munich-3-suppliers".into(),
            dimensions: vec!["kg".into(), "pallets".into()],
            sites,
            containers,
            parts,
            jobs,
            vehicle_types: vec![truck],
            travel,
            horizon: Some(Horizon { days: 5, first_weekday: Weekday::Mon }),
            ..ProblemData::default()
        }
        .validate()
        .unwrap()
    }

    fn example_solution() -> Solution {
        let visits = vec![Visit::Service(JobId(1)), Visit::Service(JobId(0)), Visit::Service(JobId(2))];
        Solution { routes: vec![Route::new(VehicleTypeId(0), visits)], unassigned: vec![] }
    }

    /// Rewrites `docs/examples/*.json` from the code above: `cargo test -p milkrun-formats --
    /// --ignored regenerate_examples`.
    #[test]
    #[ignore = "rewrites docs/examples"]
    fn regenerate_examples() {
        let dir = examples();
        crate::write_string(dir.join("problem.json"), &(problem_to_json(&example_problem()).unwrap() + "\n")).unwrap();
        crate::write_string(dir.join("solution.json"), &(solution_to_json(&example_solution()).unwrap() + "\n"))
            .unwrap();
    }

    #[test]
    fn example_files_read_and_round_trip() {
        let problem_text = crate::read_to_string(examples().join("problem.json")).unwrap();
        let solution_text = crate::read_to_string(examples().join("solution.json")).unwrap();
        let problem = problem_from_json(&problem_text).unwrap();
        let solution = solution_from_json(&solution_text).unwrap();
        assert_eq!(problem, example_problem(), "docs/examples/problem.json is stale: regenerate it");
        assert_eq!(solution, example_solution());
        assert_eq!(problem_to_json(&problem).unwrap(), problem_text.trim_end());
        assert_eq!(solution_to_json(&solution).unwrap(), solution_text.trim_end());
        let report = check_solution(&problem, &solution);
        assert!(report.is_feasible(), "{:?}", report.violations);
    }

    #[test]
    fn envelope_errors_are_clear() {
        let problem = problem_to_json(&example_problem()).unwrap();
        let solution = solution_to_json(&example_solution()).unwrap();
        let e = problem_from_json(&solution).unwrap_err().to_string();
        assert!(e.contains("\"milkrun-solution\", expected \"milkrun-problem\""), "{e}");
        let e = solution_from_json(&problem).unwrap_err().to_string();
        assert!(e.contains("expected \"milkrun-solution\""), "{e}");
        let e = problem_from_json(&problem.replacen("\"version\": 1", "\"version\": 2", 1)).unwrap_err().to_string();
        assert!(e.contains("version 2 is not supported"), "{e}");
        let e = problem_from_json(&problem.replacen("\"version\": 1,", "", 1)).unwrap_err().to_string();
        assert!(e.contains("no \"version\""), "{e}");
        let e = problem_from_json("{\"problem\": {}}").unwrap_err().to_string();
        assert!(e.contains("no \"format\""), "{e}");
        let e = problem_from_json(&problem[..problem.len() / 2]).unwrap_err();
        assert!(matches!(e, FormatError::Json(_)), "{e}");
        // The body is validated: a job at a site that does not exist.
        let bad = problem.replacen("\"site\": 3", "\"site\": 9", 1);
        assert_ne!(bad, problem);
        let e = problem_from_json(&bad).unwrap_err();
        assert!(matches!(e, FormatError::Model(_)), "{e}");
        assert!(e.to_string().contains("site #9"), "{e}");
    }

    /// The defaults docs/json-format.md promises for left-out fields.
    #[test]
    fn left_out_fields_take_the_documented_defaults() {
        let text = r#"{"format": "milkrun-problem", "version": 1, "problem": {
            "name": "minimal", "dimensions": ["kg"],
            "sites": [{"name": "d", "kind": "depot", "location": {"planar": {"x": 0, "y": 0}}},
                      {"name": "c", "kind": "customer", "location": {"lat_lon": {"lat": 0, "lon": 0}}}],
            "jobs": [{"name": "j", "kind": {"service": {"stop": {"site": 1}, "delivery": [1], "pickup": [0]}}}],
            "vehicle_types": [{"name": "v", "count": 1, "capacity": [5], "start": 0}],
            "travel": {"size": 2, "distances": [0, 1, 1, 0], "durations": [0, 1, 1, 0]}}}"#;
        let p = problem_from_json(text).unwrap();
        let v = &p.vehicle_types()[0];
        assert_eq!((v.end, v.shift, v.unit_distance_cost, v.fixed_cost), (None, TimeWindow::ALWAYS, 0, Money(0)));
        let j = &p.jobs()[0];
        assert_eq!((j.release, j.assignment, j.priority), (Duration(0), Assignment::Required, 0));
        assert_eq!(p.sites()[0].calendar, Calendar::default());
        assert!(p.horizon().is_none() && !p.linehauls_before_backhauls() && p.parts().is_empty());
        let solution = solution_from_json(
            r#"{"format": "milkrun-solution", "version": 1,
            "solution": {"routes": [{"vehicle_type": 0, "visits": [{"service": 0}, {"reload": 0}]}]}}"#,
        )
        .unwrap();
        assert_eq!(solution.routes[0].departure, None);
        assert!(solution.unassigned.is_empty());
    }

    fn window() -> impl Strategy<Value = Option<TimeWindow>> {
        prop::option::of((0i64..1000, 0i64..1000).prop_map(|(a, w)| TimeWindow::new(Duration(a), Duration(a + w))))
    }

    fn stop(sites: usize) -> impl Strategy<Value = Stop> {
        (0..sites as u32, 0i64..100, window()).prop_map(|(s, service, w)| Stop {
            site: SiteId(s),
            service: Duration(service),
            windows: w.into_iter().collect(),
        })
    }

    fn load(dims: usize) -> impl Strategy<Value = Load> {
        prop::collection::vec(0i64..10, dims).prop_map(Load::new)
    }

    fn job(sites: usize, dims: usize) -> impl Strategy<Value = Job> {
        let kind = prop_oneof![
            (stop(sites), load(dims), load(dims)).prop_map(|(s, d, p)| Job::delivery_and_pickup("s", s, d, p).kind),
            (stop(sites), stop(sites), load(dims), prop::option::of(0i64..500)).prop_map(|(p, d, l, r)| {
                let mut job = Job::shipment("p", p, d, l);
                if let milkrun_model::JobKind::Shipment { max_ride, .. } = &mut job.kind {
                    *max_ride = r.map(Duration);
                }
                job.kind
            }),
        ];
        (kind, "[a-z ]{0,8}", 0i64..100, prop::option::of(0i64..1000), 0u32..5, any::<bool>()).prop_map(
            |(kind, name, release, penalty, priority, skilled)| Job {
                name,
                kind,
                release: Duration(release),
                assignment: penalty.map_or(Assignment::Required, |p| Assignment::Optional { penalty: Money(p) }),
                priority,
                skills: if skilled { vec![SkillId(0)] } else { vec![] },
            },
        )
    }

    fn problem() -> impl Strategy<Value = Problem> {
        (1usize..5, 1usize..3, any::<bool>()).prop_flat_map(|(sites, dims, geographic)| {
            let site =
                (-80.0f64..80.0, -170.0f64..170.0, "[A-Za-z0-9 ]{0,6}", window()).prop_map(move |(a, b, name, w)| {
                    let location = if geographic {
                        Coordinates::LatLon { lat: a, lon: b }
                    } else {
                        Coordinates::Planar { x: a, y: b }
                    };
                    let mut site = Site::new(name, SiteKind::Supplier, location);
                    site.windows = w.into_iter().collect();
                    site
                });
            let vehicle = (0u32..5, 0..sites as u32, prop::option::of(0..sites as u32), 0i64..1000, any::<bool>())
                .prop_map(move |(count, start, end, fixed, skilled)| {
                    let mut v = VehicleType::new("truck", count, Load::new(vec![10; dims]), SiteId(start));
                    v.end = end.map(SiteId);
                    v.fixed_cost = Money(fixed);
                    v.max_duration = (fixed % 2 == 0).then_some(Duration(fixed * 10));
                    v.unit_duration_cost = fixed % 3;
                    v.skills = if skilled { vec![SkillId(0)] } else { vec![] };
                    v.reload_sites = if skilled { vec![SiteId(start)] } else { vec![] };
                    if fixed % 5 == 0 {
                        let lunch = milkrun_model::TimeWindow::new(Duration(fixed), Duration(fixed + 60));
                        v.breaks = vec![
                            milkrun_model::BreakRule::in_window(Duration(30), lunch),
                            milkrun_model::BreakRule::after_driving(Duration(45), Duration(fixed + 1)),
                        ];
                    }
                    v
                });
            (
                "[a-z0-9-]{0,10}",
                prop::collection::vec(site, sites),
                prop::collection::vec(job(sites, dims), 0..6),
                vehicle.clone(),
                prop::collection::vec(vehicle, 0..2),
                any::<bool>(),
            )
                .prop_map(move |(name, sites, jobs, first, mut more, backhauls)| {
                    // The first vehicle type has the skill, so every job has a capable vehicle.
                    let mut first = first;
                    first.skills = vec![SkillId(0)];
                    more.insert(0, first);
                    let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
                    let travel =
                        TravelMatrix::from_coordinates(&coords, Rounding::Exact { scale: 10 }, Speed::Constant(2.5))
                            .unwrap();
                    ProblemData {
                        name,
                        dimensions: (0..dims).map(|d| format!("dim{d}")).collect(),
                        sites,
                        skills: vec!["tail-lift".into()],
                        jobs,
                        vehicle_types: more,
                        travel,
                        linehauls_before_backhauls: backhauls,
                        ..ProblemData::default()
                    }
                    .validate()
                    .unwrap()
                })
        })
    }

    fn solution() -> impl Strategy<Value = Solution> {
        let visit = prop_oneof![
            (0u32..9).prop_map(|j| Visit::Service(JobId(j))),
            (0u32..9).prop_map(|j| Visit::Pickup(JobId(j))),
            (0u32..9).prop_map(|j| Visit::Delivery(JobId(j))),
            (0u32..9).prop_map(|s| Visit::Reload(SiteId(s))),
            (0u32..3).prop_map(|b| Visit::Break(milkrun_model::BreakId(b))),
        ];
        let route = (0u32..3, prop::collection::vec(visit, 0..6), prop::option::of(0i64..1000)).prop_map(
            |(v, visits, departure)| Route {
                vehicle_type: VehicleTypeId(v),
                visits,
                departure: departure.map(Duration),
            },
        );
        (prop::collection::vec(route, 0..4), prop::collection::vec((0u32..9).prop_map(JobId), 0..3))
            .prop_map(|(routes, unassigned)| Solution { routes, unassigned })
    }

    proptest! {
        #[test]
        fn problems_round_trip(p in problem()) {
            let json = problem_to_json(&p).unwrap();
            prop_assert_eq!(problem_from_json(&json).unwrap(), p);
        }

        #[test]
        fn solutions_round_trip(s in solution()) {
            let json = solution_to_json(&s).unwrap();
            prop_assert_eq!(solution_from_json(&json).unwrap(), s);
        }
    }
}
