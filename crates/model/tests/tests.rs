//! Integration tests of milkrun-model: validation properties and the checker on hand-made cases.
#![allow(clippy::unwrap_used)]

mod check;
mod validation;

use milkrun_model::{
    Coordinates, Job, Load, ProblemData, Rounding, Site, SiteId, SiteKind, Speed, Stop, TravelMatrix, VehicleType,
};

/// A line of sites at x = 0, 10, 20, ... (site 0 is the depot), one vehicle type of capacity 10.
pub(crate) fn line_problem(clients: usize) -> ProblemData {
    let mut sites = vec![Site::new("depot", SiteKind::Depot, Coordinates::Planar { x: 0.0, y: 0.0 })];
    for i in 1..=clients {
        sites.push(Site::new(format!("c{i}"), SiteKind::Customer, Coordinates::Planar { x: 10.0 * i as f64, y: 0.0 }));
    }
    let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
    ProblemData {
        name: "line".into(),
        dimensions: vec!["units".into()],
        travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap(),
        jobs: (1..=clients)
            .map(|i| Job::delivery(format!("c{i}"), Stop::at(SiteId(i as u32)), Load::single(1)))
            .collect(),
        sites,
        vehicle_types: vec![VehicleType::new("van", 2, Load::single(10), SiteId(0))],
        ..ProblemData::default()
    }
}
