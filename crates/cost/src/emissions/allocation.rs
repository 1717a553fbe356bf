//! Allocation of transport emissions to shipments by mass × shortest feasible distance.

use milkrun_model::{Distance, Kilograms};

use super::carrier::Emissions;
use super::units::{Co2e, TonneKm};
use super::{non_negative, split_exact};
use crate::CostError;

/// A shipment to allocate emissions to.
///
/// # Units
/// `mass` in kilograms; `sfd` in metres.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shipment {
    /// The shipment's identifier, as the caller knows it.
    pub id: String,
    /// Mass of the freight.
    pub mass: Kilograms,
    /// Shortest feasible distance (SFD) from the shipment's origin to its destination for this
    /// transport chain element, given by the caller (not the distance the vehicle drove).
    pub sfd: Distance,
}

impl Shipment {
    /// A shipment of `mass` whose shortest feasible distance is `sfd`.
    #[must_use]
    pub fn new(id: impl Into<String>, mass: Kilograms, sfd: Distance) -> Self {
        Self { id: id.into(), mass, sfd }
    }
}

/// The emissions allocated to one shipment.
///
/// # Units
/// Emissions in kg CO2e; `transport_activity` = mass (t) × SFD (km).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShipmentEmissions {
    /// The shipment's identifier.
    pub id: String,
    /// Its mass.
    pub mass: Kilograms,
    /// Its shortest feasible distance.
    pub sfd: Distance,
    /// Its share of the total, in `[0, 1]`.
    pub share: f64,
    /// Its transport activity, mass × SFD: the allocation key.
    pub transport_activity: TonneKm,
    /// Its emissions.
    pub emissions: Emissions,
}

/// Allocates `total` (of a route, or of a transport operation category) to `shipments` in
/// proportion to mass × shortest feasible distance.
///
/// `share_i = m_i · SFD_i / Σ_j m_j · SFD_j`; WTW and TTW are each split with these shares and
/// WTT is `WTW − TTW` per shipment, so the allocated WTT sums to the total's WTT, which must
/// agree with its WTW and TTW.
///
/// # Arguments
/// - `total`: the emissions to allocate (for example [`RouteEmissions::emissions`](super::RouteEmissions)
///   or [`TocIntensity::emissions`](super::TocIntensity));
/// - `shipments`: the shipments carried, each with its mass and SFD.
///
/// # Returns
/// One entry per shipment, in order. The allocated WTW and TTW sum to the totals exactly up to
/// a rounding residual of a few ulps (added to the largest share), so within 1e-12 relative;
/// WTT within a few ulps more.
///
/// # Errors
/// [`CostError::InvalidInput`] when no shipment is given, two share an id, a mass is negative
/// or not finite, an SFD is negative, a part of the total is not finite or negative, the
/// total is inconsistent (TTW above WTW, or WTW ≠ TTW + WTT beyond 1e-9 relative, which
/// rounding in a sum of legs stays well within), or every shipment has zero mass × SFD (nothing to allocate by).
///
/// Rule for zero keys: a shipment with zero mass or zero SFD (origin and destination at the
/// same place) gets a zero share, and the others share the whole total.
///
/// # Complexity
/// O(n log n) time for the duplicate check, O(n) space.
///
/// # Reference
/// ISO 14083:2023, allocation of TOC emissions to transport chain elements: emissions of a TOC are allocated to the
/// transport chain elements it serves by transport activity, computed with the shortest
/// feasible distance (SFD); GLEC Framework v3.0, allocation to shipments.
pub fn allocate(total: Emissions, shipments: &[Shipment]) -> Result<Vec<ShipmentEmissions>, CostError> {
    check_total("allocation total", &total)?;
    let keys = transport_activities(shipments)?;
    let weights: Vec<f64> = keys.iter().map(|k| k.0).collect();
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Err(CostError::invalid(
            "allocation shipments",
            "every shipment has zero mass x shortest feasible distance: nothing to allocate by",
        ));
    }
    let wtw = split_exact(total.wtw.0, &weights);
    let ttw = split_exact(total.ttw.0, &weights);
    Ok(shipments
        .iter()
        .zip(keys)
        .zip(wtw.into_iter().zip(ttw))
        .map(|((s, key), (wtw, ttw))| ShipmentEmissions {
            id: s.id.clone(),
            mass: s.mass,
            sfd: s.sfd,
            share: key.0 / sum,
            transport_activity: key,
            emissions: Emissions { ttw: Co2e(ttw), wtt: Co2e(wtw - ttw), wtw: Co2e(wtw) },
        })
        .collect())
}

/// The relative tolerance on `wtw = ttw + wtt` when a total of emissions is checked: the sum of
/// many legs' emissions, each part added up apart, may differ from that identity by rounding.
pub(crate) const TOTAL_TOLERANCE: f64 = 1e-9;

/// Checks a total to split: each part finite and non-negative, `ttw ≤ wtw` and `wtw = ttw + wtt`
/// within [`TOTAL_TOLERANCE`] relative; `name` names it in errors.
pub(crate) fn check_total(name: &str, total: &Emissions) -> Result<(), CostError> {
    let wtw = non_negative(&format!("{name} wtw"), total.wtw.0, "kg CO2e")?;
    let ttw = non_negative(&format!("{name} ttw"), total.ttw.0, "kg CO2e")?;
    let wtt = non_negative(&format!("{name} wtt"), total.wtt.0, "kg CO2e")?;
    if ttw > wtw {
        return Err(CostError::invalid(
            format!("{name} ttw"),
            format!("{ttw} kg CO2e is above the well-to-wheel total {wtw} kg CO2e"),
        ));
    }
    let gap = (wtw - (ttw + wtt)).abs();
    if gap > TOTAL_TOLERANCE * wtw.max(ttw + wtt) {
        return Err(CostError::invalid(
            format!("{name} wtw"),
            format!("{wtw} kg CO2e is not ttw {ttw} + wtt {wtt} kg CO2e"),
        ));
    }
    Ok(())
}

/// Validates shipments and returns their mass × SFD.
fn transport_activities(shipments: &[Shipment]) -> Result<Vec<TonneKm>, CostError> {
    if shipments.is_empty() {
        return Err(CostError::invalid("allocation shipments", "none given"));
    }
    let mut ids: Vec<&str> = shipments.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(CostError::invalid(format!("shipment {}", w[0]), "id given twice"));
    }
    shipments
        .iter()
        .map(|s| {
            non_negative(&format!("shipment {} mass", s.id), s.mass.0, "kg")?;
            if s.sfd.0 < 0 {
                return Err(CostError::invalid(format!("shipment {} sfd", s.id), format!("negative: {} m", s.sfd.0)));
            }
            Ok(TonneKm::of(s.mass, s.sfd))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_shares() {
        // A: 1 000 kg × 50 km = 50 tkm; B: 3 000 kg × 100 km = 300 tkm; C: 0 kg → 0.
        // Σ = 350 tkm; WTW 70 → A 10, B 60, C 0. TTW 56 → A 8, B 48.
        let shipments = [
            Shipment::new("A", Kilograms(1000.0), Distance(50_000)),
            Shipment::new("B", Kilograms(3000.0), Distance(100_000)),
            Shipment::new("C", Kilograms(0.0), Distance(80_000)),
        ];
        let out = allocate(Emissions::new(Co2e(56.0), Co2e(14.0)), &shipments).unwrap();
        assert!((out[0].emissions.wtw.0 - 10.0).abs() < 1e-12);
        assert!((out[1].emissions.wtw.0 - 60.0).abs() < 1e-12);
        assert_eq!(out[2].emissions.wtw.0, 0.0);
        assert!((out[1].emissions.ttw.0 - 48.0).abs() < 1e-12);
        assert!((out[1].emissions.wtt.0 - 12.0).abs() < 1e-12);
        assert_eq!(out[1].transport_activity, TonneKm(300.0));
    }

    #[test]
    fn inconsistent_totals_are_refused() {
        let one = [Shipment::new("A", Kilograms(1000.0), Distance(1000))];
        // TTW 10 above WTW 8 would give the shipment a WTT of 8 − 10 = −2 kg.
        let ttw_above = Emissions { ttw: Co2e(10.0), wtt: Co2e(0.0), wtw: Co2e(8.0) };
        let err = allocate(ttw_above, &one);
        assert!(
            matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "allocation total ttw"),
            "{err:?}"
        );
        // WTW 12 with TTW 8 and WTT 2: 8 + 2 = 10 ≠ 12, the WTT given would be ignored.
        let mismatch = Emissions { ttw: Co2e(8.0), wtt: Co2e(2.0), wtw: Co2e(12.0) };
        let err = allocate(mismatch, &one);
        assert!(
            matches!(err, Err(CostError::InvalidInput { ref item, .. }) if item == "allocation total wtw"),
            "{err:?}"
        );
        // A negative WTT is refused by name.
        let negative = Emissions { ttw: Co2e(8.0), wtt: Co2e(-1.0), wtw: Co2e(7.0) };
        assert!(
            matches!(allocate(negative, &one), Err(CostError::InvalidInput { ref item, .. }) if item == "allocation total wtt")
        );
        // Rounding within 1e-9 relative passes: 0.1 + 0.2 is 0.30000000000000004, not 0.3.
        let rounded = Emissions { ttw: Co2e(0.1), wtt: Co2e(0.2), wtw: Co2e(0.3) };
        let out = allocate(rounded, &one).unwrap();
        assert_eq!(out[0].emissions.wtw, Co2e(0.3));
    }

    #[test]
    fn duplicate_ids_and_all_zero_keys_are_refused() {
        let dup = [Shipment::new("A", Kilograms(1.0), Distance(1)), Shipment::new("A", Kilograms(1.0), Distance(1))];
        assert!(
            matches!(allocate(Emissions::ZERO, &dup), Err(CostError::InvalidInput { ref item, .. }) if item == "shipment A")
        );
        let zero = [Shipment::new("A", Kilograms(0.0), Distance(1000))];
        assert!(allocate(Emissions::ZERO, &zero).is_err());
    }
}
