//! Ruin and recreate: remove a few strings of consecutive clients from neighbouring routes,
//! then reinsert every removed client at its cheapest granular position (with blinks). A
//! shipment half removed takes its partner with it, and the pair is reinserted together (see
//! `search/pairs.rs`).
//!
//! Reference: J. Christiaens, G. Vanden Berghe (2020), "Slack induction by string removals for
//! vehicle routing problems" (SISR), Transportation Science 54(2). Insertion positions are
//! limited to the client's granular neighbours, the local search that follows repairs the rest.
//!
//! Optional jobs left out of the solution would never come back through a ruin that only
//! removes routed clients, and a greedy recreate that only inserts what pays for itself keeps
//! them out for good. So, as in PyVRP's perturbation (which inserts absent neighbours and
//! removes present ones), the ruin also picks up to as many absent optional neighbours of its
//! seed as it removes strings and the recreate inserts them whatever their prize; the local
//! search that follows drops them again if they do not pay.

use crate::data::{Data, NO_PARTNER};
use crate::rng::Rng;
use crate::route::{Eval, Tours, NONE};
use crate::search::{best_insertion, insert_pair};

/// The client that stands for `c` when it is inserted: its shipment's pickup, or itself.
fn head(data: &Data, c: u32) -> u32 {
    let q = data.partner[c as usize];
    if q != NO_PARTNER && q < c {
        q
    } else {
        c
    }
}

/// Scratch space for ruin and recreate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Perturb {
    removed: Vec<u32>,
    /// Absent optional clients to insert regardless of their prize.
    offered: Vec<u32>,
    ruined: Vec<usize>,
    costs: Vec<i64>,
    keys: Vec<(i64, u32)>,
}

impl Perturb {
    /// Removes about `avg_removed` clients in strings (SISR), then reinserts them.
    pub(crate) fn apply(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, rng: &mut Rng, avg_removed: f64) {
        self.ruin(data, tours, rng, avg_removed);
        self.recreate(data, tours, eval, rng);
    }

    fn ruin(&mut self, data: &Data, tours: &mut Tours, rng: &mut Rng, avg_removed: f64) {
        self.removed.clear();
        self.offered.clear();
        self.ruined.clear();
        let served: usize = tours.routes.iter().map(|r| r.len()).sum();
        let used = tours.routes.iter().filter(|r| !r.is_empty()).count();
        let clients = data.n_clients();
        if served == 0 && (data.n_depots..data.n).all(|c| data.required[c]) {
            return;
        }
        let avg_len = if used == 0 { 1.0 } else { served as f64 / used as f64 };
        let ls_max = avg_len.min(10.0);
        let ks_max = (4.0 * avg_removed / (1.0 + ls_max) - 1.0).max(1.0);
        let strings = (1.0 + rng.unit() * ks_max).floor() as usize;
        // A random served client as seed, or an absent optional one (offered for certain).
        let mut seed = (data.n_depots + rng.below(clients)) as u32;
        while !tours.assigned(seed) && data.required[seed as usize] {
            seed = (data.n_depots + rng.below(clients)) as u32;
        }
        if !tours.assigned(seed) {
            self.offered.push(head(data, seed));
        }
        let stamp = tours.tick();
        for &c in std::iter::once(&seed).chain(&data.neighbours[seed as usize]) {
            if self.ruined.len() >= strings {
                break;
            }
            let r = tours.route_of[c as usize];
            if r == NONE {
                // (Not one this ruin has just removed or already offered.)
                let absent = !data.required[c as usize] && !self.removed.contains(&c) && !self.offered.contains(&c);
                if absent && self.offered.len() < strings && rng.unit() < 0.5 && !self.offered.contains(&head(data, c))
                {
                    self.offered.push(head(data, c));
                }
                continue;
            }
            if self.ruined.contains(&(r as usize)) {
                continue;
            }
            let r = r as usize;
            let len = tours.routes[r].len();
            let max_len = (len as f64).min(ls_max);
            let l = ((1.0 + rng.unit() * max_len).floor() as usize).clamp(1, len);
            let pc = tours.pos_of[c as usize] as usize;
            let lo = (pc + 1).saturating_sub(l).max(1);
            let hi = pc.min(len - l + 1);
            let start = lo + rng.below(hi - lo + 1);
            // Reloads in the string go with it (the trips around them become one).
            let from = self.removed.len();
            self.removed.extend(tours.routes[r].nodes[start..start + l].iter().filter(|&&c| !data.is_depot(c)));
            tours.remove_range(data, r, start, start + l - 1, stamp);
            if data.shipments {
                // The other halves of the removed shipments go with them.
                for k in from..self.removed.len() {
                    let q = data.partner[self.removed[k] as usize];
                    if q != NO_PARTNER && tours.assigned(q) {
                        let p = tours.pos_of[q as usize] as usize;
                        tours.remove_range(data, r, p, p, stamp);
                        self.removed.push(q);
                    }
                }
            }
            self.ruined.push(r);
        }
    }

    fn recreate(&mut self, data: &Data, tours: &mut Tours, eval: &Eval, rng: &mut Rng) {
        // SISR orders: random, largest demand first, farthest first, closest first.
        let depot = data.vtypes[0].start;
        let kind = rng.below(11);
        self.keys.clear();
        for &c in self.removed.iter().chain(&self.offered) {
            let key = match kind {
                0..=3 => rng.next_u64() as i64 >> 1,
                4..=7 => -(data.delivery[c as usize].iter().sum::<i64>() + data.pickup[c as usize].iter().sum::<i64>()),
                8..=9 => -data.d(depot, c),
                _ => data.d(depot, c),
            };
            self.keys.push((key, c));
        }
        self.keys.sort_unstable();
        self.costs.clear();
        self.costs.extend(tours.routes.iter().map(|r| eval.route_cost(data, r)));
        let keys = std::mem::take(&mut self.keys);
        for &(_, u) in &keys {
            let force = self.offered.contains(&u);
            insert_one(data, tours, eval, &mut self.costs, u, force, Some((rng, 0.01)));
        }
        self.keys = keys;
    }
}

/// Inserts `u` at its cheapest position if it is required, `force`d, or its prize pays for it;
/// keeps `costs` (per-route cost under `eval`) current. Returns whether it was inserted.
pub(crate) fn insert_one(
    data: &Data,
    tours: &mut Tours,
    eval: &Eval,
    costs: &mut [i64],
    u: u32,
    force: bool,
    blink: Option<(&mut Rng, f64)>,
) -> bool {
    if data.partner[u as usize] != NO_PARTNER {
        return insert_pair(data, tours, eval, costs, u, force, blink);
    }
    let Some(ins) = best_insertion(data, tours, eval, costs, u, blink) else {
        return false;
    };
    if !force && !data.required[u as usize] && ins.delta >= data.prize[u as usize] {
        return false;
    }
    let stamp = tours.tick();
    tours.insert_at(data, u, &ins, stamp);
    costs[ins.route] = eval.route_cost(data, &tours.routes[ins.route]);
    true
}
