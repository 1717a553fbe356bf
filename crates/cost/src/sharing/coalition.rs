//! Coalitions of players as bit masks.

use std::fmt;

use crate::CostError;

/// A set of players (suppliers of a loop), as a bit mask: player `i` is a member when bit `i` is
/// set, so `Coalition(0b101)` is `{0, 2}`.
///
/// Players are the positions `0..n` of the caller's list of suppliers; at most
/// [`Coalition::MAX_PLAYERS`] fit in one mask. The mask is also the index of the coalition in a
/// [`Game`](super::Game)'s table of costs.
///
/// # Example
/// ```
/// use milkrun_cost::sharing::Coalition;
///
/// let s = Coalition::from_players(&[0, 2])?;
/// assert_eq!(s, Coalition(0b101));
/// assert!(s.contains(2) && !s.contains(1));
/// assert_eq!(s.members().collect::<Vec<_>>(), vec![0, 2]);
/// assert_eq!(s.to_string(), "{0, 2}");
/// # Ok::<(), milkrun_cost::CostError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct Coalition(pub u64);

impl Coalition {
    /// The largest number of players a coalition can hold (the bits of a `u64`).
    pub const MAX_PLAYERS: usize = 64;

    /// The empty coalition, whose cost is zero by definition.
    pub const EMPTY: Self = Self(0);

    /// The grand coalition `{0, ..., players - 1}`, or `None` when `players` exceeds
    /// [`Self::MAX_PLAYERS`].
    #[must_use]
    pub fn grand(players: usize) -> Option<Self> {
        match players {
            0..64 => Some(Self((1u64 << players) - 1)),
            64 => Some(Self(u64::MAX)),
            _ => None,
        }
    }

    /// The coalition `{player}`, or `None` when `player` is not below [`Self::MAX_PLAYERS`].
    #[must_use]
    pub fn singleton(player: usize) -> Option<Self> {
        u32::try_from(player).ok().and_then(|p| 1u64.checked_shl(p)).map(Self)
    }

    /// The coalition of the listed players (repetitions are harmless).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] when a player index is not below [`Self::MAX_PLAYERS`].
    pub fn from_players(players: &[usize]) -> Result<Self, CostError> {
        players.iter().try_fold(Self::EMPTY, |s, &p| match Self::singleton(p) {
            Some(one) => Ok(Self(s.0 | one.0)),
            None => Err(CostError::invalid(
                format!("player {p}"),
                format!("a coalition holds players 0..{} only", Self::MAX_PLAYERS),
            )),
        })
    }

    /// Whether `player` is a member (`false` for indices beyond the mask).
    #[must_use]
    pub fn contains(self, player: usize) -> bool {
        Self::singleton(player).is_some_and(|one| self.0 & one.0 != 0)
    }

    /// The number of members.
    #[must_use]
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the coalition has no member.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// This coalition with `player` added; `None` when `player` is beyond the mask.
    #[must_use]
    pub fn with(self, player: usize) -> Option<Self> {
        Self::singleton(player).map(|one| Self(self.0 | one.0))
    }

    /// This coalition with `player` removed (unchanged when it was not a member).
    #[must_use]
    pub fn without(self, player: usize) -> Self {
        Self::singleton(player).map_or(self, |one| Self(self.0 & !one.0))
    }

    /// The members of both coalitions.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether every member of `self` is a member of `other`.
    #[must_use]
    pub const fn is_subset_of(self, other: Self) -> bool {
        self.0 & !other.0 == 0
    }

    /// The members in increasing order.
    #[must_use]
    pub const fn members(self) -> Members {
        Members(self.0)
    }
}

impl fmt::Display for Coalition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (k, p) in self.members().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str("}")
    }
}

/// The members of a [`Coalition`] in increasing order, from [`Coalition::members`].
#[derive(Debug, Clone)]
pub struct Members(u64);

impl Iterator for Members {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let p = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(p)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.0.count_ones() as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Members {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grand_and_singletons_at_the_edges() {
        assert_eq!(Coalition::grand(0), Some(Coalition::EMPTY));
        assert_eq!(Coalition::grand(3), Some(Coalition(0b111)));
        assert_eq!(Coalition::grand(64), Some(Coalition(u64::MAX)));
        assert_eq!(Coalition::grand(65), None);
        assert_eq!(Coalition::singleton(63), Some(Coalition(1 << 63)));
        assert_eq!(Coalition::singleton(64), None);
        assert_eq!(Coalition::singleton(usize::MAX), None);
        assert!(!Coalition(u64::MAX).contains(64));
        assert_eq!(Coalition(0b10).with(70), None);
        assert_eq!(Coalition(0b10).without(70), Coalition(0b10));
    }

    #[test]
    fn members_display_and_set_operations() {
        let s = Coalition::from_players(&[5, 1, 1, 63]).unwrap();
        assert_eq!(s.members().collect::<Vec<_>>(), vec![1, 5, 63]);
        assert_eq!(s.members().len(), 3);
        assert_eq!(s.len(), 3);
        assert_eq!(s.to_string(), "{1, 5, 63}");
        assert_eq!(Coalition::EMPTY.to_string(), "{}");
        assert!(Coalition(0b010).is_subset_of(s));
        assert!(!Coalition(0b100).is_subset_of(s));
        assert_eq!(s.without(5).union(Coalition(1)), Coalition((1 << 63) | 0b11));
        assert!(matches!(Coalition::from_players(&[2, 64]), Err(CostError::InvalidInput { .. })));
    }
}
