//! An integer map for the ledger: open addressing with linear probing, entries stored inline.
//!
//! A lookup in a table far larger than the caches costs one cache miss here, where a
//! control-byte table (std's `HashMap`) costs two, and the bucket's line can be asked for
//! ahead ([`IdTable::prefetch`]) while earlier keys are worked on. The bucket of a key is the
//! top bits of its Fibonacci hash ([`IdTable::order_key`]), whose top bit also picks the key's
//! shard in a [`Sharded`] table.

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

/// A `u64 → u64` map whose values are never 0 (0 marks an empty entry).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct IdTable {
    entries: Vec<(u64, u64)>,
    len: usize,
    /// `64 - log2(entries.len())`.
    shift: u32,
}

impl Default for IdTable {
    fn default() -> Self {
        Self { entries: vec![(0, 0); 16], len: 0, shift: 60 }
    }
}

impl PartialEq for IdTable {
    /// Equal when they hold the same pairs, whatever their capacity or insertion order.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl IdTable {
    /// The hashed key: its top bit picks the shard, the bits below the bucket, for any table
    /// size. It is a bijection: [`Self::key_of`] inverts it.
    pub(crate) fn order_key(key: u64) -> u64 {
        key.wrapping_mul(FIBONACCI)
    }

    /// The key whose [`Self::order_key`] is `order_key`.
    pub(crate) fn key_of(order_key: u64) -> u64 {
        order_key.wrapping_mul(FIBONACCI_INVERSE)
    }

    /// The bucket: the bits of the order key below the top one, which picks the shard of a
    /// [`Sharded`] table.
    fn bucket(&self, key: u64) -> usize {
        ((Self::order_key(key) << 1) >> self.shift) as usize
    }

    /// Starts loading the first entry of the bucket of `order_key` (see [`crate::prefetch`]).
    pub(crate) fn prefetch(&self, order_key: u64) {
        let mask = self.entries.len() - 1;
        crate::prefetch::prefetch(&self.entries[((order_key << 1) >> self.shift) as usize & mask]);
    }

    /// Whether it holds no key.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: u64) -> Option<u64> {
        let mask = self.entries.len() - 1;
        let mut b = self.bucket(key);
        loop {
            let (k, v) = self.entries[b];
            if v == 0 {
                return None;
            }
            if k == key {
                return Some(v);
            }
            b = (b + 1) & mask;
        }
    }

    /// Sets `key` to `value` (non-zero); returns the previous value.
    pub(crate) fn insert(&mut self, key: u64, value: u64) -> Option<u64> {
        debug_assert!(value != 0);
        if (self.len + 1) * 4 > self.entries.len() * 3 {
            self.grow(self.entries.len() * 2);
        }
        let mask = self.entries.len() - 1;
        let mut b = self.bucket(key);
        loop {
            let (k, v) = self.entries[b];
            if v == 0 {
                self.entries[b] = (key, value);
                self.len += 1;
                return None;
            }
            if k == key {
                self.entries[b].1 = value;
                return Some(v);
            }
            b = (b + 1) & mask;
        }
    }

    /// Removes `key`; returns its value. Later entries of its probe run shift back (no
    /// tombstones).
    pub(crate) fn remove(&mut self, key: u64) -> Option<u64> {
        let mask = self.entries.len() - 1;
        let mut hole = self.bucket(key);
        loop {
            let (k, v) = self.entries[hole];
            if v == 0 {
                return None;
            }
            if k == key {
                break;
            }
            hole = (hole + 1) & mask;
        }
        let value = self.entries[hole].1;
        self.entries[hole] = (0, 0);
        self.len -= 1;
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let (k, v) = self.entries[j];
            if v == 0 {
                return Some(value);
            }
            // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
            let home = self.bucket(k);
            let stays = if hole <= j { hole < home && home <= j } else { hole < home || home <= j };
            if !stays {
                self.entries[hole] = (k, v);
                self.entries[j] = (0, 0);
                hole = j;
            }
        }
    }

    /// Makes room for `additional` more keys without growing.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let needed = (self.len + additional).saturating_mul(4) / 3 + 1;
        if needed > self.entries.len() {
            self.grow(needed.next_power_of_two());
        }
    }

    fn grow(&mut self, buckets: usize) {
        let old = std::mem::replace(&mut self.entries, vec![(0, 0); buckets]);
        crate::pages::advise_huge_pages(&self.entries);
        self.shift = 64 - buckets.trailing_zeros();
        self.len = 0;
        for (k, v) in old {
            if v != 0 {
                self.insert(k, v);
            }
        }
    }

    /// The pairs, in bucket order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.entries.iter().copied().filter(|&(_, v)| v != 0)
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

    /// Makes room for about `additional` more keys, spread evenly.
    pub(crate) fn reserve(&mut self, additional: usize) {
        for shard in &mut self.shards {
            shard.reserve(additional / 2 + 1);
        }
    }
}

/// A vector in fixed-size chunks: growing it never moves what it holds. A `Vec` of a few
/// hundred megabytes that doubles copies all of it into freshly faulted memory each time (a
/// fifth of the time of ingesting a million new positions, measured); here a push at most
/// allocates one more chunk.
///
/// Serialised as the plain sequence of its items.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(from = "Vec<T>", into = "Vec<T>", bound = "T: Clone + serde::Serialize + serde::de::DeserializeOwned")
)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
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
        if self.len % CHUNK == 0 {
            let mut chunk = Vec::with_capacity(CHUNK);
            crate::pages::advise_huge_pages(chunk.spare_capacity_mut());
            self.chunks.push(chunk);
        }
        let last = self.chunks.len() - 1;
        self.chunks[last].push(item);
        self.len += 1;
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
        assert_eq!(Chunked::from(expected), c);
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
