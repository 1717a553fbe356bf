//! The stock ledger: positions per (SKU, location) from events that arrive late, twice or out of
//! order.
//!
//! Every position keeps its current state, the fold of its accepted operations in event-time
//! order, and its shard's journal keeps the operations of the lateness window with what each
//! overwrote (see `history`). An operation at the end of its position's history is applied in
//! O(1); a late one within the window undoes the operations after it, applies itself and
//! applies them again, so it corrects history. Journal entries older than the window are
//! dropped.

use std::fmt;
use std::hash::Hasher;

use milkrun_model::Duration;

use crate::error::InventoryError;
use crate::history::{Journal, Op, Reach, Slot, Step};
use crate::table::{Chunked, IdTable, Sharded};

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
///
/// (Its fields are laid out in the order written, so that the ledger reaches the ones
/// each kind of event changes in as few cache lines as possible: the quantities first, then
/// the totals, then open orders and readings.)
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(C)]
pub struct Position {
    /// Physically present, never negative.
    pub on_hand: f64,
    /// Demand waiting for stock.
    pub backorders: f64,
    /// Stock reserved for outgoing orders.
    pub allocated: f64,
    /// Total issued (issues and outgoing transfers, including the part that became backorders
    /// or lost sales).
    pub issued: f64,
    /// Total received (receipts and incoming transfers).
    pub received: f64,
    /// Time of the latest event applied.
    pub last_event: Option<Duration>,
    /// Net of all corrections: adjustments, and the differences counts and readings made to
    /// the book quantity (negative = shrinkage).
    pub corrections: f64,
    /// Demand lost under [`ShortagePolicy::LostSales`].
    pub lost_sales: f64,
    /// The part of negative adjustments on hand could not absorb.
    pub unabsorbed: f64,
    /// What the latest reading changed in the book quantity (level − on hand before it):
    /// negative when stock vanished that no recorded event explains.
    pub reading_correction: f64,
    /// Open orders, in the order they were placed.
    pub open_orders: Vec<OpenOrder>,
    /// The latest sensor reading, in event-time order.
    pub last_reading: Option<Reading>,
    /// The reading before it.
    pub previous_reading: Option<Reading>,
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
/// costs O(k) for the k events of its position after it. Memory: one map entry per event id
/// ever ingested (16 bytes plus hash-table overhead), a 256-byte record per position (plus
/// its open orders), and a 136-byte journal entry (128 plus its time) per event of the lateness window.
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
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ledger {
    config: LedgerConfig,
    skus: Vec<String>,
    locations: Vec<String>,
    /// The positions of each position-key shard (see [`Sharded`]); a shard's positions,
    /// index and journal are only ever touched together, so that each can go to its own
    /// thread. Chunked, so that growing never moves a position.
    slots: [Chunked<Slot>; 2],
    /// The operations of the lateness window of each shard's positions.
    journals: [Journal; 2],
    /// Every position as `index in its shard << 1 | shard`, in the order they were first
    /// touched.
    touched: Vec<u32>,
    /// Position key → index in its shard + 1.
    index: Sharded,
    /// Event id → content fingerprint (never 0).
    seen: Sharded,
    watermark: Option<Duration>,
    #[cfg_attr(feature = "serde", serde(skip))]
    scratch: Scratch,
}

/// The working memory of a batch, kept from one batch to the next (allocating it afresh
/// costs a page fault per 4 KiB each time).
#[derive(Default)]
struct Scratch {
    /// Per id shard: (id's order key, fingerprint, stream index) of the valid events.
    ids: [Vec<(u64, u64, u32)>; 2],
    /// Per id shard: the verdict on each of them.
    checked: [Vec<Verdict>; 2],
    /// The verdict on each event of the batch.
    verdicts: Vec<Verdict>,
    /// Per position shard: the legs.
    legs: [Vec<Leg>; 2],
    /// Per position shard: the slot of each leg's position.
    found: [Vec<u32>; 2],
}

impl Clone for Scratch {
    /// Working memory is not part of a ledger's state: a clone starts with none.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scratch")
    }
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new(config: LedgerConfig) -> Self {
        Self {
            config,
            skus: Vec::new(),
            locations: Vec::new(),
            slots: Default::default(),
            journals: [Journal::default(), Journal::default()],
            touched: Vec::new(),
            index: Sharded::default(),
            seen: Sharded::default(),
            watermark: None,
            scratch: Scratch::default(),
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
    /// The memory is written at once, so that the page faults of its first use happen here
    /// rather than during ingestion.
    pub fn reserve_events(&mut self, events: usize) {
        self.seen.reserve(events);
    }

    /// Reserves memory for `positions` more SKU-locations (their index and records), to avoid
    /// rehashing while a large load creates them; written at once like
    /// [`Ledger::reserve_events`]. Worth calling when the master data says how many
    /// SKU-locations there are.
    pub fn reserve_positions(&mut self, positions: usize) {
        self.index.reserve(positions);
        for slots in &mut self.slots {
            slots.reserve(crate::table::half_and_spread(positions));
        }
        self.touched.reserve(positions);
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
        let key = key(sku, location);
        let shard = Sharded::shard_of(IdTable::order_key(key));
        self.index.get(key).map(|k| &self.slots[shard][k as usize - 1].current)
    }

    /// Every position touched so far, in the order they were first touched.
    pub fn positions(&self) -> impl ExactSizeIterator<Item = (SkuId, LocationId, &Position)> + '_ {
        self.touched.iter().map(|&h| {
            let (_, s) = self.slot(h);
            (s.sku, s.location, &s.current)
        })
    }

    /// Number of positions touched so far.
    #[must_use]
    pub fn len(&self) -> usize {
        self.touched.len()
    }

    /// Whether no event has been accepted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.touched.is_empty()
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

    /// Releases the memory of every event older than the lateness window (no event can
    /// correct history before them any more). Ingestion releases most of it as it goes.
    pub fn compact(&mut self) {
        if let Some(horizon) = self.settle_before() {
            for (journal, slots) in self.journals.iter_mut().zip(&mut self.slots) {
                journal.compact(slots.iter_mut(), horizon);
            }
        }
    }

    /// Ingests a batch of events in the order given (a batch is a slice of a stream: an event
    /// is late relative to every event accepted before it, in this or an earlier batch).
    ///
    /// The result is that of taking the events one by one; the work is done in passes over
    /// the batch, each in stream order: ids are validated, checked and recorded, then the
    /// lateness of each event is decided, then positions are looked up and their operations
    /// applied, each once. The id and position passes ask for the table lines of the events a
    /// few dozen ahead while they work on the current one.
    /// On tables far larger than the caches this is several times faster than one event at a
    /// time, so larger batches ingest faster.
    ///
    /// # Complexity
    /// O(n) expected for a batch of n events (hash tables with linear probing), plus
    /// O(k) per late event for the k events of its position after it.
    pub fn ingest(&mut self, events: &[Event]) -> IngestReport {
        self.ingest_with_threads(events, 1)
    }

    /// [`Ledger::ingest`] on up to two threads: the id checks and the application of the
    /// operations each split the batch in two independent halves (ids and positions by hash
    /// shard; a shard's positions, index and journal belong to one thread). Only the
    /// lateness pass runs on one thread. The result is the same as with one thread, event for
    /// event.
    pub fn ingest_with_threads(&mut self, events: &[Event], threads: usize) -> IngestReport {
        let parallel = threads > 1 && events.len() >= MIN_PARALLEL;
        let mut report = IngestReport::default();
        let n = events.len();
        // Pass 1, per id shard, each on its own thread: validation, then the ids compared in
        // stream order with the ids ingested before; the first occurrence of each new id is
        // recorded (pass 2 takes it back if it is too late).
        let (skus, locations) = (self.skus.len(), self.locations.len());
        let [s0, s1] = self.seen.shards_mut();
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch { ids: [i0, i1], checked: [c0, c1], verdicts, legs, found: [f0, f1] } = &mut scratch;
        let (a, b) = both(
            parallel,
            || check_ids(s0, events, 0, (skus, locations), (i0, c0)),
            || check_ids(s1, events, 1, (skus, locations), (i1, c1)),
        );
        verdicts.clear();
        verdicts.resize(n, Verdict::Invalid);
        for (&(_, _, k), &v) in i0.iter().zip(c0.iter()).chain(i1.iter().zip(c1.iter())) {
            verdicts[k as usize] = v;
        }
        report.rejected.extend(a);
        report.rejected.extend(b);
        // Pass 2, stream order: lateness and the watermark; repeats compare with what the
        // table holds by then (an earlier batch's event, or the first occurrence in this
        // batch unless it was refused). Afterwards the events admitted are the `New` ones.
        // The watermark and the start of the lateness window (i64::MIN: none) are kept in
        // locals: the common case, a new event inside the window, reads nothing else.
        let lateness = self.config.lateness;
        let mut latest = self.watermark;
        let mut horizon = self.settle_before().map_or(i64::MIN, |h| h.0);
        for (k, event) in events.iter().enumerate() {
            let time = event.time;
            let (verdict, recorded) = match verdicts[k] {
                Verdict::New if time.0 >= horizon => {
                    advance(&mut latest, &mut horizon, time, lateness);
                    report.accepted += 1;
                    continue;
                }
                Verdict::Repeat => match self.seen.get(event.id.0) {
                    Some(first) if first == fingerprint(event) => (Verdict::Duplicate, true),
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
                _ if time.0 < horizon => {
                    if recorded {
                        self.seen.remove(event.id.0);
                    }
                    let watermark = latest.unwrap_or(time);
                    report.rejected.push(Rejected {
                        index: k,
                        id: event.id,
                        reason: Rejection::TooLate { time, watermark, lateness },
                    });
                    Verdict::Invalid
                }
                _ => {
                    if !recorded {
                        self.seen.insert(event.id.0, fingerprint(event));
                    }
                    advance(&mut latest, &mut horizon, time, lateness);
                    report.accepted += 1;
                    Verdict::New
                }
            };
        }
        self.watermark = latest;
        report.rejected.sort_unstable_by_key(|r| r.index);
        // Pass 3, per position shard, each on its own thread: the operations of the events
        // admitted whose position is in the shard, looked up and applied in stream order.
        let shortage = self.config.shortage;
        let horizon = self.settle_before();
        let [i0, i1] = self.index.shards_mut();
        let [s0, s1] = &mut self.slots;
        let [j0, j1] = &mut self.journals;
        let [l0, l1] = legs;
        let admitted = (events, &verdicts[..]);
        let (a, b) = both(
            parallel,
            || {
                apply_shard(
                    Shard { index: i0, slots: s0, journal: j0, number: 0 },
                    admitted,
                    (l0, f0),
                    shortage,
                    horizon,
                )
            },
            || {
                apply_shard(
                    Shard { index: i1, slots: s1, journal: j1, number: 1 },
                    admitted,
                    (l1, f1),
                    shortage,
                    horizon,
                )
            },
        );
        // Positions new to the ledger, in the order of their first operation (each shard's
        // list is in that order already: the stable sort merges the two runs in one pass).
        let mut fresh = a.fresh;
        fresh.extend(b.fresh);
        fresh.sort();
        self.touched.extend(fresh.iter().map(|&(_, handle)| handle));
        let mut reordered = a.reordered;
        reordered.extend(b.reordered);
        reordered.sort_unstable();
        reordered.dedup();
        report.reordered = reordered.len();
        self.scratch = scratch;
        report
    }

    /// The shard and slot of a position handle (see [`Ledger::touched`]).
    fn slot(&self, handle: u32) -> (usize, &Slot) {
        let shard = handle as usize & 1;
        (shard, &self.slots[shard][handle as usize >> 1])
    }

    fn settle_before(&self) -> Option<Duration> {
        self.watermark.map(|w| Duration(w.0.saturating_sub(self.config.lateness.0)))
    }
}

/// The operations an admitted event makes on the positions of `shard` (a transfer makes two,
/// which may lie in different shards).
fn legs_of(event: &Event, index: usize, shard: usize, legs: &mut Vec<Leg>) {
    let mut push = |location, destination| {
        let order_key = IdTable::order_key(key(event.sku, location));
        if Sharded::shard_of(order_key) == shard {
            let reach = match event.kind {
                EventKind::Receipt { order: Some(_), .. }
                | EventKind::OrderPlaced { .. }
                | EventKind::OrderCancelled { .. } => Reach::Orders,
                EventKind::SensorReading { .. } => Reach::Readings,
                _ => Reach::Totals,
            };
            legs.push(Leg { order_key, index: index as u32, destination, reach });
        }
    };
    push(event.location, false);
    if let EventKind::Transfer { to, .. } = event.kind {
        push(to, true);
    }
}

impl PartialEq for Ledger {
    /// Equal when they hold the same positions (first touched in the same order, with the
    /// same current state and the same operations in the lateness window), the same event ids
    /// and the same settings: where positions and journal entries lie in memory, which depends
    /// on how the events were batched, does not matter.
    fn eq(&self, other: &Self) -> bool {
        let horizon = self.settle_before().unwrap_or(Duration(i64::MIN));
        let same_position = |(&a, &b): (&u32, &u32)| {
            let ((s, x), (t, y)) = (self.slot(a), other.slot(b));
            (x.sku, x.location, x.last(), &x.current) == (y.sku, y.location, y.last(), &y.current)
                && x.window(&self.journals[s], horizon).eq(y.window(&other.journals[t], horizon))
        };
        self.config == other.config
            && self.skus == other.skus
            && self.locations == other.locations
            && self.watermark == other.watermark
            && self.seen == other.seen
            && self.touched.len() == other.touched.len()
            && self.touched.iter().zip(&other.touched).all(same_position)
    }
}

/// Moves the watermark `latest` to `time` if later, and with it the start of the lateness
/// window `horizon`.
fn advance(latest: &mut Option<Duration>, horizon: &mut i64, time: Duration, lateness: Duration) {
    if latest.is_none_or(|w| time > w) {
        *latest = Some(time);
        *horizon = time.0.saturating_sub(lateness.0);
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

/// Pass 1 of a batch on one id shard (`table`, number `shard`): validates the shard's events,
/// then, in stream order, records the id of each with its fingerprint unless the table holds
/// it already (pass 2 takes a recorded id back if its event is too late), with the table's
/// buckets asked for [`AHEAD`] events ahead.
///
/// An id found in the table is a `Repeat`: of an event of an earlier batch, or of an earlier
/// event of this batch whose admission pass 2 has yet to decide. Repeats are rare, so pass 2
/// settles each one against the table as it stands by then.
///
/// Returns the shard's invalid events; the valid ones are left in `by_id` as (the id's order
/// key, fingerprint, stream index), with the verdict on each in `verdicts` (both kept by the
/// caller from one batch to the next).
fn check_ids(
    table: &mut IdTable,
    events: &[Event],
    shard: usize,
    (skus, locations): (usize, usize),
    (by_id, verdicts): (&mut Vec<(u64, u64, u32)>, &mut Vec<Verdict>),
) -> Vec<Rejected> {
    // (id's order key, fingerprint, stream index).
    by_id.clear();
    let mut rejected = Vec::new();
    for (k, event) in events.iter().enumerate() {
        let order_key = IdTable::order_key(event.id.0);
        if Sharded::shard_of(order_key) != shard {
            continue;
        }
        match validate(event, skus, locations) {
            Ok(()) => by_id.push((order_key, fingerprint(event), k as u32)),
            Err(reason) => rejected.push(Rejected { index: k, id: event.id, reason }),
        }
    }
    table.reserve(by_id.len());
    for &(order_key, _, _) in by_id.iter().take(AHEAD) {
        table.prefetch(order_key);
    }
    verdicts.clear();
    for (i, &(order_key, fingerprint, _)) in by_id.iter().enumerate() {
        if let Some(&(ahead, _, _)) = by_id.get(i + AHEAD) {
            table.prefetch(ahead);
        }
        verdicts.push(match table.insert_absent_hashed(order_key, fingerprint) {
            Some(_) => Verdict::Repeat,
            None => Verdict::New,
        });
    }
    rejected
}

/// One position shard of a ledger, lent to a thread.
struct Shard<'a> {
    index: &'a mut IdTable,
    slots: &'a mut Chunked<Slot>,
    journal: &'a mut Journal,
    number: u32,
}

/// What [`apply_shard`] did.
struct Applied {
    /// (first leg's ordinal, handle) of each position created.
    fresh: Vec<(u64, u32)>,
    /// Batch indices of the events that went before the end of their position's history.
    reordered: Vec<u32>,
}

/// Pass 3 on one position shard: the legs of the admitted events (`New` in `verdicts`) on
/// the shard's positions, applied in stream order. A pipeline over them: the index bucket of
/// leg i + 2D is asked for, leg i + D looked up and its position's record asked for (see
/// [`AHEAD`]), leg i applied. Legs of positions not in the index are set aside and applied
/// afterwards, in stream order, each position created at its first leg. Last, the journal
/// drops the entries older than `horizon` (the start of the lateness window after the batch).
///
/// `legs` and `found` are working memory.
fn apply_shard(
    shard: Shard<'_>,
    (events, verdicts): (&[Event], &[Verdict]),
    (legs, found): (&mut Vec<Leg>, &mut Vec<u32>),
    shortage: ShortagePolicy,
    horizon: Option<Duration>,
) -> Applied {
    let Shard { index, slots, journal, number } = shard;
    legs.clear();
    for (k, event) in events.iter().enumerate() {
        if verdicts[k] == Verdict::New {
            legs_of(event, k, number as usize, legs);
        }
    }
    let legs = &*legs;
    let count = legs.len();
    let mut reordered = Vec::new();
    // The slot of each leg's position, or u32::MAX.
    found.clear();
    found.resize(count, u32::MAX);
    #[inline(always)]
    fn look_up(index: &IdTable, slots: &Chunked<Slot>, leg: &Leg, found: &mut u32) {
        if let Some(slot) = index.get_hashed(leg.order_key) {
            *found = slot as u32 - 1;
            slots[slot as usize - 1].prefetch(leg.reach);
        }
    }
    // Operations on orders read a heap block too, found through the record's line.
    let orders = |slots: &Chunked<Slot>, found: &[u32], i: usize| {
        if found[i] != u32::MAX && legs[i].reach == Reach::Orders {
            slots[found[i] as usize].prefetch_orders();
        }
    };
    for leg in legs.iter().take(2 * AHEAD) {
        index.prefetch(leg.order_key);
    }
    for i in 0..count.min(AHEAD) {
        look_up(index, slots, &legs[i], &mut found[i]);
    }
    // Legs of positions not in the index, in stream order.
    let mut missing: Vec<u32> = Vec::new();
    for i in 0..count {
        if let Some(leg) = legs.get(i + 2 * AHEAD) {
            index.prefetch(leg.order_key);
        }
        if let Some(leg) = legs.get(i + AHEAD) {
            look_up(index, slots, leg, &mut found[i + AHEAD]);
        }
        if i + AHEAD / 2 < count {
            orders(slots, found, i + AHEAD / 2);
        }
        match found[i] {
            u32::MAX => missing.push(i as u32),
            slot => legs[i].apply(&mut slots[slot as usize], journal, events, shortage, &mut reordered),
        }
    }
    // Their index entries are asked for ahead too: the lines read by the look-up above have
    // mostly left the caches by now.
    index.reserve(missing.len());
    for &i in missing.iter().take(AHEAD) {
        index.prefetch(legs[i as usize].order_key);
    }
    let mut fresh = Vec::new();
    for (m, &i) in missing.iter().enumerate() {
        if let Some(&ahead) = missing.get(m + AHEAD) {
            index.prefetch(legs[ahead as usize].order_key);
        }
        let leg = &legs[i as usize];
        if let Some(slot) = index.get_hashed(leg.order_key) {
            // Created by an earlier leg of this batch.
            leg.apply(&mut slots[slot as usize - 1], journal, events, shortage, &mut reordered);
            continue;
        }
        let at = slots.len() as u32;
        let key = IdTable::key_of(leg.order_key);
        slots.push(Slot::new(SkuId((key >> 32) as u32), LocationId(key as u32)));
        leg.apply(&mut slots[at as usize], journal, events, shortage, &mut reordered);
        index.insert_hashed(leg.order_key, u64::from(at) + 1);
        fresh.push((leg.ordinal(), at << 1 | number));
    }
    // The entries the lateness window has passed.
    if let Some(horizon) = horizon {
        journal.trim(horizon);
    }
    Applied { fresh, reordered }
}

impl Leg {
    /// Its operation on its position.
    fn op(&self, events: &[Event]) -> Op {
        match events[self.index as usize].kind {
            EventKind::Transfer { quantity, .. } if self.destination => Op::Receipt { quantity, order: None },
            kind => op_of(kind),
        }
    }

    /// Its operation with its place in event-time order.
    fn step(&self, events: &[Event]) -> Step {
        let event = &events[self.index as usize];
        Step { time: event.time, id: event.id, op: self.op(events) }
    }

    /// Applies it to its position's record (inlined at every call: it is the apply pass's
    /// work); notes its event in `reordered` if it went before the position's latest
    /// operation.
    #[inline(always)]
    fn apply(
        &self,
        slot: &mut Slot,
        journal: &mut Journal,
        events: &[Event],
        shortage: ShortagePolicy,
        reordered: &mut Vec<u32>,
    ) {
        if slot.push(journal, self.step(events), shortage) {
            reordered.push(self.index);
        }
    }

    /// Its place in the batch's legs: by event, the origin of a transfer first.
    fn ordinal(&self) -> u64 {
        u64::from(self.index) << 1 | u64::from(self.destination)
    }
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
    /// An id the table held when pass 1 came to it (pass 2 decides).
    Repeat,
}

/// An admitted operation on one position (the operation itself is read from the event when
/// it is applied).
#[derive(Clone, Copy)]
struct Leg {
    /// The order key of the position's key (its index bucket).
    order_key: u64,
    /// Index of its event in the batch.
    index: u32,
    /// Whether it is the second leg of its event (a transfer's destination).
    destination: bool,
    /// The parts of its position the operation reads.
    reach: Reach,
}

fn op_of(kind: EventKind) -> Op {
    match kind {
        EventKind::Receipt { quantity, order } => Op::Receipt { quantity, order },
        EventKind::Issue { quantity, from_allocated } => Op::Issue { quantity, from_allocated },
        EventKind::Adjustment { delta } => Op::Adjust { delta },
        EventKind::CycleCount { counted } => Op::Count { counted },
        EventKind::SensorReading { level, device, sequence } => Op::Reading { level, device, sequence },
        // A transfer's origin; its destination receives (see `Leg::op`).
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

/// How many operations ahead the apply pass looks up its positions (and twice as many ahead
/// asks for their index entries); how many events ahead the id pass asks for its buckets.
const AHEAD: usize = 40;
