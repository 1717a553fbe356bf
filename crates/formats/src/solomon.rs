//! Solomon's VRPTW text format (Solomon 1987; also the Gehring-Homberger extended sets).
//!
//! ```text
//! C101
//!
//! VEHICLE
//! NUMBER     CAPACITY
//!   25         200
//!
//! CUSTOMER
//! CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
//!
//!     0      40         50          0          0       1236          0
//!     1      45         68         10        912        967         90
//! ```
//!
//! Customer 0 is the depot; customers are numbered 0, 1, 2... in order.
//!
//! # Convention
//! Distances are unrounded Euclidean distances and travel time equals distance. The problem
//! represents them exactly up to `1/scale`: matrix entries are `round(scale * d)`
//! ([`Rounding::Exact`], [`Speed::EqualToDistance`]) and every time (ready, due, service) is
//! `round(scale * t)`. Costs are published with two decimals: [`CostUnits`]` { divisor: scale,
//! decimals: 2 }`.
//!
//! # Mapping
//! Site 0 is the depot ([`SiteKind::Depot`], named "0"), site `i` customer `i`
//! ([`SiteKind::Customer`], named by its number). One vehicle type "vehicle" with `NUMBER`
//! vehicles of capacity `CAPACITY`, starting and ending at the depot, whose shift is the depot's
//! window. Job `i - 1` is a delivery of `DEMAND` (dimension "demand") to customer `i`, with the
//! customer's window and service time.
//!
//! # Reference
//! M. M. Solomon, Algorithms for the vehicle routing and scheduling problems with time window
//! constraints, Operations Research 35(2), 1987.

use std::fmt::Write as _;

use milkrun_model::{
    Coordinates, Duration, Job, JobKind, Load, Problem, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop,
    TimeWindow, TravelMatrix, VehicleType,
};

use crate::error::{check_count, FormatError};
use crate::instance::{CostUnits, Instance};
use crate::text::{self, Line};

/// The default scale of the Solomon and Li & Lim readers: times and distances in thousandths.
pub const SOLOMON_DEFAULT_SCALE: u32 = 1000;

/// One row of a Solomon or Li & Lim node table, times already scaled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) window: TimeWindow,
    pub(crate) service: Duration,
}

impl Node {
    /// Parses `x y _ ready due service` (times scaled), the fields after the row's id.
    pub(crate) fn parse(line: usize, fields: &[&str], scale: u32) -> Result<Self, FormatError> {
        let [x, y, _, ready, due, service, ..] = fields else {
            return Err(FormatError::parse(line, "expected at least 6 fields"));
        };
        let x = text::coordinate(line, "x coordinate", x, scale)?;
        let y = text::coordinate(line, "y coordinate", y, scale)?;
        let ready = text::scaled_time(line, "ready time", ready, scale)?;
        let due = text::scaled_time(line, "due date", due, scale)?;
        if due < ready {
            return Err(FormatError::parse(line, "the due date is before the ready time"));
        }
        let service = Duration(text::scaled_time(line, "service time", service, scale)?);
        Ok(Self { x, y, window: TimeWindow::new(Duration(ready), Duration(due)), service })
    }

    pub(crate) fn stop(&self, site: usize) -> Stop {
        Stop::at(SiteId::from_index(site)).service(self.service).window(self.window)
    }
}

/// The problem shared by Solomon and Li & Lim: sites at `nodes` (node 0 the depot), one vehicle
/// type whose shift is the depot's window, the unrounded time-equals-distance matrix.
pub(crate) fn time_window_problem(
    name: String,
    nodes: &[Node],
    vehicles: u32,
    capacity: i64,
    jobs: Vec<Job>,
    scale: u32,
) -> Result<Instance, FormatError> {
    let Some(depot) = nodes.first() else { return Err(FormatError::parse(0, "no depot row")) };
    let sites: Vec<Site> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let kind = if i == 0 { SiteKind::Depot } else { SiteKind::Customer };
            Site::new(i.to_string(), kind, Coordinates::Planar { x: n.x, y: n.y })
        })
        .collect();
    let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Exact { scale }, Speed::EqualToDistance)?;
    let mut vehicle = VehicleType::new("vehicle", vehicles, Load::single(capacity), SiteId(0));
    vehicle.shift = depot.window;
    let data = ProblemData {
        name,
        dimensions: vec!["demand".into()],
        sites,
        jobs,
        vehicle_types: vec![vehicle],
        travel,
        ..ProblemData::default()
    };
    Ok(Instance { problem: data.validate()?, cost_units: CostUnits { divisor: i64::from(scale), decimals: 2 } })
}

/// Reads a Solomon VRPTW instance.
///
/// # Arguments
/// `text`: the file's content. `scale`: matrix and time units per instance unit
/// ([`SOLOMON_DEFAULT_SCALE`] keeps three decimals).
///
/// # Returns
/// The problem (see the module docs for the mapping) and the cost convention
/// `CostUnits { divisor: scale, decimals: 2 }`.
///
/// # Errors
/// [`FormatError::Parse`] naming the line for a missing section, a bad number, a customer out of
/// order or a non-zero depot demand or service time; [`FormatError::TooLarge`] for a hostile
/// vehicle count; [`FormatError::Model`] if the content is not a valid problem (a demand above
/// the capacity).
///
/// # Complexity
/// O(n²) time and space for the travel matrix of n customers.
///
/// # Example
/// ```
/// let text = "tiny\nVEHICLE\nNUMBER CAPACITY\n2 10\nCUSTOMER\nCUST NO. XCOORD. YCOORD. DEMAND READY TIME \
///             DUE DATE SERVICE TIME\n0 0 0 0 0 100 0\n1 3 4 5 0 50 10\n";
/// let instance = milkrun_formats::read_solomon(text, 1000)?;
/// assert_eq!(instance.problem.travel().distance(0, 1).get(), 5000);
/// assert_eq!(instance.problem.vehicle_types()[0].shift.close.get(), 100_000);
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
pub fn read_solomon(text: &str, scale: u32) -> Result<Instance, FormatError> {
    text::check_scale(scale)?;
    let mut lines = text::lines(text);
    let mut last = 0;
    let mut next = |expected: &str| -> Result<Line<'_>, FormatError> {
        let line = lines.next().ok_or_else(|| FormatError::parse(last + 1, format!("file ends before {expected}")))?;
        last = line.number;
        Ok(line)
    };
    let name = next("the name line")?.text.to_string();
    let keyword = |line: &Line<'_>, word: &str| -> Result<(), FormatError> {
        if line.fields.first().is_some_and(|f| f.eq_ignore_ascii_case(word)) {
            Ok(())
        } else {
            Err(FormatError::parse(line.number, format!("expected {word}, found '{}'", line.text)))
        }
    };
    keyword(&next("VEHICLE")?, "VEHICLE")?;
    keyword(&next("the NUMBER CAPACITY header")?, "NUMBER")?;
    let fleet = next("the vehicle number and capacity")?;
    let [number, capacity] = fleet.expect_fields(2, "vehicle number and capacity")? else {
        return Err(FormatError::parse(fleet.number, "expected 2 fields"));
    };
    let vehicles = text::count(fleet.number, "vehicle number", number)?;
    let capacity = text::non_negative(fleet.number, "capacity", capacity)?;
    keyword(&next("CUSTOMER")?, "CUSTOMER")?;
    keyword(&next("the customer table header")?, "CUST")?;

    let mut nodes = Vec::new();
    let mut jobs = Vec::new();
    for line in lines {
        check_count(line.number, "customers", nodes.len() as u64 + 1)?;
        let fields = line.expect_fields(7, "customer row")?;
        let l = line.number;
        let id = text::non_negative(l, "customer number", fields[0])?;
        if usize::try_from(id).ok() != Some(nodes.len()) {
            return Err(FormatError::parse(l, format!("customer {id} out of order: expected {}", nodes.len())));
        }
        let demand = text::non_negative(l, "demand", fields[3])?;
        let node = Node::parse(l, fields.get(1..).unwrap_or_default(), scale)?;
        if id == 0 {
            if demand != 0 || node.service != Duration::ZERO {
                return Err(FormatError::parse(l, "the depot (customer 0) must have no demand and no service time"));
            }
        } else {
            jobs.push(Job::delivery(id.to_string(), node.stop(nodes.len()), Load::single(demand)));
        }
        nodes.push(node);
    }
    if nodes.is_empty() {
        return Err(FormatError::parse(last + 1, "file ends before the depot row (customer 0)"));
    }
    time_window_problem(name, &nodes, vehicles, capacity, jobs, scale)
}

/// Writes a problem as a Solomon instance: the inverse of [`read_solomon`] with the same scale.
///
/// # Errors
/// [`FormatError::Parse`] (line 0) if the problem does not have the shape [`read_solomon`]
/// produces (see the module docs) and so cannot be written without loss: the message names what
/// differs. Writing checks this by reading its output back.
///
/// # Complexity
/// O(n²): the check rebuilds the travel matrix.
pub fn write_solomon(problem: &Problem, scale: u32) -> Result<String, FormatError> {
    text::check_scale(scale)?;
    let shape = |reason: String| FormatError::parse(0, format!("not a Solomon problem: {reason}"));
    let [vehicle] = problem.vehicle_types() else {
        return Err(shape(format!("{} vehicle types, expected one", problem.vehicle_types().len())));
    };
    let capacity = single(&vehicle.capacity).ok_or_else(|| shape("the capacity is not one-dimensional".into()))?;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{}\n\nVEHICLE\nNUMBER     CAPACITY\n{:>5} {:>12}\n\nCUSTOMER\n\
         CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n",
        problem.name(),
        vehicle.count,
        capacity
    );
    let row = |out: &mut String, id: usize, site: usize, demand: i64, window: TimeWindow, service: Duration| {
        let (x, y) = problem.sites().get(site).map_or((f64::NAN, f64::NAN), |s| s.location.xy());
        let _ = writeln!(
            out,
            "{id:>5} {x:>10} {y:>10} {demand:>10} {:>10} {:>10} {:>10}",
            text::unscaled(window.open.get(), scale),
            text::unscaled(window.close.get(), scale),
            text::unscaled(service.get(), scale),
        );
    };
    row(&mut out, 0, 0, 0, vehicle.shift, Duration::ZERO);
    for (j, job) in problem.jobs().iter().enumerate() {
        let JobKind::Service { stop, delivery, pickup } = &job.kind else {
            return Err(shape(format!("job #{j} is a shipment")));
        };
        let (Some(demand), true) = (single(delivery), pickup.is_zero()) else {
            return Err(shape(format!("job #{j} is not a one-dimensional pure delivery")));
        };
        let [window] = stop.windows.as_slice() else {
            return Err(shape(format!("job #{j} has {} time windows, expected one", stop.windows.len())));
        };
        row(&mut out, j + 1, stop.site.index(), demand, *window, stop.service);
    }
    let back = read_solomon(&out, scale).map_err(|e| shape(format!("the written text does not read back ({e})")))?;
    match text::first_difference(problem.data(), back.problem.data()) {
        None => Ok(out),
        Some(what) => Err(shape(format!("{what} would not read back the same"))),
    }
}

/// The amount of a one-dimensional load.
pub(crate) fn single(load: &Load) -> Option<i64> {
    match load.amounts() {
        [a] => Some(*a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::text::tests_support::{files, shared_data};
    use proptest::prelude::*;

    const TINY: &str = "tiny\n\nVEHICLE\nNUMBER     CAPACITY\n  3         50\n\nCUSTOMER\n\
        CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n\
        0 0 0 0 0 200 0\n1 3 4 10 0 100 10\n2 0 1.5 20 20.25 60 5\n";

    #[test]
    fn reads_a_small_instance() {
        let inst = read_solomon(TINY, 1000).unwrap();
        let p = &inst.problem;
        assert_eq!(p.name(), "tiny");
        assert_eq!(p.jobs().len(), 2);
        assert_eq!(p.sites().len(), 3);
        assert_eq!(p.travel().distance(0, 1).get(), 5000);
        assert_eq!(p.travel().duration(1, 2).get(), 3905); // sqrt(9 + 6.25) = 3.9051...
        let v = &p.vehicle_types()[0];
        assert_eq!((v.count, v.capacity.amounts()), (3, &[50][..]));
        assert_eq!(v.shift, TimeWindow::new(Duration(0), Duration(200_000)));
        let JobKind::Service { stop, delivery, pickup } = &p.jobs()[1].kind else { panic!() };
        assert_eq!(stop.windows, vec![TimeWindow::new(Duration(20_250), Duration(60_000))]);
        assert_eq!(stop.service, Duration(5000));
        assert_eq!((delivery.amounts(), pickup.is_zero()), (&[20][..], true));
        assert_eq!(inst.cost_units, CostUnits { divisor: 1000, decimals: 2 });
        assert_eq!(read_solomon(&write_solomon(p, 1000).unwrap(), 1000).unwrap().problem, *p);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = TINY.replace("1 3 4 10", "1 3 x 10");
        let e = read_solomon(&bad, 1000).unwrap_err();
        assert!(e.to_string().starts_with("line 11:"), "{e}");
        let e = read_solomon(&TINY.replace("  3         50", "1000000000000 50"), 1000).unwrap_err();
        assert!(matches!(e, FormatError::TooLarge { line: 5, .. }), "{e}");
        let e = read_solomon(&TINY.replace("2 0 1.5", "3 0 1.5"), 1000).unwrap_err();
        assert!(e.to_string().contains("line 12: customer 3 out of order"), "{e}");
        let e = read_solomon(&TINY.replace("20.25 60", "70 60"), 1000).unwrap_err();
        assert!(e.to_string().starts_with("line 12:"), "{e}");
        let e = read_solomon(&TINY.replace("0 0 0 0 0 200 0", "0 0 0 5 0 200 0"), 1000).unwrap_err();
        assert!(e.to_string().starts_with("line 10:"), "{e}");
        let e = read_solomon(&TINY.replace("2 0 1.5 20 20.25 60 5", "2 0 1.5 20"), 1000).unwrap_err();
        assert!(e.to_string().starts_with("line 12: customer row: expected 7 fields"), "{e}");
        let e = read_solomon(&TINY.replace("10 0 100", "100 0 100"), 1000).unwrap_err();
        assert!(matches!(e, FormatError::Model(_)), "{e}");
        assert!(read_solomon(TINY, 0).is_err());
        for cut in [1, 3, 5, 20, 50, 60] {
            let truncated: String = TINY.chars().take(cut).collect();
            assert!(read_solomon(&truncated, 1000).is_err(), "{truncated:?}");
        }
    }

    #[test]
    fn writer_rejects_other_shapes() {
        let p = read_solomon(TINY, 1000).unwrap();
        let mut data = p.problem.into_data();
        data.jobs[0] = Job::pickup("1", Stop::at(SiteId(1)), Load::single(1));
        let e = write_solomon(&data.clone().validate().unwrap(), 1000).unwrap_err();
        assert!(e.to_string().contains("job #0"), "{e}");
        data.jobs.swap(0, 1);
        let stop = Stop::at(SiteId(1)).window(TimeWindow::new(Duration(0), Duration(5)));
        data.jobs[1] = Job::delivery("1", stop, Load::single(1));
        let e = write_solomon(&data.validate().unwrap(), 1000).unwrap_err();
        assert!(e.to_string().contains("not a Solomon problem"), "{e}");
    }

    #[test]
    fn every_solomon_benchmark_reads_and_round_trips() {
        let Some(dir) = shared_data("solomon") else { return };
        let mut n = 0;
        for f in files(&dir, "txt") {
            let text = crate::read_to_string(&f).unwrap();
            let inst = read_solomon(&text, SOLOMON_DEFAULT_SCALE).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(inst.problem.jobs().len(), 100, "{}", f.display());
            let written = write_solomon(&inst.problem, SOLOMON_DEFAULT_SCALE).unwrap();
            assert_eq!(read_solomon(&written, SOLOMON_DEFAULT_SCALE).unwrap().problem, inst.problem);
            if f.ends_with("C101.txt") {
                let shift = inst.problem.vehicle_types()[0].shift;
                assert_eq!(shift, TimeWindow::new(Duration(0), Duration(1236 * 1000)));
                assert_eq!(inst.problem.vehicle_types()[0].count, 25);
            }
            n += 1;
        }
        assert!(n >= 19, "only {n} files");
    }

    /// A Solomon text from generated numbers, with irregular spacing.
    fn render(vehicles: u32, capacity: i64, rows: &[(f64, f64, i64, f64, f64, f64)]) -> String {
        let mut s = format!("gen\nVEHICLE\nNUMBER CAPACITY\n{vehicles}\t{capacity}\nCUSTOMER\nCUST NO.\n");
        for (i, (x, y, d, ready, width, service)) in rows.iter().enumerate() {
            let d = if i == 0 { 0 } else { *d };
            let service = if i == 0 { 0.0 } else { *service };
            s += &format!("  {i} {x}   {y} {d} {ready} {} {service}\r\n", ready + width);
        }
        s
    }

    proptest! {
        #[test]
        fn write_then_read_gives_the_same_problem(
            vehicles in 1u32..30,
            capacity in 50i64..300,
            rows in prop::collection::vec(
                (-100.0f64..100.0, -100.0f64..100.0, 0i64..50, 0.0f64..1000.0, 0.0f64..200.0, 0.0f64..90.0),
                1..12,
            ),
            scale in prop::sample::select(vec![1u32, 7, 100, 1000]),
        ) {
            let first = read_solomon(&render(vehicles, capacity, &rows), scale).unwrap().problem;
            let written = write_solomon(&first, scale).unwrap();
            let second = read_solomon(&written, scale).unwrap().problem;
            prop_assert_eq!(&first, &second);
            prop_assert_eq!(write_solomon(&second, scale).unwrap(), written);
        }
    }
}
