//! Turning a computed order quantity into one a supplier accepts (minimum order quantity, lot
//! multiple, maximum), and supplier calendars: on which day an order can go out and when it
//! arrives.

use super::check;
use crate::InventoryError;
use milkrun_model::{Calendar, Weekday};

/// A supplier's order-quantity rules.
///
/// # Units
/// Units of the product (pieces, or packs if the supplier counts in packs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderRounding {
    /// The minimum order quantity (0 for none).
    pub min_order_quantity: u64,
    /// Orders are whole multiples of this lot size (a pallet, a container); at least 1.
    pub lot_multiple: u64,
    /// The largest quantity one order may have, if any; it must allow at least one lot that
    /// meets the minimum.
    pub max_order_quantity: Option<u64>,
}

impl Default for OrderRounding {
    /// No rule: any whole quantity.
    fn default() -> Self {
        Self { min_order_quantity: 0, lot_multiple: 1, max_order_quantity: None }
    }
}

/// An order quantity after rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundedOrder {
    /// The quantity to order.
    pub quantity: u64,
    /// Whether the maximum cut the order below the requested quantity.
    pub capped: bool,
}

impl OrderRounding {
    /// The smallest positive quantity the rules allow: the minimum order quantity rounded up to
    /// a whole number of lots (one lot at least).
    fn smallest(&self) -> Result<u64, InventoryError> {
        if self.lot_multiple == 0 {
            return Err(InventoryError::invalid("lot_multiple", "must be at least 1, got 0"));
        }
        let lots = self.min_order_quantity.div_ceil(self.lot_multiple).max(1);
        let smallest = lots
            .checked_mul(self.lot_multiple)
            .ok_or_else(|| InventoryError::invalid("min_order_quantity", "rounded up to a whole lot, overflows"))?;
        if let Some(max) = self.max_order_quantity {
            if max < smallest {
                return Err(InventoryError::invalid(
                    "max_order_quantity",
                    format!(
                        "{max} is below the smallest allowed order {smallest} (minimum {} in lots of {})",
                        self.min_order_quantity, self.lot_multiple
                    ),
                ));
            }
        }
        Ok(smallest)
    }

    /// Rounds a requested quantity to the rules.
    ///
    /// A request of 0 orders nothing. Otherwise the request is rounded up to a whole unit,
    /// raised to the minimum order quantity, rounded up to a whole number of lots and, if that
    /// exceeds the maximum, cut to the largest whole number of lots within it (`capped`). So the
    /// result is a multiple of the lot size, at least the minimum, and at least the request
    /// unless capped.
    ///
    /// # Arguments
    /// * `requested`: the quantity wanted, non-negative.
    ///
    /// # Returns
    /// The quantity to order and whether the maximum capped it.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `requested` is negative or not finite or beyond
    /// `u64`, or the rules are contradictory (`lot_multiple` 0, a maximum below the smallest
    /// allowed order).
    ///
    /// # Complexity
    /// O(1).
    pub fn round(&self, requested: f64) -> Result<RoundedOrder, InventoryError> {
        let smallest = self.smallest()?;
        let requested = check::non_negative("requested", requested)?;
        if requested == 0.0 {
            return Ok(RoundedOrder { quantity: 0, capped: false });
        }
        let whole = requested.ceil();
        let lot = self.lot_multiple;
        // 2^64 is exactly representable; anything at or above it does not fit in a u64 (and is
        // above any maximum).
        let rounded = if whole >= 18_446_744_073_709_551_616.0 {
            None
        } else {
            (whole as u64).max(smallest).div_ceil(lot).checked_mul(lot)
        };
        match (rounded, self.max_order_quantity) {
            (Some(q), Some(max)) if q > max => Ok(RoundedOrder { quantity: max / lot * lot, capped: true }),
            (None, Some(max)) => Ok(RoundedOrder { quantity: max / lot * lot, capped: true }),
            (Some(q), _) => Ok(RoundedOrder { quantity: q, capped: false }),
            (None, None) => {
                Err(InventoryError::invalid("requested", format!("{requested} rounded up to a whole lot overflows")))
            }
        }
    }
}

/// When a supplier ships, and how long deliveries take.
///
/// # Units
/// Days of the planning horizon (day 0 is its first day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierCalendar {
    /// The days the supplier ships (picks up orders).
    pub calendar: Calendar,
    /// The weekday of horizon day 0.
    pub first_weekday: Weekday,
    /// Calendar days from shipping to delivery.
    pub lead_time_days: u32,
}

/// When an order goes out and when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Replenishment {
    /// The first shipping day on or after the day the need arises.
    pub order_day: u32,
    /// `order_day + lead_time_days`.
    pub delivery_day: u32,
}

impl SupplierCalendar {
    /// Whether the supplier ships on horizon day `day`: [`Calendar::is_open`], with the weekday
    /// computed in 64 bits (`Weekday::plus` overflows for days near `u32::MAX`).
    #[must_use]
    pub fn ships_on(&self, day: u32) -> bool {
        let weekday = Weekday::ALL[((u64::from(self.first_weekday.number()) + u64::from(day)) % 7) as usize];
        self.calendar.open_days.contains(weekday) && !self.calendar.holidays.contains(&day)
    }

    /// The first day on or after `today` on which the supplier ships.
    ///
    /// # Arguments
    /// * `today`: the horizon day the need arises.
    ///
    /// # Returns
    /// The horizon day of the next shipment.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when the calendar has no shipping weekday, or no
    /// shipping day exists before the end of the `u32` day range.
    ///
    /// # Complexity
    /// O(H^2) for H holidays (each day checks the holiday list).
    pub fn next_order_day(&self, today: u32) -> Result<u32, InventoryError> {
        if self.calendar.open_days.is_empty() {
            return Err(InventoryError::invalid("calendar", "the supplier ships on no day of the week"));
        }
        // Every week has a shipping weekday; only holidays can block it, one day each.
        let limit = 7 * (self.calendar.holidays.len() as u64 + 1);
        let mut day = today;
        for _ in 0..limit {
            if self.ships_on(day) {
                return Ok(day);
            }
            day = day
                .checked_add(1)
                .ok_or_else(|| InventoryError::invalid("today", format!("no shipping day from day {today} on")))?;
        }
        Err(InventoryError::invalid("calendar", format!("no shipping day from day {today} on")))
    }

    /// The order day (the next shipping day on or after `today`) and the expected delivery
    /// day.
    ///
    /// # Errors
    /// As [`SupplierCalendar::next_order_day`], and when the delivery day overflows `u32`.
    pub fn replenishment(&self, today: u32) -> Result<Replenishment, InventoryError> {
        let order_day = self.next_order_day(today)?;
        let delivery_day = order_day
            .checked_add(self.lead_time_days)
            .ok_or_else(|| InventoryError::invalid("lead_time_days", "the delivery day overflows"))?;
        Ok(Replenishment { order_day, delivery_day })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use milkrun_model::WeekdaySet;
    use proptest::prelude::*;

    #[test]
    fn rounding_rules() {
        let r = OrderRounding { min_order_quantity: 50, lot_multiple: 12, max_order_quantity: Some(120) };
        assert_eq!(r.round(0.0).unwrap(), RoundedOrder { quantity: 0, capped: false });
        assert_eq!(r.round(1.0).unwrap(), RoundedOrder { quantity: 60, capped: false });
        assert_eq!(r.round(60.0).unwrap(), RoundedOrder { quantity: 60, capped: false });
        assert_eq!(r.round(60.5).unwrap(), RoundedOrder { quantity: 72, capped: false });
        assert_eq!(r.round(119.0).unwrap(), RoundedOrder { quantity: 120, capped: false });
        assert_eq!(r.round(121.0).unwrap(), RoundedOrder { quantity: 120, capped: true });
        assert_eq!(r.round(1e30).unwrap(), RoundedOrder { quantity: 120, capped: true });
        let none = OrderRounding::default();
        assert_eq!(none.round(3.2).unwrap().quantity, 4);
    }

    #[test]
    fn invalid_rules_and_requests_are_errors() {
        let r = OrderRounding { min_order_quantity: 50, lot_multiple: 12, max_order_quantity: Some(59) };
        assert!(r.round(10.0).is_err());
        assert!(OrderRounding { lot_multiple: 0, ..OrderRounding::default() }.round(1.0).is_err());
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e30] {
            assert!(OrderRounding::default().round(bad).is_err());
        }
        let huge = OrderRounding { min_order_quantity: u64::MAX, lot_multiple: 2, max_order_quantity: None };
        assert!(huge.round(1.0).is_err());
    }

    #[test]
    fn supplier_calendar() {
        // Ships Tuesdays and Thursdays; day 0 is a Monday; day 3 (Thursday) is a holiday.
        let cal = SupplierCalendar {
            calendar: Calendar { open_days: WeekdaySet::of(&[Weekday::Tue, Weekday::Thu]), holidays: vec![3] },
            first_weekday: Weekday::Mon,
            lead_time_days: 2,
        };
        assert_eq!(cal.next_order_day(0).unwrap(), 1);
        assert_eq!(cal.next_order_day(1).unwrap(), 1);
        assert_eq!(cal.next_order_day(2).unwrap(), 8);
        assert_eq!(cal.replenishment(2).unwrap(), Replenishment { order_day: 8, delivery_day: 10 });
        let never =
            SupplierCalendar { calendar: Calendar { open_days: WeekdaySet::EMPTY, holidays: vec![] }, ..cal.clone() };
        assert!(never.next_order_day(0).is_err());
        // Day u32::MAX is a Thursday: found; a Tuesday-only supplier has no day left.
        assert_eq!(cal.next_order_day(u32::MAX - 1).unwrap(), u32::MAX);
        let tuesdays = SupplierCalendar {
            calendar: Calendar { open_days: WeekdaySet::of(&[Weekday::Tue]), holidays: vec![] },
            ..cal.clone()
        };
        assert!(tuesdays.next_order_day(u32::MAX - 1).is_err());
        // Far days with day 0 a Sunday (no weekday overflow).
        let sundays = SupplierCalendar { first_weekday: Weekday::Sun, ..tuesdays };
        assert_eq!(sundays.next_order_day(u32::MAX - 10).unwrap(), u32::MAX - 8);
        let far = SupplierCalendar { lead_time_days: u32::MAX, ..cal };
        assert!(far.replenishment(0).is_err());
    }

    proptest! {
        #[test]
        fn rounded_quantities_obey_the_rules(moq in 0u64..500, lot in 1u64..50, max_lots in proptest::option::of(1u64..40), requested in 0.0f64..3000.0) {
            let smallest = moq.div_ceil(lot).max(1) * lot;
            let max = max_lots.map(|n| smallest + (n - 1) * lot + n % lot.max(1));
            let r = OrderRounding { min_order_quantity: moq, lot_multiple: lot, max_order_quantity: max };
            let out = r.round(requested).unwrap();
            if requested == 0.0 {
                prop_assert_eq!(out.quantity, 0);
            } else {
                prop_assert_eq!(out.quantity % lot, 0);
                prop_assert!(out.quantity >= moq);
                prop_assert!(out.quantity > 0);
                if let Some(max) = max {
                    prop_assert!(out.quantity <= max);
                }
                if out.capped {
                    prop_assert!(max.is_some());
                    prop_assert!((out.quantity as f64) < requested.ceil().max(moq as f64));
                } else {
                    prop_assert!(out.quantity as f64 >= requested);
                    // And it is the smallest such quantity.
                    prop_assert!(out.quantity == smallest || ((out.quantity - lot) as f64) < requested);
                }
            }
        }

        #[test]
        fn order_day_is_a_shipping_day(mask in 1u8..128, holidays in proptest::collection::vec(0u32..60, 0..10), today in 0u32..50, first in 0usize..7) {
            let days: Vec<Weekday> = Weekday::ALL.into_iter().filter(|d| mask & (1 << d.number()) != 0).collect();
            let cal = SupplierCalendar {
                calendar: Calendar { open_days: WeekdaySet::of(&days), holidays },
                first_weekday: Weekday::ALL[first],
                lead_time_days: 3,
            };
            let day = cal.next_order_day(today).unwrap();
            prop_assert!(day >= today);
            // Model's own calendar as the oracle (small days, no overflow there).
            prop_assert!(cal.calendar.is_open(day, cal.first_weekday));
            prop_assert!((today..day).all(|d| !cal.calendar.is_open(d, cal.first_weekday)));
            prop_assert!((today..=day).all(|d| cal.ships_on(d) == cal.calendar.is_open(d, cal.first_weekday)));
        }
    }
}
