//! VRPLIB instances in PyVRP's dialect: CVRP, VRPTW, VRPB, MTVRPTWR and HFVRP.
//!
//! Each type carries the cost convention of its benchmark family (see `../shared/data/README.md`):
//!
//! | type | distances | times | cost units of the `.sol` |
//! |---|---|---|---|
//! | CVRP, VRPB | nearest integer | as distances | raw |
//! | VRPTW | `trunc(10 d)` (tenths) | x10 | raw / 10, one decimal |
//! | MTVRPTWR | `trunc(10 d)` (tenths) | x10 | raw (tenths) |
//! | HFVRP, decimal costs | `round(10^6 d)` | - | raw / 10^8, two decimals |
//! | HFVRP, integer costs | `round(1000 d)` | - | raw |

use std::collections::HashMap;
use std::fmt::Write as _;

use milkrun_model::{
    Coordinates, Duration, Job, JobKind, Load, Money, Problem, ProblemData, Rounding, Site, SiteId, SiteKind, Speed,
    Stop, TimeWindow, TravelMatrix, VehicleType,
};

use crate::error::{check_count, FormatError};
use crate::instance::{CostUnits, Instance};

/// The instance families this reader knows, from the `TYPE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VrplibType {
    /// Capacitated VRP.
    Cvrp,
    /// VRP with time windows (Gehring-Homberger, DIMACS convention).
    Vrptw,
    /// VRP with backhauls.
    Vrpb,
    /// Multi-trip VRP with time windows and release times.
    Mtvrptwr,
    /// Heterogeneous fleet VRP.
    Hfvrp,
}

impl VrplibType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "CVRP" => Self::Cvrp,
            "VRPTW" | "CVRPTW" => Self::Vrptw,
            "VRPB" => Self::Vrpb,
            "MTVRPTWR" => Self::Mtvrptwr,
            "HFVRP" => Self::Hfvrp,
            _ => return None,
        })
    }
    /// The TYPE a VRPLIB text declares, if it is one of the known types.
    #[must_use]
    pub fn declared_in(text: &str) -> Option<Self> {
        let parsed = tokenize(text).ok()?;
        Self::parse(parsed.header_value("TYPE")?.1)
    }

    /// The name used on the TYPE line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cvrp => "CVRP",
            Self::Vrptw => "VRPTW",
            Self::Vrpb => "VRPB",
            Self::Mtvrptwr => "MTVRPTWR",
            Self::Hfvrp => "HFVRP",
        }
    }
}

/// Which of the two HFVRP cost conventions to use (`../shared/data/README.md`): a `.sol` whose
/// Cost has decimals uses [`HfvrpCost::Decimal`], an integer Cost [`HfvrpCost::Integer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HfvrpCost {
    /// Cost = sum over used vehicles of fixed/100 + unit/100 x unrounded distance, 2 decimals.
    #[default]
    Decimal,
    /// Cost = sum over used vehicles of fixed x 1000 + unit x sum of round(1000 x arc distance).
    Integer,
}

impl HfvrpCost {
    /// The convention a `.sol` Cost value implies: decimals mean [`HfvrpCost::Decimal`].
    #[must_use]
    pub fn of_cost_text(cost: &str) -> Self {
        if cost.contains('.') {
            Self::Decimal
        } else {
            Self::Integer
        }
    }
    fn distance_scale(self) -> u32 {
        match self {
            Self::Decimal => 1_000_000,
            Self::Integer => 1000,
        }
    }
}

/// Options of [`read_vrplib`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VrplibOptions {
    /// The HFVRP cost convention (ignored for other types).
    pub hfvrp_cost: HfvrpCost,
}

struct Row<'a> {
    line: usize,
    fields: Vec<&'a str>,
}

struct Parsed<'a> {
    header: HashMap<String, (usize, String)>,
    sections: HashMap<String, (usize, Vec<Row<'a>>)>,
}

fn tokenize(text: &str) -> Result<Parsed<'_>, FormatError> {
    let mut header = HashMap::new();
    let mut sections: HashMap<String, (usize, Vec<Row<'_>>)> = HashMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed == "EOF" {
            break;
        }
        if let Some((key, value)) = trimmed.split_once(':') {
            let key = key.trim();
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit()) {
                if header.insert(key.to_string(), (line, value.trim().to_string())).is_some() {
                    return Err(FormatError::parse(line, format!("{key} given twice")));
                }
                current = None;
                continue;
            }
        }
        let mut fields = trimmed.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if first.ends_with("_SECTION") {
            if sections.contains_key(first) {
                return Err(FormatError::parse(line, format!("{first} given twice")));
            }
            sections.insert(first.to_string(), (line, Vec::new()));
            current = Some(first.to_string());
            if fields.next().is_some() {
                return Err(FormatError::parse(line, format!("unexpected data after {first}")));
            }
            continue;
        }
        match current.as_ref().and_then(|c| sections.get_mut(c)) {
            Some((_, rows)) => rows.push(Row { line, fields: trimmed.split_whitespace().collect() }),
            None => return Err(FormatError::parse(line, format!("data '{trimmed}' outside any section"))),
        }
    }
    Ok(Parsed { header, sections })
}

fn parse_num<T: std::str::FromStr>(line: usize, what: &str, s: &str) -> Result<T, FormatError> {
    s.parse().map_err(|_| FormatError::parse(line, format!("{what}: '{s}' is not a valid number")))
}

fn finite(line: usize, what: &str, s: &str) -> Result<f64, FormatError> {
    let v: f64 = parse_num(line, what, s)?;
    if v.is_finite() && v.abs() < 1e12 {
        Ok(v)
    } else {
        Err(FormatError::parse(line, format!("{what}: {s} is not a finite number of sensible size")))
    }
}

impl Parsed<'_> {
    fn header_value(&self, key: &str) -> Option<(usize, &str)> {
        self.header.get(key).map(|(l, v)| (*l, v.as_str()))
    }

    fn count(&self, key: &'static str) -> Result<Option<usize>, FormatError> {
        self.header_value(key)
            .map(|(line, v)| {
                let n: u64 = parse_num(line, key, v)?;
                check_count(line, key, n)
            })
            .transpose()
    }

    /// The rows of a per-node (or per-vehicle) section as `values` numbers after the 1-based
    /// index, one row per index 1..=n exactly.
    fn indexed(&self, name: &str, n: usize, values: usize) -> Result<Option<Vec<Vec<f64>>>, FormatError> {
        let Some((start, rows)) = self.sections.get(name) else { return Ok(None) };
        let mut out: Vec<Option<Vec<f64>>> = vec![None; n];
        for row in rows {
            if row.fields.len() != values + 1 {
                return Err(FormatError::parse(
                    row.line,
                    format!("{name}: expected an index and {values} value(s), found {} field(s)", row.fields.len()),
                ));
            }
            let idx: u64 = parse_num(row.line, name, row.fields[0])?;
            let slot = usize::try_from(idx)
                .ok()
                .filter(|&i| (1..=n).contains(&i))
                .ok_or_else(|| FormatError::parse(row.line, format!("{name}: index {idx} is outside 1..={n}")))?;
            if out[slot - 1].is_some() {
                return Err(FormatError::parse(row.line, format!("{name}: index {idx} given twice")));
            }
            let vals = row.fields[1..].iter().map(|s| finite(row.line, name, s)).collect::<Result<Vec<_>, _>>()?;
            out[slot - 1] = Some(vals);
        }
        out.into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| FormatError::parse(*start, format!("{name}: no entry for index {}", i + 1))))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

fn integral(line: usize, what: &str, v: f64) -> Result<i64, FormatError> {
    if v.fract() != 0.0 {
        return Err(FormatError::parse(line, format!("{what}: {v} is not an integer")));
    }
    Ok(v as i64)
}

fn scaled(v: f64, scale: i64) -> i64 {
    (v * scale as f64).round() as i64
}

/// Reads a VRPLIB instance (CVRP, VRPTW, VRPB, MTVRPTWR or HFVRP in PyVRP's dialect) with its
/// family's cost convention.
///
/// # Errors
/// [`FormatError::Parse`] with the line and reason for malformed text, [`FormatError::TooLarge`]
/// for a declared size beyond [`crate::MAX_ITEMS`], [`FormatError::Model`] if the content does not
/// make a valid problem.
///
/// # Complexity
/// O(n²) for the distance matrix.
pub fn read_vrplib(text: &str, options: &VrplibOptions) -> Result<Instance, FormatError> {
    let p = tokenize(text)?;
    let (type_line, ty) = p.header_value("TYPE").ok_or_else(|| FormatError::parse(0, "TYPE missing"))?;
    let ty = VrplibType::parse(ty).ok_or_else(|| {
        FormatError::parse(type_line, format!("TYPE '{ty}' is not one of CVRP, VRPTW, VRPB, MTVRPTWR, HFVRP"))
    })?;
    if let Some((line, ewt)) = p.header_value("EDGE_WEIGHT_TYPE") {
        if ewt != "EUC_2D" {
            return Err(FormatError::parse(line, format!("EDGE_WEIGHT_TYPE '{ewt}' is not supported (EUC_2D only)")));
        }
    }
    for (name, (line, _)) in &p.sections {
        const KNOWN: [&str; 11] = [
            "NODE_COORD_SECTION",
            "DEMAND_SECTION",
            "BACKHAUL_SECTION",
            "TIME_WINDOW_SECTION",
            "SERVICE_TIME_SECTION",
            "RELEASE_TIME_SECTION",
            "CAPACITY_SECTION",
            "VEHICLES_FIXED_COST_SECTION",
            "VEHICLES_UNIT_DISTANCE_COST_SECTION",
            "VEHICLES_RELOAD_DEPOT_SECTION",
            "DEPOT_SECTION",
        ];
        if !KNOWN.contains(&name.as_str()) {
            return Err(FormatError::parse(*line, format!("{name} is not supported")));
        }
        let allowed = match name.as_str() {
            "BACKHAUL_SECTION" => ty == VrplibType::Vrpb,
            "TIME_WINDOW_SECTION" => matches!(ty, VrplibType::Vrptw | VrplibType::Mtvrptwr),
            "RELEASE_TIME_SECTION" | "VEHICLES_RELOAD_DEPOT_SECTION" => ty == VrplibType::Mtvrptwr,
            "CAPACITY_SECTION" | "VEHICLES_FIXED_COST_SECTION" | "VEHICLES_UNIT_DISTANCE_COST_SECTION" => {
                ty == VrplibType::Hfvrp
            }
            _ => true,
        };
        if !allowed {
            return Err(FormatError::parse(*line, format!("{name} does not belong in a {} instance", ty.name())));
        }
    }
    let n = p.count("DIMENSION")?.ok_or_else(|| FormatError::parse(0, "DIMENSION missing"))?;
    if n < 2 {
        return Err(FormatError::parse(p.header["DIMENSION"].0, "DIMENSION must be at least 2 (a depot and a client)"));
    }
    let (rounding, time_scale, cost_units) = match ty {
        VrplibType::Cvrp | VrplibType::Vrpb => (Rounding::Nearest, 1, CostUnits::IDENTITY),
        VrplibType::Vrptw => (Rounding::TruncateOneDecimal, 10, CostUnits { divisor: 10, decimals: 1 }),
        VrplibType::Mtvrptwr => (Rounding::TruncateOneDecimal, 10, CostUnits::IDENTITY),
        VrplibType::Hfvrp => {
            let scale = options.hfvrp_cost.distance_scale();
            let units = match options.hfvrp_cost {
                HfvrpCost::Decimal => CostUnits { divisor: 100 * i64::from(scale), decimals: 2 },
                HfvrpCost::Integer => CostUnits::IDENTITY,
            };
            (Rounding::Exact { scale }, 1, units)
        }
    };

    let coords =
        p.indexed("NODE_COORD_SECTION", n, 2)?.ok_or_else(|| FormatError::parse(0, "NODE_COORD_SECTION missing"))?;
    let demand_line = p.sections.get("DEMAND_SECTION").map_or(0, |s| s.0);
    let demands = p.indexed("DEMAND_SECTION", n, 1)?.ok_or_else(|| FormatError::parse(0, "DEMAND_SECTION missing"))?;
    let backhauls = p.indexed("BACKHAUL_SECTION", n, 1)?;
    let windows = p.indexed("TIME_WINDOW_SECTION", n, 2)?;
    let services = p.indexed("SERVICE_TIME_SECTION", n, 1)?;
    let releases = p.indexed("RELEASE_TIME_SECTION", n, 1)?;
    let default_service = match p.header_value("SERVICE_TIME") {
        Some((line, v)) => finite(line, "SERVICE_TIME", v)?,
        None => 0.0,
    };

    let (depot_line, depot_rows) =
        p.sections.get("DEPOT_SECTION").ok_or_else(|| FormatError::parse(0, "DEPOT_SECTION missing"))?;
    let mut is_depot = vec![false; n];
    let mut depots = Vec::new();
    for row in depot_rows {
        for f in &row.fields {
            let id: i64 = parse_num(row.line, "DEPOT_SECTION", f)?;
            if id == -1 {
                break;
            }
            let idx = usize::try_from(id)
                .ok()
                .filter(|&i| (1..=n).contains(&i))
                .ok_or_else(|| FormatError::parse(row.line, format!("DEPOT_SECTION: depot {id} is outside 1..={n}")))?;
            if is_depot[idx - 1] {
                return Err(FormatError::parse(row.line, format!("DEPOT_SECTION: depot {id} given twice")));
            }
            is_depot[idx - 1] = true;
            depots.push(idx - 1);
        }
    }
    if depots.is_empty() {
        return Err(FormatError::parse(*depot_line, "DEPOT_SECTION lists no depot"));
    }
    // The .sol convention numbers depots first: require them to be the first nodes.
    if let Some(i) = depots.iter().position(|&d| d >= depots.len()) {
        return Err(FormatError::parse(
            *depot_line,
            format!("depot {} is not among the first nodes; depots must come first", depots[i] + 1),
        ));
    }

    let sites: Vec<Site> = coords
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let kind = if is_depot[i] { SiteKind::Depot } else { SiteKind::Customer };
            Site::new((i + 1).to_string(), kind, Coordinates::Planar { x: c[0], y: c[1] })
        })
        .collect();
    let points: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&points, rounding, Speed::EqualToDistance)?;
    let window_of = |i: usize| windows.as_ref().map(|w| (scaled(w[i][0], time_scale), scaled(w[i][1], time_scale)));

    let mut jobs = Vec::with_capacity(n - depots.len());
    for i in (0..n).filter(|&i| !is_depot[i]) {
        let line = demand_line;
        let delivery = integral(line, "DEMAND_SECTION", demands[i][0])?;
        let pickup = match &backhauls {
            Some(b) => integral(line, "BACKHAUL_SECTION", b[i][0])?,
            None => 0,
        };
        let service = services.as_ref().map_or(default_service, |s| s[i][0]);
        let mut stop = Stop::at(SiteId::from_index(i)).service(Duration(scaled(service, time_scale)));
        if let Some((open, close)) = window_of(i) {
            stop = stop.window(TimeWindow::new(Duration(open), Duration(close)));
        }
        let mut job = Job::delivery_and_pickup((i + 1).to_string(), stop, Load::single(delivery), Load::single(pickup));
        if let Some(r) = &releases {
            job.release = Duration(scaled(r[i][0], time_scale));
        }
        jobs.push(job);
    }

    let vehicles = p.count("VEHICLES")?;
    let capacity = match p.header_value("CAPACITY") {
        Some((line, v)) => Some(integral(line, "CAPACITY", finite(line, "CAPACITY", v)?)?),
        None => None,
    };
    let depot = SiteId::from_index(depots[0]);
    let shift = match window_of(depots[0]) {
        Some((open, close)) => TimeWindow::new(Duration(open), Duration(close)),
        None => TimeWindow::ALWAYS,
    };
    if ty == VrplibType::Mtvrptwr && !p.sections.contains_key("VEHICLES_RELOAD_DEPOT_SECTION") {
        return Err(FormatError::parse(0, "MTVRPTWR needs VEHICLES_RELOAD_DEPOT_SECTION"));
    }
    let vehicle_types = if ty == VrplibType::Hfvrp {
        let k = vehicles.ok_or_else(|| FormatError::parse(0, "VEHICLES missing (needed with CAPACITY_SECTION)"))?;
        let caps =
            p.indexed("CAPACITY_SECTION", k, 1)?.ok_or_else(|| FormatError::parse(0, "CAPACITY_SECTION missing"))?;
        let fixed = p.indexed("VEHICLES_FIXED_COST_SECTION", k, 1)?;
        let unit = p.indexed("VEHICLES_UNIT_DISTANCE_COST_SECTION", k, 1)?;
        let fixed_scale = match ty {
            VrplibType::Hfvrp => i64::from(options.hfvrp_cost.distance_scale()),
            _ => 1,
        };
        let mut types: Vec<VehicleType> = Vec::new();
        for v in 0..k {
            let line = p.sections.get("CAPACITY_SECTION").map_or(0, |s| s.0);
            let cap = integral(line, "CAPACITY_SECTION", caps[v][0])?;
            let f = fixed.as_ref().map_or(Ok(0), |f| integral(line, "VEHICLES_FIXED_COST_SECTION", f[v][0]))?;
            let u = unit.as_ref().map_or(Ok(1), |u| integral(line, "VEHICLES_UNIT_DISTANCE_COST_SECTION", u[v][0]))?;
            let mut vt = VehicleType::new(format!("vehicle {}", v + 1), 1, Load::single(cap), depot);
            vt.fixed_cost = Money(f * fixed_scale);
            vt.unit_distance_cost = u;
            vt.shift = shift;
            match types.last_mut() {
                Some(last)
                    if last.capacity == vt.capacity
                        && last.fixed_cost == vt.fixed_cost
                        && last.unit_distance_cost == vt.unit_distance_cost =>
                {
                    last.count += 1;
                    last.name = format!("{}-{}", last.name.split('-').next().unwrap_or_default(), v + 1);
                }
                _ => types.push(vt),
            }
        }
        types
    } else {
        let cap = capacity.ok_or_else(|| FormatError::parse(0, "CAPACITY missing"))?;
        let count = vehicles.unwrap_or(n - depots.len());
        let count = u32::try_from(count).map_err(|_| FormatError::parse(0, "VEHICLES does not fit in u32"))?;
        let mut vt = VehicleType::new("vehicle", count, Load::single(cap), depot);
        vt.shift = shift;
        if let Some(reload) = &p.sections.get("VEHICLES_RELOAD_DEPOT_SECTION") {
            let k = vehicles.ok_or_else(|| FormatError::parse(reload.0, "VEHICLES missing"))?;
            let rows = p.indexed("VEHICLES_RELOAD_DEPOT_SECTION", k, 1)?.unwrap_or_default();
            let mut sites_: Vec<SiteId> = Vec::new();
            for r in rows {
                let d = integral(reload.0, "VEHICLES_RELOAD_DEPOT_SECTION", r[0])?;
                let idx = usize::try_from(d - 1).ok().filter(|&i| i < n && is_depot[i]).ok_or_else(|| {
                    FormatError::parse(reload.0, format!("VEHICLES_RELOAD_DEPOT_SECTION: {d} is not a depot"))
                })?;
                if !sites_.contains(&SiteId::from_index(idx)) {
                    sites_.push(SiteId::from_index(idx));
                }
            }
            vt.reload_sites = sites_;
        }
        vec![vt]
    };

    let name = p.header_value("NAME").map(|(_, v)| v.to_string()).unwrap_or_default();
    let data = ProblemData {
        name,
        dimensions: vec!["demand".into()],
        sites,
        jobs,
        vehicle_types,
        travel,
        linehauls_before_backhauls: ty == VrplibType::Vrpb,
        ..ProblemData::default()
    };
    Ok(Instance { problem: data.validate()?, cost_units })
}

fn unscale(v: i64, scale: i64) -> String {
    if scale == 1 {
        v.to_string()
    } else {
        // Exact decimal text of v / scale (scale is a power of ten).
        let digits = scale.to_string().len() - 1;
        let sign = if v < 0 { "-" } else { "" };
        let a = v.unsigned_abs();
        let s = scale.unsigned_abs();
        let frac = format!("{:0digits$}", a % s);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{}", a / s)
        } else {
            format!("{sign}{}.{frac}", a / s)
        }
    }
}

/// Writes a problem as a VRPLIB instance of type `ty`, in the dialect [`read_vrplib`] reads, with
/// that type's conventions: reading the text back with the same `options` gives the same
/// problem.
///
/// # Errors
/// [`FormatError::Parse`] (line 0) when the problem has a shape the type cannot express:
/// geographic coordinates, several load dimensions, several windows per stop, shipments,
/// depots that are not the first sites, windows outside VRPTW/MTVRPTWR, pickups outside VRPB,
/// several vehicle types or costs outside HFVRP, reloads or release times outside MTVRPTWR.
pub fn write_vrplib(problem: &Problem, ty: VrplibType, options: &VrplibOptions) -> Result<String, FormatError> {
    let unsupported = |why: &str| Err(FormatError::parse(0, format!("cannot write as {}: {why}", ty.name())));
    let vts = problem.vehicle_types();
    if problem.linehauls_before_backhauls() != (ty == VrplibType::Vrpb) {
        return unsupported("the linehauls-before-backhauls rule holds exactly in VRPB");
    }
    if ty != VrplibType::Hfvrp && (vts.len() != 1 || vts[0].fixed_cost.0 != 0 || vts[0].unit_distance_cost != 1) {
        return unsupported("several vehicle types, fixed or distance costs need HFVRP");
    }
    if vts.iter().any(|v| {
        v.unit_duration_cost != 0
            || v.max_duration.is_some()
            || v.max_distance.is_some()
            || v.energy.is_some()
            || !v.skills.is_empty()
            || v.max_reloads.is_some()
            || v.reload_time.0 != 0
    }) {
        return unsupported("duration costs, route limits, energy, skills or reload limits");
    }
    if (ty == VrplibType::Mtvrptwr) != vts.iter().all(|v| !v.reload_sites.is_empty()) {
        return unsupported("reload sites exist exactly in MTVRPTWR");
    }
    if problem
        .jobs()
        .iter()
        .any(|j| !j.skills.is_empty() || j.priority != 0 || j.assignment != milkrun_model::Assignment::Required)
    {
        return unsupported("skills, priorities or optional jobs");
    }
    if !problem.parts().is_empty()
        || !problem.containers().is_empty()
        || !problem.skills().is_empty()
        || problem.horizon().is_some()
    {
        return unsupported("parts, containers, skills or a horizon");
    }
    if problem.dimensions().len() != 1 {
        return unsupported("VRPLIB has exactly one load dimension");
    }
    let has_windows = matches!(ty, VrplibType::Vrptw | VrplibType::Mtvrptwr);
    if !has_windows && vts.iter().any(|v| v.shift != TimeWindow::ALWAYS) {
        return unsupported("a shift outside VRPTW/MTVRPTWR");
    }
    let time_scale: i64 = match ty {
        VrplibType::Vrptw | VrplibType::Mtvrptwr => 10,
        _ => 1,
    };
    let n = problem.sites().len();
    let depots: Vec<usize> = (0..n).filter(|&i| problem.sites()[i].kind == SiteKind::Depot).collect();
    if depots.is_empty() || depots.iter().enumerate().any(|(k, &d)| k != d) {
        return unsupported("depots must be the first sites");
    }
    let mut job_at: Vec<Option<&Job>> = vec![None; n];
    for job in problem.jobs() {
        let JobKind::Service { stop, .. } = &job.kind else { return unsupported("shipments") };
        if stop.windows.len() > 1 || (!has_windows && !stop.windows.is_empty()) {
            return unsupported("several windows per stop, or windows outside VRPTW/MTVRPTWR");
        }
        if job.name != (stop.site.index() + 1).to_string() {
            return unsupported("job names other than their node number");
        }
        let slot = &mut job_at[stop.site.index()];
        if slot.is_some() || problem.site(stop.site).kind == SiteKind::Depot {
            return unsupported("a site with more than one job, or a job at a depot");
        }
        *slot = Some(job);
    }
    if let Some(i) = (depots.len()..n).find(|&i| job_at[i].is_none()) {
        return unsupported(&format!("site #{i} has no job"));
    }
    for (i, site) in problem.sites().iter().enumerate() {
        let kind_ok = matches!(site.kind, SiteKind::Depot | SiteKind::Customer);
        if site.name != (i + 1).to_string()
            || !site.windows.is_empty()
            || site.calendar != Default::default()
            || !kind_ok
        {
            return unsupported(&format!("site #{i}: VRPLIB sites are named by number, with no windows or calendar"));
        }
    }
    let vt0 = &vts[0];
    if vts.iter().any(|v| v.start != SiteId(0) || v.end != Some(SiteId(0)) || v.shift != vt0.shift) {
        return unsupported("vehicles must start and end at the first depot and share one shift");
    }
    let mut out = String::new();
    let _ = writeln!(out, "NAME: {}", problem.name());
    let _ = writeln!(out, "TYPE: {}", ty.name());
    let _ = writeln!(out, "DIMENSION: {n}");
    let fleet = problem.fleet_size();
    let _ = writeln!(out, "VEHICLES: {fleet}");
    let hetero = ty == VrplibType::Hfvrp;
    if !hetero {
        let _ = writeln!(out, "CAPACITY: {}", vt0.capacity.amounts()[0]);
    }
    let _ = writeln!(out, "EDGE_WEIGHT_TYPE: EUC_2D");
    let _ = writeln!(out, "NODE_COORD_SECTION");
    for (i, s) in problem.sites().iter().enumerate() {
        let Coordinates::Planar { x, y } = s.location else { return unsupported("geographic coordinates") };
        let _ = writeln!(out, "{}\t{x}\t{y}", i + 1);
    }
    let loads = |i: usize| match job_at[i].map(|j| &j.kind) {
        Some(JobKind::Service { delivery, pickup, .. }) => (delivery.amounts()[0], pickup.amounts()[0]),
        _ => (0, 0),
    };
    let _ = writeln!(out, "DEMAND_SECTION");
    for i in 0..n {
        let _ = writeln!(out, "{}\t{}", i + 1, loads(i).0);
    }
    if ty == VrplibType::Vrpb {
        let _ = writeln!(out, "BACKHAUL_SECTION");
        for i in 0..n {
            let _ = writeln!(out, "{}\t{}", i + 1, loads(i).1);
        }
    } else if (0..n).any(|i| loads(i).1 != 0) {
        return unsupported("pickups outside a VRPB");
    }
    let stop_of = |i: usize| job_at[i].and_then(|j| j.stops().first().map(|s| (*s).clone()));
    if has_windows {
        let _ = writeln!(out, "TIME_WINDOW_SECTION");
        for i in 0..n {
            let w = match stop_of(i) {
                Some(stop) => stop.windows.first().copied().unwrap_or(TimeWindow::ALWAYS),
                None => vt0.shift,
            };
            let _ = writeln!(out, "{}\t{}\t{}", i + 1, unscale(w.open.0, time_scale), unscale(w.close.0, time_scale));
        }
    }
    let _ = writeln!(out, "SERVICE_TIME_SECTION");
    for i in 0..n {
        let s = stop_of(i).map_or(0, |s| s.service.0);
        let _ = writeln!(out, "{}\t{}", i + 1, unscale(s, time_scale));
    }
    if ty == VrplibType::Mtvrptwr {
        let _ = writeln!(out, "RELEASE_TIME_SECTION");
        for (i, job) in job_at.iter().enumerate() {
            let r = job.map_or(0, |j| j.release.0);
            let _ = writeln!(out, "{}\t{}", i + 1, unscale(r, time_scale));
        }
        let _ = writeln!(out, "VEHICLES_RELOAD_DEPOT_SECTION");
        let reload = vt0.reload_sites.first().map_or(1, |s| s.index() + 1);
        for v in 0..fleet {
            let _ = writeln!(out, "{}\t{reload}", v + 1);
        }
    } else if problem.jobs().iter().any(|j| j.release.0 != 0) {
        return unsupported("release times outside an MTVRPTWR");
    }
    if hetero {
        let fixed_scale = i64::from(options.hfvrp_cost.distance_scale());
        let mut sections = [
            ("CAPACITY_SECTION", String::new()),
            ("VEHICLES_FIXED_COST_SECTION", String::new()),
            ("VEHICLES_UNIT_DISTANCE_COST_SECTION", String::new()),
        ];
        let mut k = 0;
        for vt in vts {
            if vt.fixed_cost.0 % fixed_scale != 0 {
                return unsupported("a fixed cost that is not a whole multiple of the convention's scale");
            }
            for _ in 0..vt.count {
                k += 1;
                let _ = writeln!(sections[0].1, "{k}\t{}", vt.capacity.amounts()[0]);
                let _ = writeln!(sections[1].1, "{k}\t{}", vt.fixed_cost.0 / fixed_scale);
                let _ = writeln!(sections[2].1, "{k}\t{}", vt.unit_distance_cost);
            }
        }
        for (name, body) in sections {
            let _ = write!(out, "{name}\n{body}");
        }
    }
    let _ = writeln!(out, "DEPOT_SECTION");
    for d in &depots {
        let _ = writeln!(out, "{}", d + 1);
    }
    let _ = writeln!(out, "-1\nEOF");
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use milkrun_model::Distance;

    const TINY: &str = "NAME : tiny\nTYPE : CVRP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n\
        NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\n4 0 1.5\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 1\n\
        DEPOT_SECTION\n1\n-1\nEOF\n";

    #[test]
    fn reads_a_tiny_cvrp() {
        let inst = read_vrplib(TINY, &VrplibOptions::default()).unwrap();
        let p = &inst.problem;
        assert_eq!(p.jobs().len(), 3);
        assert_eq!(p.travel().distance(0, 1), Distance(5));
        assert_eq!(p.travel().distance(0, 3), Distance(2)); // 1.5 rounds to 2
        assert_eq!(p.vehicle_types()[0].count, 3);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = TINY.replace("3 5\n", "3 five\n");
        let e = read_vrplib(&bad, &VrplibOptions::default()).unwrap_err().to_string();
        assert!(e.starts_with("line 14:"), "{e}");
        let hostile = TINY.replace("DIMENSION : 4", "DIMENSION : 1000000000000");
        let e = read_vrplib(&hostile, &VrplibOptions::default()).unwrap_err();
        assert!(matches!(e, FormatError::TooLarge { line: 3, .. }), "{e}");
        let missing = TINY.replace("4 1\n", "");
        let e = read_vrplib(&missing, &VrplibOptions::default()).unwrap_err().to_string();
        assert!(e.contains("no entry for index 4"), "{e}");
    }

    #[test]
    fn cvrp_round_trip() {
        let a = read_vrplib(TINY, &VrplibOptions::default()).unwrap();
        let ty = VrplibType::declared_in(TINY).unwrap();
        let text = write_vrplib(&a.problem, ty, &VrplibOptions::default()).unwrap();
        let b = read_vrplib(&text, &VrplibOptions::default()).unwrap();
        assert_eq!(a.problem, b.problem);
    }

    #[test]
    fn unscale_is_exact() {
        assert_eq!(unscale(123, 10), "12.3");
        assert_eq!(unscale(120, 10), "12");
        assert_eq!(unscale(-5, 10), "-0.5");
    }
}

#[doc(hidden)]
pub(crate) mod tests_support {
    use milkrun_model::Problem;

    /// A fixed 8-node CVRP (one depot, seven clients) for property checks of `.sol` files.
    pub(crate) fn small_problem() -> Problem {
        let mut text = String::from("NAME: small\nTYPE: CVRP\nDIMENSION: 8\nCAPACITY: 100\nEDGE_WEIGHT_TYPE: EUC_2D\n");
        text.push_str("NODE_COORD_SECTION\n");
        for i in 1..=8 {
            text.push_str(&format!("{i} {} {}\n", i * 3 % 7, i * 5 % 11));
        }
        text.push_str("DEMAND_SECTION\n1 0\n");
        for i in 2..=8 {
            text.push_str(&format!("{i} {i}\n"));
        }
        text.push_str("DEPOT_SECTION\n1\n-1\nEOF\n");
        match super::read_vrplib(&text, &super::VrplibOptions::default()) {
            Ok(i) => i.problem,
            Err(e) => unreachable!("the fixed small problem is valid: {e}"),
        }
    }
}
