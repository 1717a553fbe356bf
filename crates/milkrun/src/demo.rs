//! An embedded demo scenario: a week of inbound milk runs for a car plant in Zwickau (Saxony)
//! collecting from 40 suppliers in Saxony, Thuringia and Upper Franconia.
//!
//! The data are invented but plausible: real town coordinates, typical containers (KLT small load
//! carriers, mesh pallet boxes, racks, one-way pallets), daily consumption per car converted to
//! containers per pickup, supplier opening hours (some with a lunch break, two open on
//! Saturday, one on company holiday mid-week), plant dock windows with a shift-change break, and
//! a fleet of 40 t articulated trucks and 7.5 t rigids that may run several loops a day.
//!
//! # Units
//! Load dimensions are `kg` and `pallet places` (floor positions of 1.2 m x 0.8 m); times are
//! seconds from midnight; distances metres (great circle); speed 60 km/h.

use milkrun_model::{
    Calendar, ContainerId, ContainerType, Coordinates, CubicMetres, Duration, Horizon, Kilograms, Load, Money, Part,
    Problem, ProblemData, RecurringPattern, Rounding, Site, SiteId, SiteKind, Speed, TimeWindow, TravelMatrix,
    VehicleType, Weekday, WeekdaySet,
};

use crate::error::Error;
use crate::weekly::{SupplierDemand, WeeklyDemand};

/// A ready-to-plan scenario: the network (sites, fleet, travel), the weekly demand and the
/// horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Sites, parts, containers, fleet and travel matrix; no jobs.
    pub network: Problem,
    /// What each supplier ships per pickup and how often.
    pub demand: WeeklyDemand,
    /// The week planned.
    pub horizon: Horizon,
}

/// Cars built per production day.
pub const CARS_PER_DAY: i64 = 500;
/// Production days per week (Monday to Friday).
pub const PRODUCTION_DAYS: i64 = 5;
/// Average speed: 60 km/h.
pub const SPEED_M_PER_S: f64 = 16.7;

fn hm(h: i64, m: i64) -> Duration {
    Duration::hours(h) + Duration::minutes(m)
}

/// `a / b` rounded up, for positive `a` and `b`.
fn div_ceil(a: i64, b: i64) -> i64 {
    (a + b - 1) / b
}

fn window(from: (i64, i64), to: (i64, i64)) -> TimeWindow {
    TimeWindow::new(hm(from.0, from.1), hm(to.0, to.1))
}

/// Opening hours of a supplier's shipping dock.
#[derive(Clone, Copy)]
enum Hours {
    /// Two shifts, 06:00-21:00.
    TwoShifts,
    /// One shift, 06:00-14:30.
    Early,
    /// 07:00-12:00 and 12:45-16:30 (lunch break).
    Lunch,
}

impl Hours {
    fn windows(self) -> Vec<TimeWindow> {
        match self {
            Hours::TwoShifts => vec![window((6, 0), (21, 0))],
            Hours::Early => vec![window((6, 0), (14, 30))],
            Hours::Lunch => vec![window((7, 0), (12, 0)), window((12, 45), (16, 30))],
        }
    }
}

/// A container type with how many of them fill one pallet place (stacked).
struct Container {
    name: &'static str,
    tare_kg: f64,
    volume_m3: f64,
    returnable: bool,
    per_place: i64,
}

const CONTAINERS: [Container; 5] = [
    Container { name: "KLT 6428", tare_kg: 2.2, volume_m3: 0.067, returnable: true, per_place: 16 },
    Container { name: "KLT 4314", tare_kg: 0.9, volume_m3: 0.018, returnable: true, per_place: 40 },
    Container { name: "mesh pallet box", tare_kg: 85.0, volume_m3: 0.96, returnable: true, per_place: 2 },
    Container { name: "special rack", tare_kg: 160.0, volume_m3: 1.8, returnable: true, per_place: 1 },
    Container { name: "one-way pallet", tare_kg: 22.0, volume_m3: 1.15, returnable: false, per_place: 1 },
];
const KLT6428: usize = 0;
const KLT4314: usize = 1;
const GITTER: usize = 2;
const RACK: usize = 3;
const ONEWAY: usize = 4;

/// One supplier and the part it ships.
struct Supplier {
    company: &'static str,
    town: &'static str,
    lat: f64,
    lon: f64,
    part: &'static str,
    container: usize,
    unit_kg: f64,
    per_container: i64,
    per_car: i64,
    visits_per_week: u32,
    loops_per_day: u32,
    hours: Hours,
    saturday: bool,
}

#[rustfmt::skip]
const SUPPLIERS: [Supplier; 40] = [
    Supplier { company: "Erzgebirge Lager", town: "Chemnitz", lat: 50.8357, lon: 12.9292, part: "engine mount", container: GITTER, unit_kg: 3.2, per_container: 40, per_car: 2, visits_per_week: 6, loops_per_day: 2, hours: Hours::TwoShifts, saturday: true },
    Supplier { company: "Muldental Dichtungen", town: "Glauchau", lat: 50.8196, lon: 12.5447, part: "door seal", container: GITTER, unit_kg: 1.1, per_container: 120, per_car: 4, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Pleissetal Kabel", town: "Meerane", lat: 50.8480, lon: 12.4640, part: "cockpit harness", container: RACK, unit_kg: 6.5, per_container: 24, per_car: 1, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Crimmitschauer Federn", town: "Crimmitschau", lat: 50.8157, lon: 12.3870, part: "seat spring", container: KLT6428, unit_kg: 0.35, per_container: 60, per_car: 8, visits_per_week: 5, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Werdauer Blechteile", town: "Werdau", lat: 50.7353, lon: 12.3745, part: "bracket set", container: GITTER, unit_kg: 0.8, per_container: 300, per_car: 6, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Vogtland Gummi", town: "Reichenbach im Vogtland", lat: 50.6220, lon: 12.3040, part: "coolant hose", container: KLT6428, unit_kg: 0.4, per_container: 30, per_car: 3, visits_per_week: 5, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Plauener Spitzen Interieur", town: "Plauen", lat: 50.4973, lon: 12.1372, part: "headliner", container: RACK, unit_kg: 2.8, per_container: 60, per_car: 1, visits_per_week: 6, loops_per_day: 1, hours: Hours::TwoShifts, saturday: true },
    Supplier { company: "Elstertal Guss", town: "Oelsnitz/Vogtl.", lat: 50.4150, lon: 12.1690, part: "brake caliper", container: GITTER, unit_kg: 4.1, per_container: 80, per_car: 2, visits_per_week: 5, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Goeltzschtal Elektronik", town: "Auerbach/Vogtl.", lat: 50.5110, lon: 12.4000, part: "door control unit", container: KLT4314, unit_kg: 0.3, per_container: 20, per_car: 4, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Auer Besteck & Stanz", town: "Aue", lat: 50.5870, lon: 12.7010, part: "stamped clip", container: KLT4314, unit_kg: 0.02, per_container: 500, per_car: 40, visits_per_week: 2, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Schneeberger Kunststoff", town: "Schneeberg", lat: 50.5950, lon: 12.6410, part: "trim panel", container: GITTER, unit_kg: 1.2, per_container: 150, per_car: 4, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Schwarzwasser Schrauben", town: "Schwarzenberg", lat: 50.5450, lon: 12.7790, part: "wheel bolt", container: KLT4314, unit_kg: 0.07, per_container: 250, per_car: 20, visits_per_week: 2, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Annaberger Posamenten", town: "Annaberg-Buchholz", lat: 50.5800, lon: 13.0050, part: "seat cover", container: ONEWAY, unit_kg: 1.6, per_container: 120, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Marienberger Sensorik", town: "Marienberg", lat: 50.6510, lon: 13.1640, part: "parking sensor", container: KLT4314, unit_kg: 0.05, per_container: 100, per_car: 6, visits_per_week: 2, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Stollberger Filter", town: "Stollberg", lat: 50.7080, lon: 12.7780, part: "cabin filter", container: ONEWAY, unit_kg: 0.3, per_container: 400, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Sachsenring Achsteile", town: "Hohenstein-Ernstthal", lat: 50.8020, lon: 12.7170, part: "control arm", container: RACK, unit_kg: 3.5, per_container: 96, per_car: 2, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Limbacher Textil", town: "Limbach-Oberfrohna", lat: 50.8590, lon: 12.7610, part: "floor carpet", container: RACK, unit_kg: 4.0, per_container: 60, per_car: 1, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Lichtensteiner Lacke", town: "Lichtenstein", lat: 50.7570, lon: 12.6310, part: "underbody sealant", container: ONEWAY, unit_kg: 2.5, per_container: 200, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Zschopautal Hydraulik", town: "Mittweida", lat: 50.9860, lon: 12.9810, part: "brake line set", container: KLT6428, unit_kg: 0.6, per_container: 40, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Freiberger Silberschmelze", town: "Freiberg", lat: 50.9120, lon: 13.3430, part: "busbar", container: KLT6428, unit_kg: 0.9, per_container: 50, per_car: 6, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Geraer Glas", town: "Gera", lat: 50.8780, lon: 12.0820, part: "quarter glass", container: RACK, unit_kg: 2.1, per_container: 120, per_car: 2, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Altenburger Spielkarten Etiketten", town: "Altenburg", lat: 50.9850, lon: 12.4330, part: "label set", container: KLT4314, unit_kg: 0.01, per_container: 2000, per_car: 1, visits_per_week: 1, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Greizer Polster", town: "Greiz", lat: 50.6550, lon: 12.1990, part: "armrest", container: GITTER, unit_kg: 1.4, per_container: 90, per_car: 2, visits_per_week: 5, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Zeitzer Zahnrad", town: "Zeitz", lat: 51.0480, lon: 12.1380, part: "reduction gear", container: GITTER, unit_kg: 5.5, per_container: 60, per_car: 1, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Leipziger Leuchten", town: "Leipzig", lat: 51.3400, lon: 12.3750, part: "tail lamp", container: GITTER, unit_kg: 1.9, per_container: 64, per_car: 2, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Bornaer Batteriemodul", town: "Borna", lat: 51.1240, lon: 12.4970, part: "cell module", container: RACK, unit_kg: 28.0, per_container: 24, per_car: 1, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Doebelner Kolben", town: "Doebeln", lat: 51.1200, lon: 13.1100, part: "pump housing", container: GITTER, unit_kg: 2.4, per_container: 100, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Dresdner Halbleiter", town: "Dresden", lat: 51.0500, lon: 13.7370, part: "power module", container: KLT4314, unit_kg: 0.4, per_container: 24, per_car: 2, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Hofer Textilwerk", town: "Hof", lat: 50.3130, lon: 11.9170, part: "seat belt", container: KLT6428, unit_kg: 0.9, per_container: 30, per_car: 5, visits_per_week: 3, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Jenaer Optik", town: "Jena", lat: 50.9270, lon: 11.5860, part: "camera module", container: KLT4314, unit_kg: 0.2, per_container: 40, per_car: 3, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Hainichener Drehteile", town: "Hainichen", lat: 50.9697, lon: 13.1253, part: "turned pin", container: KLT4314, unit_kg: 0.05, per_container: 400, per_car: 12, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Oederaner Kunststofftechnik", town: "Oederan", lat: 50.8606, lon: 13.1717, part: "clip carrier", container: KLT6428, unit_kg: 0.15, per_container: 80, per_car: 6, visits_per_week: 5, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Frankenberger Armaturen", town: "Frankenberg/Sa.", lat: 50.9108, lon: 13.0378, part: "fuel valve", container: KLT4314, unit_kg: 0.25, per_container: 48, per_car: 1, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Rochlitzer Gummiwerk", town: "Rochlitz", lat: 51.0466, lon: 12.7986, part: "grommet set", container: KLT6428, unit_kg: 0.3, per_container: 100, per_car: 4, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Ronneburger Metallbau", town: "Ronneburg", lat: 50.8633, lon: 12.1797, part: "rear seat frame", container: RACK, unit_kg: 7.5, per_container: 25, per_car: 1, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Schmoellner Schaumstoff", town: "Schmoelln", lat: 50.8947, lon: 12.3564, part: "seat foam", container: GITTER, unit_kg: 0.9, per_container: 40, per_car: 2, visits_per_week: 5, loops_per_day: 2, hours: Hours::TwoShifts, saturday: false },
    Supplier { company: "Kirchberger Daemmstoffe", town: "Kirchberg", lat: 50.6197, lon: 12.5253, part: "sound insulation mat", container: ONEWAY, unit_kg: 1.8, per_container: 80, per_car: 3, visits_per_week: 3, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Oelsnitzer Leuchtdioden", town: "Oelsnitz/Erzgeb.", lat: 50.7236, lon: 12.7194, part: "LED strip", container: KLT4314, unit_kg: 0.08, per_container: 150, per_car: 4, visits_per_week: 2, loops_per_day: 1, hours: Hours::Lunch, saturday: false },
    Supplier { company: "Musikwinkel Signaltechnik", town: "Markneukirchen", lat: 50.3111, lon: 12.3294, part: "horn", container: KLT6428, unit_kg: 0.6, per_container: 30, per_car: 2, visits_per_week: 3, loops_per_day: 1, hours: Hours::Early, saturday: false },
    Supplier { company: "Kulmbacher Zinkguss", town: "Kulmbach", lat: 50.1007, lon: 11.4528, part: "door handle", container: KLT6428, unit_kg: 0.35, per_container: 60, per_car: 4, visits_per_week: 3, loops_per_day: 1, hours: Hours::TwoShifts, saturday: false },
];

/// Index (among the suppliers) of the one on company holiday on horizon day 2 (Wednesday).
const HOLIDAY_SUPPLIER: usize = 12;

/// The demo week: the plant at Zwickau-Mosel, 40 suppliers, 8 articulated trucks and 3 rigids.
///
/// Per pickup, a supplier ships `ceil(weekly consumption / (visits per week · loops per day) /
/// parts per container)` containers, weekly consumption being [`CARS_PER_DAY`] ·
/// [`PRODUCTION_DAYS`] · parts per car; a container weighs its tare plus its parts; empties of
/// returnable containers go back at the next pickup (same count).
///
/// # Errors
/// [`Error::Model`] if the embedded data did not validate (a bug; tests guard against it).
pub fn automotive_week() -> Result<Scenario, Error> {
    let weekdays_and_saturday =
        WeekdaySet::of(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat]);
    let mut plant =
        Site::new("VW plant Zwickau-Mosel", SiteKind::Plant, Coordinates::LatLon { lat: 50.7790, lon: 12.4940 });
    // Goods receipt: two dock shifts with a half-hour break for the shift change.
    plant.windows = vec![window((5, 0), (13, 30)), window((14, 0), (22, 0))];
    plant.calendar = Calendar { open_days: weekdays_and_saturday, holidays: Vec::new() };
    let mut sites = vec![plant];
    let mut containers = Vec::new();
    let mut parts = Vec::new();
    let mut demand = WeeklyDemand::default();
    for (k, s) in SUPPLIERS.iter().enumerate() {
        let id = SiteId::from_index(sites.len());
        let mut site = Site::new(
            format!("{} ({})", s.company, s.town),
            SiteKind::Supplier,
            Coordinates::LatLon { lat: s.lat, lon: s.lon },
        );
        site.windows = s.hours.windows();
        site.calendar = Calendar {
            open_days: if s.saturday { weekdays_and_saturday } else { WeekdaySet::WORKDAYS },
            holidays: if k == HOLIDAY_SUPPLIER { vec![2] } else { Vec::new() },
        };
        sites.push(site);
        let c = &CONTAINERS[s.container];
        // One container type per part: the same box holds a different number of each part.
        parts.push(Part {
            name: s.part.into(),
            unit_weight: Kilograms(s.unit_kg),
            unit_volume: CubicMetres(c.volume_m3 / s.per_container as f64),
            container: Some(ContainerId::from_index(containers.len())),
            supplier: Some(id),
        });
        containers.push(ContainerType {
            name: format!("{} of {} x {}", c.name, s.per_container, s.part),
            parts_per_container: u32::try_from(s.per_container).unwrap_or(u32::MAX),
            tare: Kilograms(c.tare_kg),
            volume: CubicMetres(c.volume_m3),
            empty_volume: CubicMetres(c.volume_m3),
            returnable: c.returnable,
        });

        let pattern = RecurringPattern {
            visits_per_week: s.visits_per_week,
            allowed_days: if s.saturday { weekdays_and_saturday } else { WeekdaySet::WORKDAYS },
            loops_per_day: s.loops_per_day,
        };
        let pickups_per_week = i64::from(s.visits_per_week * s.loops_per_day);
        let parts_per_pickup = div_ceil(CARS_PER_DAY * PRODUCTION_DAYS * s.per_car, pickups_per_week);
        let full = div_ceil(parts_per_pickup, s.per_container);
        let places = |n: i64| div_ceil(n, c.per_place);
        let kg = (full as f64 * (c.tare_kg + s.unit_kg * s.per_container as f64)).round() as i64;
        let pickup = Load::new(vec![kg, places(full)]);
        let empties = if c.returnable {
            Load::new(vec![(full as f64 * c.tare_kg).round() as i64, places(full)])
        } else {
            Load::zero(2)
        };
        // Docking and paperwork, plus two minutes per pallet place moved either way.
        let service = Duration::minutes(15 + 2 * (places(full) + empties.amounts()[1]));
        demand.suppliers.push(SupplierDemand::new(id, pattern, pickup).empties(empties).service(service));
    }

    let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(SPEED_M_PER_S))?;
    let plant_id = SiteId(0);
    let mut artic = VehicleType::new("40 t articulated", 8, Load::new(vec![24_000, 33]), plant_id);
    artic.shift = window((5, 0), (22, 0));
    artic.max_duration = Some(Duration::hours(15));
    artic.fixed_cost = Money(45_000);
    artic.reload_sites = vec![plant_id];
    artic.reload_time = Duration::minutes(40);
    artic.max_reloads = Some(3);
    let mut rigid = VehicleType::new("7.5 t rigid", 3, Load::new(vec![2_800, 15]), plant_id);
    rigid.shift = window((6, 0), (18, 0));
    rigid.max_duration = Some(Duration::hours(10));
    rigid.fixed_cost = Money(25_000);
    rigid.reload_sites = vec![plant_id];
    rigid.reload_time = Duration::minutes(25);
    rigid.max_reloads = Some(3);

    let horizon = Horizon { days: 7, first_weekday: Weekday::Mon };
    let network = ProblemData {
        name: "Zwickau inbound week".into(),
        dimensions: vec!["kg".into(), "pallet places".into()],
        sites,
        containers,
        parts,
        vehicle_types: vec![artic, rigid],
        travel,
        horizon: Some(horizon),
        ..ProblemData::default()
    }
    .validate()?;
    Ok(Scenario { network, demand, horizon })
}

/// The demo plant as input to the [`MilkRunPlanner`](crate::MilkRunPlanner): the same network
/// as [`automotive_week`] (plant, 40 suppliers, fleet), with each part's consumption
/// ([`CARS_PER_DAY`] cars a day, Monday to Friday, 06:00-22:00), half a day of safety stock,
/// storage for two days plus a rack's worth of containers, a holding cost of 0.5 % of a day's
/// parts value per container and day, and two loop waves matching the plant's dock windows
/// (05:00-13:30 and 14:00-22:00).
///
/// # Errors
/// [`Error::Model`] if the embedded data did not validate (a bug; tests guard against it).
pub fn automotive_inbound() -> Result<(Problem, crate::planner::Inbound), Error> {
    use crate::planner::{Inbound, InboundSupplier, PartFlow};
    let scenario = automotive_week()?;
    let network = scenario.network;
    let mut suppliers = Vec::with_capacity(SUPPLIERS.len());
    for (k, s) in SUPPLIERS.iter().enumerate() {
        let c = &CONTAINERS[s.container];
        let per_day = (CARS_PER_DAY * s.per_car) as f64;
        let containers_per_day = per_day / s.per_container as f64;
        let holding = holding_cents(s.unit_kg * s.per_container as f64);
        suppliers.push(InboundSupplier {
            site: SiteId::from_index(k + 1),
            parts: vec![PartFlow {
                part: milkrun_model::PartId::from_index(k),
                per_day,
                safety_days: 0.5,
                max_containers: (2.0 * containers_per_day).ceil() as u32 + c.per_place as u32,
                holding_per_day: holding,
                per_place: c.per_place as u32,
            }],
            loading: Duration::minutes(15),
            loading_per_place: Duration::minutes(2),
        });
    }
    Ok((network, Inbound { plant: SiteId(0), suppliers, cycle: two_shift_cycle() }))
}

/// A synthetic plant for tests and benchmarks: `suppliers` suppliers spread uniformly within
/// 90 km of the plant (planar coordinates in metres, 60 km/h), `parts` parts dealt round-robin
/// (every supplier ships at least one), containers among the demo's types, consumption between
/// 1 and 6 containers a production day, half a day of safety stock, storage for two days plus a
/// pallet place, supplier hours 06:00-21:00 or 07:00-16:00, the demo's waves, and a fleet of
/// 40 t articulated trucks and 7.5 t rigids sized to the volume. Same seed, same plant.
///
/// # Errors
/// [`Error::InvalidInput`] for no supplier, fewer parts than suppliers, or more than 100 000
/// of either; [`Error::Model`] if the generated data did not validate (a bug).
pub fn synthetic_inbound(
    suppliers: usize,
    parts: usize,
    seed: u64,
) -> Result<(Problem, crate::planner::Inbound), Error> {
    use crate::planner::{Inbound, InboundSupplier, PartFlow};
    if suppliers == 0 || parts < suppliers || parts > 100_000 {
        return Err(Error::InvalidInput {
            item: format!("synthetic plant of {suppliers} suppliers and {parts} parts"),
            reason: "needs at least one supplier, at least one part per supplier and at most 100 000 parts".into(),
        });
    }
    // SplitMix64: a small, well-known generator, so the facade needs no random-number crate.
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut plant = Site::new("plant", SiteKind::Plant, Coordinates::Planar { x: 0.0, y: 0.0 });
    plant.windows = vec![window((5, 0), (13, 30)), window((14, 0), (22, 0))];
    let mut sites = vec![plant];
    for k in 0..suppliers {
        let r = 90_000.0 * next().sqrt();
        let a = std::f64::consts::TAU * next();
        let mut site = Site::new(
            format!("supplier {k}"),
            SiteKind::Supplier,
            Coordinates::Planar { x: r * a.cos(), y: r * a.sin() },
        );
        site.windows = if next() < 0.7 { Hours::TwoShifts.windows() } else { vec![window((7, 0), (16, 0))] };
        sites.push(site);
    }
    let mut containers = Vec::with_capacity(parts);
    let mut part_list = Vec::with_capacity(parts);
    let mut flows: Vec<Vec<PartFlow>> = vec![Vec::new(); suppliers];
    let mut weekly_kg = 0.0;
    for p in 0..parts {
        let s = p % suppliers;
        let c = &CONTAINERS[(next() * CONTAINERS.len() as f64) as usize % CONTAINERS.len()];
        let per_container = 10 + (next() * 190.0) as u32;
        let unit_kg = 0.05 + next() * 3.0;
        let containers_per_day = 1.0 + next() * 5.0;
        part_list.push(Part {
            name: format!("part {p}"),
            unit_weight: Kilograms(unit_kg),
            unit_volume: CubicMetres(c.volume_m3 / f64::from(per_container)),
            container: Some(ContainerId::from_index(containers.len())),
            supplier: Some(SiteId::from_index(s + 1)),
        });
        containers.push(ContainerType {
            name: format!("{} for part {p}", c.name),
            parts_per_container: per_container,
            tare: Kilograms(c.tare_kg),
            volume: CubicMetres(c.volume_m3),
            empty_volume: CubicMetres(c.volume_m3),
            returnable: c.returnable,
        });
        weekly_kg += 5.0 * containers_per_day * (c.tare_kg + unit_kg * f64::from(per_container));
        flows[s].push(PartFlow {
            part: milkrun_model::PartId::from_index(p),
            per_day: containers_per_day * f64::from(per_container),
            safety_days: 0.5,
            max_containers: (2.0 * containers_per_day).ceil() as u32 + c.per_place as u32,
            holding_per_day: holding_cents(unit_kg * f64::from(per_container)),
            per_place: c.per_place as u32,
        });
    }
    let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(SPEED_M_PER_S))?;
    // Enough trucks to carry a day's volume four times over in one wave.
    let daily_loads = (weekly_kg / 5.0 / 24_000.0).ceil() as u32;
    let mut artic = VehicleType::new("40 t articulated", 2 + 4 * daily_loads, Load::new(vec![24_000, 33]), SiteId(0));
    artic.shift = window((5, 0), (22, 0));
    artic.fixed_cost = Money(45_000);
    let mut rigid = VehicleType::new("7.5 t rigid", 1 + 2 * daily_loads, Load::new(vec![2_800, 15]), SiteId(0));
    rigid.shift = window((6, 0), (18, 0));
    rigid.fixed_cost = Money(25_000);
    let network = ProblemData {
        name: format!("synthetic plant {suppliers}x{parts} seed {seed}"),
        dimensions: vec!["kg".into(), "pallet places".into()],
        sites,
        containers,
        parts: part_list,
        vehicle_types: vec![artic, rigid],
        travel,
        ..ProblemData::default()
    }
    .validate()?;
    let suppliers = flows
        .into_iter()
        .enumerate()
        .map(|(k, parts)| InboundSupplier {
            site: SiteId::from_index(k + 1),
            parts,
            loading: Duration::minutes(15),
            loading_per_place: Duration::minutes(2),
        })
        .collect();
    Ok((network, Inbound { plant: SiteId(0), suppliers, cycle: two_shift_cycle() }))
}

/// The demo plants' cycle: production Monday to Friday 06:00-22:00, loops in two waves matching
/// the plant's dock shifts (05:00-13:30 and 14:00-22:00).
fn two_shift_cycle() -> crate::planner::Cycle {
    crate::planner::Cycle {
        production_days: WeekdaySet::WORKDAYS,
        production_hours: window((6, 0), (22, 0)),
        waves: vec![window((5, 0), (13, 30)), window((14, 0), (22, 0))],
    }
}

/// Holding cost per day of a container of `kg` of parts: parts are worth about 4 EUR per kg,
/// holding costs 0.5 % of the value a day (capital, space, handling), at least 5 cents.
fn holding_cents(kg: f64) -> Money {
    Money((kg * 400.0 * 0.005).round().max(5.0) as i64)
}

/// A day of parcel deliveries in Zwickau, for the last-mile example and tests
/// ([`crate::last_mile`]): a depot in Pölbitz, in the north of the town, and
/// - 46 home deliveries, most with a two-hour slot between 08:00 and 18:00, the rest any time
///   in that span, 1 to 30 kg each, 2 to 5 minutes at the door;
/// - 6 returns collected from customers between 09:00 and 17:00;
/// - 4 paired shipments from town shops to customers the same day (flowers, a pharmacy order
///   with a 90-minute maximum ride, bread for a kindergarten, a repaired laptop);
/// - 4 vans of 220 kg from 07:30 to 18:30, starting and ending at the depot, costing one unit
///   per metre and one per second (waiting included).
///
/// The addresses are invented: seeded points within about 800 m of the centres of 14 real
/// districts. Same data on every call.
///
/// # Units
/// One load dimension, `kg`; times in seconds from midnight; distances in metres (great
/// circle), durations at 6.5 m/s (23 km/h), a town speed that also covers streets not being
/// straight lines.
///
/// # Errors
/// [`Error::Model`] if the embedded data did not validate (a bug; tests guard against it).
pub fn last_mile_day() -> Result<Problem, Error> {
    use milkrun_model::{Job, JobKind, Stop};
    const DISTRICTS: [(&str, f64, f64); 14] = [
        ("Innenstadt", 50.7185, 12.4960),
        ("Marienthal", 50.7240, 12.4660),
        ("Eckersbach", 50.7150, 12.5250),
        ("Planitz", 50.6830, 12.4770),
        ("Oberhohndorf", 50.6980, 12.5300),
        ("Poelbitz", 50.7400, 12.4800),
        ("Weissenborn", 50.7330, 12.4640),
        ("Schedewitz", 50.6990, 12.4990),
        ("Neuplanitz", 50.6930, 12.4630),
        ("Auerbach", 50.7300, 12.5300),
        ("Brand", 50.7270, 12.5080),
        ("Mosel", 50.7700, 12.4900),
        ("Crossen", 50.7560, 12.4680),
        ("Cainsdorf", 50.6700, 12.4980),
    ];
    const SLOTS: [(i64, i64); 5] = [(8, 10), (10, 12), (12, 14), (14, 16), (16, 18)];
    // SplitMix64, as in `synthetic_inbound`: the facade needs no random-number crate.
    let mut state = 0x1A57_3117_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut sites =
        vec![Site::new("parcel depot (Poelbitz)", SiteKind::Depot, Coordinates::LatLon { lat: 50.7480, lon: 12.4870 })];
    let mut place = |name: String, kind: SiteKind, district: usize, next: &mut dyn FnMut() -> f64| {
        let (_, lat, lon) = DISTRICTS[district % DISTRICTS.len()];
        // Within about 800 m: 0.0072 degrees of latitude, 0.0114 of longitude at 50.7 N.
        let (r, a) = (next().sqrt(), std::f64::consts::TAU * next());
        let location = Coordinates::LatLon { lat: lat + 0.0072 * r * a.sin(), lon: lon + 0.0114 * r * a.cos() };
        sites.push(Site::new(name, kind, location));
        SiteId::from_index(sites.len() - 1)
    };
    let mut jobs = Vec::new();
    for k in 0..46 {
        let district = (next() * DISTRICTS.len() as f64) as usize;
        let name = format!("address {} ({})", k + 1, DISTRICTS[district % DISTRICTS.len()].0);
        let site = place(name, SiteKind::Customer, district, &mut next);
        let slot = if next() < 0.7 { SLOTS[(next() * 5.0) as usize % 5] } else { (8, 18) };
        let stop = Stop::at(site)
            .service(Duration::minutes(2 + (next() * 4.0) as i64))
            .window(window((slot.0, 0), (slot.1, 0)));
        jobs.push(Job::delivery(format!("parcels {}", k + 1), stop, Load::single(1 + (next() * 30.0) as i64)));
    }
    for k in 0..6 {
        let district = (next() * DISTRICTS.len() as f64) as usize;
        let name = format!("return {} ({})", k + 1, DISTRICTS[district % DISTRICTS.len()].0);
        let site = place(name, SiteKind::Customer, district, &mut next);
        let stop = Stop::at(site).service(Duration::minutes(3)).window(window((9, 0), (17, 0)));
        jobs.push(Job::pickup(format!("return {}", k + 1), stop, Load::single(3 + (next() * 13.0) as i64)));
    }
    // (what, shop, shop district, recipient district, pickup window, delivery window, kg, max ride)
    let shipments = [
        ("flowers", "florist Krause", 0, 3, ((9, 0), (11, 0)), ((10, 0), (13, 0)), 5, None),
        ("prescription", "Apotheke am Markt", 0, 2, ((8, 30), (12, 0)), ((9, 0), (14, 0)), 1, Some(90)),
        ("bread rolls", "bakery Lange", 1, 6, ((8, 0), (9, 30)), ((8, 30), (10, 30)), 12, None),
        ("repaired laptop", "repair shop Nguyen", 2, 9, ((13, 0), (15, 0)), ((14, 0), (17, 0)), 8, None),
    ];
    for (what, shop, from, to, pick, drop, kg, ride) in shipments {
        let shop_site = place(format!("{shop} ({})", DISTRICTS[from].0), SiteKind::Supplier, from, &mut next);
        let recipient = place(format!("{what} recipient ({})", DISTRICTS[to].0), SiteKind::Customer, to, &mut next);
        let mut job = Job::shipment(
            what,
            Stop::at(shop_site).service(Duration::minutes(5)).window(window(pick.0, pick.1)),
            Stop::at(recipient).service(Duration::minutes(3)).window(window(drop.0, drop.1)),
            Load::single(kg),
        );
        if let JobKind::Shipment { max_ride, .. } = &mut job.kind {
            *max_ride = ride.map(Duration::minutes);
        }
        jobs.push(job);
    }
    let coords: Vec<Coordinates> = sites.iter().map(|s| s.location).collect();
    let travel = TravelMatrix::from_coordinates(&coords, Rounding::Nearest, Speed::Constant(6.5))?;
    let mut van = VehicleType::new("3.5 t van", 4, Load::single(220), SiteId(0));
    van.shift = window((7, 30), (18, 30));
    van.unit_duration_cost = 1;
    let problem = ProblemData {
        name: "parcel day Zwickau".into(),
        dimensions: vec!["kg".into()],
        sites,
        jobs,
        vehicle_types: vec![van],
        travel,
        ..ProblemData::default()
    }
    .validate()?;
    Ok(problem)
}
