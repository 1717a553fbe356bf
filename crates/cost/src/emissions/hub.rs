//! Hub operations (cross-docks, transshipment): emissions per tonne handled, allocated to the
//! shipments passing through by mass.

use milkrun_model::{EnergyCarrier, Kilograms};

use super::allocation::TOTAL_TOLERANCE;
use super::carrier::{CarrierRegistry, Emissions};
use super::non_negative;
use super::toc::CarrierUse;
use super::units::{Co2e, Co2ePerTonne, TonneKm};
use crate::CostError;

/// The kind of hub, as iLEAP names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HubType {
    /// Goods are moved between vehicles without storage (cross-dock).
    Transshipment,
    /// Transshipment with temporary storage.
    StorageAndTransshipment,
    /// Warehouse.
    Warehouse,
    /// Liquid bulk terminal.
    LiquidBulkTerminal,
    /// Maritime container terminal.
    MaritimeContainerTerminal,
}

/// Energy a hub used over a reporting period, of one carrier.
///
/// # Units
/// `quantity` in the carrier's unit.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HubEnergyUse {
    /// The carrier (grid electricity, diesel for yard tractors, gas for heating...).
    pub carrier: EnergyCarrier,
    /// The amount used over the period.
    pub quantity: f64,
}

/// How a hub's emission intensity is obtained.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HubMethod {
    /// Energy-based: the energy used over a period and the freight handled in it.
    Energy {
        /// Energy used, per carrier.
        uses: Vec<HubEnergyUse>,
        /// Freight handled over the same period, in tonnes (each tonne counted once per pass).
        tonnes_handled: f64,
    },
    /// Intensity-based: a given intensity (a GLEC default, or the operator's own figure).
    Intensity {
        /// Well-to-wheel intensity.
        wtw_per_tonne: Co2ePerTonne,
        /// Tank-to-wheel part of it.
        ttw_per_tonne: Co2ePerTonne,
    },
}

/// A hub operation category (HOC): one kind of operation at one or more hubs.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HubOperation {
    /// The HOC's identifier.
    pub id: String,
    /// The kind of hub.
    pub hub_type: HubType,
    /// How its intensity is obtained.
    pub method: HubMethod,
}

/// The emission intensity of a hub operation category.
///
/// # Units
/// kg CO2e per tonne handled.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HubIntensity {
    /// The HOC's identifier.
    pub id: String,
    /// The kind of hub.
    pub hub_type: HubType,
    /// Well-to-wheel intensity.
    pub wtw_per_tonne: Co2ePerTonne,
    /// Tank-to-wheel intensity.
    pub ttw_per_tonne: Co2ePerTonne,
    /// Well-to-tank intensity, `wtw − ttw`.
    pub wtt_per_tonne: Co2ePerTonne,
    /// The carriers used (energy-based method only; empty for a given intensity).
    pub carriers: Vec<CarrierUse>,
}

impl HubIntensity {
    /// Checks the intensities, as [`allocate_hub`] does before using them (the fields are
    /// public, and a value may come from elsewhere than [`HubOperation::intensity`]): each
    /// finite and non-negative, TTW at most WTW, and WTW = TTW + WTT within 1e-9 relative.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the HOC and the field (`hoc xdock ttw_per_tonne`).
    pub fn validate(&self) -> Result<(), CostError> {
        let name = format!("hoc {}", self.id);
        let per = "kg CO2e/t";
        let wtw = non_negative(&format!("{name} wtw_per_tonne"), self.wtw_per_tonne.0, per)?;
        let ttw = non_negative(&format!("{name} ttw_per_tonne"), self.ttw_per_tonne.0, per)?;
        let wtt = non_negative(&format!("{name} wtt_per_tonne"), self.wtt_per_tonne.0, per)?;
        if ttw > wtw {
            return Err(CostError::invalid(
                format!("{name} ttw_per_tonne"),
                format!("{ttw} is above wtw_per_tonne {wtw}"),
            ));
        }
        if (wtw - (ttw + wtt)).abs() > TOTAL_TOLERANCE * wtw.max(ttw + wtt) {
            return Err(CostError::invalid(
                format!("{name} wtw_per_tonne"),
                format!("{wtw} is not ttw_per_tonne {ttw} + wtt_per_tonne {wtt}"),
            ));
        }
        Ok(())
    }
}

impl HubOperation {
    /// The category's emission intensity per tonne handled.
    ///
    /// Energy-based: `Σ energy × factor / tonnes handled`, for WTW, TTW and WTT.
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the HOC when a quantity is negative or not finite,
    /// no energy use is given, the tonnes handled are not positive, or a given TTW intensity
    /// exceeds the WTW one; [`CostError::Unknown`] for a carrier without factors.
    ///
    /// # Complexity
    /// O(uses × carriers).
    ///
    /// # Reference
    /// ISO 14083:2023, hub operation categories (HOC emissions over HOC throughput);
    /// GLEC Framework v3.0, logistics sites (hubs).
    pub fn intensity(&self, carriers: &CarrierRegistry) -> Result<HubIntensity, CostError> {
        let name = format!("hoc {}", self.id);
        let (wtw, ttw, uses) = match &self.method {
            HubMethod::Energy { uses, tonnes_handled } => {
                if uses.is_empty() {
                    return Err(CostError::invalid(format!("{name} energy"), "no energy use given"));
                }
                non_negative(&format!("{name} tonnes_handled"), *tonnes_handled, "t")?;
                if *tonnes_handled == 0.0 {
                    return Err(CostError::invalid(format!("{name} tonnes_handled"), "must be positive, got 0 t"));
                }
                let mut out: Vec<CarrierUse> = Vec::with_capacity(uses.len());
                for (i, u) in uses.iter().enumerate() {
                    non_negative(&format!("{name} energy {i} quantity"), u.quantity, "")?;
                    let factors = carriers.get(&u.carrier)?;
                    let emissions = factors.emissions(u.quantity);
                    match out.iter_mut().find(|c| c.factors == *factors) {
                        Some(c) => {
                            c.energy += u.quantity;
                            c.emissions += emissions;
                        }
                        None => out.push(CarrierUse {
                            factors: factors.clone(),
                            energy: u.quantity,
                            emissions,
                            tonne_km: TonneKm::ZERO,
                        }),
                    }
                }
                let total: Emissions = out.iter().map(|c| c.emissions).sum();
                (total.wtw.0 / tonnes_handled, total.ttw.0 / tonnes_handled, out)
            }
            HubMethod::Intensity { wtw_per_tonne, ttw_per_tonne } => {
                non_negative(&format!("{name} wtw_per_tonne"), wtw_per_tonne.0, "kg CO2e/t")?;
                non_negative(&format!("{name} ttw_per_tonne"), ttw_per_tonne.0, "kg CO2e/t")?;
                if ttw_per_tonne.0 > wtw_per_tonne.0 {
                    return Err(CostError::invalid(
                        format!("{name} ttw_per_tonne"),
                        format!("{} is above wtw_per_tonne {}", ttw_per_tonne.0, wtw_per_tonne.0),
                    ));
                }
                (wtw_per_tonne.0, ttw_per_tonne.0, Vec::new())
            }
        };
        Ok(HubIntensity {
            id: self.id.clone(),
            hub_type: self.hub_type,
            wtw_per_tonne: Co2ePerTonne(wtw),
            ttw_per_tonne: Co2ePerTonne(ttw),
            wtt_per_tonne: Co2ePerTonne(wtw - ttw),
            carriers: uses,
        })
    }
}

/// A shipment passing through a hub.
///
/// # Units
/// `mass` in kilograms.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HubShipment {
    /// The shipment's identifier.
    pub id: String,
    /// Its mass.
    pub mass: Kilograms,
}

/// The hub emissions allocated to one shipment.
///
/// # Units
/// kg CO2e.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HubShipmentEmissions {
    /// The shipment's identifier.
    pub id: String,
    /// Its mass.
    pub mass: Kilograms,
    /// Its emissions at the hub.
    pub emissions: Emissions,
}

/// Allocates hub emissions to the shipments passing through, by mass: each gets the intensity
/// times its mass in tonnes.
///
/// When the shipments are the hub's whole throughput of the period the intensity was measured
/// over, the allocated emissions sum to the hub's total (up to rounding).
///
/// # Errors
/// [`CostError::InvalidInput`] when the intensity is invalid (see [`HubIntensity::validate`]),
/// no shipment is given or a mass is negative or not finite.
///
/// # Complexity
/// O(shipments).
///
/// # Reference
/// ISO 14083:2023, allocation of hub emissions by mass handled; GLEC Framework v3.0,
/// logistics sites (hubs).
pub fn allocate_hub(
    intensity: &HubIntensity,
    shipments: &[HubShipment],
) -> Result<Vec<HubShipmentEmissions>, CostError> {
    intensity.validate()?;
    if shipments.is_empty() {
        return Err(CostError::invalid(format!("hoc {} shipments", intensity.id), "none given"));
    }
    shipments
        .iter()
        .map(|s| {
            non_negative(&format!("shipment {} mass", s.id), s.mass.0, "kg")?;
            let tonnes = s.mass.0 / 1000.0;
            Ok(HubShipmentEmissions {
                id: s.id.clone(),
                mass: s.mass,
                emissions: Emissions::new(
                    Co2e(intensity.ttw_per_tonne.0 * tonnes),
                    Co2e(intensity.wtt_per_tonne.0 * tonnes),
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_based_intensity_hand_worked() {
        // 1 000 kWh of UK grid electricity: TTW 0, WTT 1 000 × 0.24540 = 245.40 kg CO2e,
        // plus 10 l of pump diesel: TTW 25.7082, WTT 6.1101.
        // WTW = 245.40 + 31.8183 = 277.2183 kg over 500 t handled = 0.5544366 kg CO2e/t.
        let hoc = HubOperation {
            id: "xdock".into(),
            hub_type: HubType::Transshipment,
            method: HubMethod::Energy {
                uses: vec![
                    HubEnergyUse { carrier: EnergyCarrier::Electricity, quantity: 1000.0 },
                    HubEnergyUse { carrier: EnergyCarrier::Diesel, quantity: 10.0 },
                ],
                tonnes_handled: 500.0,
            },
        };
        let i = hoc.intensity(&CarrierRegistry::default()).unwrap();
        assert!((i.wtw_per_tonne.0 - 0.5544366).abs() < 1e-12, "{:?}", i.wtw_per_tonne);
        assert!((i.ttw_per_tonne.0 - 25.7082 / 500.0).abs() < 1e-12);
        let out = allocate_hub(&i, &[HubShipment { id: "A".into(), mass: Kilograms(2000.0) }]).unwrap();
        // 2 t × 0.5544366 = 1.1088732 kg CO2e.
        assert!((out[0].emissions.wtw.0 - 1.1088732).abs() < 1e-12);
    }

    #[test]
    fn allocate_hub_refuses_an_invalid_intensity() {
        let good = HubIntensity {
            id: "x".into(),
            hub_type: HubType::Transshipment,
            wtw_per_tonne: Co2ePerTonne(2.0),
            ttw_per_tonne: Co2ePerTonne(0.5),
            wtt_per_tonne: Co2ePerTonne(1.5),
            carriers: Vec::new(),
        };
        let one = [HubShipment { id: "A".into(), mass: Kilograms(1000.0) }];
        assert!(allocate_hub(&good, &one).is_ok());
        let item = |i: HubIntensity| match allocate_hub(&i, &one) {
            Err(CostError::InvalidInput { item, .. }) => item,
            other => panic!("{other:?}"),
        };
        // NaN TTW would give the shipment NaN emissions.
        assert_eq!(item(HubIntensity { ttw_per_tonne: Co2ePerTonne(f64::NAN), ..good.clone() }), "hoc x ttw_per_tonne");
        // TTW 3 above WTW 2.
        assert_eq!(item(HubIntensity { ttw_per_tonne: Co2ePerTonne(3.0), ..good.clone() }), "hoc x ttw_per_tonne");
        // 0.5 + 1.0 = 1.5 ≠ 2.
        assert_eq!(item(HubIntensity { wtt_per_tonne: Co2ePerTonne(1.0), ..good.clone() }), "hoc x wtw_per_tonne");
        assert_eq!(item(HubIntensity { wtt_per_tonne: Co2ePerTonne(-1.5), ..good }), "hoc x wtt_per_tonne");
    }

    #[test]
    fn ttw_above_wtw_is_refused() {
        let hoc = HubOperation {
            id: "h".into(),
            hub_type: HubType::Warehouse,
            method: HubMethod::Intensity { wtw_per_tonne: Co2ePerTonne(1.0), ttw_per_tonne: Co2ePerTonne(2.0) },
        };
        assert!(
            matches!(hoc.intensity(&CarrierRegistry::empty()), Err(CostError::InvalidInput { ref item, .. }) if item == "hoc h ttw_per_tonne")
        );
    }
}
