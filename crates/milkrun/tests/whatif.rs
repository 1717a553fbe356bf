//! What-if re-planning of the milk-run planner: changes of consumption, suppliers and fleet on
//! the embedded demo plant. Every plan is verified by the independent plan checker.
#![allow(clippy::unwrap_used)]

use milkrun::demo;
use milkrun::planner::{check_plan, Inbound, MilkRunPlan, PlanChanges, Service};
use milkrun::{Error, MilkRunPlanner, Problem};

fn assert_checked(network: &Problem, inbound: &Inbound, plan: &MilkRunPlan) {
    let report = check_plan(network, inbound, plan);
    assert!(report.is_ok(), "{report}");
}

fn planner(tolerance: f64) -> MilkRunPlanner {
    MilkRunPlanner::builder().iterations(100).max_candidates(20).replan_tolerance(tolerance).build()
}

/// Sum of the loops' variable cost, a proxy of how good the routes are.
fn loop_cost(plan: &MilkRunPlan) -> i64 {
    plan.loops.iter().map(|l| l.variable_cost.get()).sum()
}

fn loops_account(changes: &PlanChanges, before: &MilkRunPlan, after: &MilkRunPlan) {
    assert_eq!(changes.loops_kept + changes.loops_changed + changes.loops_added, after.loops.len());
    assert_eq!(changes.loops_kept + changes.loops_dropped, before.loops.len());
}

#[test]
fn nothing_changed_keeps_every_supplier_and_no_loop_gets_dearer() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let p = planner(f64::INFINITY);
    let previous = p.plan(&network, &inbound).unwrap();
    let replan = p.replan(&network, &inbound, &inbound, &previous).unwrap();
    assert_checked(&network, &inbound, &replan.plan);
    assert!(!replan.fresh && replan.fresh_total.is_none());
    assert!(replan.changes.suppliers.is_empty(), "{:?}", replan.changes.suppliers);
    assert_eq!(replan.plan.services, previous.services);
    loops_account(&replan.changes, &previous, &replan.plan);
    // Routing starts from the previous loops: a loop changes only for a cheaper one.
    assert!(loop_cost(&replan.plan) <= loop_cost(&previous), "{} > {}", loop_cost(&replan.plan), loop_cost(&previous));
    assert!(replan.changes.loops_kept * 10 >= previous.loops.len() * 8, "{:?}", replan.changes);
}

#[test]
fn more_consumption_at_one_supplier_moves_only_that_supplier() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let p = planner(f64::INFINITY);
    let previous = p.plan(&network, &inbound).unwrap();
    let mut busier = inbound.clone();
    let changed = 3;
    for part in &mut busier.suppliers[changed].parts {
        part.per_day *= 1.6;
        part.max_containers = part.max_containers * 8 / 5 + 1;
    }
    let replan = p.replan(&network, &busier, &inbound, &previous).unwrap();
    assert_checked(&network, &busier, &replan.plan);
    for (s, (now, was)) in replan.plan.services.iter().zip(&previous.services).enumerate() {
        if s != changed {
            assert_eq!(now, was, "supplier {s} was not changed");
        }
    }
    for c in &replan.changes.suppliers {
        assert_eq!(c.site, busier.suppliers[changed].site, "{c:?}");
    }
    // The supplier collects 60 % more: its pickups carry more.
    let collected = |plan: &MilkRunPlan| -> u32 {
        plan.pickups.iter().filter(|k| k.supplier == changed).flat_map(|k| &k.parts).map(|q| q.containers).sum()
    };
    assert!(collected(&replan.plan) > collected(&previous));
    loops_account(&replan.changes, &previous, &replan.plan);
}

#[test]
fn adding_and_removing_a_supplier() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let p = planner(f64::INFINITY);
    let mut without = inbound.clone();
    let gone = without.suppliers.remove(7);
    let previous = p.plan(&network, &without).unwrap();

    // Added: the new supplier appears, the others keep their service, except one whose part
    // no longer fits its storage at the new arrival times (it gets the next higher frequency,
    // as documented, and is reported as changed).
    let added = p.replan(&network, &inbound, &without, &previous).unwrap();
    assert_checked(&network, &inbound, &added.plan);
    let new = added.changes.suppliers.iter().find(|c| c.site == gone.site).unwrap();
    assert!(new.before.is_none());
    let (service, slots) = new.after.clone().unwrap();
    assert_eq!(slots.len(), service.frequency().per_week() as usize);
    let mut moved = 0;
    for (k, s) in without.suppliers.iter().enumerate() {
        let now = inbound.suppliers.iter().position(|x| x.site == s.site).unwrap();
        let (before, after) = (previous.services[k], added.plan.services[now]);
        if after != before {
            moved += 1;
            assert!(after.frequency().per_week() > before.frequency().per_week(), "supplier at {:?}", s.site);
            assert!(added.changes.suppliers.iter().any(|c| c.site == s.site), "supplier at {:?}", s.site);
        }
    }
    assert!(moved <= 2, "{moved} suppliers changed service");
    loops_account(&added.changes, &previous, &added.plan);

    // Removed again: it is reported gone and never collected.
    let removed = p.replan(&network, &without, &inbound, &added.plan).unwrap();
    assert_checked(&network, &without, &removed.plan);
    let c = removed.changes.suppliers.iter().find(|c| c.site == gone.site).unwrap();
    assert!(c.before.is_some() && c.after.is_none());
    assert!(removed.plan.loops.iter().all(|l| l.stops.iter().all(|st| st.site != gone.site)));
}

#[test]
fn a_smaller_fleet_is_replanned_and_checked() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let p = planner(f64::INFINITY);
    let previous = p.plan(&network, &inbound).unwrap();
    // Every vehicle type loses a fifth of its pallet places.
    let mut data = network.data().clone();
    for v in &mut data.vehicle_types {
        let mut amounts = v.capacity.amounts().to_vec();
        amounts[1] = amounts[1] * 4 / 5;
        v.capacity = milkrun::model::Load::new(amounts);
    }
    let smaller = data.validate().unwrap();
    let replan = p.replan(&smaller, &inbound, &inbound, &previous).unwrap();
    assert_checked(&smaller, &inbound, &replan.plan);
    loops_account(&replan.changes, &previous, &replan.plan);
}

#[test]
fn the_fresh_plan_is_taken_only_when_cheaper_beyond_the_tolerance() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let mut busier = inbound.clone();
    for s in &mut busier.suppliers[..10] {
        for part in &mut s.parts {
            part.per_day *= 0.5;
        }
    }
    let previous = planner(f64::INFINITY).plan(&network, &inbound).unwrap();
    for tolerance in [0.0, 0.5] {
        let replan = planner(tolerance).replan(&network, &busier, &inbound, &previous).unwrap();
        assert_checked(&network, &busier, &replan.plan);
        let fresh = replan.fresh_total.unwrap();
        let stable = replan.stable_total.get() as f64;
        if replan.fresh {
            assert_eq!(replan.plan.kpis.total, fresh);
        } else {
            assert_eq!(replan.plan.kpis.total, replan.stable_total);
            assert!(fresh.get() as f64 >= stable * (1.0 - tolerance) || !replan.plan.issues.is_empty());
        }
        assert_eq!(replan.changes.total_after, replan.plan.kpis.total);
    }
}

#[test]
fn a_plan_that_does_not_fit_its_inbound_is_refused() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let p = planner(f64::INFINITY);
    let previous = p.plan(&network, &inbound).unwrap();
    let mut fewer = inbound.clone();
    fewer.suppliers.truncate(5);
    let err = p.replan(&network, &inbound, &fewer, &previous).unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { item, .. } if item == "previous plan"), "{err}");
    let err = planner(-0.1).replan(&network, &inbound, &inbound, &previous).unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { item, .. } if item == "replan tolerance"), "{err}");
    assert!(matches!(previous.services[0], Service::MilkRun(_) | Service::Direct(_)));
}
