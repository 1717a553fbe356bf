//! Ledger: idempotence, disorder, lateness, snapshots, conservation.

use milkrun_inventory::{
    DeviceId, Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, OrderId, Position, Rejection,
    ShortagePolicy, SkuId, SupplierId,
};
use milkrun_model::Duration;
use proptest::prelude::*;

fn ledger(lateness: Duration, shortage: ShortagePolicy, skus: usize, locations: usize) -> Ledger {
    let mut l = Ledger::new(LedgerConfig { lateness, shortage });
    l.add_skus(skus).unwrap();
    l.add_locations(locations).unwrap();
    l
}

fn ev(id: u64, hour: i64, kind: EventKind) -> Event {
    Event { id: EventId(id), time: Duration::hours(hour), sku: SkuId(0), location: LocationId(0), kind }
}

fn issue(quantity: f64) -> EventKind {
    EventKind::Issue { quantity, from_allocated: false }
}

fn receipt(quantity: f64) -> EventKind {
    EventKind::Receipt { quantity, order: None }
}

/// Positions keyed by (SKU, location), so ledgers that saw positions in another order compare.
fn positions(l: &Ledger) -> Vec<(SkuId, LocationId, Position)> {
    let mut v: Vec<_> = l.positions().map(|(s, p, x)| (s, p, x.clone())).collect();
    v.sort_by_key(|(s, p, _)| (*s, *p));
    v
}

#[test]
fn late_event_inside_the_window_corrects_history() {
    let mut l = ledger(Duration::hours(24), ShortagePolicy::Backorder, 1, 1);
    let reading =
        |id, hour, level, sequence| ev(id, hour, EventKind::SensorReading { level, device: DeviceId(7), sequence });
    let r = l.ingest(&[reading(1, 8, 100.0, 1), reading(2, 12, 60.0, 2)]);
    assert_eq!(r.accepted, 2);
    // A receipt at 10:00 arrives after the 12:00 reading: the reading still sets the level.
    let r = l.ingest(&[ev(3, 10, receipt(50.0))]);
    assert_eq!((r.accepted, r.reordered), (1, 1));
    let p = l.position(SkuId(0), LocationId(0)).unwrap();
    assert_eq!(p.on_hand, 60.0);
    assert_eq!(p.received, 50.0);
    // 100 + 50 read as 60: 90 of shrinkage or unrecorded consumption.
    assert_eq!(p.corrections, 100.0 - 90.0);
    assert_eq!(p.last_reading.unwrap().level, 60.0);
    // An issue at 13:00 arrives, then the 9:00 one.
    l.ingest(&[ev(4, 13, issue(10.0)), ev(5, 9, issue(30.0))]);
    assert_eq!(l.position(SkuId(0), LocationId(0)).unwrap().on_hand, 50.0);
}

#[test]
fn readings_at_the_same_time_follow_the_sequence_number() {
    let mut l = ledger(Duration::MAX, ShortagePolicy::Backorder, 1, 1);
    let reading = |id, level, sequence| ev(id, 5, EventKind::SensorReading { level, device: DeviceId(1), sequence });
    l.ingest(&[reading(10, 30.0, 2), reading(11, 40.0, 1)]);
    assert_eq!(l.position(SkuId(0), LocationId(0)).unwrap().on_hand, 30.0);
}

#[test]
fn every_rejection_names_its_reason_and_changes_nothing() {
    let mut l = ledger(Duration::hours(10), ShortagePolicy::Backorder, 2, 2);
    l.ingest(&[ev(1, 100, receipt(5.0))]);
    let before = l.clone();
    let mut bad_sku = ev(2, 100, receipt(1.0));
    bad_sku.sku = SkuId(2);
    let mut bad_location = ev(3, 100, receipt(1.0));
    bad_location.location = LocationId(9);
    let cases = [
        (bad_sku, Rejection::UnknownSku(SkuId(2))),
        (bad_location, Rejection::UnknownLocation(LocationId(9))),
        (ev(4, 100, issue(-1.0)), Rejection::Negative { field: "quantity", value: -1.0 }),
        (ev(5, 100, EventKind::Adjustment { delta: f64::NAN }), Rejection::NonFinite { field: "delta" }),
        (ev(6, 100, EventKind::CycleCount { counted: f64::INFINITY }), Rejection::NonFinite { field: "counted" }),
        (ev(1, 100, receipt(6.0)), Rejection::ConflictingDuplicate),
        (
            ev(7, 89, receipt(1.0)),
            Rejection::TooLate {
                time: Duration::hours(89),
                watermark: Duration::hours(100),
                lateness: Duration::hours(10),
            },
        ),
        (ev(8, 100, EventKind::Transfer { quantity: 1.0, to: LocationId(0) }), Rejection::TransferToSelf),
        (
            ev(9, 100, EventKind::Transfer { quantity: 1.0, to: LocationId(5) }),
            Rejection::UnknownLocation(LocationId(5)),
        ),
    ];
    for (k, (event, reason)) in cases.iter().enumerate() {
        let report = l.ingest(std::slice::from_ref(event));
        assert_eq!(report.accepted, 0, "case {k}");
        assert_eq!(report.rejected.len(), 1, "case {k}");
        assert_eq!(report.rejected[0].reason, *reason, "case {k}");
        assert_eq!(report.rejected[0].id, event.id, "case {k}");
        assert!(!reason.to_string().is_empty());
    }
    assert_eq!(l, before);
    // Exactly at the edge of the window is still accepted.
    assert_eq!(l.ingest(&[ev(10, 90, receipt(1.0))]).accepted, 1);
}

#[test]
fn orders_placed_received_and_cancelled() {
    let mut l = ledger(Duration::MAX, ShortagePolicy::Backorder, 1, 1);
    let place = |id, order, quantity| {
        ev(
            id,
            1,
            EventKind::OrderPlaced {
                order: OrderId(order),
                quantity,
                due: Duration::hours(48),
                supplier: SupplierId(3),
            },
        )
    };
    l.ingest(&[
        place(1, 100, 40.0),
        place(2, 101, 25.0),
        ev(3, 2, issue(10.0)),
        ev(4, 3, EventKind::Receipt { quantity: 15.0, order: Some(OrderId(100)) }),
        ev(5, 4, EventKind::Allocate { quantity: 3.0 }),
    ]);
    let p = l.position(SkuId(0), LocationId(0)).unwrap();
    assert_eq!((p.on_hand, p.backorders, p.on_order(), p.allocated), (5.0, 0.0, 50.0, 3.0));
    assert_eq!(p.inventory_position(), 5.0 + 50.0 - 3.0);
    l.ingest(&[
        ev(6, 5, EventKind::OrderCancelled { order: OrderId(101) }),
        ev(7, 6, EventKind::Issue { quantity: 3.0, from_allocated: true }),
        ev(8, 7, EventKind::Receipt { quantity: 30.0, order: Some(OrderId(100)) }),
    ]);
    let p = l.position(SkuId(0), LocationId(0)).unwrap();
    assert!(p.open_orders.is_empty(), "over-delivery closes the order");
    assert_eq!((p.on_hand, p.allocated, p.on_order()), (32.0, 0.0, 0.0));
}

#[test]
fn transfers_move_stock_between_locations() {
    let mut l = ledger(Duration::MAX, ShortagePolicy::LostSales, 1, 2);
    l.ingest(&[ev(1, 1, receipt(10.0)), ev(2, 2, EventKind::Transfer { quantity: 14.0, to: LocationId(1) })]);
    let from = l.position(SkuId(0), LocationId(0)).unwrap();
    let to = l.position(SkuId(0), LocationId(1)).unwrap();
    assert_eq!((from.on_hand, from.lost_sales, to.on_hand), (0.0, 4.0, 14.0));
}

#[test]
fn negative_adjustments_stop_at_zero_and_say_so() {
    let mut l = ledger(Duration::MAX, ShortagePolicy::Backorder, 1, 1);
    l.ingest(&[ev(1, 1, receipt(3.0)), ev(2, 2, EventKind::Adjustment { delta: -5.0 })]);
    let p = l.position(SkuId(0), LocationId(0)).unwrap();
    assert_eq!((p.on_hand, p.corrections, p.unabsorbed), (0.0, -3.0, 2.0));
}

fn kind() -> impl Strategy<Value = EventKind> {
    let q = 0u32..40;
    prop_oneof![
        (q.clone(), proptest::option::of(0u64..3))
            .prop_map(|(q, o)| EventKind::Receipt { quantity: f64::from(q) * 0.5, order: o.map(OrderId) }),
        (q.clone(), any::<bool>())
            .prop_map(|(q, a)| EventKind::Issue { quantity: f64::from(q) * 0.7, from_allocated: a }),
        (-20i32..20).prop_map(|d| EventKind::Adjustment { delta: f64::from(d) }),
        q.clone().prop_map(|c| EventKind::CycleCount { counted: f64::from(c) }),
        (q.clone(), 0u64..4).prop_map(|(l, s)| EventKind::SensorReading {
            level: f64::from(l) * 1.1,
            device: DeviceId(0),
            sequence: s
        }),
        (q.clone(), 0u32..3).prop_map(|(q, to)| EventKind::Transfer { quantity: f64::from(q), to: LocationId(to) }),
        (0u64..3, q.clone(), 0i64..30).prop_map(|(o, q, due)| EventKind::OrderPlaced {
            order: OrderId(o),
            quantity: f64::from(q),
            due: Duration::hours(due),
            supplier: SupplierId(1)
        }),
        (0u64..3).prop_map(|o| EventKind::OrderCancelled { order: OrderId(o) }),
        q.clone().prop_map(|q| EventKind::Allocate { quantity: f64::from(q) }),
        q.prop_map(|q| EventKind::Release { quantity: f64::from(q) }),
    ]
}

fn events() -> impl Strategy<Value = Vec<Event>> {
    proptest::collection::vec((0i64..30, 0u32..2, 0u32..3, kind()), 0..60).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(k, (hour, sku, location, kind))| Event {
                id: EventId(k as u64),
                time: Duration::hours(hour),
                sku: SkuId(sku),
                location: LocationId(location),
                kind,
            })
            .collect()
    })
}

/// A permutation of `0..n` from a seed (Fisher-Yates with a small LCG).
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        v.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

proptest! {
    #[test]
    fn any_permutation_of_the_accepted_events_gives_the_same_positions(events in events(), seed: u64) {
        let mut a = ledger(Duration::MAX, ShortagePolicy::Backorder, 2, 3);
        let report = a.ingest(&events);
        let accepted: Vec<Event> = {
            let bad: Vec<usize> = report.rejected.iter().map(|r| r.index).collect();
            events.iter().enumerate().filter(|(k, _)| !bad.contains(k)).map(|(_, e)| *e).collect()
        };
        let mut shuffled = accepted.clone();
        shuffle(&mut shuffled, seed);
        let mut b = ledger(Duration::MAX, ShortagePolicy::Backorder, 2, 3);
        let report_b = b.ingest(&shuffled);
        prop_assert_eq!(report_b.accepted, accepted.len());
        prop_assert_eq!(positions(&a), positions(&b));
    }

    #[test]
    fn a_window_large_enough_changes_nothing(events in events(), seed: u64) {
        let mut shuffled = events.clone();
        shuffle(&mut shuffled, seed);
        let mut unbounded = ledger(Duration::MAX, ShortagePolicy::Backorder, 2, 3);
        unbounded.ingest(&shuffled);
        let mut windowed = ledger(Duration::hours(30), ShortagePolicy::Backorder, 2, 3);
        windowed.ingest(&shuffled);
        windowed.compact();
        prop_assert_eq!(positions(&unbounded), positions(&windowed));
    }

    #[test]
    fn duplicated_events_change_nothing(events in events(), picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..20)) {
        let mut a = ledger(Duration::hours(12), ShortagePolicy::Backorder, 2, 3);
        a.ingest(&events);
        let before = a.clone();
        if !events.is_empty() {
            let again: Vec<Event> = picks.iter().map(|i| events[i.index(events.len())]).collect();
            let report = a.ingest(&again);
            prop_assert_eq!(report.accepted, 0);
            prop_assert_eq!(report.duplicates + report.rejected.len(), again.len());
            let expected = report.rejected.iter().all(|r| matches!(r.reason, Rejection::TooLate { .. } | Rejection::TransferToSelf));
            prop_assert!(expected);
        }
        prop_assert_eq!(a, before);
    }

    #[test]
    fn a_snapshot_plus_the_later_events_replays_to_the_same_ledger(events in events(), cut in any::<prop::sample::Index>()) {
        let cut = if events.is_empty() { 0 } else { cut.index(events.len()) };
        let mut whole = ledger(Duration::hours(8), ShortagePolicy::LostSales, 2, 3);
        whole.ingest(&events);
        let mut first = ledger(Duration::hours(8), ShortagePolicy::LostSales, 2, 3);
        first.ingest(&events[..cut]);
        let mut resumed = Ledger::restore(first.snapshot());
        resumed.ingest(&events[cut..]);
        prop_assert_eq!(resumed, whole);
    }

    #[test]
    fn any_batching_gives_the_ledger_of_one_event_at_a_time(
        events in events(),
        repeats in proptest::collection::vec(any::<prop::sample::Index>(), 0..15),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        lateness in 1i64..40,
    ) {
        // Repeats (and id reuse with other content) inside and across batches.
        let mut stream = events.clone();
        if !events.is_empty() {
            for (n, r) in repeats.iter().enumerate() {
                let mut e = events[r.index(events.len())];
                if n % 3 == 0 {
                    e.time = Duration(e.time.0 + 3600);
                }
                stream.insert(r.index(stream.len() + 1), e);
            }
        }
        let config = (Duration::hours(lateness), ShortagePolicy::Backorder, 2, 3);
        let mut single = ledger(config.0, config.1, config.2, config.3);
        let mut expected = milkrun_inventory::IngestReport::default();
        for (k, e) in stream.iter().enumerate() {
            let r = single.ingest(std::slice::from_ref(e));
            expected.accepted += r.accepted;
            expected.duplicates += r.duplicates;
            expected.reordered += r.reordered;
            expected.rejected.extend(r.rejected.into_iter().map(|x| milkrun_inventory::Rejected { index: k, ..x }));
        }
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        bounds.extend([0, stream.len()]);
        bounds.sort_unstable();
        let mut batched = ledger(config.0, config.1, config.2, config.3);
        let mut got = milkrun_inventory::IngestReport::default();
        for w in bounds.windows(2) {
            let r = batched.ingest(&stream[w[0]..w[1]]);
            got.accepted += r.accepted;
            got.duplicates += r.duplicates;
            got.rejected.extend(r.rejected.into_iter().map(|x| milkrun_inventory::Rejected { index: x.index + w[0], ..x }));
        }
        prop_assert_eq!(&got.rejected, &expected.rejected);
        prop_assert_eq!((got.accepted, got.duplicates), (expected.accepted, expected.duplicates));
        prop_assert_eq!(batched, single);
    }

    #[test]
    fn a_snapshot_persisted_as_json_restores_the_same_ledger(events in events(), cut in any::<prop::sample::Index>()) {
        let cut = if events.is_empty() { 0 } else { cut.index(events.len()) };
        let mut whole = ledger(Duration::hours(8), ShortagePolicy::Backorder, 2, 3);
        whole.ingest(&events);
        let mut first = ledger(Duration::hours(8), ShortagePolicy::Backorder, 2, 3);
        first.ingest(&events[..cut]);
        let json = serde_json::to_string(&first.snapshot()).unwrap();
        let mut resumed = Ledger::restore(serde_json::from_str(&json).unwrap());
        resumed.ingest(&events[cut..]);
        prop_assert_eq!(resumed, whole);
    }

    #[test]
    fn stock_is_conserved(events in events(), lost in any::<bool>()) {
        let shortage = if lost { ShortagePolicy::LostSales } else { ShortagePolicy::Backorder };
        let mut l = ledger(Duration::MAX, shortage, 2, 3);
        l.ingest(&events);
        for (_, _, p) in l.positions() {
            // on hand - backorders = received - issued + lost sales + corrections
            let lhs = p.on_hand - p.backorders;
            let rhs = p.received - p.issued + p.lost_sales + p.corrections;
            prop_assert!((lhs - rhs).abs() < 1e-9, "{lhs} vs {rhs}: {p:?}");
            prop_assert!(p.on_hand >= 0.0 && p.backorders >= 0.0 && p.allocated >= 0.0);
            prop_assert!(p.open_orders.iter().all(|o| o.remaining > 0.0));
        }
    }
}

/// A long stream over many positions with everything a feed does wrong: late events (some too
/// late), repeats, ids reused for other content, unknown SKUs and locations, negative and NaN
/// quantities, transfers, positions appearing late in the stream.
fn messy_stream(n: usize, seed: u64) -> Vec<Event> {
    let mut x = seed | 1;
    let mut next = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let mut out: Vec<Event> = Vec::with_capacity(n);
    for k in 0..n as u64 {
        let roll = next(100);
        if roll < 3 && !out.is_empty() {
            let again = out[next(out.len() as u64) as usize];
            out.push(again);
            continue;
        }
        let q = next(30) as f64;
        let kind = match next(10) {
            0..=2 => EventKind::Issue { quantity: q, from_allocated: false },
            3 => EventKind::Receipt { quantity: 4.0 * q, order: Some(OrderId(next(5))) },
            4 => EventKind::SensorReading { level: 2.0 * q, device: DeviceId(1), sequence: k },
            5 => EventKind::Transfer { quantity: q, to: LocationId(next(41) as u32) },
            6 => EventKind::OrderPlaced {
                order: OrderId(next(5)),
                quantity: 4.0 * q,
                due: Duration::hours(k as i64 / 50 + 24),
                supplier: SupplierId(2),
            },
            7 => EventKind::Adjustment { delta: if next(50) == 0 { f64::NAN } else { -q / 2.0 } },
            8 => EventKind::CycleCount { counted: if next(50) == 0 { -1.0 } else { 3.0 * q } },
            _ => EventKind::Allocate { quantity: q / 3.0 },
        };
        let late = if next(20) == 0 { next(24 * 10) as i64 } else { 0 };
        // Ids mostly fresh, sometimes reused for another event.
        let id = if roll < 5 { next(k + 1) } else { k };
        out.push(Event {
            id: EventId(id),
            time: Duration::hours(k as i64 / 50 - late),
            // A few unknown SKUs (501) and locations (41); later positions appear over time.
            sku: SkuId(if next(300) == 0 { 501 } else { next(1 + 500 * (k + 1000) / (n as u64 + 1000)) } as u32),
            location: LocationId(next(42) as u32),
            kind,
        });
    }
    out
}

#[test]
fn two_threads_ingest_exactly_what_one_does() {
    for seed in [1u64, 7, 2026] {
        let events = messy_stream(60_000, seed);
        let mut one = ledger(Duration::hours(72), ShortagePolicy::Backorder, 501, 41);
        let mut two = ledger(Duration::hours(72), ShortagePolicy::Backorder, 501, 41);
        let mut reasons = Vec::new();
        for batch in events.chunks(15_000) {
            let a = one.ingest(batch);
            let b = two.ingest_with_threads(batch, 2);
            assert_eq!(a, b);
            assert!(a.accepted > 0 && a.duplicates > 0 && a.reordered > 0);
            reasons.extend(a.rejected.iter().map(|r| r.reason));
        }
        // The stream exercises every kind of refusal.
        assert!(reasons.iter().any(|r| matches!(r, Rejection::ConflictingDuplicate)));
        assert!(reasons.iter().any(|r| matches!(r, Rejection::UnknownSku(_))));
        assert!(reasons.iter().any(|r| matches!(r, Rejection::UnknownLocation(_))));
        assert!(reasons.iter().any(|r| matches!(r, Rejection::TooLate { .. })));
        assert!(reasons.iter().any(|r| matches!(r, Rejection::NonFinite { .. })));
        assert!(one.len() > 10_000, "{} positions", one.len());
        assert!(one == two, "the ledgers differ");
    }
}
