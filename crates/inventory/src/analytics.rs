//! Stock indicators: turnover, days of cover, fill rate, stockout periods, inventory value.
//!
//! Each works on plain per-period series (one value per day, say) so that it serves the
//! ledger, a simulation or an ERP extract alike.

use crate::error::InventoryError;

/// Checks that every value of a series is finite and non-negative.
pub(crate) fn check_series(item: &str, series: &[f64]) -> Result<(), InventoryError> {
    match series.iter().position(|x| !x.is_finite() || *x < 0.0) {
        Some(k) => Err(InventoryError::invalid(
            format!("{item}[{k}]"),
            format!("must be a finite non-negative number, got {}", series[k]),
        )),
        None => Ok(()),
    }
}

/// Inventory turnover: demand served over the period divided by the average stock on hand.
///
/// # Arguments
/// * `served`: units shipped or consumed per period.
/// * `on_hand`: stock on hand per period (end of period, or an average within it).
///
/// # Returns
/// Turns over the whole series (multiply by 365 / periods for an annual rate on daily data);
/// `f64::INFINITY` when stock is always zero but something was served, 0 when nothing was.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a negative or non-finite value or series of
/// different lengths; [`InventoryError::InsufficientData`] for empty series.
pub fn turnover(served: &[f64], on_hand: &[f64]) -> Result<f64, InventoryError> {
    same_length("served", served, "on_hand", on_hand)?;
    let total: f64 = served.iter().sum();
    let average = on_hand.iter().sum::<f64>() / on_hand.len() as f64;
    Ok(if total == 0.0 {
        0.0
    } else if average == 0.0 {
        f64::INFINITY
    } else {
        total / average
    })
}

/// Forward days of cover: how many periods the stock lasts against a demand forecast,
/// interpolating within the period where it runs out.
///
/// # Arguments
/// * `stock`: the quantity to cover with (on hand, or inventory position).
/// * `forecast`: forecast demand per period from now.
///
/// # Returns
/// Periods of cover; `None` when the stock outlasts the whole forecast (it covers at least
/// `forecast.len()` periods).
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a negative or non-finite stock or forecast value.
///
/// # Example
/// ```
/// use milkrun_inventory::analytics::days_of_cover;
/// // 25 units against 10 a day: two days and a half.
/// assert_eq!(days_of_cover(25.0, &[10.0; 7])?, Some(2.5));
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
pub fn days_of_cover(stock: f64, forecast: &[f64]) -> Result<Option<f64>, InventoryError> {
    if !stock.is_finite() || stock < 0.0 {
        return Err(InventoryError::invalid("stock", format!("must be finite and non-negative, got {stock}")));
    }
    check_series("forecast", forecast)?;
    let mut left = stock;
    for (k, &d) in forecast.iter().enumerate() {
        if d > left {
            return Ok(Some(k as f64 + left / d));
        }
        left -= d;
    }
    Ok(None)
}

/// Fill rate: the share of demand served from stock.
///
/// # Returns
/// `served / demand` summed over periods, 1 when there was no demand.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a negative or non-finite value, series of different
/// lengths, or a period serving more than its demand.
pub fn fill_rate(demand: &[f64], served: &[f64]) -> Result<f64, InventoryError> {
    same_length("demand", demand, "served", served)?;
    if let Some(k) = demand.iter().zip(served).position(|(d, s)| s > d) {
        return Err(InventoryError::invalid(
            format!("served[{k}]"),
            format!("{} exceeds the demand of that period, {}", served[k], demand[k]),
        ));
    }
    let total: f64 = demand.iter().sum();
    Ok(if total == 0.0 { 1.0 } else { served.iter().sum::<f64>() / total })
}

/// Stockout periods: periods whose demand was not fully served.
///
/// # Errors
/// As [`fill_rate`].
pub fn stockout_periods(demand: &[f64], served: &[f64]) -> Result<usize, InventoryError> {
    fill_rate(demand, served)?;
    Ok(demand.iter().zip(served).filter(|(d, s)| s < d).count())
}

/// Inventory value: the sum of quantity × unit cost over positions.
///
/// # Errors
/// [`InventoryError::InvalidParameter`] for a negative or non-finite value or slices of
/// different lengths.
pub fn inventory_value(quantities: &[f64], unit_costs: &[f64]) -> Result<f64, InventoryError> {
    if quantities.len() != unit_costs.len() {
        return Err(InventoryError::invalid(
            "unit_costs",
            format!("has {} values for {} quantities", unit_costs.len(), quantities.len()),
        ));
    }
    check_series("quantities", quantities)?;
    check_series("unit_costs", unit_costs)?;
    Ok(quantities.iter().zip(unit_costs).map(|(q, c)| q * c).sum())
}

fn same_length(a_name: &str, a: &[f64], b_name: &str, b: &[f64]) -> Result<(), InventoryError> {
    if a.is_empty() {
        return Err(InventoryError::InsufficientData { item: a_name.to_owned(), needed: 1, got: 0 });
    }
    if a.len() != b.len() {
        return Err(InventoryError::invalid(b_name, format!("has {} periods, {a_name} has {}", b.len(), a.len())));
    }
    check_series(a_name, a)?;
    check_series(b_name, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_on_a_small_series() {
        let demand = [10.0, 0.0, 12.0, 8.0];
        let served = [10.0, 0.0, 9.0, 8.0];
        assert_eq!(fill_rate(&demand, &served).unwrap(), 27.0 / 30.0);
        assert_eq!(stockout_periods(&demand, &served).unwrap(), 1);
        assert_eq!(turnover(&served, &[20.0, 20.0, 5.0, 15.0]).unwrap(), 27.0 / 15.0);
        assert_eq!(days_of_cover(100.0, &[10.0; 3]).unwrap(), None);
        assert_eq!(days_of_cover(0.0, &[10.0; 3]).unwrap(), Some(0.0));
        assert_eq!(inventory_value(&[2.0, 3.0], &[1.5, 10.0]).unwrap(), 33.0);
    }

    #[test]
    fn bad_series_name_the_value() {
        let err = fill_rate(&[1.0, f64::NAN], &[1.0, 1.0]).unwrap_err();
        assert!(err.to_string().contains("demand[1]"), "{err}");
        assert!(fill_rate(&[1.0], &[2.0]).unwrap_err().to_string().contains("served[0]"));
        assert!(matches!(turnover(&[], &[]), Err(InventoryError::InsufficientData { .. })));
        assert!(days_of_cover(-1.0, &[1.0]).is_err());
        assert!(inventory_value(&[1.0], &[]).is_err());
    }
}
