//! The ledger's lookups (an order by id, the first order to release a code
//! by its fingerprint) as tables of positions in the order list, hashed by
//! the orders' own fields: the keys are never copied. At a million events
//! copies of every id and fingerprint were a fifth of the app's memory.

use hashbrown::HashTable;
use std::hash::{BuildHasher, Hash, RandomState};

/// Positions are kept as u32 (half the table; four billion orders is
/// far past any journal the app reads).
#[derive(Clone, Debug, Default)]
pub(super) struct Positions {
    table: HashTable<u32>,
    hasher: RandomState,
}

impl Positions {
    pub fn with_capacity(n: usize) -> Self {
        Positions {
            table: HashTable::with_capacity(n),
            hasher: RandomState::new(),
        }
    }

    pub fn hash<K: Hash + ?Sized>(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    /// The position whose key `is` the one hashed to `hash`.
    pub fn find(&self, hash: u64, is: impl Fn(usize) -> bool) -> Option<usize> {
        self.table
            .find(hash, |&i| is(i as usize))
            .map(|&i| i as usize)
    }

    /// Adds `at` (not there yet); `hash_of` hashes any position's key the
    /// way [`Positions::hash`] does, for when the table grows.
    pub fn insert(&mut self, hash: u64, at: usize, hash_of: impl Fn(usize) -> u64) {
        let Ok(at) = u32::try_from(at) else {
            // Past the journal cap's reach: not indexed, never a panic.
            return;
        };
        self.table.insert_unique(hash, at, |&i| hash_of(i as usize));
    }

    /// The hasher, for hashing other positions' keys while inserting.
    pub fn clone_hasher(&self) -> RandomState {
        self.hasher.clone()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Every position, in no particular order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.table.iter().map(|&i| i as usize)
    }
}
