//! SVG export, written by hand: a map of routes over the sites, and a line chart.

use std::fmt::Write as _;

use milkrun_model::{Coordinates, JobKind, Problem, Route, SiteKind, Visit};

/// Distinct route colours (Tableau 10, then darker variants).
const PALETTE: [&str; 16] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f4e79", "#a0522d", "#8b1a1a", "#2f6f5e", "#3b6e2f", "#7a5c99",
];

const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 40.0;
const TITLE_H: f64 = 30.0;
const LEGEND_W: f64 = 230.0;

/// Escapes `&`, `<`, `>`, `"` and `'` for SVG text and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Planar map coordinates of a site, y growing northwards: equirectangular `(lon · cos(mean
/// lat), lat)` for geographic coordinates, `(x, y)` for planar ones.
fn project(c: Coordinates, cos_lat: f64) -> (f64, f64) {
    match c {
        Coordinates::Planar { x, y } => (x, y),
        Coordinates::LatLon { lat, lon } => (lon * cos_lat, lat),
    }
}

/// Maps planar points into the drawing area, keeping the aspect ratio.
struct Frame {
    min_x: f64,
    max_y: f64,
    scale: f64,
    height: f64,
}

impl Frame {
    /// Fits `points` into the drawing area, leaving `labels` pixels on the right for the
    /// labels of the rightmost points.
    fn fit(points: &[(f64, f64)], labels: f64) -> Frame {
        let finite = points.iter().filter(|(x, y)| x.is_finite() && y.is_finite());
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in finite {
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
        if min_x > max_x {
            (min_x, max_x, min_y, max_y) = (0.0, 1.0, 0.0, 1.0);
        }
        let (dx, dy) = ((max_x - min_x).max(1e-9), (max_y - min_y).max(1e-9));
        let draw_w = WIDTH - 2.0 * MARGIN - LEGEND_W - labels;
        let draw_h = (draw_w * dy / dx).clamp(300.0, 900.0);
        let scale = (draw_w / dx).min(draw_h / dy);
        let height = (draw_h + 2.0 * MARGIN + TITLE_H).max(2.0 * MARGIN + TITLE_H + 400.0);
        Frame { min_x, max_y, scale, height }
    }

    fn to_px(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (MARGIN + (x - self.min_x) * self.scale, MARGIN + TITLE_H + (self.max_y - y) * self.scale)
    }
}

/// A map of `routes` over the sites of `problem`, as SVG text.
///
/// Plants, depots, warehouses and hubs are squares, suppliers and customers circles, each
/// labelled with its name; every non-empty route is a coloured polyline from its vehicle's start
/// through each visit (reloads included) to its end, listed in a legend by number and vehicle
/// type. Geographic coordinates are projected equirectangularly (x = lon · cos(mean lat)), and
/// the map is fitted into the view box with margins. Visits naming unknown jobs or sites are
/// skipped, never a panic.
///
/// # Complexity
/// O(sites + visits) time and output size.
#[must_use]
pub fn routes_svg(problem: &Problem, routes: &[Route], title: &str) -> String {
    let sites = problem.sites();
    let lats: Vec<f64> = sites
        .iter()
        .filter_map(|s| match s.location {
            Coordinates::LatLon { lat, .. } => Some(lat),
            Coordinates::Planar { .. } => None,
        })
        .collect();
    let mean_lat = if lats.is_empty() { 0.0 } else { lats.iter().sum::<f64>() / lats.len() as f64 };
    let cos_lat = mean_lat.to_radians().cos();
    let points: Vec<(f64, f64)> = sites.iter().map(|s| project(s.location, cos_lat)).collect();
    let frame = Frame::fit(&points, 0.0);
    let px: Vec<(f64, f64)> = points.iter().map(|&p| frame.to_px(p)).collect();

    let mut out = map_header(frame.height, title);

    // Routes under the sites.
    let mut legend = Vec::new();
    for (r, route) in routes.iter().enumerate() {
        if route.visits.is_empty() {
            continue;
        }
        let Some(vt) = problem.vehicle_types().get(route.vehicle_type.index()) else { continue };
        let mut path = vec![vt.start];
        for visit in &route.visits {
            let site = match *visit {
                Visit::Reload(site) => Some(site),
                Visit::Break(_) => None,
                Visit::Service(j) | Visit::Pickup(j) | Visit::Delivery(j) => {
                    problem.jobs().get(j.index()).map(|job| match (&job.kind, visit) {
                        (JobKind::Service { stop, .. }, _) => stop.site,
                        (JobKind::Shipment { pickup, .. }, Visit::Pickup(_)) => pickup.site,
                        (JobKind::Shipment { delivery, .. }, _) => delivery.site,
                    })
                }
            };
            path.extend(site);
        }
        path.extend(vt.end);
        let colour = PALETTE[r % PALETTE.len()];
        let coords: Vec<String> =
            path.iter().filter_map(|s| px.get(s.index())).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = writeln!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-opacity="0.85" stroke-linejoin="round"/>"#,
            coords.join(" ")
        );
        let stops = route.visits.iter().filter(|v| v.job().is_some()).count();
        legend.push((colour, format!("route {}: {} ({stops} stops)", r + 1, vt.name)));
    }

    for (site, &(x, y)) in sites.iter().zip(&px) {
        match site.kind {
            SiteKind::Supplier | SiteKind::Customer => {
                let _ = writeln!(out, r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#333"/>"##);
            }
            _ => {
                let _ = writeln!(
                    out,
                    r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="#c00" stroke="black"/>"##,
                    x - 6.0,
                    y - 6.0
                );
            }
        }
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#222">{}</text>"##,
            x + 7.0,
            y + 3.0,
            escape(&site.name)
        );
    }

    write_legend(&mut out, legend.iter().map(|(colour, label)| (*colour, label.as_ref())));
    out.push_str("</svg>\n");
    out
}

/// A labelled point of a [`network_map_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct MapPlace {
    /// Index of its point.
    pub point: usize,
    /// Its label.
    pub name: String,
    /// Drawn as a red square (a plant, depot or supermarket) rather than a dark circle.
    pub depot: bool,
}

/// A coloured path of a [`network_map_svg`], through points of the network in order.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPath {
    /// Its legend entry.
    pub label: String,
    /// Indices of the points it passes through.
    pub points: Vec<usize>,
}

/// A map of paths along a network drawn underneath (an aisle graph, a street grid), as SVG
/// text.
///
/// `points` are planar `(x, y)` coordinates, y growing northwards; `edges` join two of them and
/// are drawn as light grey lanes; each of `paths` is a coloured polyline through its points,
/// shifted by a few pixels from the previous one so that paths sharing a lane stay visible, and
/// listed in a legend; `places` are labelled squares or circles on top. The map is fitted into
/// the view box with margins, keeping the aspect ratio. Indices out of range and non-finite
/// points are skipped, never a panic.
///
/// # Complexity
/// O(points + edges + path points + places) time and output size.
#[must_use]
pub fn network_map_svg(
    title: &str,
    points: &[(f64, f64)],
    edges: &[(usize, usize)],
    places: &[MapPlace],
    paths: &[MapPath],
) -> String {
    let frame = Frame::fit(points, 90.0);
    let px = |k: usize| points.get(k).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|&p| frame.to_px(p));
    let mut out = map_header(frame.height, title);
    for &(a, b) in edges {
        let (Some((x1, y1)), Some((x2, y2))) = (px(a), px(b)) else { continue };
        let _ = writeln!(
            out,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#e4e4e4" stroke-width="14" stroke-linecap="round"/>"##
        );
    }
    let mut legend = Vec::new();
    for (k, path) in paths.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let shift = ((k % 5) as f64 - 2.0) * 2.5;
        let coords: Vec<String> = path
            .points
            .iter()
            .filter_map(|&p| px(p))
            .map(|(x, y)| format!("{:.1},{:.1}", x + shift, y + shift))
            .collect();
        if coords.len() < 2 {
            continue;
        }
        let _ = writeln!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-opacity="0.85" stroke-linejoin="round"/>"#,
            coords.join(" ")
        );
        legend.push((colour, path.label.as_str()));
    }
    for place in places {
        let Some((x, y)) = px(place.point) else { continue };
        if place.depot {
            let _ = writeln!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="#c00" stroke="black"/>"##,
                x - 6.0,
                y - 6.0
            );
        } else {
            let _ = writeln!(out, r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#333"/>"##);
        }
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#222">{}</text>"##,
            x + 7.0,
            y - 5.0,
            escape(&place.name)
        );
    }
    write_legend(&mut out, legend.iter().map(|(colour, label)| (*colour, *label)));
    out.push_str("</svg>\n");
    out
}

/// The opening of a map: the SVG element `height` pixels high, a white background, the title.
fn map_header(height: f64, title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(out, r#"<text x="{MARGIN}" y="{}" font-size="18">{}</text>"#, MARGIN * 0.75, escape(title));
    out
}

/// The legend of a map: a coloured line and its label per entry, down the right margin.
fn write_legend<'a>(out: &mut String, entries: impl Iterator<Item = (&'a str, &'a str)>) {
    let lx = WIDTH - LEGEND_W - MARGIN / 2.0;
    for (k, (colour, label)) in entries.enumerate() {
        let y = MARGIN + TITLE_H + 18.0 * k as f64;
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="4"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            lx + 20.0,
            lx + 26.0,
            y + 4.0,
            escape(label)
        );
    }
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) for `span` split in about five ticks.
fn tick_step(span: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm < 1.5 {
        1.0
    } else if norm < 3.5 {
        2.0
    } else if norm < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A line chart of `series` (name, points `(x, y)`) with axes, ticks, labels and a legend, as SVG
/// text; for stock-over-time and similar charts. Non-finite points are left out.
///
/// # Complexity
/// O(points) time and output size.
#[must_use]
pub fn line_chart_svg(title: &str, x_label: &str, y_label: &str, series: &[(String, Vec<(f64, f64)>)]) -> String {
    let (w, h) = (800.0, 480.0);
    let (left, right, top, bottom) = (70.0, 170.0, 40.0, 50.0);
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let all: Vec<(f64, f64)> = series.iter().flat_map(|(_, pts)| pts.iter().filter(finite).copied()).collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if all.is_empty() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    y0 = y0.min(0.0);
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let (pw, ph) = (w - left - right, h - top - bottom);
    let sx = |x: f64| left + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| top + ph - (y - y0) / (y1 - y0) * ph;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(out, r#"<text x="{left}" y="24" font-size="16">{}</text>"#, escape(title));
    let _ = writeln!(out, r#"<path d="M{left},{top} V{} H{}" fill="none" stroke="black"/>"#, top + ph, left + pw);
    for (lo, hi, horizontal) in [(x0, x1, true), (y0, y1, false)] {
        let step = tick_step(hi - lo);
        let mut v = (lo / step).ceil() * step;
        let mut n = 0;
        while v <= hi + step * 1e-9 && n < 50 {
            let label = if step >= 1.0 { format!("{v:.0}") } else { format!("{v:.2}") };
            if horizontal {
                let x = sx(v);
                let _ = writeln!(
                    out,
                    r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="black"/><text x="{x:.1}" y="{:.1}" font-size="10" text-anchor="middle">{label}</text>"#,
                    top + ph,
                    top + ph + 5.0,
                    top + ph + 18.0
                );
            } else {
                let y = sy(v);
                let _ = writeln!(
                    out,
                    r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{label}</text>"##,
                    left,
                    left + pw,
                    left - 6.0,
                    y + 3.0
                );
            }
            v += step;
            n += 1;
        }
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
        left + pw / 2.0,
        h - 10.0,
        escape(x_label)
    );
    let _ = writeln!(
        out,
        r#"<text x="16" y="{:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 16 {:.1})">{}</text>"#,
        top + ph / 2.0,
        top + ph / 2.0,
        escape(y_label)
    );
    for (k, (name, pts)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let coords: Vec<String> =
            pts.iter().filter(finite).map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y))).collect();
        if !coords.is_empty() {
            let _ = writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                coords.join(" ")
            );
        }
        let y = top + 10.0 + 18.0 * k as f64;
        let lx = left + pw + 15.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="3"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            lx + 18.0,
            lx + 24.0,
            y + 4.0,
            escape(name)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use milkrun_model::{
        JobId, Load, ProblemData, Rounding, Site, SiteId, Speed, Stop, TravelMatrix, VehicleType, VehicleTypeId,
    };

    fn problem() -> Problem {
        let sites = vec![
            Site::new("Plant <A&B>", SiteKind::Plant, Coordinates::LatLon { lat: 50.78, lon: 12.49 }),
            Site::new("S1", SiteKind::Supplier, Coordinates::LatLon { lat: 50.83, lon: 12.93 }),
            Site::new("S2", SiteKind::Supplier, Coordinates::LatLon { lat: 50.50, lon: 12.14 }),
        ];
        let coords: Vec<_> = sites.iter().map(|s| s.location).collect();
        let mut vt = VehicleType::new("truck", 2, Load::single(10), SiteId(0));
        vt.reload_sites = vec![SiteId(0)];
        ProblemData {
            dimensions: vec!["pallets".into()],
            travel: TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(16.7)).expect("finite"),
            sites,
            jobs: vec![
                milkrun_model::Job::pickup("a", Stop::at(SiteId(1)), Load::single(1)),
                milkrun_model::Job::pickup("b", Stop::at(SiteId(2)), Load::single(1)),
            ],
            vehicle_types: vec![vt],
            ..ProblemData::default()
        }
        .validate()
        .expect("valid")
    }

    #[test]
    fn map_is_well_formed_and_escaped() {
        let p = problem();
        let routes = vec![
            Route::new(
                VehicleTypeId(0),
                vec![Visit::Service(JobId(0)), Visit::Reload(SiteId(0)), Visit::Service(JobId(1))],
            ),
            Route::new(VehicleTypeId(0), vec![]),
            Route::new(VehicleTypeId(0), vec![Visit::Service(JobId(1))]),
        ];
        let svg = routes_svg(&p, &routes, "Week <1> & more");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("Plant &lt;A&amp;B&gt;"));
        assert!(svg.contains("Week &lt;1&gt; &amp; more"));
        assert!(!svg.contains("<A&B>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        // The first route goes plant, S1, plant (reload), S2, plant: five points.
        let first = svg.lines().find(|l| l.starts_with("<polyline")).expect("a polyline");
        let points = first.split('"').nth(1).expect("points attribute");
        assert_eq!(points.split(' ').count(), 5);
    }

    #[test]
    fn bad_ids_do_not_panic() {
        let p = problem();
        let routes = vec![
            Route::new(VehicleTypeId(7), vec![Visit::Service(JobId(0))]),
            Route::new(VehicleTypeId(0), vec![Visit::Service(JobId(99)), Visit::Reload(SiteId(42))]),
        ];
        let svg = routes_svg(&p, &routes, "bad");
        assert!(svg.ends_with("</svg>\n"));
    }

    #[test]
    fn chart_is_well_formed() {
        let series = vec![
            ("stock <kg>".to_string(), vec![(0.0, 5.0), (1.0, 3.0), (2.0, f64::NAN), (3.0, 8.0)]),
            ("empty".to_string(), vec![]),
        ];
        let svg = line_chart_svg("Stock & co", "day", "units", &series);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains("stock &lt;kg&gt;") && svg.contains("Stock &amp; co"));
        assert!(!line_chart_svg("", "", "", &[]).is_empty());
    }

    #[test]
    fn network_map_draws_lanes_paths_and_places() {
        let points = [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (f64::NAN, 1.0)];
        let edges = [(0, 1), (1, 2), (2, 9), (2, 3)];
        let places = vec![
            MapPlace { point: 0, name: "market <1>".into(), depot: true },
            MapPlace { point: 2, name: "press".into(), depot: false },
            MapPlace { point: 7, name: "nowhere".into(), depot: false },
        ];
        let paths = vec![
            MapPath { label: "train 1 & 2".into(), points: vec![0, 1, 2, 1, 0] },
            MapPath { label: "lost".into(), points: vec![8, 9] },
        ];
        let svg = network_map_svg("Hall <3>", &points, &edges, &places, &paths);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"), "{svg}");
        // Two lanes drawn (the others name a missing or non-finite point), one path of five
        // points, one square and one circle.
        assert_eq!(svg.matches("stroke-width=\"14\"").count(), 2);
        assert_eq!(svg.matches("<polyline").count(), 1);
        let line = svg.lines().find(|l| l.starts_with("<polyline")).expect("a polyline");
        assert_eq!(line.split('"').nth(1).expect("points").split(' ').count(), 5);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(svg.contains("market &lt;1&gt;") && svg.contains("train 1 &amp; 2") && svg.contains("Hall &lt;3&gt;"));
        assert!(!svg.contains("lost") && !svg.contains("nowhere"));
    }

    #[test]
    fn tick_steps_are_nice() {
        assert_eq!(tick_step(10.0), 2.0);
        assert_eq!(tick_step(100.0), 20.0);
        assert_eq!(tick_step(0.0), 1.0);
    }
}
