//! What the ledger keeps per position to correct history: the current state, and a journal of
//! the operations of the lateness window with what each one overwrote.
//!
//! Every operation is applied once, to the current state, and appended to its shard's
//! [`Journal`] together with the values it replaced (its [`Before`]). A late operation undoes
//! the journal entries of its position that come after it in event-time order (newest first,
//! restoring the exact values they overwrote), applies itself and applies them again. The
//! current state is therefore always the fold of every accepted operation of the position in
//! event-time order, bit for bit the same whatever order they arrived in.
//!
//! An entry older than the lateness window can never be undone (a late operation is never
//! older than the window), so the journal drops it from its front once the window has passed
//! it; the position keeps no other memory.
//!
//! Compared with a settled state plus a window replayed into it, this applies an operation
//! once instead of twice, and a position is one 256-byte record (four cache lines) with no heap
//! block of its own: the journal is written sequentially.

use milkrun_model::Duration;

use crate::ledger::{
    DeviceId, EventId, LocationId, OpenOrder, OrderId, Position, Reading, ShortagePolicy, SkuId, SupplierId,
};

/// An operation on one position: an event, or one leg of a transfer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) enum Op {
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

/// The parts of a position an operation reads, beyond the first two cache lines every
/// operation reads (the ledger works it out once per operation, to ask for those lines
/// ahead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Nothing more.
    Totals,
    /// The open orders (their line, and their heap block).
    Orders,
    /// The readings' lines.
    Readings,
}

/// An operation with its place in event-time order.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Step {
    pub(crate) time: Duration,
    pub(crate) id: EventId,
    pub(crate) op: Op,
}

/// The event-time order of operations: time, then sensor sequence (0 for all but readings),
/// then event id.
pub(crate) type Key = (Duration, u64, EventId);

impl Step {
    pub(crate) fn key(&self) -> Key {
        let sequence = match self.op {
            Op::Reading { sequence, .. } => sequence,
            _ => 0,
        };
        (self.time, sequence, self.id)
    }
}

/// "No journal entry".
const NONE: u64 = u64::MAX;

/// One position: its current state and where its history is.
///
/// 256 bytes aligned to a cache line, laid out so that the in-order path of the common
/// operations reads two lines: the first holds the in-order test, the journal head and the
/// quantities an issue changes, the second the totals and the time of the latest event; open
/// orders and readings lie in the last two (see [`Position`]'s field order).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(C, align(64))]
pub(crate) struct Slot {
    /// The largest key applied, so that the in-order test reads no journal memory.
    last: Key,
    /// The journal entry of the largest key (in its shard's journal), or [`NONE`]; each entry
    /// links to the one before it in event-time order.
    head: u64,
    pub(crate) sku: SkuId,
    pub(crate) location: LocationId,
    /// The fold of every operation applied, in event-time order.
    pub(crate) current: Position,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 256);
// The lines named above: on hand to allocated in the first, the totals in the second.
const _: () = assert!(std::mem::offset_of!(Slot, current) + std::mem::offset_of!(Position, allocated) < 64);
const _: () = assert!(std::mem::offset_of!(Slot, current) + std::mem::offset_of!(Position, issued) == 64);
const _: () = assert!(std::mem::offset_of!(Slot, current) + std::mem::offset_of!(Position, open_orders) == 128);

impl Slot {
    /// A position no operation has touched.
    pub(crate) fn new(sku: SkuId, location: LocationId) -> Self {
        Self { last: (Duration(i64::MIN), 0, EventId(0)), head: NONE, sku, location, current: Position::default() }
    }

    /// The largest key applied.
    pub(crate) fn last(&self) -> Key {
        self.last
    }

    /// Applies an operation (keys are unique per position); returns whether it went before
    /// the latest one (a correction of history).
    ///
    /// An operation in order costs O(1). A late one costs O(k) for the k operations of the
    /// window after it: they are undone, and applied again after it. The caller guarantees
    /// that `step` is not older than the lateness window as of the journal's last trim.
    #[inline(always)]
    pub(crate) fn push(&mut self, journal: &mut Journal, step: Step, shortage: ShortagePolicy) -> bool {
        let key = step.key();
        if self.last <= key {
            self.last = key;
            let before = apply(&mut self.current, &step, shortage);
            self.head = journal.push(Entry { step, prev: self.head, before });
            return false;
        }
        self.insert(journal, step, key, shortage);
        true
    }

    /// [`Slot::push`] of an operation that goes before the latest one (`key` is its key).
    #[cold]
    #[inline(never)]
    fn insert(&mut self, journal: &mut Journal, step: Step, key: Key, shortage: ShortagePolicy) {
        // Every entry after `key` is in the journal: it is newer than `step`, so newer than the
        // window's start at the last trim.
        let mut undone = Vec::new();
        let mut at = self.head;
        while let Some(entry) = journal.get(at) {
            if entry.step.key() <= key {
                break;
            }
            undo(&mut self.current, entry, shortage);
            undone.push(entry.step);
            at = entry.prev;
        }
        for step in std::iter::once(step).chain(undone.into_iter().rev()) {
            let before = apply(&mut self.current, &step, shortage);
            at = journal.push(Entry { step, prev: at, before });
        }
        self.head = at;
    }

    /// The journal entries of this position not older than `horizon`, latest first.
    pub(crate) fn window<'a>(&self, journal: &'a Journal, horizon: Duration) -> impl Iterator<Item = &'a Step> + 'a {
        let mut at = self.head;
        std::iter::from_fn(move || {
            let entry = journal.get(at)?;
            at = entry.prev;
            Some(&entry.step)
        })
        .take_while(move |s| s.time >= horizon)
    }

    /// Starts loading the cache lines the in-order path of an operation of `reach` reads
    /// (see [`crate::prefetch`]): the first two for every operation, the open orders' line for
    /// the operations on orders, the readings' lines for a reading.
    pub(crate) fn prefetch(&self, reach: Reach) {
        crate::prefetch::prefetch(&self.last);
        crate::prefetch::prefetch(&self.current.issued);
        match reach {
            Reach::Totals => {}
            Reach::Orders => crate::prefetch::prefetch(&self.current.open_orders),
            Reach::Readings => {
                crate::prefetch::prefetch(&self.current.last_reading);
                crate::prefetch::prefetch(&self.current.previous_reading);
            }
        }
    }

    /// Starts loading the open orders of the position (their heap block), once the line that
    /// says where they are has arrived.
    pub(crate) fn prefetch_orders(&self) {
        if let Some(first) = self.current.open_orders.first() {
            crate::prefetch::prefetch(first);
        }
    }
}

/// An applied operation, the entry of its position before it, and what it overwrote.
///
/// Two cache lines exactly: the journal writes one per operation, so its size is most of
/// what the journal costs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(align(64))]
pub(crate) struct Entry {
    step: Step,
    prev: u64,
    before: Before,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 128);

/// The values an operation overwrote in a position, to restore them exactly.
///
/// Not the time of the latest event: it is a running maximum, and a late operation, which
/// undoes operations only to apply them again after itself, leaves it where it was.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Before {
    /// The quantities the operation changes, in an order fixed per operation (see [`apply`]).
    values: [f64; 3],
    other: Other,
}

/// The rest of what an operation overwrote.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
enum Other {
    Nothing,
    /// An issue: backorders or lost sales (per the shortage policy).
    Short(f64),
    /// A reading: the reading before the latest one, or none.
    Reading(Reading),
    NoReading,
    /// The open order at this index, changed.
    OrderSet(u32, OpenOrder),
    /// The open order at this index, removed.
    OrderRemoved(u32, OpenOrder),
    /// An open order appended.
    OrderPushed,
}

/// The entries of one shard's positions, in the order they were applied.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "Persisted", into = "Persisted"))]
pub(crate) struct Journal {
    /// A ring of `capacity` slots (0 or a power of two): entry number `front + i` is at
    /// `(start + i) % capacity`, for `i < len`. The vector holds the slots written since the
    /// ring last grew (all of them once it has wrapped around; slots outside the ring hold
    /// stale entries), so that growing writes only the entries it keeps.
    entries: Vec<Entry>,
    /// The time of each entry, in the same ring, apart: trimming reads 8 bytes per entry
    /// instead of the entry's cache lines, long gone from the caches by the time the window
    /// has passed them.
    times: Vec<Duration>,
    capacity: usize,
    start: usize,
    len: usize,
    /// The number of the first entry kept.
    front: u64,
}

/// What a snapshot holds of a journal (the times are the entries').
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct Persisted {
    entries: Vec<Entry>,
    front: u64,
}

#[cfg(feature = "serde")]
impl From<Persisted> for Journal {
    fn from(p: Persisted) -> Self {
        let mut journal = Self { front: p.front, ..Self::default() };
        for entry in p.entries {
            journal.push(entry);
        }
        journal
    }
}

#[cfg(feature = "serde")]
impl From<Journal> for Persisted {
    fn from(j: Journal) -> Self {
        Self { entries: j.iter().copied().collect(), front: j.front }
    }
}

impl Journal {
    /// Appends an entry; returns its number.
    #[inline(always)]
    fn push(&mut self, entry: Entry) -> u64 {
        if self.len == self.capacity {
            self.grow();
        }
        // The slots are written in ring order: the next is either one written before or the
        // first never written.
        let at = self.slot(self.len);
        debug_assert!(at <= self.entries.len());
        if at < self.entries.len() {
            self.times[at] = entry.step.time;
            self.entries[at] = entry;
        } else {
            self.times.push(entry.step.time);
            self.entries.push(entry);
        }
        self.len += 1;
        self.front + self.len as u64 - 1
    }

    /// Doubles the ring (at least 64 slots), its entries moved to the start.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let capacity = (self.capacity * 2).max(64);
        let mut entries = Vec::with_capacity(capacity);
        crate::pages::advise_huge_pages(entries.spare_capacity_mut());
        entries.extend(self.iter().copied());
        let mut times = Vec::with_capacity(capacity);
        times.extend((0..self.len).map(|i| self.times[self.slot(i)]));
        (self.entries, self.times, self.capacity, self.start) = (entries, times, capacity, 0);
    }

    /// The ring slot of the entry `i` places after the front.
    fn slot(&self, i: usize) -> usize {
        (self.start + i) & self.capacity.wrapping_sub(1)
    }

    /// The entries, oldest first.
    fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        (0..self.len).map(|i| &self.entries[self.slot(i)])
    }

    /// Entry number `at`, unless it was dropped (or is [`NONE`]).
    fn get(&self, at: u64) -> Option<&Entry> {
        let i = usize::try_from(at.checked_sub(self.front)?).ok()?;
        (i < self.len).then(|| &self.entries[self.slot(i)])
    }

    /// Drops the entries at the front that are older than `horizon` (no operation can go
    /// before them any more). Entries behind a newer one stay until it goes.
    pub(crate) fn trim(&mut self, horizon: Duration) {
        let old = (0..self.len).take_while(|&i| self.times[self.slot(i)] < horizon).count();
        if old > 0 {
            self.start = self.slot(old);
            self.len -= old;
            self.front += old as u64;
        }
    }

    /// Rewrites the journal of `slots` with only the entries not older than `horizon`,
    /// releasing the memory of the rest.
    pub(crate) fn compact<'a>(&mut self, slots: impl IntoIterator<Item = &'a mut Slot>, horizon: Duration) {
        let mut kept = Journal { front: self.front + self.len as u64, ..Journal::default() };
        let mut chain = Vec::new();
        for slot in slots {
            chain.clear();
            let mut at = slot.head;
            while let Some(entry) = self.get(at).filter(|e| e.step.time >= horizon) {
                chain.push(*entry);
                at = entry.prev;
            }
            slot.head = NONE;
            for mut entry in chain.drain(..).rev() {
                entry.prev = slot.head;
                slot.head = kept.push(entry);
            }
        }
        *self = kept;
    }
}

/// Applies one operation to a position: the ledger's semantics, in one place. Returns what it
/// overwrote, for [`undo`].
#[inline(always)]
fn apply(p: &mut Position, step: &Step, shortage: ShortagePolicy) -> Before {
    p.last_event = Some(p.last_event.map_or(step.time, |t| t.max(step.time)));
    let mut other = Other::Nothing;
    let values = match step.op {
        Op::Receipt { quantity, order } => {
            let values = [p.received, p.backorders, p.on_hand];
            p.received += quantity;
            let filled = quantity.min(p.backorders);
            p.backorders -= filled;
            p.on_hand += quantity - filled;
            if let Some(order) = order {
                if let Some(k) = p.open_orders.iter().position(|o| o.order == order) {
                    let old = p.open_orders[k];
                    let open = &mut p.open_orders[k];
                    open.remaining -= quantity;
                    other = if open.remaining <= 0.0 {
                        p.open_orders.remove(k);
                        Other::OrderRemoved(k as u32, old)
                    } else {
                        Other::OrderSet(k as u32, old)
                    };
                }
            }
            values
        }
        Op::Issue { quantity, from_allocated } => {
            let short = match shortage {
                ShortagePolicy::Backorder => p.backorders,
                ShortagePolicy::LostSales => p.lost_sales,
            };
            let values = [p.issued, p.allocated, p.on_hand];
            other = Other::Short(short);
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
            values
        }
        Op::Adjust { delta } => {
            let values = [p.on_hand, p.corrections, p.unabsorbed];
            let applied = delta.max(-p.on_hand);
            p.on_hand += applied;
            p.corrections += applied;
            p.unabsorbed += applied - delta;
            values
        }
        Op::Count { counted } => {
            let values = [p.on_hand, p.corrections, 0.0];
            p.corrections += counted - p.on_hand;
            p.on_hand = counted;
            values
        }
        Op::Reading { level, device, sequence } => {
            let values = [p.on_hand, p.corrections, p.reading_correction];
            other = p.previous_reading.map_or(Other::NoReading, Other::Reading);
            p.reading_correction = level - p.on_hand;
            p.corrections += p.reading_correction;
            p.on_hand = level;
            p.previous_reading = p.last_reading;
            p.last_reading = Some(Reading { time: step.time, level, device, sequence });
            values
        }
        Op::Placed { order, quantity, due, supplier } => {
            let open = OpenOrder { order, supplier, remaining: quantity, due };
            match p.open_orders.iter().position(|o| o.order == order) {
                Some(k) if quantity == 0.0 => other = Other::OrderRemoved(k as u32, p.open_orders.remove(k)),
                Some(k) => other = Other::OrderSet(k as u32, std::mem::replace(&mut p.open_orders[k], open)),
                None if quantity == 0.0 => {}
                None => {
                    p.open_orders.push(open);
                    other = Other::OrderPushed;
                }
            }
            [0.0; 3]
        }
        // An order id is open at most once: placing an open one amends it.
        Op::Cancelled { order } => {
            if let Some(k) = p.open_orders.iter().position(|o| o.order == order) {
                other = Other::OrderRemoved(k as u32, p.open_orders.remove(k));
            }
            [0.0; 3]
        }
        Op::Allocate { quantity } => {
            let values = [p.allocated, 0.0, 0.0];
            p.allocated += quantity;
            values
        }
        Op::Release { quantity } => {
            let values = [p.allocated, 0.0, 0.0];
            p.allocated -= quantity.min(p.allocated);
            values
        }
    };
    Before { values, other }
}

/// Takes back the latest operation applied to `p` (`entry`), restoring what it overwrote.
fn undo(p: &mut Position, entry: &Entry, shortage: ShortagePolicy) {
    let Before { values: v, other } = entry.before;
    match entry.step.op {
        Op::Receipt { .. } => [p.received, p.backorders, p.on_hand] = v,
        Op::Issue { .. } => [p.issued, p.allocated, p.on_hand] = v,
        Op::Adjust { .. } => [p.on_hand, p.corrections, p.unabsorbed] = v,
        Op::Count { .. } => [p.on_hand, p.corrections] = [v[0], v[1]],
        Op::Reading { .. } => {
            [p.on_hand, p.corrections, p.reading_correction] = v;
            p.last_reading = p.previous_reading;
        }
        Op::Placed { .. } | Op::Cancelled { .. } => {}
        Op::Allocate { .. } | Op::Release { .. } => p.allocated = v[0],
    }
    match other {
        Other::Nothing => {}
        Other::Short(short) => match shortage {
            ShortagePolicy::Backorder => p.backorders = short,
            ShortagePolicy::LostSales => p.lost_sales = short,
        },
        Other::Reading(previous) => p.previous_reading = Some(previous),
        Other::NoReading => p.previous_reading = None,
        Other::OrderSet(k, old) => p.open_orders[k as usize] = old,
        Other::OrderRemoved(k, old) => p.open_orders.insert(k as usize, old),
        Other::OrderPushed => _ = p.open_orders.pop(),
    }
}

#[cfg(test)]
mod tests {
    use super::{apply, undo, Before, Entry, Journal, Op, Slot, Step, NONE};
    use crate::ledger::{DeviceId, EventId, LocationId, OrderId, Position, ShortagePolicy, SkuId, SupplierId};
    use milkrun_model::Duration;

    fn ops() -> Vec<Op> {
        vec![
            Op::Placed { order: OrderId(1), quantity: 30.0, due: Duration(9), supplier: SupplierId(2) },
            Op::Placed { order: OrderId(2), quantity: 5.0, due: Duration(9), supplier: SupplierId(2) },
            Op::Issue { quantity: 7.5, from_allocated: false },
            Op::Receipt { quantity: 10.0, order: Some(OrderId(1)) },
            Op::Allocate { quantity: 4.0 },
            Op::Reading { level: 11.0, device: DeviceId(3), sequence: 1 },
            Op::Issue { quantity: 3.0, from_allocated: true },
            Op::Adjust { delta: -20.0 },
            Op::Placed { order: OrderId(1), quantity: 12.0, due: Duration(19), supplier: SupplierId(2) },
            Op::Reading { level: 4.0, device: DeviceId(3), sequence: 2 },
            Op::Count { counted: 9.0 },
            Op::Release { quantity: 10.0 },
            Op::Receipt { quantity: 40.0, order: Some(OrderId(1)) },
            Op::Placed { order: OrderId(2), quantity: 0.0, due: Duration(9), supplier: SupplierId(2) },
            Op::Placed { order: OrderId(3), quantity: 8.0, due: Duration(29), supplier: SupplierId(2) },
            Op::Placed { order: OrderId(4), quantity: 0.0, due: Duration(29), supplier: SupplierId(2) },
            Op::Cancelled { order: OrderId(3) },
            Op::Cancelled { order: OrderId(7) },
            Op::Issue { quantity: 50.0, from_allocated: false },
        ]
    }

    /// The invariant the journal relies on: undoing the latest operation restores the state
    /// before it exactly, whatever the operation, but for the time of the latest event (a
    /// running maximum that undoing and applying again leaves where it was).
    #[test]
    fn undo_restores_exactly_what_apply_changed() {
        for shortage in [ShortagePolicy::Backorder, ShortagePolicy::LostSales] {
            let mut p = Position::default();
            let mut states = vec![p.clone()];
            let mut entries = Vec::new();
            for (k, op) in ops().into_iter().enumerate() {
                let step = Step { time: Duration(k as i64), id: EventId(k as u64), op };
                let before: Before = apply(&mut p, &step, shortage);
                entries.push(Entry { step, prev: NONE, before });
                states.push(p.clone());
            }
            assert!(p.backorders > 0.0 || p.lost_sales > 0.0);
            for entry in entries.iter().rev() {
                states.pop();
                undo(&mut p, entry, shortage);
                let latest = p.last_event;
                p.last_event = states.last().unwrap().last_event;
                assert_eq!(&p, states.last().unwrap(), "after undoing {:?}", entry.step.op);
                p.last_event = latest;
            }
        }
    }

    /// Any arrival order gives the state of the operations applied in key order, and the
    /// journal trimmed at the horizon still lets a late operation in.
    #[test]
    fn late_operations_give_the_state_of_key_order() {
        let steps: Vec<Step> = ops()
            .into_iter()
            .enumerate()
            .map(|(k, op)| Step { time: Duration(k as i64 / 2), id: EventId(k as u64), op })
            .collect();
        let mut expected = Slot::new(SkuId(0), LocationId(0));
        let mut journal = Journal::default();
        for s in &steps {
            assert!(!expected.push(&mut journal, *s, ShortagePolicy::Backorder));
        }
        for seed in 0..50u64 {
            let mut order: Vec<usize> = (0..steps.len()).collect();
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for i in (1..order.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                order.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let mut slot = Slot::new(SkuId(0), LocationId(0));
            let mut journal = Journal::default();
            for (n, &k) in order.iter().enumerate() {
                slot.push(&mut journal, steps[k], ShortagePolicy::Backorder);
                // Trim at the oldest time still to come (at most 3, for the window below).
                let next = order[n + 1..].iter().map(|&k| steps[k].time).min().unwrap_or(Duration(3));
                journal.trim(next.min(Duration(3)));
            }
            assert_eq!(slot.current, expected.current, "seed {seed}");
            assert_eq!(slot.last(), expected.last());
            let mut slots = [slot];
            journal.compact(&mut slots, Duration(3));
            assert!(slots[0].window(&journal, Duration(3)).all(|s| s.time >= Duration(3)));
            assert_eq!(
                slots[0].window(&journal, Duration(3)).count(),
                steps.iter().filter(|s| s.time >= Duration(3)).count()
            );
        }
    }
}
