//! Economic order quantity: the basic model, planned backorders, and all-units and incremental
//! quantity discounts.
//!
//! Conventions (Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., Wiley 2019,
//! chapter 3, followed by stockpyl's `eoq` module): deterministic demand at constant rate
//! `lambda`, instantaneous replenishment, holding cost `h` per unit per unit time on the average
//! inventory, fixed cost `K` per order. Discount models charge holding as a rate `i` times the
//! value of the stock.

use super::check;
use crate::InventoryError;

/// An expected cost per unit time (per period for periodic models), by component.
///
/// # Units
/// Money per unit time, in the currency and time unit of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CostBreakdown {
    /// Fixed ordering cost: `K` times the order frequency.
    pub ordering: f64,
    /// Holding cost of on-hand stock.
    pub holding: f64,
    /// Stockout cost of backorders.
    pub shortage: f64,
    /// Purchase cost of the units (only in the quantity-discount models).
    pub purchase: f64,
    /// The sum of the four.
    pub total: f64,
}

impl CostBreakdown {
    /// The breakdown with `total` set to the sum of the parts.
    pub(crate) fn new(ordering: f64, holding: f64, shortage: f64, purchase: f64) -> Self {
        Self { ordering, holding, shortage, purchase, total: ordering + holding + shortage + purchase }
    }

    /// `self` if the total is finite, an overflow error otherwise.
    pub(crate) fn checked(self) -> Result<Self, InventoryError> {
        check::computed("cost", self.total)?;
        Ok(self)
    }
}

/// An order quantity with its cost per unit time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EoqSolution {
    /// The order quantity `Q`.
    pub order_quantity: f64,
    /// The cost per unit time of ordering `Q` each time.
    pub cost: CostBreakdown,
}

/// The basic economic order quantity model.
///
/// # Units
/// Costs in money (`fixed_cost` per order, `holding_cost` per unit per unit time), demand in
/// units per unit time; any consistent time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Eoq {
    /// Fixed cost per order `K`, positive.
    pub fixed_cost: f64,
    /// Holding cost per unit per unit time `h`, positive.
    pub holding_cost: f64,
    /// Demand rate `lambda`, positive.
    pub demand_rate: f64,
}

impl Eoq {
    fn validate(&self) -> Result<(f64, f64, f64), InventoryError> {
        Ok((
            check::positive("fixed_cost", self.fixed_cost)?,
            check::positive("holding_cost", self.holding_cost)?,
            check::positive("demand_rate", self.demand_rate)?,
        ))
    }

    /// The optimal order quantity `Q* = sqrt(2 K lambda / h)`, with cost `g* = h Q*` (half
    /// ordering, half holding).
    ///
    /// # Arguments
    /// The model's fields: `K`, `h`, `lambda`.
    ///
    /// # Returns
    /// `Q*` and its cost per unit time (ordering and holding parts).
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is not positive and finite, or the
    /// result overflows.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// F. W. Harris, "How many parts to make at once" (1913); Snyder & Shen (2019), eqs.
    /// (3.4)-(3.5).
    pub fn solve(&self) -> Result<EoqSolution, InventoryError> {
        let (k, h, lambda) = self.validate()?;
        let q = check::computed("order_quantity", (2.0 * k * lambda / h).sqrt())?;
        Ok(EoqSolution { order_quantity: q, cost: cost_at(k, h, lambda, q).checked()? })
    }

    /// The cost per unit time of ordering `order_quantity`: `g(Q) = K lambda / Q + h Q / 2`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter or `order_quantity` is not positive
    /// and finite.
    pub fn cost(&self, order_quantity: f64) -> Result<CostBreakdown, InventoryError> {
        let (k, h, lambda) = self.validate()?;
        let q = check::positive("order_quantity", order_quantity)?;
        cost_at(k, h, lambda, q).checked()
    }
}

fn cost_at(k: f64, h: f64, lambda: f64, q: f64) -> CostBreakdown {
    CostBreakdown::new(k * lambda / q, 0.5 * h * q, 0.0, 0.0)
}

/// The EOQ with planned backorders: each cycle ends with a fraction `x` of its demand
/// backordered, at a cost `p` per unit backordered per unit time.
///
/// # Units
/// As [`Eoq`]; `stockout_cost` in money per unit per unit time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EoqBackorders {
    /// Fixed cost per order `K`, positive.
    pub fixed_cost: f64,
    /// Holding cost per unit per unit time `h`, positive.
    pub holding_cost: f64,
    /// Backorder cost per unit per unit time `p`, positive.
    pub stockout_cost: f64,
    /// Demand rate `lambda`, positive.
    pub demand_rate: f64,
}

/// The solution of the EOQ with planned backorders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EoqBackordersSolution {
    /// The order quantity `Q`.
    pub order_quantity: f64,
    /// The fraction `x` of each cycle's demand that is backordered; the largest backorder is
    /// `x Q`.
    pub stockout_fraction: f64,
    /// The cost per unit time.
    pub cost: CostBreakdown,
}

impl EoqBackorders {
    fn validate(&self) -> Result<(f64, f64, f64, f64), InventoryError> {
        Ok((
            check::positive("fixed_cost", self.fixed_cost)?,
            check::positive("holding_cost", self.holding_cost)?,
            check::positive("stockout_cost", self.stockout_cost)?,
            check::positive("demand_rate", self.demand_rate)?,
        ))
    }

    /// The optimal `Q* = sqrt(2 K lambda (h + p) / (h p))` and `x* = h / (h + p)`, with cost
    /// `g* = sqrt(2 K lambda h p / (h + p))`.
    ///
    /// # Arguments
    /// The model's fields: `K`, `h`, `p`, `lambda`.
    ///
    /// # Returns
    /// `Q*`, `x*` and the cost per unit time (ordering, holding and backorder parts).
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is not positive and finite, or the
    /// result overflows.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Reference
    /// Snyder & Shen (2019), eqs. (3.27)-(3.29).
    pub fn solve(&self) -> Result<EoqBackordersSolution, InventoryError> {
        let (k, h, p, lambda) = self.validate()?;
        let q = check::computed("order_quantity", (2.0 * k * lambda * (h + p) / (h * p)).sqrt())?;
        let x = h / (h + p);
        Ok(EoqBackordersSolution {
            order_quantity: q,
            stockout_fraction: x,
            cost: backorder_cost_at(k, h, p, lambda, q, x).checked()?,
        })
    }

    /// The cost per unit time of `order_quantity` `Q` and `stockout_fraction` `x`:
    /// `g(Q, x) = h Q (1 - x)^2 / 2 + p Q x^2 / 2 + K lambda / Q`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter or `order_quantity` is not positive
    /// and finite, or `stockout_fraction` is not in `[0, 1]`.
    pub fn cost(&self, order_quantity: f64, stockout_fraction: f64) -> Result<CostBreakdown, InventoryError> {
        let (k, h, p, lambda) = self.validate()?;
        let q = check::positive("order_quantity", order_quantity)?;
        let x = check::non_negative("stockout_fraction", stockout_fraction)?;
        if x > 1.0 {
            return Err(InventoryError::invalid("stockout_fraction", format!("must be at most 1, got {x}")));
        }
        backorder_cost_at(k, h, p, lambda, q, x).checked()
    }
}

fn backorder_cost_at(k: f64, h: f64, p: f64, lambda: f64, q: f64, x: f64) -> CostBreakdown {
    CostBreakdown::new(k * lambda / q, 0.5 * h * q * (1.0 - x) * (1.0 - x), 0.5 * p * q * x * x, 0.0)
}

/// A price break: from `min_quantity` units per order on, the unit cost is `unit_cost`.
///
/// # Units
/// Units of the product; money per unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceBreak {
    /// The smallest order quantity of this price region `b_j`.
    pub min_quantity: f64,
    /// The unit cost `c_j` in this region.
    pub unit_cost: f64,
}

/// How a quantity discount applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiscountKind {
    /// Every unit of an order of `Q` units, `b_j <= Q < b_{j+1}`, costs `c_j`.
    AllUnits,
    /// Units beyond each break cost that break's price: the `b_{i+1} - b_i` units of region `i`
    /// cost `c_i` each.
    Incremental,
}

/// The EOQ with quantity discounts.
///
/// # Units
/// As [`Eoq`]; `holding_cost_rate` per unit time (a fraction of the unit's value, e.g. 0.2 per
/// year).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscountedEoq {
    /// Fixed cost per order `K`, positive.
    pub fixed_cost: f64,
    /// Holding cost per unit time as a fraction of the value held `i`, positive.
    pub holding_cost_rate: f64,
    /// Demand rate `lambda`, positive.
    pub demand_rate: f64,
    /// The price regions: the first starts at quantity 0, quantities strictly increase and unit
    /// costs do not increase.
    pub breaks: Vec<PriceBreak>,
    /// All-units or incremental.
    pub kind: DiscountKind,
}

/// The solution of the EOQ with quantity discounts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscountSolution {
    /// The order quantity `Q`.
    pub order_quantity: f64,
    /// The index `j` of the price region that contains `Q`.
    pub region: usize,
    /// The cost per unit time, purchase cost included.
    pub cost: CostBreakdown,
}

impl DiscountedEoq {
    fn validate(&self) -> Result<(f64, f64, f64), InventoryError> {
        let k = check::positive("fixed_cost", self.fixed_cost)?;
        let i = check::positive("holding_cost_rate", self.holding_cost_rate)?;
        let lambda = check::positive("demand_rate", self.demand_rate)?;
        let Some(first) = self.breaks.first() else {
            return Err(InventoryError::invalid("breaks", "must not be empty"));
        };
        if first.min_quantity != 0.0 {
            return Err(InventoryError::invalid(
                "breaks",
                format!("the first region must start at quantity 0, starts at {}", first.min_quantity),
            ));
        }
        for (j, b) in self.breaks.iter().enumerate() {
            check::non_negative(&format!("breaks[{j}].min_quantity"), b.min_quantity)?;
            check::positive(&format!("breaks[{j}].unit_cost"), b.unit_cost)?;
        }
        for (j, w) in self.breaks.windows(2).enumerate() {
            if w[1].min_quantity <= w[0].min_quantity {
                return Err(InventoryError::invalid(
                    format!("breaks[{}].min_quantity", j + 1),
                    format!("must exceed the previous break's {}, got {}", w[0].min_quantity, w[1].min_quantity),
                ));
            }
            if w[1].unit_cost > w[0].unit_cost {
                return Err(InventoryError::invalid(
                    format!("breaks[{}].unit_cost", j + 1),
                    format!("must not exceed the previous break's {}, got {}", w[0].unit_cost, w[1].unit_cost),
                ));
            }
        }
        Ok((k, i, lambda))
    }

    /// The region of quantity `q`: the last break with `b_j <= q`.
    fn region_of(&self, q: f64) -> usize {
        self.breaks.iter().rposition(|b| b.min_quantity <= q).unwrap_or(0)
    }

    /// For incremental discounts, `cbar_j`: the purchase cost of an order of `Q` in region `j`
    /// is `cbar_j + c_j Q` (0 for all-units discounts).
    fn offset(&self, j: usize) -> f64 {
        match self.kind {
            DiscountKind::AllUnits => 0.0,
            DiscountKind::Incremental => {
                let below: f64 = self.breaks[..j]
                    .iter()
                    .zip(&self.breaks[1..=j])
                    .map(|(b, next)| b.unit_cost * (next.min_quantity - b.min_quantity))
                    .sum();
                below - self.breaks[j].unit_cost * self.breaks[j].min_quantity
            }
        }
    }

    /// The cost of ordering `q` at region `j`'s prices.
    fn cost_in(&self, k: f64, i: f64, lambda: f64, q: f64, j: usize) -> CostBreakdown {
        let c = self.breaks[j].unit_cost;
        let cbar = self.offset(j);
        // Purchase cost per order cbar + c Q; its value per unit held is (cbar + c Q) / Q.
        CostBreakdown::new(k * lambda / q, 0.5 * i * (cbar + c * q), 0.0, (cbar + c * q) * lambda / q)
    }

    /// The optimal order quantity.
    ///
    /// For region `j` the unconstrained optimum is `Q_j = sqrt(2 (K + cbar_j) lambda / (i c_j))`
    /// (`cbar_j = 0` for all-units discounts); it is a candidate when it lies in its region
    /// (*realizable*). All-units discounts also try every break quantity `b_j`, `j >= 1`, at its
    /// own region's price; incremental discounts never have their optimum at a break (the cost
    /// has a downward kink there), but the breaks are tried as well so that a candidate always
    /// exists. The cheapest candidate wins; ties go to the first in that order.
    ///
    /// # Arguments
    /// The model's fields: `K`, `i`, `lambda` and the price breaks.
    ///
    /// # Returns
    /// `Q*`, its price region and the cost per unit time with its purchase part.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter is not positive and finite, or the
    /// breaks are not as [`DiscountedEoq::breaks`] requires.
    ///
    /// # Complexity
    /// O(m^2) for m price breaks (O(m) for all-units discounts).
    ///
    /// # Reference
    /// Snyder & Shen (2019), section 3.4, eqs. (3.18)-(3.22); stockpyl
    /// `economic_order_quantity_with_all_units_discounts` and `..._with_incremental_discounts`.
    pub fn solve(&self) -> Result<DiscountSolution, InventoryError> {
        let (k, i, lambda) = self.validate()?;
        let m = self.breaks.len();
        let mut best: Option<DiscountSolution> = None;
        let mut consider = |q: f64, j: usize| {
            let cost = self.cost_in(k, i, lambda, q, j);
            if cost.total.is_finite() && best.is_none_or(|b| cost.total < b.cost.total) {
                best = Some(DiscountSolution { order_quantity: q, region: j, cost });
            }
        };
        for j in 0..m {
            let q = (2.0 * (k + self.offset(j)) * lambda / (i * self.breaks[j].unit_cost)).sqrt();
            let above_start = q >= self.breaks[j].min_quantity && q > 0.0;
            let below_end = j + 1 == m || q < self.breaks[j + 1].min_quantity;
            if q.is_finite() && above_start && below_end {
                consider(q, j);
            }
        }
        for j in 1..m {
            consider(self.breaks[j].min_quantity, j);
        }
        best.ok_or_else(|| InventoryError::invalid("demand_rate", "the inputs overflow floating point"))
    }

    /// The cost per unit time of ordering `order_quantity`, purchase cost included.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when a parameter or `order_quantity` is not positive
    /// and finite, or the breaks are invalid.
    pub fn cost(&self, order_quantity: f64) -> Result<CostBreakdown, InventoryError> {
        let (k, i, lambda) = self.validate()?;
        let q = check::positive("order_quantity", order_quantity)?;
        self.cost_in(k, i, lambda, q, self.region_of(q)).checked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn eoq_matches_stockpyl() {
        // stockpyl.eoq.economic_order_quantity(8, 0.225, 1300) = (304.0467800264368, 68.41052550594829)
        let m = Eoq { fixed_cost: 8.0, holding_cost: 0.225, demand_rate: 1300.0 };
        let s = m.solve().unwrap();
        assert!(close(s.order_quantity, 304.046_780_026_436_8));
        assert!(close(s.cost.total, 68.410_525_505_948_29));
        assert!(close(s.cost.ordering, s.cost.holding));
        // economic_order_quantity(8, 0.225, 1300, 400) = (400, 71.0)
        assert!(close(m.cost(400.0).unwrap().total, 71.0));
    }

    #[test]
    fn backorders_match_stockpyl() {
        // stockpyl.eoq.economic_order_quantity_with_backorders(8, 0.225, 5, 1300)
        //   = (310.81255515896464, 0.0430622009569378, 66.92136355097325)
        let m = EoqBackorders { fixed_cost: 8.0, holding_cost: 0.225, stockout_cost: 5.0, demand_rate: 1300.0 };
        let s = m.solve().unwrap();
        assert!(close(s.order_quantity, 310.812_555_158_964_64));
        assert!(close(s.stockout_fraction, 0.043_062_200_956_937_8));
        assert!(close(s.cost.total, 66.921_363_550_973_25));
        // economic_order_quantity_with_backorders(8, 0.225, 5, 1300, 300, 0.05)
        //   = (300, 0.05, 67.00104166666667)
        assert!(close(m.cost(300.0, 0.05).unwrap().total, 67.001_041_666_666_67));
    }

    #[test]
    fn all_units_discounts_match_stockpyl() {
        // stockpyl.eoq.economic_order_quantity_with_all_units_discounts(200, 0.20, 1000,
        //   [0, 200, 500], [500, 475, 450]) = (500, 2, 472900.0)
        let breaks = vec![
            PriceBreak { min_quantity: 0.0, unit_cost: 500.0 },
            PriceBreak { min_quantity: 200.0, unit_cost: 475.0 },
            PriceBreak { min_quantity: 500.0, unit_cost: 450.0 },
        ];
        let m = DiscountedEoq {
            fixed_cost: 200.0,
            holding_cost_rate: 0.2,
            demand_rate: 1000.0,
            breaks,
            kind: DiscountKind::AllUnits,
        };
        let s = m.solve().unwrap();
        assert_eq!((s.order_quantity, s.region), (500.0, 2));
        assert!(close(s.cost.total, 472_900.0));
        // economic_order_quantity_with_all_units_discounts(8, 0.3, 1300, [0, 400, 800],
        //   [0.75, 0.72, 0.68]) = (800, 2, 978.6000000000001)
        let m = DiscountedEoq {
            fixed_cost: 8.0,
            holding_cost_rate: 0.3,
            demand_rate: 1300.0,
            breaks: vec![
                PriceBreak { min_quantity: 0.0, unit_cost: 0.75 },
                PriceBreak { min_quantity: 400.0, unit_cost: 0.72 },
                PriceBreak { min_quantity: 800.0, unit_cost: 0.68 },
            ],
            kind: DiscountKind::AllUnits,
        };
        let s = m.solve().unwrap();
        assert_eq!((s.order_quantity, s.region), (800.0, 2));
        assert!(close(s.cost.total, 978.6));
    }

    #[test]
    fn incremental_discounts_match_stockpyl() {
        // stockpyl.eoq.economic_order_quantity_with_incremental_discounts(150, 0.25, 2400,
        //   [0, 300, 600], [100, 90, 80]) = (1481.8906842274164, 2, 222762.8136845483)
        let m = DiscountedEoq {
            fixed_cost: 150.0,
            holding_cost_rate: 0.25,
            demand_rate: 2400.0,
            breaks: vec![
                PriceBreak { min_quantity: 0.0, unit_cost: 100.0 },
                PriceBreak { min_quantity: 300.0, unit_cost: 90.0 },
                PriceBreak { min_quantity: 600.0, unit_cost: 80.0 },
            ],
            kind: DiscountKind::Incremental,
        };
        let s = m.solve().unwrap();
        assert!(close(s.order_quantity, 1_481.890_684_227_416_4));
        assert_eq!(s.region, 2);
        assert!(close(s.cost.total, 222_762.813_684_548_3));
        assert!(close(m.cost(s.order_quantity).unwrap().total, s.cost.total));
        // ..._with_incremental_discounts(8, 0.3, 1300, [0, 400, 800], [0.75, 0.72, 0.68])
        //   = (304.0467800264368, 0, 1043.4105255059483)
        let m = DiscountedEoq {
            fixed_cost: 8.0,
            holding_cost_rate: 0.3,
            demand_rate: 1300.0,
            breaks: vec![
                PriceBreak { min_quantity: 0.0, unit_cost: 0.75 },
                PriceBreak { min_quantity: 400.0, unit_cost: 0.72 },
                PriceBreak { min_quantity: 800.0, unit_cost: 0.68 },
            ],
            kind: DiscountKind::Incremental,
        };
        let s = m.solve().unwrap();
        assert!(close(s.order_quantity, 304.046_780_026_436_8));
        assert_eq!(s.region, 0);
        assert!(close(s.cost.total, 1_043.410_525_505_948_3));
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let ok = Eoq { fixed_cost: 8.0, holding_cost: 0.225, demand_rate: 1300.0 };
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(Eoq { fixed_cost: bad, ..ok }.solve().is_err());
            assert!(Eoq { holding_cost: bad, ..ok }.solve().is_err());
            assert!(Eoq { demand_rate: bad, ..ok }.solve().is_err());
            assert!(ok.cost(bad).is_err());
        }
        assert!(Eoq { fixed_cost: 1e300, holding_cost: 1e-300, demand_rate: 1e300 }.solve().is_err());
        let b = EoqBackorders { fixed_cost: 8.0, holding_cost: 0.225, stockout_cost: 5.0, demand_rate: 1300.0 };
        assert!(EoqBackorders { stockout_cost: -5.0, ..b }.solve().is_err());
        assert!(b.cost(300.0, 1.5).is_err());
        let mut d = DiscountedEoq {
            fixed_cost: 8.0,
            holding_cost_rate: 0.3,
            demand_rate: 1300.0,
            breaks: vec![],
            kind: DiscountKind::AllUnits,
        };
        assert!(d.solve().is_err());
        d.breaks = vec![PriceBreak { min_quantity: 10.0, unit_cost: 1.0 }];
        assert!(d.solve().is_err());
        d.breaks =
            vec![PriceBreak { min_quantity: 0.0, unit_cost: 1.0 }, PriceBreak { min_quantity: 0.0, unit_cost: 0.9 }];
        assert!(d.solve().is_err());
        d.breaks =
            vec![PriceBreak { min_quantity: 0.0, unit_cost: 1.0 }, PriceBreak { min_quantity: 10.0, unit_cost: 1.1 }];
        assert!(d.solve().is_err());
        d.breaks = vec![PriceBreak { min_quantity: 0.0, unit_cost: 0.0 }];
        assert!(d.solve().is_err());
    }

    proptest! {
        #[test]
        fn eoq_cost_is_convex_around_the_optimum(k in 0.01f64..1e4, h in 0.01f64..100.0, lambda in 0.01f64..1e6, f in 0.01f64..0.5) {
            let m = Eoq { fixed_cost: k, holding_cost: h, demand_rate: lambda };
            let s = m.solve().unwrap();
            let q = s.order_quantity;
            let below = m.cost(q * (1.0 - f)).unwrap().total;
            let above = m.cost(q * (1.0 + f)).unwrap().total;
            prop_assert!(s.cost.total <= below * (1.0 + 1e-12));
            prop_assert!(s.cost.total <= above * (1.0 + 1e-12));
            // Convexity: the midpoint of the two neighbours lies above the curve at the optimum.
            prop_assert!(m.cost(q).unwrap().total <= 0.5 * (below + above) * (1.0 + 1e-12));
        }

        #[test]
        fn discount_optimum_beats_a_grid(k in 1.0f64..500.0, lambda in 10.0f64..5000.0, c0 in 1.0f64..100.0, d1 in 0.0f64..0.2, d2 in 0.0f64..0.2, b1 in 10.0f64..500.0, b2 in 10.0f64..500.0, incremental: bool) {
            let breaks = vec![
                PriceBreak { min_quantity: 0.0, unit_cost: c0 },
                PriceBreak { min_quantity: b1, unit_cost: c0 * (1.0 - d1) },
                PriceBreak { min_quantity: b1 + b2, unit_cost: c0 * (1.0 - d1) * (1.0 - d2) },
            ];
            let kind = if incremental { DiscountKind::Incremental } else { DiscountKind::AllUnits };
            let m = DiscountedEoq { fixed_cost: k, holding_cost_rate: 0.25, demand_rate: lambda, breaks, kind };
            let s = m.solve().unwrap();
            prop_assert!(close(m.cost(s.order_quantity).unwrap().total, s.cost.total));
            for step in 1..400 {
                let q = step as f64 * 5.0;
                prop_assert!(s.cost.total <= m.cost(q).unwrap().total * (1.0 + 1e-12), "q {q}");
            }
        }
    }
}
