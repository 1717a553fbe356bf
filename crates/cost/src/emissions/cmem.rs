//! The Comprehensive Modal Emissions Model (CMEM) as used in the Pollution-Routing Problem.

use milkrun_model::{Distance, EnergyCarrier, EnergyProfile, Kilograms};

use super::non_negative;
use super::units::MetresPerSecond;
use crate::CostError;

/// Parameters of the Comprehensive Modal Emissions Model for a heavy-duty diesel vehicle, with
/// the published defaults of the Pollution-Routing Problem.
///
/// The fuel used on an arc of length `d` driven at constant speed `v` with total mass
/// `M = kerb + load` on a road of angle `θ` is
///
/// ```text
/// F = λ · ( k·N·V · d/v  +  γ · (α·M·d + β·d·v²) )          [litres]
/// λ = ξ / (κ·ψ),  γ = 1 / (1000·n_tf·η),  α = τ + g·sin θ + g·C_r·cos θ,  β = ½·C_d·ρ·A
/// ```
///
/// with no acceleration (`τ = 0`). The first term is the engine-friction (idle) part, the second
/// the traction part; on a downhill arc where `α·M + β·v²` is negative the traction part is
/// taken as zero (no energy is recovered), so fuel never falls below the engine term.
///
/// # Units
/// SI as listed on each field; the model returns litres of fuel.
///
/// # Reference
/// - M. Barth, T. Younglove, G. Scora (2005), *Development of a heavy-duty diesel modal
///   emissions and fuel consumption model*, California PATH, UC Berkeley (CMEM).
/// - T. Bektaş, G. Laporte (2011), *The Pollution-Routing Problem*, Transportation Research
///   Part B 45(8):1232-1250 (the fuel formula, parameters in its Table 1).
/// - E. Demir, T. Bektaş, G. Laporte (2012), *An adaptive large neighborhood search heuristic
///   for the Pollution-Routing Problem*, European Journal of Operational Research
///   223(2):346-359 (Table 2: the parameter values used here).
/// - E. Demir, T. Bektaş, G. Laporte (2014), *A review of recent research on green road
///   freight transportation*, EJOR 237(3):775-793.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CmemParams {
    /// The carrier burnt (a liquid fuel counted in litres); diesel by default.
    pub carrier: EnergyCarrier,
    /// `ξ`, fuel-to-air mass ratio (dimensionless): 1.
    pub fuel_air_mass_ratio: f64,
    /// `k`, engine friction factor in kJ/rev/litre: 0.2.
    pub engine_friction: f64,
    /// `N`, engine speed in rev/s: 33.
    pub engine_speed: f64,
    /// `V`, engine displacement in litres: 5.
    pub engine_displacement: f64,
    /// `g`, gravitational constant in m/s²: 9.81.
    pub gravity: f64,
    /// `C_d`, coefficient of aerodynamic drag (dimensionless): 0.7.
    pub aerodynamic_drag: f64,
    /// `ρ`, air density in kg/m³: 1.2041.
    pub air_density: f64,
    /// `A`, frontal surface area in m²: 3.912.
    pub frontal_area: f64,
    /// `C_r`, coefficient of rolling resistance (dimensionless): 0.01.
    pub rolling_resistance: f64,
    /// `n_tf`, vehicle drive-train efficiency (dimensionless): 0.4.
    pub drivetrain_efficiency: f64,
    /// `η`, efficiency parameter of diesel engines (dimensionless): 0.9.
    pub engine_efficiency: f64,
    /// `κ`, heating value of a typical diesel fuel in kJ/g: 44.
    pub heating_value: f64,
    /// `ψ`, conversion factor from grams to litres of fuel, in g/l: 737 (the published value;
    /// a density, lower than the 830-840 g/l of road diesel).
    pub fuel_conversion: f64,
    /// Kerb (empty) mass of the vehicle: 6 350 kg.
    pub kerb_mass: Kilograms,
    /// Maximum payload: 3 650 kg.
    pub payload: Kilograms,
}

impl Default for CmemParams {
    /// The parameter set of Demir, Bektaş & Laporte (2012), Table 2, for a medium-duty truck
    /// (kerb 6 350 kg, payload 3 650 kg).
    fn default() -> Self {
        Self {
            carrier: EnergyCarrier::Diesel,
            fuel_air_mass_ratio: 1.0,
            engine_friction: 0.2,
            engine_speed: 33.0,
            engine_displacement: 5.0,
            gravity: 9.81,
            aerodynamic_drag: 0.7,
            air_density: 1.2041,
            frontal_area: 3.912,
            rolling_resistance: 0.01,
            drivetrain_efficiency: 0.4,
            engine_efficiency: 0.9,
            heating_value: 44.0,
            fuel_conversion: 737.0,
            kerb_mass: Kilograms(6350.0),
            payload: Kilograms(3650.0),
        }
    }
}

impl CmemParams {
    /// The default parameters with the carrier and kerb mass of a model [`EnergyProfile`] and the
    /// given payload.
    #[must_use]
    pub fn with_profile(profile: &EnergyProfile, payload: Kilograms) -> Self {
        Self {
            carrier: profile.carrier.clone(),
            kerb_mass: Kilograms(profile.kerb_mass_kg),
            payload,
            ..Self::default()
        }
    }

    /// Checks every parameter: finite, non-negative, and strictly positive where the formula
    /// divides by it (`κ`, `ψ`, `n_tf`, `η`, payload).
    ///
    /// # Errors
    /// [`CostError::InvalidInput`] naming the parameter (`CMEM engine_speed`...).
    pub fn validate(&self) -> Result<(), CostError> {
        let non_negative_params = [
            ("fuel_air_mass_ratio", self.fuel_air_mass_ratio),
            ("engine_friction", self.engine_friction),
            ("engine_speed", self.engine_speed),
            ("engine_displacement", self.engine_displacement),
            ("gravity", self.gravity),
            ("aerodynamic_drag", self.aerodynamic_drag),
            ("air_density", self.air_density),
            ("frontal_area", self.frontal_area),
            ("rolling_resistance", self.rolling_resistance),
            ("kerb_mass", self.kerb_mass.0),
        ];
        for (name, value) in non_negative_params {
            non_negative(&format!("CMEM {name}"), value, "")?;
        }
        let positive_params = [
            ("drivetrain_efficiency", self.drivetrain_efficiency),
            ("engine_efficiency", self.engine_efficiency),
            ("heating_value", self.heating_value),
            ("fuel_conversion", self.fuel_conversion),
            ("payload", self.payload.0),
        ];
        for (name, value) in positive_params {
            non_negative(&format!("CMEM {name}"), value, "")?;
            if value == 0.0 {
                return Err(CostError::invalid(format!("CMEM {name}"), "must be positive, got 0"));
            }
        }
        Ok(())
    }

    /// Fuel used on one arc. The inputs are trusted: validate them first (the route functions
    /// do).
    ///
    /// # Arguments
    /// - `distance`: arc length, metres, non-negative;
    /// - `load`: freight on board, kg, within `[0, payload]`;
    /// - `speed`: constant speed, m/s, positive;
    /// - `gradient`: road gradient as rise over run (0.02 is a 2 % climb), so `θ = atan(gradient)`.
    ///
    /// # Returns
    /// Litres of fuel.
    ///
    /// # Complexity
    /// O(1).
    #[must_use]
    pub fn fuel_litres(&self, distance: Distance, load: Kilograms, speed: MetresPerSecond, gradient: f64) -> f64 {
        let d = distance.0 as f64;
        let v = speed.0;
        let mass = self.kerb_mass.0 + load.0;
        let theta = gradient.atan();
        let lambda = self.fuel_air_mass_ratio / (self.heating_value * self.fuel_conversion);
        let gamma = 1.0 / (1000.0 * self.drivetrain_efficiency * self.engine_efficiency);
        let alpha = self.gravity * theta.sin() + self.gravity * self.rolling_resistance * theta.cos();
        let beta = 0.5 * self.aerodynamic_drag * self.air_density * self.frontal_area;
        let engine = self.engine_friction * self.engine_speed * self.engine_displacement * d / v; // kJ
        let traction = (gamma * (alpha * mass * d + beta * d * v * v)).max(0.0); // kJ
        lambda * (engine + traction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_arc_on_flat_road() {
        // d = 100 km = 100 000 m, v = 20 m/s, M = 6 350 + 3 650 = 10 000 kg, θ = 0.
        // engine   = k N V d / v = 0.2 × 33 × 5 × 100 000 / 20 = 165 000 kJ
        // α        = g C_r = 0.0981 m/s²; α M d = 0.0981 × 10 000 × 100 000 = 98 100 000 J
        // β        = ½ × 0.7 × 1.2041 × 3.912 = 1.64865372 kg/m
        // β d v²   = 1.64865372 × 100 000 × 400 = 65 946 148.8 J
        // traction = (98 100 000 + 65 946 148.8) / (1000 × 0.4 × 0.9) = 455 683.746 667 kJ
        // F        = (165 000 + 455 683.746 667) / (44 × 737) = 620 683.746 667 / 32 428
        //          = 19.140 364 705 L
        let fuel = CmemParams::default().fuel_litres(Distance(100_000), Kilograms(3650.0), MetresPerSecond(20.0), 0.0);
        assert!((fuel - 19.140_364_705).abs() < 1e-8, "{fuel}");
    }

    #[test]
    fn downhill_never_below_engine_term() {
        let p = CmemParams::default();
        let steep = p.fuel_litres(Distance(10_000), Kilograms(0.0), MetresPerSecond(10.0), -0.3);
        // engine only: 0.2 × 33 × 5 × 10 000 / 10 / 32 428 = 33 000 / 32 428 L
        assert!((steep - 33_000.0 / 32_428.0).abs() < 1e-12);
    }

    #[test]
    fn zero_efficiency_is_refused() {
        let p = CmemParams { engine_efficiency: 0.0, ..CmemParams::default() };
        assert!(
            matches!(p.validate(), Err(CostError::InvalidInput { ref item, .. }) if item == "CMEM engine_efficiency")
        );
    }
}
