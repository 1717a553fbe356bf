//! GeoJSON export of sites and routes (RFC 7946), for viewing in a map tool.

use milkrun_model::{Coordinates, JobKind, Problem, Route, SiteId, Visit};
use serde_json::{json, Value};

/// `[x, y]`: `[lon, lat]` for geographic coordinates, the raw pair for planar ones.
fn position(c: Coordinates) -> Value {
    let (x, y) = c.xy();
    json!([x, y])
}

/// The site a visit goes to, if its ids exist in the problem.
fn visit_site(problem: &Problem, visit: Visit) -> Option<SiteId> {
    let job = |j: milkrun_model::JobId| problem.jobs().get(j.index()).map(|job| &job.kind);
    match visit {
        Visit::Service(j) => match job(j)? {
            JobKind::Service { stop, .. } => Some(stop.site),
            JobKind::Shipment { .. } => None,
        },
        Visit::Pickup(j) => match job(j)? {
            JobKind::Shipment { pickup, .. } => Some(pickup.site),
            JobKind::Service { .. } => None,
        },
        Visit::Delivery(j) => match job(j)? {
            JobKind::Shipment { delivery, .. } => Some(delivery.site),
            JobKind::Service { .. } => None,
        },
        Visit::Reload(s) => Some(s),
        // A break is taken where the vehicle is: the line does not move.
        Visit::Break(_) => None,
    }
}

/// A GeoJSON `FeatureCollection` of the problem's sites and the given routes.
///
/// One `Point` feature per site, with properties `site` (its index), `name` and `kind` (as in the
/// JSON format: "plant", "supplier"...). One `LineString` feature per route, with properties
/// `route` (its index in `routes`), `vehicle_type` (the type's name) and `stops` (number of
/// visits, reloads and driver breaks included); the line runs from the vehicle's start site through each visit's
/// site (a reload's site included) to its end site (none for an open route).
///
/// Coordinates are `[lon, lat]` for geographic sites. **Planar coordinates are written as they
/// are, `[x, y]`: they are not WGS84**, although RFC 7946 says GeoJSON positions are; a map tool
/// will place them near (0, 0).
///
/// Routes are not checked: a visit whose job or site does not exist, or whose kind does not
/// match its job (a `Pickup` of a service job), is left out of the line, as is a route whose
/// vehicle type does not exist ([`milkrun_model::check_solution`] reports such routes).
///
/// # Complexity
/// O(sites + total visits).
///
/// # Example
/// ```
/// # let text = "t\nVEHICLE\nNUMBER CAPACITY\n1 10\nCUSTOMER\nCUST\n0 0 0 0 0 9 0\n1 1 1 1 0 9 0\n";
/// # let problem = milkrun_formats::read_solomon(text, 1000)?.problem;
/// use milkrun_model::{JobId, Route, VehicleTypeId, Visit};
/// let route = Route::new(VehicleTypeId(0), vec![Visit::Service(JobId(0))]);
/// let geojson = milkrun_formats::routes_to_geojson(&problem, &[route]);
/// assert!(geojson.contains("\"LineString\""));
/// # Ok::<(), milkrun_formats::FormatError>(())
/// ```
#[must_use]
pub fn routes_to_geojson(problem: &Problem, routes: &[Route]) -> String {
    let mut features: Vec<Value> = problem
        .sites()
        .iter()
        .enumerate()
        .map(|(i, site)| {
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": position(site.location) },
                "properties": { "site": i, "name": site.name, "kind": site.kind },
            })
        })
        .collect();
    for (r, route) in routes.iter().enumerate() {
        let Some(vehicle) = problem.vehicle_types().get(route.vehicle_type.index()) else { continue };
        let sites = std::iter::once(Some(vehicle.start))
            .chain(route.visits.iter().map(|&v| visit_site(problem, v)))
            .chain(vehicle.end.map(Some));
        let line: Vec<Value> =
            sites.flatten().filter_map(|s| problem.sites().get(s.index())).map(|s| position(s.location)).collect();
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "LineString", "coordinates": line },
            "properties": { "route": r, "vehicle_type": vehicle.name, "stops": route.visits.len() },
        }));
    }
    json!({ "type": "FeatureCollection", "features": features }).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use milkrun_model::{
        Coordinates, Job, JobId, Load, ProblemData, Rounding, Site, SiteKind, Speed, Stop, TravelMatrix, VehicleType,
        VehicleTypeId,
    };

    use super::*;

    fn problem(geographic: bool) -> Problem {
        let at = |a: f64, b: f64| {
            if geographic {
                Coordinates::LatLon { lat: a, lon: b }
            } else {
                Coordinates::Planar { x: b, y: a }
            }
        };
        let sites = vec![
            Site::new("plant", SiteKind::Plant, at(48.0, 11.0)),
            Site::new("A", SiteKind::Supplier, at(48.5, 11.5)),
            Site::new("B", SiteKind::Supplier, at(47.5, 10.5)),
            Site::new("hub", SiteKind::Hub, at(48.1, 11.1)),
        ];
        let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
        let mut truck = VehicleType::new("truck", 1, Load::single(10), SiteId(0));
        truck.reload_sites = vec![SiteId(3)];
        ProblemData {
            name: "g".into(),
            dimensions: vec!["pallets".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::EqualToDistance).unwrap(),
            sites,
            jobs: vec![
                Job::pickup("a", Stop::at(SiteId(1)), Load::single(2)),
                Job::shipment("ab", Stop::at(SiteId(1)), Stop::at(SiteId(2)), Load::single(1)),
            ],
            vehicle_types: vec![truck],
            ..ProblemData::default()
        }
        .validate()
        .unwrap()
    }

    fn route() -> Route {
        let visits = vec![
            Visit::Service(JobId(0)),
            Visit::Reload(SiteId(3)),
            Visit::Pickup(JobId(1)),
            Visit::Delivery(JobId(1)),
        ];
        Route::new(VehicleTypeId(0), visits)
    }

    #[test]
    fn sites_and_routes_become_features() {
        let text = routes_to_geojson(&problem(true), &[route()]);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        let features = v["features"].as_array().unwrap();
        assert_eq!(features.len(), 5);
        assert_eq!(features[1]["geometry"], json!({ "type": "Point", "coordinates": [11.5, 48.5] }));
        assert_eq!(features[1]["properties"], json!({ "site": 1, "name": "A", "kind": "supplier" }));
        let line = &features[4];
        assert_eq!(line["geometry"]["type"], "LineString");
        // plant, A, hub (reload), A (pickup), B (delivery), plant
        let expected = json!([[11.0, 48.0], [11.5, 48.5], [11.1, 48.1], [11.5, 48.5], [10.5, 47.5], [11.0, 48.0]]);
        assert_eq!(line["geometry"]["coordinates"], expected);
        assert_eq!(line["properties"], json!({ "route": 0, "vehicle_type": "truck", "stops": 4 }));
    }

    #[test]
    fn planar_coordinates_are_raw_and_bad_ids_are_skipped() {
        let mut bad = route();
        bad.visits.push(Visit::Service(JobId(99)));
        bad.visits.push(Visit::Pickup(JobId(0)));
        bad.visits.push(Visit::Reload(SiteId(42)));
        let lost = Route::new(VehicleTypeId(7), vec![]);
        let v: Value = serde_json::from_str(&routes_to_geojson(&problem(false), &[bad, lost])).unwrap();
        let features = v["features"].as_array().unwrap();
        assert_eq!(features.len(), 5);
        assert_eq!(features[2]["geometry"]["coordinates"], json!([10.5, 47.5]));
        assert_eq!(features[4]["geometry"]["coordinates"].as_array().unwrap().len(), 6);
        assert_eq!(features[4]["properties"]["stops"], 7);
    }
}
