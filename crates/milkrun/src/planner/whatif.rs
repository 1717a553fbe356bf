//! What-if re-planning: the plan after a change (consumption, a supplier added or removed, the
//! fleet), keeping what did not change where that costs little. See
//! [`MilkRunPlanner::replan_with_progress`].

use std::collections::HashMap;

use milkrun_model::{Money, Problem, SiteId};

use super::{
    assign_slots, rank, reslot, unloadable, Budget, Ctx, Effort, Inbound, Loop, MilkRunPlan, MilkRunPlanner,
    MilkRunPlannerBuilder, PlanningStep, Service,
};
use crate::error::Error;

/// A re-planned cycle and what changed against the previous plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Replan {
    /// The new plan.
    pub plan: MilkRunPlan,
    /// What changed.
    pub changes: PlanChanges,
    /// Whether the plan is the fresh one (the stable plan cost more than the tolerance above
    /// it, or had more issues).
    pub fresh: bool,
    /// Total per week of the stable plan (the one kept when `fresh` is false).
    pub stable_total: Money,
    /// Total per week of the fresh plan, if one was made.
    pub fresh_total: Option<Money>,
}

/// How a supplier's service changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierChange {
    /// The supplier's site.
    pub site: SiteId,
    /// Service and (day, wave) pickup slots before; `None` for a supplier added.
    pub before: Option<(Service, Vec<(u32, usize)>)>,
    /// Service and slots after; `None` for a supplier removed.
    pub after: Option<(Service, Vec<(u32, usize)>)>,
}

/// What a re-plan changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanChanges {
    /// Suppliers added, removed, or with another service or other pickup slots, by site.
    pub suppliers: Vec<SupplierChange>,
    /// Loops of the new plan identical to one of the previous plan: same day, wave, vehicle
    /// type and suppliers in the same order.
    pub loops_kept: usize,
    /// Loops of the new plan on a (day, wave) that had loops before, but not identical.
    pub loops_changed: usize,
    /// Loops of the new plan on a (day, wave) without loops before.
    pub loops_added: usize,
    /// Previous loops with no identical loop in the new plan.
    pub loops_dropped: usize,
    /// Total per week before.
    pub total_before: Money,
    /// Total per week after.
    pub total_after: Money,
}

impl PlanChanges {
    /// Whether nothing a supplier or a driver sees has changed.
    #[must_use]
    pub fn is_unchanged(&self) -> bool {
        self.suppliers.is_empty() && self.loops_changed == 0 && self.loops_added == 0 && self.loops_dropped == 0
    }
}

impl MilkRunPlannerBuilder {
    /// When re-planning, the fresh plan replaces the stable one only if it is cheaper by more
    /// than this fraction of the stable plan's total (default 0.02). `f64::INFINITY` keeps
    /// the stable plan without making a fresh one (faster).
    #[must_use]
    pub fn replan_tolerance(mut self, fraction: f64) -> Self {
        self.planner.replan_tolerance = fraction;
        self
    }
}

impl MilkRunPlanner {
    /// Re-plans after a change: see [`MilkRunPlanner::replan_with_progress`].
    ///
    /// # Errors
    /// As [`MilkRunPlanner::replan_with_progress`].
    pub fn replan(
        &self,
        network: &Problem,
        inbound: &Inbound,
        before: &Inbound,
        previous: &MilkRunPlan,
    ) -> Result<Replan, Error> {
        self.replan_with_progress(network, inbound, before, previous, |_| {})
    }

    /// Re-plans `inbound` on `network` after a change, starting from `previous`, the plan made
    /// for `before`.
    ///
    /// # Method
    /// 1. **Keep**: every supplier of the previous plan (matched by site) keeps its service and its
    ///    (day, wave) slots if its input is unchanged and they still fit (the frequency is still
    ///    one it can be given, the days are open, the waves reach it). A supplier whose input
    ///    changed keeps them too if they fit, as a starting point.
    /// 2. **Re-decide**: new suppliers get the planner's starting frequency, suppliers whose slots
    ///    no longer fit the nearest frequency that does, placed where they level the loads; then
    ///    the planner's improvement (direct or milk run, neighbouring frequencies) runs over the
    ///    changed suppliers only, and the storage repair over all.
    /// 3. **Route from the previous loops**: each (day, wave) is routed by the engine starting from
    ///    the previous plan's loops of that (day, wave) (gone suppliers left out, new ones inserted
    ///    by the engine), so a loop changes only where the engine finds a cheaper one.
    /// 4. **Stable or fresh**: a fresh plan is made as well; it replaces the stable one only if
    ///    it is cheaper by more than the tolerance ([`MilkRunPlannerBuilder::replan_tolerance`],
    ///    default 2 %) or ranks better on issues (fewer pickups unrouted, fewer container
    ///    places over the storage limits). With a time limit, each of the two plans gets it.
    ///
    /// [`Replan::changes`] lists what moved for the people who run the plan: suppliers whose
    /// service or pickup slots changed, and the loops kept, changed, added and dropped.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `previous` does not fit `before` (a service or pickup per
    /// supplier of `before`, pickups naming its suppliers) or a tolerance that is negative or
    /// NaN; otherwise as [`MilkRunPlanner::plan_with_progress`].
    pub fn replan_with_progress(
        &self,
        network: &Problem,
        inbound: &Inbound,
        before: &Inbound,
        previous: &MilkRunPlan,
        mut progress: impl FnMut(&PlanningStep),
    ) -> Result<Replan, Error> {
        let started = std::time::Instant::now();
        let invalid = |item: &str, reason: String| Error::InvalidInput { item: item.into(), reason };
        if self.replan_tolerance.is_nan() || self.replan_tolerance < 0.0 {
            return Err(invalid("replan tolerance", format!("{} is not a fraction >= 0", self.replan_tolerance)));
        }
        if previous.services.len() != before.suppliers.len() {
            return Err(invalid(
                "previous plan",
                format!(
                    "{} services for the {} suppliers of the inbound it was planned for",
                    previous.services.len(),
                    before.suppliers.len()
                ),
            ));
        }
        let mut old_slots: Vec<Vec<(u32, usize)>> = vec![Vec::new(); before.suppliers.len()];
        for (k, p) in previous.pickups.iter().enumerate() {
            let slots = old_slots
                .get_mut(p.supplier)
                .ok_or_else(|| invalid("previous plan", format!("pickup {k} names supplier {}", p.supplier)))?;
            slots.push((p.day, p.wave));
        }
        let ctx = self.context(network, inbound)?;
        let by_site: HashMap<SiteId, usize> = before.suppliers.iter().enumerate().map(|(b, s)| (s.site, b)).collect();
        let same_cycle = before.cycle == inbound.cycle;

        // 1-2. Keep what fits, re-decide the rest.
        let mut schedule = assign_slots(&ctx, ctx.suppliers.iter().map(|s| Service::MilkRun(s.options[0].0)).collect());
        let mut movable = vec![true; ctx.suppliers.len()];
        let mut placed = vec![false; ctx.suppliers.len()];
        for (s, supplier) in inbound.suppliers.iter().enumerate() {
            let Some(&b) = by_site.get(&supplier.site) else { continue };
            let service = previous.services[b];
            let slots = &old_slots[b];
            if same_cycle && fits(&ctx, s, service, slots) {
                schedule.services[s] = service;
                schedule.slots[s] = slots.clone();
                placed[s] = true;
                movable[s] = before.suppliers[b] != *supplier;
            }
        }
        // The others, placed one by one around those kept: the nearest allowed frequency to
        // their previous one (same way of shipping), else the starting frequency.
        for s in 0..ctx.suppliers.len() {
            if placed[s] {
                continue;
            }
            let wanted = by_site.get(&inbound.suppliers[s].site).map(|&b| previous.services[b]);
            let options = &ctx.suppliers[s].options;
            let service = match wanted {
                Some(old) => {
                    let target = i64::from(old.frequency().per_week());
                    let f = options
                        .iter()
                        .min_by_key(|o| ((i64::from(o.0.per_week()) - target).abs(), o.0))
                        .map_or(options[0].0, |o| o.0);
                    match old {
                        Service::MilkRun(_) => Service::MilkRun(f),
                        Service::Direct(_) => Service::Direct(f),
                    }
                }
                None => Service::MilkRun(options[0].0),
            };
            // Level against the suppliers placed so far only.
            let mut partial = schedule.clone();
            for (t, done) in placed.iter().enumerate() {
                if !done {
                    partial.slots[t].clear();
                }
            }
            schedule.services[s] = service;
            schedule.slots[s] = reslot(&ctx, &partial, s, service).slots[s].clone();
            placed[s] = true;
        }
        progress(&PlanningStep::Frequencies {
            milk_run: schedule.services.iter().filter(|s| matches!(s, Service::MilkRun(_))).count(),
        });

        // Warm loops: the previous plan's, per (day, wave) and truck, by site (same cycle
        // only).
        let mut warm = super::WarmLoops::new();
        if same_cycle {
            // (day, wave, vehicle type, truck) -> its loops, in the order the plan lists trucks.
            let mut order = Vec::new();
            let mut trucks: HashMap<(u32, usize, usize, u32), Vec<&Loop>> = HashMap::new();
            for l in &previous.loops {
                let key = (l.day, l.wave, l.vehicle_type.index(), l.vehicle);
                let mine = trucks.entry(key).or_insert_with(|| {
                    order.push(key);
                    Vec::new()
                });
                mine.push(l);
            }
            for key in order {
                let mut loops = trucks.remove(&key).unwrap_or_default();
                loops.sort_by_key(|l| l.departure);
                let sites = loops.iter().map(|l| l.stops.iter().map(|st| st.site).collect()).collect();
                warm.entry((key.0, key.1)).or_default().push((key.2, sites));
            }
        }
        let mut quick = Effort::new(self.quick_iterations(), false);
        quick.warm = warm.clone();
        let first = self.evaluate(&ctx, &schedule, &mut quick, false)?;
        let budget = Budget { started, limit: self.time_limit, week: started.elapsed(), screens: 0 };
        progress(&PlanningStep::Candidate {
            what: "previous plan, adapted".into(),
            total: first.kpis.total,
            kept: true,
        });
        let (schedule, _) = self.improve(&ctx, schedule, rank(&first), &movable, &mut quick, &budget, &mut progress)?;
        let mut full = Effort::new(self.iterations, true);
        full.warm = warm;
        full.deadline = budget.deadline(0.0);
        self.finalist(&ctx, &schedule, &mut quick, &mut full)?;
        let stable = self.evaluate(&ctx, &schedule, &mut full, true)?;
        progress(&PlanningStep::Candidate {
            what: "stable plan, full effort".into(),
            total: stable.kpis.total,
            kept: true,
        });

        // 4. Stable or fresh.
        let stable_total = stable.kpis.total;
        let (plan, fresh, fresh_total) = if self.replan_tolerance.is_finite() {
            let fresh = self.plan_with_progress(network, inbound, &mut progress)?;
            let fresh_total = fresh.kpis.total;
            let threshold = stable_total.get() as f64 * (1.0 - self.replan_tolerance);
            let (a, b) = (rank(&fresh), rank(&stable));
            let take = (a.0, a.1) < (b.0, b.1) || ((a.0, a.1) == (b.0, b.1) && (fresh_total.get() as f64) < threshold);
            progress(&PlanningStep::Candidate { what: "fresh plan".into(), total: fresh_total, kept: take });
            if take {
                (fresh, true, Some(fresh_total))
            } else {
                (stable, false, Some(fresh_total))
            }
        } else {
            (stable, false, None)
        };
        let changes = changes(before, previous, &old_slots, inbound, &plan);
        Ok(Replan { plan, changes, fresh, stable_total, fresh_total })
    }
}

/// Whether supplier `s` can keep `service` on `slots` under the new input.
fn fits(ctx: &Ctx<'_>, s: usize, service: Service, slots: &[(u32, usize)]) -> bool {
    let info = &ctx.suppliers[s];
    let f = service.frequency();
    if !info.options.iter().any(|o| o.0 == f) || slots.len() != f.per_week() as usize {
        return false;
    }
    slots.iter().all(|&(d, w)| info.days.contains(&d) && info.windows.get(w).is_some_and(Option::is_some))
        && unloadable(ctx, s, slots) == 0
}

/// What changed from `previous` (planned for `before`) to `plan` (for `inbound`).
fn changes(
    before: &Inbound,
    previous: &MilkRunPlan,
    old_slots: &[Vec<(u32, usize)>],
    inbound: &Inbound,
    plan: &MilkRunPlan,
) -> PlanChanges {
    let mut new_slots: Vec<Vec<(u32, usize)>> = vec![Vec::new(); inbound.suppliers.len()];
    for p in &plan.pickups {
        if let Some(slots) = new_slots.get_mut(p.supplier) {
            slots.push((p.day, p.wave));
        }
    }
    let sorted = |v: &[(u32, usize)]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v
    };
    let mut suppliers = Vec::new();
    for (b, s) in before.suppliers.iter().enumerate() {
        let was = (previous.services[b], sorted(&old_slots[b]));
        let now =
            inbound.suppliers.iter().position(|x| x.site == s.site).map(|k| (plan.services[k], sorted(&new_slots[k])));
        if now.as_ref() != Some(&was) {
            suppliers.push(SupplierChange { site: s.site, before: Some(was), after: now });
        }
    }
    for (k, s) in inbound.suppliers.iter().enumerate() {
        if !before.suppliers.iter().any(|x| x.site == s.site) {
            suppliers.push(SupplierChange {
                site: s.site,
                before: None,
                after: Some((plan.services[k], sorted(&new_slots[k]))),
            });
        }
    }
    type Shape = (u32, usize, usize, Vec<SiteId>);
    let shape = |l: &super::Loop| -> Shape {
        (l.day, l.wave, l.vehicle_type.index(), l.stops.iter().map(|st| st.site).collect())
    };
    let mut old: Vec<Option<Shape>> = previous.loops.iter().map(|l| Some(shape(l))).collect();
    let old_slots_used: std::collections::HashSet<(u32, usize)> =
        previous.loops.iter().map(|l| (l.day, l.wave)).collect();
    let mut out = PlanChanges {
        suppliers,
        total_before: previous.kpis.total,
        total_after: plan.kpis.total,
        ..PlanChanges::default()
    };
    for l in &plan.loops {
        let here = shape(l);
        if let Some(m) = old.iter_mut().find(|o| o.as_ref() == Some(&here)) {
            *m = None;
            out.loops_kept += 1;
        } else if old_slots_used.contains(&(l.day, l.wave)) {
            out.loops_changed += 1;
        } else {
            out.loops_added += 1;
        }
    }
    out.loops_dropped = old.iter().filter(|o| o.is_some()).count();
    out
}
