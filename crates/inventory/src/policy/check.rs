//! Parameter validation shared by the policy modules: every public entry point checks its inputs
//! here once, so the numerical code below it can trust them.

use crate::InventoryError;

/// `value` if it is finite and strictly positive.
pub(crate) fn positive(item: &str, value: f64) -> Result<f64, InventoryError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(InventoryError::invalid(item, format!("must be positive and finite, got {value}")))
    }
}

/// `value` if it is finite and not negative.
pub(crate) fn non_negative(item: &str, value: f64) -> Result<f64, InventoryError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(InventoryError::invalid(item, format!("must be non-negative and finite, got {value}")))
    }
}

/// `value` if it is finite.
pub(crate) fn finite(item: &str, value: f64) -> Result<f64, InventoryError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(InventoryError::invalid(item, format!("must be finite, got {value}")))
    }
}

/// `value` if it lies strictly between 0 and 1.
pub(crate) fn open_unit(item: &str, value: f64) -> Result<f64, InventoryError> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(InventoryError::invalid(item, format!("must lie strictly between 0 and 1, got {value}")))
    }
}

/// `value` if a computation produced a finite number; an overflow otherwise.
pub(crate) fn computed(item: &str, value: f64) -> Result<f64, InventoryError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(InventoryError::invalid(item, format!("the inputs overflow floating point (result {value})")))
    }
}
