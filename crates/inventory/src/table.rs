//! An integer map for the ledger: open addressing with linear probing, entries stored inline.
//!
//! A lookup in a table far larger than the caches costs one cache miss here, where a
//! control-byte table (std's `HashMap`) costs two, and the bucket's line can be asked for
//! ahead ([`IdTable::prefetch`]) while earlier keys are worked on. The bucket of a key is the
//! top bits of its Fibonacci hash ([`IdTable::order_key`]), whose top bit also picks the key's
//! shard in a [`Sharded`] table.
//!
//! Keys that differ only in their two lowest bits (a *group*: event ids 4k to 4k + 3, say)
//! hash alike and lie side by side in one cache line, so that ids numbered in sequence, as
//! most sources number them, cost one miss per four events instead of one per event. Keys
//! with no such pattern cost what they would with any hash: one line each.

/// Knuth's multiplicative constant, 2^64 / φ.
const FIBONACCI: u64 = 0x9E37_79B9_7F4A_7C15;
/// Its inverse modulo 2^64 (Newton's iteration x ← x (2 − a x) doubles the correct low bits).
const FIBONACCI_INVERSE: u64 = {
    let mut x = FIBONACCI; // correct to 3 bits, as for any odd number
    let mut k = 0;
    while k < 5 {
        x = x.wrapping_mul(2u64.wrapping_sub(FIBONACCI.wrapping_mul(x)));
        k += 1;
    }
    x
};

/// log2 of the keys of a group, and of the entries of a [`Line`].
const GROUP_BITS: u32 = 2;
/// The bits of a key that tell the keys of its group apart.
const IN_GROUP: u64 = (1 << GROUP_BITS) - 1;

/// The entries of one cache line: (key, value), value 0 when empty.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(C, align(64))]
struct Line([(u64, u64); 1 << GROUP_BITS]);

const _: () = assert!(std::mem::size_of::<Line>() == 64);

/// A `u64 → u64` map whose values are never 0 (0 marks an empty entry). Entries hold the
/// [`IdTable::order_key`] of their key, from which growing and removing find the bucket
/// without hashing again.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct IdTable {
    lines: Vec<Line>,
    len: usize,
    /// `64 - log2(buckets)`, a bucket being one entry of a line.
    shift: u32,
}

impl Default for IdTable {
    fn default() -> Self {
        Self { lines: vec![Line::default(); 4], len: 0, shift: 60 }
    }
}

impl PartialEq for IdTable {
    /// Equal when they hold the same pairs, whatever their capacity or insertion order.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl IdTable {
    /// The hashed key: its top bit picks the shard, the bits below the bucket's line, for any
    /// table size; its two lowest bits are the key's. It is a bijection: [`Self::key_of`]
    /// inverts it.
    pub(crate) fn order_key(key: u64) -> u64 {
        (key & !IN_GROUP).wrapping_mul(FIBONACCI) | (key & IN_GROUP)
    }

    /// The key whose [`Self::order_key`] is `order_key`.
    pub(crate) fn key_of(order_key: u64) -> u64 {
        (order_key & !IN_GROUP).wrapping_mul(FIBONACCI_INVERSE) | (order_key & IN_GROUP)
    }

    /// The number of buckets.
    fn buckets(&self) -> usize {
        self.lines.len() << GROUP_BITS
    }

    /// The bucket of an order key: its line from the bits below the top one (which picks the
    /// shard of a [`Sharded`] table), its place in the line from the key's lowest bits.
    fn bucket_of(&self, order_key: u64) -> usize {
        (((order_key << 1) >> (self.shift + GROUP_BITS)) << GROUP_BITS | (order_key & IN_GROUP)) as usize
    }

    fn at(&self, b: usize) -> (u64, u64) {
        self.lines[b >> GROUP_BITS].0[b & IN_GROUP as usize]
    }

    fn at_mut(&mut self, b: usize) -> &mut (u64, u64) {
        &mut self.lines[b >> GROUP_BITS].0[b & IN_GROUP as usize]
    }

    /// Starts loading the line of the bucket of `order_key` (see [`crate::prefetch`]).
    #[inline]
    pub(crate) fn prefetch(&self, order_key: u64) {
        let mask = self.lines.len() - 1;
        crate::prefetch::prefetch(&self.lines[self.bucket_of(order_key) >> GROUP_BITS & mask]);
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: u64) -> Option<u64> {
        self.get_hashed(Self::order_key(key))
    }

    /// The value of the key whose [`Self::order_key`] is `order_key`.
    #[inline]
    pub(crate) fn get_hashed(&self, order_key: u64) -> Option<u64> {
        let mask = self.buckets() - 1;
        let mut b = self.bucket_of(order_key);
        loop {
            let (k, v) = self.at(b);
            if v == 0 {
                return None;
            }
            if k == order_key {
                return Some(v);
            }
            b = (b + 1) & mask;
        }
    }

    /// Sets `key` to `value` (non-zero); returns the previous value.
    pub(crate) fn insert(&mut self, key: u64, value: u64) -> Option<u64> {
        self.insert_hashed(Self::order_key(key), value)
    }

    /// [`Self::insert`] by order key.
    pub(crate) fn insert_hashed(&mut self, order_key: u64, value: u64) -> Option<u64> {
        match self.probe(order_key, value) {
            Ok(b) => Some(std::mem::replace(&mut self.at_mut(b).1, value)),
            Err(()) => None,
        }
    }

    /// Sets the key whose [`Self::order_key`] is `order_key` to `value` (non-zero) unless it
    /// is there; returns the value it has then (one probe where `get` and `insert` make two).
    #[inline]
    pub(crate) fn insert_absent_hashed(&mut self, order_key: u64, value: u64) -> Option<u64> {
        self.probe(order_key, value).ok().map(|b| self.at(b).1)
    }

    /// The bucket of `order_key` if it is there; otherwise puts it there with `value`
    /// (non-zero), growing first if the table is full.
    #[inline]
    fn probe(&mut self, order_key: u64, value: u64) -> Result<usize, ()> {
        debug_assert!(value != 0);
        if (self.len + 1) * 4 > self.buckets() * 3 {
            self.grow(self.buckets() * 2);
        }
        let mask = self.buckets() - 1;
        let mut b = self.bucket_of(order_key);
        loop {
            let (k, v) = self.at(b);
            if v == 0 {
                *self.at_mut(b) = (order_key, value);
                self.len += 1;
                return Err(());
            }
            if k == order_key {
                return Ok(b);
            }
            b = (b + 1) & mask;
        }
    }

    /// Removes `key`; returns its value. Later entries of its probe run shift back (no
    /// tombstones).
    pub(crate) fn remove(&mut self, key: u64) -> Option<u64> {
        let order_key = Self::order_key(key);
        let mask = self.buckets() - 1;
        let mut hole = self.bucket_of(order_key);
        loop {
            let (k, v) = self.at(hole);
            if v == 0 {
                return None;
            }
            if k == order_key {
                break;
            }
            hole = (hole + 1) & mask;
        }
        let value = self.at(hole).1;
        *self.at_mut(hole) = (0, 0);
        self.len -= 1;
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let (k, v) = self.at(j);
            if v == 0 {
                return Some(value);
            }
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            let home = self.bucket_of(k);
            let stays = if hole <= j { hole < home && home <= j } else { hole < home || home <= j };
            if !stays {
                *self.at_mut(hole) = (k, v);
                *self.at_mut(j) = (0, 0);
                hole = j;
            }
        }
    }

    /// Makes room for `additional` more keys without growing. The memory is written at once
    /// (see [`crate::pages::filled`]), so that a large reservation also takes the page faults
    /// the first accesses would otherwise take one by one.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let needed = (self.len + additional).saturating_mul(4) / 3 + 1;
        if needed > self.buckets() {
            self.grow(needed.next_power_of_two());
        }
    }

    fn grow(&mut self, buckets: usize) {
        let old = std::mem::replace(&mut self.lines, crate::pages::filled(buckets >> GROUP_BITS, Line::default()));
        self.shift = 64 - buckets.trailing_zeros();
        self.len = 0;
        for (order_key, v) in old.iter().flat_map(|line| line.0) {
            if v != 0 {
                self.insert_hashed(order_key, v);
            }
        }
    }

    /// The pairs, in bucket order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.lines.iter().flat_map(|line| line.0).filter(|&(_, v)| v != 0).map(|(k, v)| (Self::key_of(k), v))
    }
}

/// Two [`IdTable`]s, a key's shard picked by the top bit of its order key, so that two
/// threads can each work through one shard's part of a batch.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Sharded {
    shards: [IdTable; 2],
}

impl Sharded {
    /// The shard of an order key.
    pub(crate) fn shard_of(order_key: u64) -> usize {
        (order_key >> 63) as usize
    }

    fn shard(&self, key: u64) -> &IdTable {
        &self.shards[Self::shard_of(IdTable::order_key(key))]
    }

    /// Both shards, to lend one to each thread.
    pub(crate) fn shards_mut(&mut self) -> &mut [IdTable; 2] {
        &mut self.shards
    }

    pub(crate) fn get(&self, key: u64) -> Option<u64> {
        self.shard(key).get(key)
    }

    pub(crate) fn insert(&mut self, key: u64, value: u64) -> Option<u64> {
        self.shards[Self::shard_of(IdTable::order_key(key))].insert(key, value)
    }

    pub(crate) fn remove(&mut self, key: u64) -> Option<u64> {
        self.shards[Self::shard_of(IdTable::order_key(key))].remove(key)
    }

    /// Makes room for `additional` more keys hashed at random: half of them each, and the
    /// four standard deviations by which a shard's share may exceed it.
    pub(crate) fn reserve(&mut self, additional: usize) {
        for shard in &mut self.shards {
            shard.reserve(half_and_spread(additional));
        }
    }
}

/// Half of `n` keys hashed at random to two shards, plus four standard deviations of one
/// shard's share (sqrt(n) / 2 for a binomial(n, 1/2)).
pub(crate) fn half_and_spread(n: usize) -> usize {
    n.div_ceil(2) + 2 * n.isqrt()
}

/// A vector in fixed-size chunks: growing it never moves what it holds. A `Vec` of a few
/// hundred megabytes that doubles copies all of it into freshly faulted memory each time (a
/// fifth of the time of ingesting a million new positions, measured); here a push at most
/// allocates one more chunk.
///
/// Serialised as the plain sequence of its items.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(from = "Vec<T>", into = "Vec<T>", bound = "T: Clone + serde::Serialize + serde::de::DeserializeOwned")
)]
pub(crate) struct Chunked<T> {
    /// Full chunks, then the one being filled, then any reserved ahead (empty).
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T: PartialEq> PartialEq for Chunked<T> {
    /// Equal when they hold the same items, whatever they reserved.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.chunks.iter().flatten().eq(other.chunks.iter().flatten())
    }
}

/// log2 of the items per chunk.
const CHUNK_BITS: u32 = 16;
const CHUNK: usize = 1 << CHUNK_BITS;

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Self { chunks: Vec::new(), len: 0 }
    }
}

impl<T> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        let mut chunked = Self::default();
        for item in items {
            chunked.push(item);
        }
        chunked
    }
}

impl<T> From<Chunked<T>> for Vec<T> {
    fn from(chunked: Chunked<T>) -> Self {
        chunked.chunks.into_iter().flatten().collect()
    }
}

impl<T> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, item: T) {
        let last = self.len >> CHUNK_BITS;
        if last == self.chunks.len() {
            self.chunks.push(Self::chunk());
        }
        self.chunks[last].push(item);
        self.len += 1;
    }

    /// Makes room for `additional` more items, in memory faulted in at once (a large
    /// reservation takes here the page faults that pushes would otherwise take one by one).
    pub(crate) fn reserve(&mut self, additional: usize) {
        while self.chunks.len() << CHUNK_BITS < self.len + additional {
            let mut chunk = Self::chunk();
            let stride = (4096 / std::mem::size_of::<T>().max(1)).max(1);
            for item in chunk.spare_capacity_mut().iter_mut().step_by(stride) {
                *item = std::mem::MaybeUninit::zeroed();
            }
            self.chunks.push(chunk);
        }
    }

    /// An empty chunk with room for [`CHUNK`] items, advised as huge pages.
    fn chunk() -> Vec<T> {
        let mut chunk = Vec::with_capacity(CHUNK);
        crate::pages::advise_huge_pages(chunk.spare_capacity_mut());
        chunk
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.chunks.iter_mut().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::{Chunked, IdTable, CHUNK};

    #[test]
    fn chunked_holds_what_a_vec_holds() {
        let n = 2 * CHUNK + 5;
        let mut c = Chunked::default();
        for k in 0..n {
            c.push(k);
            assert_eq!(c.len(), k + 1);
        }
        c[CHUNK] += n;
        let expected: Vec<usize> = (0..n).map(|k| if k == CHUNK { k + n } else { k }).collect();
        assert!((0..n).all(|k| c[k] == expected[k]));
        assert!(c.iter_mut().map(|x| *x).eq(expected.iter().copied()));
        assert_eq!(Vec::from(c.clone()), expected);
        assert_eq!(Chunked::from(expected.clone()), c);
        // Reserving changes no item, and pushes go on into the reserved chunks.
        let mut r = Chunked::default();
        r.reserve(CHUNK + 1);
        assert_eq!(r.len(), 0);
        for &k in &expected {
            r.push(k);
            r.reserve(3);
        }
        assert_eq!(r, c);
        assert!(r.iter_mut().map(|x| *x).eq(expected.iter().copied()));
    }

    use std::collections::HashMap;

    #[test]
    fn behaves_like_a_hash_map() {
        let mut t = IdTable::default();
        let mut m = HashMap::new();
        let mut x = 1u64;
        for k in 0..20_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = if k % 3 == 0 { k } else { x % 5000 };
            let value = (x >> 20) | 1;
            if k % 7 == 3 {
                assert_eq!(t.remove(key), m.remove(&key));
            } else if k % 5 == 1 {
                assert_eq!(t.insert_absent_hashed(IdTable::order_key(key), value), m.get(&key).copied());
                m.entry(key).or_insert(value);
            } else {
                assert_eq!(t.insert(key, value), m.insert(key, value));
            }
        }
        assert_eq!(t.iter().count(), m.len());
        for (k, v) in &m {
            assert_eq!(t.get(*k), Some(*v));
        }
        assert_eq!(t.get(u64::MAX), None);
        assert_eq!(IdTable::key_of(IdTable::order_key(12345)), 12345);
        assert_eq!(IdTable::key_of(IdTable::order_key(u64::MAX)), u64::MAX);
        // The keys of a group share a line, in order.
        let mut g = IdTable::default();
        g.reserve(1000);
        for k in 400..404 {
            g.insert(k, 1);
        }
        let first = g.bucket_of(IdTable::order_key(400));
        assert_eq!(first % 4, 0);
        assert!((401..404).all(|k| g.bucket_of(IdTable::order_key(k)) == first + (k - 400) as usize));
        let mut u = IdTable::default();
        u.reserve(100_000);
        for (k, v) in &m {
            u.insert(*k, *v);
        }
        assert_eq!(t, u);
        u.insert(7, 3);
        assert_ne!(t, u);
    }
}
