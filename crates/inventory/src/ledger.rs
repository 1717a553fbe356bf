//! The stock ledger: positions per (SKU, location) from events that arrive late, twice or out of
//! order.
//!
//! Every position keeps a *settled* state, the events of the lateness window in event-time order,
//! and the current state (settled state + window). An event that extends the window at its end is
//! applied in O(1); a late event within the window is inserted in order and the window is
//! replayed from the settled state, so it corrects history. Events older than the window are
//! folded into the settled state the next time their position is touched.

use std::collections::VecDeque;
use std::fmt;
use std::hash::Hasher;

use milkrun_model::Duration;

use crate::error::InventoryError;
use crate::table::{IdTable, Sharded};

macro_rules! id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $int:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(pub $int);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id!(
    /// A stock-keeping unit registered with [`Ledger::add_sku`]; indexes the ledger's SKU list.
    SkuId,
    "sku#",
    u32
);
id!(
    /// A stock location (plant line, store, warehouse, tank) registered with
    /// [`Ledger::add_location`].
    LocationId,
    "location#",
    u32
);
id!(
    /// The caller's unique id of an event, the key of idempotent ingestion (hash a string id
    /// into it if the source has one).
    EventId,
    "event#",
    u64
);
id!(
    /// The caller's id of a purchase or replenishment order.
    OrderId,
    "order#",
    u64
);
id!(
    /// The caller's id of a supplier.
    SupplierId,
    "supplier#",
    u32
);
id!(
    /// The caller's id of a sensor or RFID reader.
    DeviceId,
    "device#",
    u32
);

/// One thing that happened to the stock of a SKU at a location.
///
/// # Units
/// Quantities are in the SKU's stock unit (pieces, litres, kilograms); `time` is seconds from
/// an epoch the caller chooses, the same for every event of a ledger.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Event {
    /// Unique id: an event ingested twice with the same id and content changes nothing.
    pub id: EventId,
    /// When it happened (device or business time, not arrival time).
    pub time: Duration,
    /// The SKU.
    pub sku: SkuId,
    /// The location (for a transfer: the origin).
    pub location: LocationId,
    /// What happened.
    pub kind: EventKind,
}

/// What an [`Event`] records.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EventKind {
    /// Goods received. Receipts first fill backorders. With `order`, the open quantity of that
    /// order falls by the quantity received (an over-delivery closes it).
    Receipt {
        /// Quantity received.
        quantity: f64,
        /// The order it arrives against, if known.
        order: Option<OrderId>,
    },
    /// Consumption or issue to a customer or production line. What on hand cannot cover
    /// becomes a backorder or a lost sale ([`ShortagePolicy`]).
    Issue {
        /// Quantity issued or consumed.
        quantity: f64,
        /// Whether the issue ships stock allocated earlier (the allocation falls too).
        from_allocated: bool,
    },
    /// A signed correction of on hand (damage, found stock). On hand never goes below zero:
    /// the part of a negative adjustment it cannot absorb is ignored and counted in
    /// [`Position::unabsorbed`].
    Adjustment {
        /// Signed change.
        delta: f64,
    },
    /// A physical count: on hand is set to the count.
    CycleCount {
        /// Counted quantity.
        counted: f64,
    },
    /// An absolute level from a sensor (tank gauge, weight cell, RFID gate count): on hand is
    /// set to the level. Readings of one device at the same time are ordered by `sequence`.
    SensorReading {
        /// Measured level.
        level: f64,
        /// The device.
        device: DeviceId,
        /// The device's sequence number.
        sequence: u64,
    },
    /// Stock moved from `location` to `to`, arriving at once. The origin treats it as an
    /// issue (shortfall per [`ShortagePolicy`]); the destination as a receipt.
    Transfer {
        /// Quantity moved.
        quantity: f64,
        /// The destination location.
        to: LocationId,
    },
    /// A replenishment order placed (or amended, when `order` is already open; amending to
    /// zero cancels it, placing zero does nothing).
    OrderPlaced {
        /// Order id.
        order: OrderId,
        /// Quantity ordered.
        quantity: f64,
        /// When it is due.
        due: Duration,
        /// Who delivers it.
        supplier: SupplierId,
    },
    /// An open order cancelled; its remaining quantity leaves "on order". Cancelling an order
    /// that is not open changes nothing.
    OrderCancelled {
        /// Order id.
        order: OrderId,
    },
    /// Stock reserved for an outgoing order.
    Allocate {
        /// Quantity reserved.
        quantity: f64,
    },
    /// A reservation released without shipping (at most what is allocated).
    Release {
        /// Quantity released.
        quantity: f64,
    },
}

/// What happens to demand that on hand cannot cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ShortagePolicy {
    /// It waits as a backorder, filled by the next receipts.
    #[default]
    Backorder,
    /// It is lost (counted in [`Position::lost_sales`]).
    LostSales,
}

/// Ledger settings.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedgerConfig {
    /// How far behind the latest event time an event may be and still correct history; older
    /// events are rejected with [`Rejection::TooLate`]. [`Duration::MAX`] accepts any delay (and
    /// keeps every event in memory).
    pub lateness: Duration,
    /// What happens to demand on hand cannot cover.
    pub shortage: ShortagePolicy,
}

impl Default for LedgerConfig {
    /// A lateness window of 7 days; backorders.
    fn default() -> Self {
        Self { lateness: Duration::hours(7 * 24), shortage: ShortagePolicy::Backorder }
    }
}

/// An open replenishment order of a position.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OpenOrder {
    /// Order id.
    pub order: OrderId,
    /// Supplier.
    pub supplier: SupplierId,
    /// Quantity still to be received.
    pub remaining: f64,
    /// Due time.
    pub due: Duration,
}

/// The last sensor reading of a position.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reading {
    /// Device time.
    pub time: Duration,
    /// Level read.
    pub level: f64,
    /// The device.
    pub device: DeviceId,
    /// Its sequence number.
    pub sequence: u64,
}

/// The state of one (SKU, location).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Position {
    /// Physically present, never negative.
    pub on_hand: f64,
    /// Demand waiting for stock.
    pub backorders: f64,
    /// Stock reserved for outgoing orders.
    pub allocated: f64,
    /// Open orders, in the order they were placed.
    pub open_orders: Vec<OpenOrder>,
    /// The latest sensor reading, in event-time order.
    pub last_reading: Option<Reading>,
    /// The reading before it.
    pub previous_reading: Option<Reading>,
    /// What the latest reading changed in the book quantity (level − on hand before it):
    /// negative when stock vanished that no recorded event explains.
    pub reading_correction: f64,
    /// Time of the latest event applied.
    pub last_event: Option<Duration>,
    /// Total received (receipts and incoming transfers).
    pub received: f64,
    /// Total issued (issues and outgoing transfers, including the part that became backorders
    /// or lost sales).
    pub issued: f64,
    /// Net of all corrections: adjustments, and the differences counts and readings made to
    /// the book quantity (negative = shrinkage).
    pub corrections: f64,
    /// Demand lost under [`ShortagePolicy::LostSales`].
    pub lost_sales: f64,
    /// The part of negative adjustments on hand could not absorb.
    pub unabsorbed: f64,
}

impl Position {
    /// Quantity on open orders.
    #[must_use]
    pub fn on_order(&self) -> f64 {
        self.open_orders.iter().map(|o| o.remaining).sum()
    }

    /// Inventory position: on hand + on order − backorders − allocated.
    #[must_use]
    pub fn inventory_position(&self) -> f64 {
        self.on_hand + self.on_order() - self.backorders - self.allocated
    }

    /// Net stock: on hand − backorders.
    #[must_use]
    pub fn net_stock(&self) -> f64 {
        self.on_hand - self.backorders
    }
}

/// Why an event was refused. Nothing of a refused event is applied.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The SKU was never registered.
    #[error("unknown SKU {0}")]
    UnknownSku(SkuId),
    /// The location (or a transfer's destination) was never registered.
    #[error("unknown location {0}")]
    UnknownLocation(LocationId),
    /// A quantity that must be non-negative is negative.
    #[error("{field} is negative ({value})")]
    Negative {
        /// The field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// A quantity is NaN or infinite.
    #[error("{field} is not a finite number")]
    NonFinite {
        /// The field.
        field: &'static str,
    },
    /// The id was ingested before with different content.
    #[error("event id reused with different content")]
    ConflictingDuplicate,
    /// The event is older than the lateness window allows.
    #[error(
        "too late: event time {} s is more than the lateness window of {} s before the latest event time {} s",
        time.0,
        lateness.0,
        watermark.0
    )]
    TooLate {
        /// The event's time.
        time: Duration,
        /// The latest event time accepted so far.
        watermark: Duration,
        /// The configured window.
        lateness: Duration,
    },
    /// A transfer from a location to itself.
    #[error("transfer to its own location")]
    TransferToSelf,
}

/// A refused event of a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rejected {
    /// Index of the event in the batch.
    pub index: usize,
    /// Its id.
    pub id: EventId,
    /// Why.
    pub reason: Rejection,
}

/// What [`Ledger::ingest`] did with a batch. `accepted + duplicates + rejected.len()` is the
/// batch length.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IngestReport {
    /// Events applied.
    pub accepted: usize,
    /// Exact repeats of events already ingested (same id, same content), ignored.
    pub duplicates: usize,
    /// Events refused, with the reason.
    pub rejected: Vec<Rejected>,
    /// Accepted events that arrived out of order (before the latest event of their position)
    /// and made the ledger replay its window.
    pub reordered: usize,
}

/// An operation on one position: an event, or one leg of a transfer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
enum Op {
    Receipt { quantity: f64, order: Option<OrderId> },
    Issue { quantity: f64, from_allocated: bool },
    Adjust { delta: f64 },
    Count { counted: f64 },
    Reading { level: f64, device: DeviceId, sequence: u64 },
    Placed { order: OrderId, quantity: f64, due: Duration, supplier: SupplierId },
    Cancelled { order: OrderId },
    Allocate { quantity: f64 },
    Release { quantity: f64 },
}

/// An operation with its place in event-time order.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Step {
    time: Duration,
    sequence: u64,
    id: EventId,
    op: Op,
}

impl Step {
    fn key(&self) -> (Duration, u64, EventId) {
        (self.time, self.sequence, self.id)
    }
}

/// One position's settled state, window and current state.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Slot {
    sku: SkuId,
    location: LocationId,
    /// The largest key pushed (the window's last entry, or a settled one), so that the
    /// in-order test reads no window memory.
    last: Option<(Duration, u64, EventId)>,
    settled: Position,
    window: VecDeque<Step>,
    current: Position,
}

/// A copy of a ledger's whole state, to persist and restore: restoring it and ingesting the
/// events that came after gives the same ledger as ingesting everything. With the `serde`
/// feature it serializes; quantities are `f64`, so use an exact format (with `serde_json`,
/// enable its `float_roundtrip` feature).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Snapshot {
    ledger: Ledger,
}

/// Multiply-rotate hashing (the FxHash scheme of rustc), for event fingerprints.
#[derive(Debug, Clone, Copy, Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Stock per (SKU, location) from events.
///
/// Ingestion is idempotent (by [`EventId`]), tolerant of disorder (events apply in event-time
/// order, ties by sensor sequence number then event id), and never silent: each refused event
/// comes back in [`IngestReport::rejected`] with its [`Rejection`].
///
/// # Complexity
/// An event at or after the latest event of its position costs O(1) amortised; a late one
/// costs O(w) for a window of w events of its position. Memory: one map entry per event id
/// ever ingested (16 bytes plus hash-table overhead), and the events of each position's window.
///
/// # Example
/// ```
/// use milkrun_inventory::{Event, EventId, EventKind, Ledger, LedgerConfig};
/// use milkrun_model::Duration;
///
/// let mut ledger = Ledger::new(LedgerConfig::default());
/// let bolts = ledger.add_sku("bolt M8")?;
/// let line = ledger.add_location("assembly line 2")?;
/// let ev = |id, hour, kind| Event { id: EventId(id), time: Duration::hours(hour), sku: bolts, location: line, kind };
/// let report = ledger.ingest(&[
///     ev(1, 8, EventKind::CycleCount { counted: 500.0 }),
///     ev(3, 12, EventKind::Issue { quantity: 120.0, from_allocated: false }),
///     ev(2, 10, EventKind::Issue { quantity: 80.0, from_allocated: false }), // late: history corrected
///     ev(3, 12, EventKind::Issue { quantity: 120.0, from_allocated: false }), // repeated: ignored
/// ]);
/// assert_eq!((report.accepted, report.duplicates, report.reordered), (3, 1, 1));
/// assert_eq!(ledger.position(bolts, line).unwrap().on_hand, 300.0);
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ledger {
    config: LedgerConfig,
    skus: Vec<String>,
    locations: Vec<String>,
    slots: Vec<Slot>,
    /// Position key → slot index + 1.
    index: Sharded,
    /// Event id → content fingerprint (never 0).
    seen: Sharded,
    watermark: Option<Duration>,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new(config: LedgerConfig) -> Self {
        Self {
            config,
            skus: Vec::new(),
            locations: Vec::new(),
            slots: Vec::new(),
            index: Sharded::default(),
            seen: Sharded::default(),
            watermark: None,
        }
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> LedgerConfig {
        self.config
    }

    /// Registers a SKU.
    ///
    /// # Errors
    /// [`InventoryError::Duplicate`] if the name is taken; [`InventoryError::InvalidParameter`]
    /// past `u32::MAX` SKUs.
    pub fn add_sku(&mut self, name: impl Into<String>) -> Result<SkuId, InventoryError> {
        let name = name.into();
        if self.skus.contains(&name) {
            return Err(InventoryError::Duplicate { item: format!("SKU {name}") });
        }
        let id = u32::try_from(self.skus.len()).map_err(|_| InventoryError::invalid("SKU", "too many SKUs"))?;
        self.skus.push(name);
        Ok(SkuId(id))
    }

    /// Registers `count` SKUs named by their number, for bulk loads where names live elsewhere.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] past `u32::MAX` SKUs.
    pub fn add_skus(&mut self, count: usize) -> Result<std::ops::Range<u32>, InventoryError> {
        let start = self.skus.len();
        let end = u32::try_from(start + count).map_err(|_| InventoryError::invalid("SKU", "too many SKUs"))?;
        self.skus.extend((start..end as usize).map(|k| format!("#{k}")));
        Ok(start as u32..end)
    }

    /// Registers a location.
    ///
    /// # Errors
    /// [`InventoryError::Duplicate`] if the name is taken; [`InventoryError::InvalidParameter`]
    /// past `u32::MAX` locations.
    pub fn add_location(&mut self, name: impl Into<String>) -> Result<LocationId, InventoryError> {
        let name = name.into();
        if self.locations.contains(&name) {
            return Err(InventoryError::Duplicate { item: format!("location {name}") });
        }
        let id = u32::try_from(self.locations.len())
            .map_err(|_| InventoryError::invalid("location", "too many locations"))?;
        self.locations.push(name);
        Ok(LocationId(id))
    }

    /// Registers `count` locations named by their number.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] past `u32::MAX` locations.
    pub fn add_locations(&mut self, count: usize) -> Result<std::ops::Range<u32>, InventoryError> {
        let start = self.locations.len();
        let end =
            u32::try_from(start + count).map_err(|_| InventoryError::invalid("location", "too many locations"))?;
        self.locations.extend((start..end as usize).map(|k| format!("#{k}")));
        Ok(start as u32..end)
    }

    /// Reserves memory for `events` more event ids, to avoid rehashing during a large load.
    pub fn reserve_events(&mut self, events: usize) {
        self.seen.reserve(events);
    }

    /// The name of a SKU.
    #[must_use]
    pub fn sku_name(&self, sku: SkuId) -> Option<&str> {
        self.skus.get(sku.0 as usize).map(String::as_str)
    }

    /// The name of a location.
    #[must_use]
    pub fn location_name(&self, location: LocationId) -> Option<&str> {
        self.locations.get(location.0 as usize).map(String::as_str)
    }

    /// The latest event time accepted, if any.
    #[must_use]
    pub fn watermark(&self) -> Option<Duration> {
        self.watermark
    }

    /// The current state of a (SKU, location), or `None` if no event has touched it.
    #[must_use]
    pub fn position(&self, sku: SkuId, location: LocationId) -> Option<&Position> {
        self.index.get(key(sku, location)).map(|k| &self.slots[k as usize - 1].current)
    }

    /// Every position touched so far, in the order they were first touched.
    pub fn positions(&self) -> impl ExactSizeIterator<Item = (SkuId, LocationId, &Position)> + '_ {
        self.slots.iter().map(|s| (s.sku, s.location, &s.current))
    }

    /// Number of positions touched so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no event has been accepted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// A copy of the whole state.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { ledger: self.clone() }
    }

    /// The ledger a snapshot was taken of.
    #[must_use]
    pub fn restore(snapshot: Snapshot) -> Self {
        snapshot.ledger
    }

    /// Folds every position's events older than the lateness window into its settled state,
    /// releasing their memory. Ingestion does this lazily for the positions it touches.
    pub fn compact(&mut self) {
        if let Some(horizon) = self.settle_before() {
            for slot in &mut self.slots {
                slot.settle(horizon, self.config.shortage);
            }
        }
    }

    /// Ingests a batch of events in the order given (a batch is a slice of a stream: an event
    /// is late relative to every event accepted before it, in this or an earlier batch).
    ///
    /// The result is that of taking the events one by one; the work is done in passes over
    /// the batch so that each pass walks one table in address order: ids are checked and
    /// recorded in the order of their buckets, positions are looked up in the order of theirs,
    /// and the accepted operations are applied position by position (in stream order within
    /// each). On tables far larger than the caches this is several times faster than random
    /// access, so larger batches ingest faster.
    ///
    /// # Complexity
    /// O(n log n) for a batch of n events, plus O(w) per late event for a window of w events
    /// of its position.
    pub fn ingest(&mut self, events: &[Event]) -> IngestReport {
        self.ingest_with_threads(events, 1)
    }

    /// [`Ledger::ingest`] on up to two threads: the id checks, the position lookups and the
    /// application of the operations each split the batch in two independent halves (ids and
    /// positions by hash shard, operations by position). The result is the same as with one
    /// thread, event for event.
    pub fn ingest_with_threads(&mut self, events: &[Event], threads: usize) -> IngestReport {
        let parallel = threads > 1 && events.len() >= MIN_PARALLEL;
        let mut report = IngestReport::default();
        let n = events.len();
        // Pass 1, stream order: validation and fingerprints.
        let mut verdicts = vec![Verdict::Invalid; n];
        let mut fingerprints = vec![0u64; n];
        // Per id shard: (order key, stream index).
        let mut by_id: [Vec<(u64, u32)>; 2] = [Vec::with_capacity(n / 2 + 64), Vec::with_capacity(n / 2 + 64)];
        for (k, event) in events.iter().enumerate() {
            match validate(event, self.skus.len(), self.locations.len()) {
                Ok(()) => {
                    fingerprints[k] = fingerprint(event);
                    let order_key = IdTable::order_key(event.id.0);
                    by_id[Sharded::shard_of(order_key)].push((order_key, k as u32));
                }
                Err(reason) => report.rejected.push(Rejected { index: k, id: event.id, reason }),
            }
        }
        // Pass 2, id-bucket order: compare with the ids ingested before; record the first
        // occurrence of each new id (pass 3 takes it back if it is too late). Equal order keys
        // are equal ids (the key is a bijection), adjacent and in stream order.
        // Each shard on its own thread.
        self.seen.reserve(by_id[0].len() + by_id[1].len());
        let [s0, s1] = self.seen.shards_mut();
        let [low, high] = &mut by_id;
        let fp = &fingerprints;
        let (v0, v1) = both(parallel, || check_ids(s0, low, fp), || check_ids(s1, high, fp));
        for (k, v) in v0.into_iter().chain(v1) {
            verdicts[k as usize] = v;
        }
        // Pass 3, stream order: lateness and the watermark; repeats of an id first seen in
        // this batch compare with what the table holds by then.
        let mut horizons = vec![Duration(0); n];
        for (k, event) in events.iter().enumerate() {
            let fingerprint = fingerprints[k];
            let (verdict, recorded) = match verdicts[k] {
                Verdict::Follower => match self.seen.get(event.id.0) {
                    Some(first) if first == fingerprint => (Verdict::Duplicate, true),
                    Some(_) => (Verdict::Conflict, true),
                    // The first occurrence was refused: this one stands on its own.
                    None => (Verdict::New, false),
                },
                v => (v, true),
            };
            verdicts[k] = match verdict {
                Verdict::Invalid => continue,
                Verdict::Duplicate => {
                    report.duplicates += 1;
                    Verdict::Duplicate
                }
                Verdict::Conflict => {
                    report.rejected.push(Rejected { index: k, id: event.id, reason: Rejection::ConflictingDuplicate });
                    Verdict::Conflict
                }
                _ if self.settle_before().is_some_and(|horizon| event.time < horizon) => {
                    if recorded {
                        self.seen.remove(event.id.0);
                    }
                    let watermark = self.watermark.unwrap_or(event.time);
                    let reason = Rejection::TooLate { time: event.time, watermark, lateness: self.config.lateness };
                    report.rejected.push(Rejected { index: k, id: event.id, reason });
                    Verdict::Invalid
                }
                _ => {
                    if !recorded {
                        self.seen.insert(event.id.0, fingerprint);
                    }
                    self.watermark = Some(self.watermark.map_or(event.time, |w| w.max(event.time)));
                    horizons[k] = self.settle_before().unwrap_or(event.time);
                    report.accepted += 1;
                    Verdict::New
                }
            };
        }
        report.rejected.sort_unstable_by_key(|r| r.index);
        // Pass 4: the operations, and their positions looked up in position-bucket order.
        let mut legs: Vec<Leg> = Vec::with_capacity(report.accepted);
        for (k, event) in events.iter().enumerate() {
            if verdicts[k] == Verdict::New {
                self.legs_of(event, k, horizons[k], &mut legs);
            }
        }
        let slots = self.resolve_slots(&legs, parallel);
        // Pass 5, position order (stream order within a position): apply. Two threads take
        // the positions below and above the middle one, each sorting its part.
        let middle = self.slots.len() / 2;
        let mut order: [Vec<u64>; 2] =
            [Vec::with_capacity(slots.len() / 2 + 64), Vec::with_capacity(slots.len() / 2 + 64)];
        for (k, &slot) in slots.iter().enumerate() {
            order[usize::from(slot as usize >= middle)].push(u64::from(slot) << 32 | k as u64);
        }
        let shortage = self.config.shortage;
        let (low_slots, high_slots) = self.slots.split_at_mut(middle);
        let [low, high] = &mut order;
        let legs = &legs;
        let (mut reordered, r1) = both(
            parallel,
            || apply_legs(low_slots, 0, low, legs, shortage),
            || apply_legs(high_slots, middle, high, legs, shortage),
        );
        reordered.extend(r1);
        reordered.sort_unstable();
        reordered.dedup();
        report.reordered = reordered.len();
        report
    }

    fn settle_before(&self) -> Option<Duration> {
        self.watermark.map(|w| Duration(w.0.saturating_sub(self.config.lateness.0)))
    }

    /// The slot of each leg, creating the positions not seen before in the order they first
    /// occur.
    fn resolve_slots(&mut self, legs: &[Leg], parallel: bool) -> Vec<u32> {
        // Per position shard: (order key, leg), sorted on the shard's thread.
        let mut by_key: [Vec<(u64, u32)>; 2] =
            [Vec::with_capacity(legs.len() / 2 + 64), Vec::with_capacity(legs.len() / 2 + 64)];
        for (k, leg) in legs.iter().enumerate() {
            let order_key = IdTable::order_key(leg.key);
            by_key[Sharded::shard_of(order_key)].push((order_key, k as u32));
        }
        let mut slots = vec![0u32; legs.len()];
        let [i0, i1] = self.index.shards();
        let [k0, k1] = &mut by_key;
        let ((found0, fresh0), (found1, fresh1)) = both(parallel, || look_up(i0, k0, 0), || look_up(i1, k1, 1));
        for (k, slot) in found0.into_iter().chain(found1) {
            slots[k as usize] = slot;
        }
        // (first leg, shard, its group in the shard's list) of every position new to the
        // ledger.
        let mut fresh = fresh0;
        fresh.extend(fresh1);
        fresh.sort_unstable();
        for (_, shard, g) in fresh {
            let by_key = &by_key[shard as usize];
            let order_key = by_key[g as usize].0;
            let key = IdTable::key_of(order_key);
            let slot = self.slots.len() as u32;
            self.slots.push(Slot {
                sku: SkuId((key >> 32) as u32),
                location: LocationId(key as u32),
                last: None,
                settled: Position::default(),
                window: VecDeque::new(),
                current: Position::default(),
            });
            self.index.insert(key, u64::from(slot) + 1);
            for &(_, k) in by_key[g as usize..].iter().take_while(|(o, _)| *o == order_key) {
                slots[k as usize] = slot;
            }
        }
        slots
    }

    /// The operations an admitted event makes on positions (two for a transfer).
    fn legs_of(&self, event: &Event, index: usize, horizon: Duration, legs: &mut Vec<Leg>) {
        let sequence = match event.kind {
            EventKind::SensorReading { sequence, .. } => sequence,
            _ => 0,
        };
        let step = |op| Step { time: event.time, sequence, id: event.id, op };
        let index = index as u32;
        let leg = |location, op| Leg { key: key(event.sku, location), index, horizon, step: step(op) };
        match event.kind {
            EventKind::Transfer { quantity, to } => {
                legs.push(leg(event.location, Op::Issue { quantity, from_allocated: false }));
                legs.push(leg(to, Op::Receipt { quantity, order: None }));
            }
            kind => legs.push(leg(event.location, op_of(kind))),
        }
    }
}

/// Batches below this many events are ingested on one thread (spawning costs more).
const MIN_PARALLEL: usize = 4096;

/// Runs `a` and `b`, on two threads if `parallel`.
fn both<A: Send, B: Send>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let handle = scope.spawn(b);
        let x = a();
        (x, handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}

/// Pass 2 of a batch on one shard: `by_id` (order key, stream index), all of `table`'s
/// shard, sorted here. Compares with the ids ingested before and records the first occurrence of
/// each new id (pass 3 takes it back if it is too late). Equal order keys are equal ids (the
/// key is a bijection), adjacent and in stream order. Returns the verdicts by stream index.
fn check_ids(table: &mut IdTable, by_id: &mut [(u64, u32)], fingerprints: &[u64]) -> Vec<(u32, Verdict)> {
    by_id.sort_unstable();
    let mut out = Vec::with_capacity(by_id.len());
    let mut g = 0;
    let mut touched = 0;
    while g < by_id.len() {
        if g >= touched {
            touched = (g + TOUCH_AHEAD).min(by_id.len());
            std::hint::black_box(table.touch(by_id[g..touched].iter().map(|x| x.0)));
        }
        let order_key = by_id[g].0;
        let end = g + by_id[g..].iter().take_while(|(o, _)| *o == order_key).count();
        let first = by_id[g].1;
        let id = IdTable::key_of(order_key);
        match table.get(id) {
            Some(seen) => {
                for &(_, k) in &by_id[g..end] {
                    let same = seen == fingerprints[k as usize];
                    out.push((k, if same { Verdict::Duplicate } else { Verdict::Conflict }));
                }
            }
            None => {
                table.insert(id, fingerprints[first as usize]);
                out.push((first, Verdict::New));
                out.extend(by_id[g + 1..end].iter().map(|&(_, k)| (k, Verdict::Follower)));
            }
        }
        g = end;
    }
    out
}

/// Position lookups on shard `shard`: `by_key` (order key, leg), all of `table`'s shard,
/// sorted here. Returns (leg, slot) for the positions found and (first leg, shard, group start
/// in `by_key`) for each position not found.
#[allow(clippy::type_complexity)]
fn look_up(table: &IdTable, by_key: &mut [(u64, u32)], shard: u32) -> (Vec<(u32, u32)>, Vec<(u32, u32, u32)>) {
    by_key.sort_unstable();
    let mut found = Vec::with_capacity(by_key.len());
    let mut fresh = Vec::new();
    let mut g = 0;
    let mut touched = 0;
    while g < by_key.len() {
        if g >= touched {
            touched = (g + TOUCH_AHEAD).min(by_key.len());
            std::hint::black_box(table.touch(by_key[g..touched].iter().map(|x| x.0)));
        }
        let (order_key, first) = by_key[g];
        let end = g + by_key[g..].iter().take_while(|(o, _)| *o == order_key).count();
        match table.get(IdTable::key_of(order_key)) {
            Some(slot) => found.extend(by_key[g..end].iter().map(|&(_, k)| (k, slot as u32 - 1))),
            None => fresh.push((first, shard, g as u32)),
        }
        g = end;
    }
    (found, fresh)
}

/// Pass 5 on the positions `slots` (the ledger's from index `offset`): applies the legs of
/// `order` (slot << 32 | leg, every slot in range, sorted here) and returns the batch indices of
/// the events that went before the end of their position's window.
fn apply_legs(
    slots: &mut [Slot],
    offset: usize,
    order: &mut [u64],
    legs: &[Leg],
    shortage: ShortagePolicy,
) -> Vec<u32> {
    order.sort_unstable();
    let order = &*order;
    let mut reordered = Vec::new();
    for (n, &key) in order.iter().enumerate() {
        if n % TOUCH_AHEAD == 0 {
            let ahead = &order[n..(n + TOUCH_AHEAD).min(order.len())];
            // The legs too: they are in stream order, read here in position order.
            let sink = ahead.iter().fold(0u64, |acc, &o| {
                let slot = &slots[(o >> 32) as usize - offset];
                let leg = &legs[(o & u64::from(u32::MAX)) as usize];
                acc ^ slot.last.map_or(0, |l| l.1)
                    ^ slot.current.on_hand.to_bits()
                    ^ slot.window.len() as u64
                    ^ leg.step.sequence
                    ^ leg.horizon.0 as u64
            });
            std::hint::black_box(sink);
        }
        let leg = &legs[(key & u64::from(u32::MAX)) as usize];
        if slots[(key >> 32) as usize - offset].push(leg.step, leg.horizon, shortage) {
            reordered.push(leg.index);
        }
    }
    reordered
}

/// The index key of a position.
fn key(sku: SkuId, location: LocationId) -> u64 {
    u64::from(sku.0) << 32 | u64::from(location.0)
}

/// What a batch's passes decided about an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Refused (invalid or too late).
    Invalid,
    /// A repeat of an ingested event.
    Duplicate,
    /// An id ingested with other content.
    Conflict,
    /// New (accepted, after the lateness check).
    New,
    /// A later occurrence of an id first seen in this batch.
    Follower,
}

/// An admitted operation on one position, with the settling horizon at its place in the
/// stream.
struct Leg {
    /// The position's key.
    key: u64,
    /// Index of its event in the batch.
    index: u32,
    horizon: Duration,
    step: Step,
}

fn op_of(kind: EventKind) -> Op {
    match kind {
        EventKind::Receipt { quantity, order } => Op::Receipt { quantity, order },
        EventKind::Issue { quantity, from_allocated } => Op::Issue { quantity, from_allocated },
        EventKind::Adjustment { delta } => Op::Adjust { delta },
        EventKind::CycleCount { counted } => Op::Count { counted },
        EventKind::SensorReading { level, device, sequence } => Op::Reading { level, device, sequence },
        // Transfers are split into legs by the caller of this function.
        EventKind::Transfer { quantity, .. } => Op::Issue { quantity, from_allocated: false },
        EventKind::OrderPlaced { order, quantity, due, supplier } => Op::Placed { order, quantity, due, supplier },
        EventKind::OrderCancelled { order } => Op::Cancelled { order },
        EventKind::Allocate { quantity } => Op::Allocate { quantity },
        EventKind::Release { quantity } => Op::Release { quantity },
    }
}

fn validate(event: &Event, skus: usize, locations: usize) -> Result<(), Rejection> {
    if event.sku.0 as usize >= skus {
        return Err(Rejection::UnknownSku(event.sku));
    }
    if event.location.0 as usize >= locations {
        return Err(Rejection::UnknownLocation(event.location));
    }
    let non_negative = |field: &'static str, value: f64| {
        if !value.is_finite() {
            Err(Rejection::NonFinite { field })
        } else if value < 0.0 {
            Err(Rejection::Negative { field, value })
        } else {
            Ok(())
        }
    };
    match event.kind {
        EventKind::Receipt { quantity, .. }
        | EventKind::Issue { quantity, .. }
        | EventKind::OrderPlaced { quantity, .. }
        | EventKind::Allocate { quantity }
        | EventKind::Release { quantity } => non_negative("quantity", quantity),
        EventKind::Adjustment { delta } if !delta.is_finite() => Err(Rejection::NonFinite { field: "delta" }),
        EventKind::Adjustment { .. } | EventKind::OrderCancelled { .. } => Ok(()),
        EventKind::CycleCount { counted } => non_negative("counted", counted),
        EventKind::SensorReading { level, .. } => non_negative("level", level),
        EventKind::Transfer { quantity, to } => {
            non_negative("quantity", quantity)?;
            if to.0 as usize >= locations {
                Err(Rejection::UnknownLocation(to))
            } else if to == event.location {
                Err(Rejection::TransferToSelf)
            } else {
                Ok(())
            }
        }
    }
}

/// A hash of an event's content, to tell an exact repeat from an id reused for another event.
fn fingerprint(event: &Event) -> u64 {
    let mut h = IdHasher::default();
    h.write_u64(event.time.0 as u64);
    h.write_u32(event.sku.0);
    h.write_u32(event.location.0);
    let mut put = |x: f64| h.write_u64(x.to_bits());
    match event.kind {
        EventKind::Receipt { quantity, order } => {
            put(1.0);
            put(quantity);
            h.write_u64(order.map_or(u64::MAX, |o| o.0));
        }
        EventKind::Issue { quantity, from_allocated } => {
            put(2.0);
            put(quantity);
            h.write_u64(u64::from(from_allocated));
        }
        EventKind::Adjustment { delta } => {
            put(3.0);
            put(delta);
        }
        EventKind::CycleCount { counted } => {
            put(4.0);
            put(counted);
        }
        EventKind::SensorReading { level, device, sequence } => {
            put(5.0);
            put(level);
            h.write_u32(device.0);
            h.write_u64(sequence);
        }
        EventKind::Transfer { quantity, to } => {
            put(6.0);
            put(quantity);
            h.write_u32(to.0);
        }
        EventKind::OrderPlaced { order, quantity, due, supplier } => {
            put(7.0);
            put(quantity);
            h.write_u64(order.0);
            h.write_u64(due.0 as u64);
            h.write_u32(supplier.0);
        }
        EventKind::OrderCancelled { order } => {
            put(8.0);
            h.write_u64(order.0);
        }
        EventKind::Allocate { quantity } => {
            put(9.0);
            put(quantity);
        }
        EventKind::Release { quantity } => {
            put(10.0);
            put(quantity);
        }
    }
    // Never 0, which marks an empty entry of the id table.
    h.finish() | 1
}

impl Slot {
    /// Adds an entry; returns whether it went before the end of the window (a replay).
    ///
    /// Settling is only an optimisation (it bounds memory and replay length), so an in-order
    /// entry settles the window only once it holds [`SETTLE_AT`] entries: most events then
    /// touch the current state alone.
    fn push(&mut self, entry: Step, horizon: Duration, shortage: ShortagePolicy) -> bool {
        let in_order = self.last.is_none_or(|last| last <= entry.key());
        if in_order {
            self.last = Some(entry.key());
            apply(&mut self.current, &entry, shortage);
            self.window.push_back(entry);
            if self.window.len() >= SETTLE_AT {
                self.settle(horizon, shortage);
            }
            return false;
        }
        self.settle(horizon, shortage);
        let at = self.window.partition_point(|e| e.key() <= entry.key());
        self.window.insert(at, entry);
        assign(&mut self.current, &self.settled);
        for e in &self.window {
            apply(&mut self.current, e, shortage);
        }
        true
    }

    /// Folds the window's entries older than `horizon` into the settled state.
    fn settle(&mut self, horizon: Duration, shortage: ShortagePolicy) {
        let old = self.window.partition_point(|e| e.time < horizon);
        if old == 0 {
            return;
        }
        if old == self.window.len() {
            // The current state is exactly the fold of everything.
            assign(&mut self.settled, &self.current);
            self.window.clear();
        } else {
            for e in self.window.drain(..old) {
                apply(&mut self.settled, &e, shortage);
            }
        }
    }
}

/// Entries whose memory a batch pass reads ahead (see `IdTable::touch`): enough misses to
/// overlap, few enough that their lines stay in the cache.
const TOUCH_AHEAD: usize = 256;

/// Window length at which an in-order entry settles its position's window.
const SETTLE_AT: usize = 4;

/// `*dst = src.clone()`, reusing `dst`'s order list allocation.
fn assign(dst: &mut Position, src: &Position) {
    let mut orders = std::mem::take(&mut dst.open_orders);
    orders.clone_from(&src.open_orders);
    *dst = Position { open_orders: orders, ..*src };
}

/// Applies one operation to a position: the ledger's semantics, in one place.
fn apply(p: &mut Position, entry: &Step, shortage: ShortagePolicy) {
    p.last_event = Some(p.last_event.map_or(entry.time, |t| t.max(entry.time)));
    match entry.op {
        Op::Receipt { quantity, order } => {
            p.received += quantity;
            let filled = quantity.min(p.backorders);
            p.backorders -= filled;
            p.on_hand += quantity - filled;
            if let Some(order) = order {
                if let Some(k) = p.open_orders.iter().position(|o| o.order == order) {
                    let open = &mut p.open_orders[k];
                    open.remaining -= quantity;
                    if open.remaining <= 0.0 {
                        p.open_orders.remove(k);
                    }
                }
            }
        }
        Op::Issue { quantity, from_allocated } => {
            p.issued += quantity;
            if from_allocated {
                p.allocated -= quantity.min(p.allocated);
            }
            let served = quantity.min(p.on_hand);
            p.on_hand -= served;
            match shortage {
                ShortagePolicy::Backorder => p.backorders += quantity - served,
                ShortagePolicy::LostSales => p.lost_sales += quantity - served,
            }
        }
        Op::Adjust { delta } => {
            let applied = delta.max(-p.on_hand);
            p.on_hand += applied;
            p.corrections += applied;
            p.unabsorbed += applied - delta;
        }
        Op::Count { counted } => {
            p.corrections += counted - p.on_hand;
            p.on_hand = counted;
        }
        Op::Reading { level, device, sequence } => {
            p.reading_correction = level - p.on_hand;
            p.corrections += p.reading_correction;
            p.on_hand = level;
            p.previous_reading = p.last_reading;
            p.last_reading = Some(Reading { time: entry.time, level, device, sequence });
        }
        Op::Placed { order, quantity, due, supplier } => {
            let open = OpenOrder { order, supplier, remaining: quantity, due };
            match p.open_orders.iter().position(|o| o.order == order) {
                Some(k) if quantity == 0.0 => _ = p.open_orders.remove(k),
                Some(k) => p.open_orders[k] = open,
                None if quantity == 0.0 => {}
                None => p.open_orders.push(open),
            }
        }
        Op::Cancelled { order } => p.open_orders.retain(|o| o.order != order),
        Op::Allocate { quantity } => p.allocated += quantity,
        Op::Release { quantity } => p.allocated -= quantity.min(p.allocated),
    }
}
