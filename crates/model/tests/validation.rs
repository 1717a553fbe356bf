use milkrun_model::{Duration, Load, ModelError, SiteId, TimeWindow};
use proptest::prelude::*;

use crate::line_problem;

#[test]
fn errors_name_the_item_and_the_reason() {
    let mut d = line_problem(3);
    d.sites[2].windows.push(TimeWindow::new(Duration(18 * 3600), Duration(6 * 3600)));
    let e = d.validate().unwrap_err().to_string();
    assert_eq!(e, "site 'c2' (#2): time window 64800-21600 closes before it opens");

    let mut d = line_problem(3);
    d.jobs[1] = milkrun_model::Job::delivery("heavy", milkrun_model::Stop::at(SiteId(2)), Load::single(11));
    let e = d.validate().unwrap_err().to_string();
    assert_eq!(e, "job 'heavy' (#1): needs 11 in load dimension 0, but the largest vehicle holds 10");

    let mut d = line_problem(3);
    d.jobs[0] = milkrun_model::Job::delivery("neg", milkrun_model::Stop::at(SiteId(1)), Load::single(-1));
    assert!(matches!(d.validate(), Err(ModelError::Negative { .. })));

    let mut d = line_problem(3);
    d.sites[1].location = milkrun_model::Coordinates::Planar { x: f64::NAN, y: 0.0 };
    assert!(d.validate().unwrap_err().to_string().contains("NaN"));

    let mut d = line_problem(3);
    d.sites.pop();
    assert!(matches!(d.validate(), Err(ModelError::MatrixSize { .. })));

    let mut d = line_problem(3);
    d.vehicle_types[0].start = SiteId(99);
    assert!(matches!(d.validate(), Err(ModelError::UnknownReference { index: 99, .. })));

    let mut d = line_problem(3);
    d.vehicle_types[0].breaks = vec![milkrun_model::BreakRule::after_driving(Duration(2700), Duration(0))];
    let e = d.validate().unwrap_err().to_string();
    assert_eq!(e, "break #0 of vehicle type 'van' (#0): maximum driving time 0 must be positive");

    let mut d = line_problem(3);
    let lunch = TimeWindow::new(Duration(13 * 3600), Duration(12 * 3600));
    d.vehicle_types[0].breaks = vec![milkrun_model::BreakRule::in_window(Duration(1800), lunch)];
    let e = d.validate().unwrap_err().to_string();
    assert_eq!(e, "break #0 of vehicle type 'van' (#0): time window 46800-43200 closes before it opens");
}

proptest! {
    /// A valid problem validates; sorting of windows makes validation idempotent.
    #[test]
    fn valid_problems_validate_and_revalidate(clients in 1usize..12, cap in 1i64..20, opens in prop::collection::vec(0i64..1000, 12)) {
        let mut d = line_problem(clients);
        d.vehicle_types[0].capacity = Load::single(cap.max(1));
        for (site, open) in d.sites.iter_mut().zip(&opens) {
            site.windows = vec![TimeWindow::new(Duration(open + 100), Duration(open + 200)), TimeWindow::new(Duration(*open), Duration(open + 50))];
        }
        let p = d.validate().unwrap();
        for s in p.sites() {
            prop_assert!(s.windows.windows(2).all(|w| w[0].close < w[1].open));
        }
        let again = p.clone().into_data().validate().unwrap();
        prop_assert_eq!(p, again);
    }

    /// Any single defect is caught, whatever else the problem holds.
    #[test]
    fn any_single_defect_is_an_error(clients in 1usize..10, which in 0usize..6, pick in 0usize..100) {
        let mut d = line_problem(clients);
        let j = pick % clients;
        match which {
            0 => d.jobs[j] = milkrun_model::Job::delivery("x", milkrun_model::Stop::at(SiteId(1)), Load::single(1000)),
            1 => d.jobs[j] = milkrun_model::Job::delivery("x", milkrun_model::Stop::at(SiteId(1)), Load::new(vec![1, 1])),
            2 => d.jobs[j] = milkrun_model::Job::delivery("x", milkrun_model::Stop::at(SiteId(500)), Load::single(1)),
            3 => d.jobs[j].release = Duration(-1),
            4 => d.vehicle_types[0].shift = TimeWindow::new(Duration(10), Duration(5)),
            _ => d.sites[j % (clients + 1)].windows = vec![TimeWindow::new(Duration(0), Duration(10)), TimeWindow::new(Duration(5), Duration(20))],
        }
        prop_assert!(d.validate().is_err());
    }
}

#[test]
fn weekdays_wrap_for_any_day_count() {
    use milkrun_model::{Calendar, Weekday};
    // u32::MAX = 7 * 613566756 + 3
    assert_eq!(Weekday::Sun.plus(u32::MAX), Weekday::Wed);
    assert!(Calendar::default().is_open(u32::MAX, Weekday::Sat));
}
