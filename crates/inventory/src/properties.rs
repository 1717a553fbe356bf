//! Properties the fuzz targets check (and the tests replay their corpora through): any byte
//! string decodes to an event stream, and the ledger keeps its invariants on it.

use milkrun_model::Duration;

use crate::ledger::{
    DeviceId, Event, EventId, EventKind, Ledger, LedgerConfig, LocationId, OrderId, Position, ShortagePolicy, SkuId,
    SupplierId,
};

/// Bytes per decoded event.
const RECORD: usize = 6;

/// Decodes bytes into events: 6 bytes each (id, hour, SKU/location, kind, quantity, extra).
/// Ids collide on purpose (one byte) so that duplicates and conflicts occur; quantity 255 is
/// NaN and 254 infinity; SKU and location 3 are unknown.
#[must_use]
pub fn decode_events(data: &[u8]) -> Vec<Event> {
    data.chunks_exact(RECORD)
        .map(|r| {
            let quantity = match r[4] {
                255 => f64::NAN,
                254 => f64::INFINITY,
                q => f64::from(q) / 4.0 - 8.0,
            };
            let extra = r[5];
            let kind = match r[3] % 10 {
                0 => EventKind::Receipt { quantity, order: (extra & 1 == 1).then_some(OrderId(u64::from(extra >> 5))) },
                1 => EventKind::Issue { quantity, from_allocated: extra & 1 == 1 },
                2 => EventKind::Adjustment { delta: quantity },
                3 => EventKind::CycleCount { counted: quantity },
                4 => EventKind::SensorReading { level: quantity, device: DeviceId(0), sequence: u64::from(extra) },
                5 => EventKind::Transfer { quantity, to: LocationId(u32::from(extra % 4)) },
                6 => EventKind::OrderPlaced {
                    order: OrderId(u64::from(extra >> 5)),
                    quantity,
                    due: Duration::hours(i64::from(extra)),
                    supplier: SupplierId(0),
                },
                7 => EventKind::OrderCancelled { order: OrderId(u64::from(extra >> 5)) },
                8 => EventKind::Allocate { quantity },
                _ => EventKind::Release { quantity },
            };
            Event {
                id: EventId(u64::from(r[0])),
                time: Duration::hours(i64::from(r[1])),
                sku: SkuId(u32::from(r[2] & 3)),
                location: LocationId(u32::from((r[2] >> 2) & 3)),
                kind,
            }
        })
        .collect()
}

fn ledger(lateness: Duration, shortage: ShortagePolicy) -> Result<Ledger, String> {
    let mut l = Ledger::new(LedgerConfig { lateness, shortage });
    l.add_skus(3).map_err(|e| e.to_string())?;
    l.add_locations(3).map_err(|e| e.to_string())?;
    Ok(l)
}

fn sorted_positions(l: &Ledger) -> Vec<(SkuId, LocationId, Position)> {
    let mut v: Vec<_> = l.positions().map(|(s, p, x)| (s, p, x.clone())).collect();
    v.sort_by_key(|(s, p, _)| (*s, *p));
    v
}

/// The ledger's invariants on the stream `data` decodes to: every event is accounted for
/// (accepted, duplicate or rejected); stock is conserved and never negative; ingesting the
/// stream again changes nothing; a snapshot taken half-way and resumed, or one event per
/// batch, gives the same ledger;
/// with an unbounded window, the accepted events in time order give the same positions.
///
/// # Errors
/// A description of the first invariant broken.
pub fn ledger_stream(data: &[u8]) -> Result<(), String> {
    let events = decode_events(data);
    let shortage =
        if data.first().is_some_and(|b| b & 1 == 1) { ShortagePolicy::LostSales } else { ShortagePolicy::Backorder };
    let lateness = Duration::hours(i64::from(data.get(1).copied().unwrap_or(24)));

    let mut l = ledger(lateness, shortage)?;
    let report = l.ingest(&events);
    if report.accepted + report.duplicates + report.rejected.len() != events.len() {
        return Err(format!("{} events, report {report:?}", events.len()));
    }
    for (sku, location, p) in l.positions() {
        let lhs = p.on_hand - p.backorders;
        let rhs = p.received - p.issued + p.lost_sales + p.corrections;
        if (lhs - rhs).abs() > 1e-6 * (1.0 + lhs.abs() + rhs.abs()) {
            return Err(format!("{sku}/{location}: on hand - backorders {lhs} != flows {rhs}"));
        }
        if p.on_hand < 0.0 || p.backorders < 0.0 || p.allocated < 0.0 || !p.on_hand.is_finite() {
            return Err(format!("{sku}/{location}: negative or non-finite state {p:?}"));
        }
    }

    let before = l.clone();
    let again = l.ingest(&events);
    if again.accepted != 0 || l != before {
        return Err(format!("re-ingesting the stream changed the ledger: {again:?}"));
    }

    let cut = events.len() / 2;
    let mut first = ledger(lateness, shortage)?;
    first.ingest(&events[..cut]);
    let mut resumed = Ledger::restore(first.snapshot());
    resumed.ingest(&events[cut..]);
    let mut whole = ledger(lateness, shortage)?;
    whole.ingest(&events);
    if resumed != whole {
        return Err("snapshot + later events differ from the whole stream".into());
    }

    let mut single = ledger(lateness, shortage)?;
    for e in &events {
        single.ingest(std::slice::from_ref(e));
    }
    if single != whole {
        return Err("one event at a time differs from the whole stream in one batch".into());
    }

    let mut unbounded = ledger(Duration::MAX, shortage)?;
    let report = unbounded.ingest(&events);
    let mut accepted: Vec<Event> = events
        .iter()
        .enumerate()
        .filter(|(k, _)| !report.rejected.iter().any(|r| r.index == *k))
        .map(|(_, e)| *e)
        .collect();
    accepted.sort_by_key(|e| e.time);
    let mut ordered = ledger(Duration::MAX, shortage)?;
    ordered.ingest(&accepted);
    if sorted_positions(&ordered) != sorted_positions(&unbounded) {
        return Err("the accepted events in time order give other positions".into());
    }
    Ok(())
}
