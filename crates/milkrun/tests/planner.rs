//! The milk-run planner on the embedded demo and on random plants.
#![allow(clippy::unwrap_used)]

use milkrun::demo;
use milkrun::planner::{check_plan, PlanningStep, Service};
use milkrun::MilkRunPlanner;

#[test]
fn demo_plant_is_planned() {
    let (network, inbound) = demo::automotive_inbound().unwrap();
    let planner = MilkRunPlanner::builder().improvement_rounds(1).build();
    let t = std::time::Instant::now();
    let plan = planner
        .plan_with_progress(&network, &inbound, |p| {
            if let PlanningStep::Candidate { what, total, kept } = p {
                if *kept {
                    eprintln!("{what}: {total:?}");
                }
            }
        })
        .unwrap();
    eprintln!("{:?} in {:?}", plan.kpis, t.elapsed());
    for s in &plan.suppliers {
        eprintln!("{:?}", s);
    }
    eprintln!("issues {:?}", plan.issues);
    let report = check_plan(&network, &inbound, &plan);
    for v in &report.violations {
        eprintln!("VIOLATION {v}");
    }
    assert!(report.is_ok(), "{} violations", report.violations.len());
    assert_eq!(plan.services.len(), inbound.suppliers.len());
    assert!(plan.services.iter().any(|s| matches!(s, Service::MilkRun(_))));
}
