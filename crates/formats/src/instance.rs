//! A benchmark instance: a problem plus the convention that turns its costs into the units of
//! the instance family's published solutions.

use milkrun_model::Problem;

/// How a raw cost (in the problem's integer units) maps to the units of a `.sol` Cost line or a
/// published best-known solution: `raw / divisor`, shown with `decimals` decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostUnits {
    /// Problem cost units per published cost unit.
    pub divisor: i64,
    /// Decimals of the published value.
    pub decimals: u32,
}

impl CostUnits {
    /// Raw costs are the published units.
    pub const IDENTITY: Self = Self { divisor: 1, decimals: 0 };

    /// The published value of a raw cost.
    #[must_use]
    pub fn value(self, raw: i64) -> f64 {
        raw as f64 / self.divisor as f64
    }

    /// The published value rounded to the convention's decimals (half away from zero, on the
    /// exact integer ratio), as text.
    #[must_use]
    pub fn format(self, raw: i64) -> String {
        let unit = 10i128.pow(self.decimals);
        let scaled = i128::from(raw) * unit;
        let d = i128::from(self.divisor);
        let q = if scaled >= 0 { (2 * scaled + d) / (2 * d) } else { -((-2 * scaled + d) / (2 * d)) };
        if self.decimals == 0 {
            return q.to_string();
        }
        let sign = if q < 0 { "-" } else { "" };
        let q = q.abs();
        format!("{sign}{}.{:0width$}", q / unit, q % unit, width = self.decimals as usize)
    }

    /// Whether a raw cost equals a published cost given as text (compared at the published
    /// value's own number of decimals).
    #[must_use]
    pub fn matches(self, raw: i64, published: &str) -> bool {
        let published = published.trim();
        let decimals = published.split_once('.').map_or(0, |(_, f)| f.len() as u32);
        let shown = CostUnits { decimals, ..self }.format(raw);
        match (shown.parse::<f64>(), published.parse::<f64>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// A problem read from a benchmark file, with its cost convention.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The validated problem.
    pub problem: Problem,
    /// How raw costs map to the family's published units.
    pub cost_units: CostUnits,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_units_format_and_match() {
        let tenths = CostUnits { divisor: 10, decimals: 1 };
        assert_eq!(tenths.format(424448), "42444.8");
        assert!(tenths.matches(424448, "42444.8"));
        assert!(!tenths.matches(424449, "42444.8"));
        let hf = CostUnits { divisor: 100_000_000, decimals: 2 };
        assert_eq!(hf.format(1_585_933_999_999), "15859.34");
        assert!(CostUnits::IDENTITY.matches(27591, "27591"));
    }
}
