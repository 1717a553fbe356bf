//! Reorder proposals and alerts: from a position of the ledger, a demand forecast and a reorder
//! rule, the order to place now (if any) and what needs a person's attention.
//!
//! # Units
//! Forecasts, lead times and review periods count *periods* (days, usually); quantities are in
//! the SKU's stock unit; instants are the ledger's event times, and
//! [`ReplenishmentConfig::period`] says how long a period is in them.

use milkrun_model::Duration;

use crate::analytics::days_of_cover;
use crate::error::InventoryError;
use crate::ledger::{LocationId, Position, SkuId, SupplierId};
use crate::policy::check::non_negative;
use crate::policy::{
    safety_stock, std_normal_loss, std_normal_sf, Normal, OrderRounding, ServiceTarget, SupplierCalendar,
};

/// How a position is replenished.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ReorderRule {
    /// Continuous review (r, Q): when the inventory position is at or below the reorder point
    /// r = lead-time demand + safety stock, order the smallest multiple of `quantity` that lifts
    /// it above r.
    ReorderPoint {
        /// Batch size Q (an EOQ, a container, a truckload).
        quantity: f64,
    },
    /// Periodic review (R, S): every `review` periods (the milk-run pickup cycle), starting at
    /// period `offset`, order up to S = demand over R + L + safety stock over R + L.
    OrderUpTo {
        /// Review period R, in periods, at least 1.
        review: u32,
        /// First review period (period 0 is the ledger's time 0), below `review`.
        offset: u32,
    },
    /// Fixed levels: when the position is at or below `min`, order up to `max`.
    MinMax {
        /// Reorder level.
        min: f64,
        /// Order-up-to level, at least `min`.
        max: f64,
    },
}

/// Planning settings of one (SKU, location).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSettings {
    /// The SKU.
    pub sku: SkuId,
    /// The location.
    pub location: LocationId,
    /// Who delivers.
    pub supplier: SupplierId,
    /// The reorder rule.
    pub rule: ReorderRule,
    /// Mean lead time, in periods (replaced by the calendar's when there is one).
    pub lead_time: f64,
    /// Standard deviation of the lead time, in periods (0: fixed lead time).
    pub lead_time_sd: f64,
    /// Service the safety stock is sized for.
    pub service: ServiceTarget,
    /// Minimum order, lot multiple, maximum.
    pub rounding: OrderRounding,
    /// The days the supplier ships and its lead time in days: when set, an order placed now
    /// ships on the next shipping day and the lead time counts from today to its delivery day
    /// (periods are then days).
    pub calendar: Option<SupplierCalendar>,
    /// Largest sensible inventory position: above it, an overstock alert.
    pub max_stock: Option<f64>,
    /// Largest sensible days of cover of on hand against the forecast: above it, an alert.
    pub max_cover: Option<f64>,
    /// Whether consumption arrives as issue events. When it does not (a tank read by a gauge),
    /// the drop between two readings is expected to match the forecast.
    pub consumption_recorded: bool,
}

impl ItemSettings {
    /// Settings with a cycle service level of 95 %, no rounding, no limits, recorded consumption.
    #[must_use]
    pub fn new(sku: SkuId, location: LocationId, supplier: SupplierId, rule: ReorderRule, lead_time: f64) -> Self {
        Self {
            sku,
            location,
            supplier,
            rule,
            lead_time,
            lead_time_sd: 0.0,
            service: ServiceTarget::CycleServiceLevel(0.95),
            rounding: OrderRounding::default(),
            calendar: None,
            max_stock: None,
            max_cover: None,
            consumption_recorded: true,
        }
    }
}

/// Demand expected from now on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandView<'a> {
    /// Forecast demand per period, from the current period on; the last value is repeated when
    /// the lead time and review period reach beyond it.
    pub forecast: &'a [f64],
    /// Standard deviation of the one-period forecast error.
    pub sigma: f64,
}

/// Settings shared by every item of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplenishmentConfig {
    /// Length of a period in ledger time.
    pub period: Duration,
    /// A stockout-risk alert fires when the probability of running out before an order placed
    /// now could arrive exceeds this.
    pub stockout_risk: f64,
    /// A sensor is silent when its last reading is older than this.
    pub sensor_silence: Duration,
    /// An unexplained drop fires when stock falls more than this many standard deviations of
    /// the forecast error beyond what the forecast (or recorded consumption) explains.
    pub drop_sigmas: f64,
    /// ... and by more than this quantity (to ignore gauge noise on slow movers).
    pub drop_minimum: f64,
}

impl Default for ReplenishmentConfig {
    /// Daily periods, 20 % stockout risk, sensors silent after 6 hours, drops beyond 3 sigma
    /// and 1 unit.
    fn default() -> Self {
        Self {
            period: Duration::hours(24),
            stockout_risk: 0.2,
            sensor_silence: Duration::hours(6),
            drop_sigmas: 3.0,
            drop_minimum: 1.0,
        }
    }
}

/// An order to place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proposal {
    /// The SKU.
    pub sku: SkuId,
    /// The location to deliver to.
    pub location: LocationId,
    /// The supplier.
    pub supplier: SupplierId,
    /// Quantity, after minimum order and lot rounding.
    pub quantity: f64,
    /// Whether the maximum order cut the quantity.
    pub capped: bool,
    /// When it is due: now + the lead time (from the calendar's delivery day when there is one).
    pub due: Duration,
    /// The inventory position it was computed from.
    pub position: f64,
    /// The level that triggered it (reorder point, or min).
    pub trigger: f64,
}

/// Something about a position that needs attention.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Alert {
    /// Stock available within the lead time (on hand − backorders − allocated + orders due
    /// before an order placed now could arrive) probably does not cover lead-time demand.
    StockoutRisk {
        /// Probability of a stockout before an order placed now arrives (normal lead-time
        /// demand).
        probability: f64,
        /// Expected shortage over that time.
        expected_shortage: f64,
        /// Stock counted as available.
        available: f64,
    },
    /// The inventory position is above the maximum.
    Overstock {
        /// Inventory position.
        position: f64,
        /// The maximum.
        limit: f64,
    },
    /// On hand lasts longer than the maximum days of cover.
    ExcessCover {
        /// Periods of cover (`None`: beyond the whole forecast).
        cover: Option<f64>,
        /// The maximum.
        limit: f64,
    },
    /// No sensor reading for too long (checked for positions a sensor has read, and for those
    /// whose consumption is not recorded).
    SensorSilent {
        /// The last reading (`None`: never read).
        last: Option<Duration>,
    },
    /// The latest reading fell more than forecasts and recorded events explain (leak, theft,
    /// a wrong booking). Only the latest two readings are compared: assess sensor-fed
    /// positions after each batch of readings.
    UnexplainedDrop {
        /// Time of the reading.
        at: Duration,
        /// Unexplained quantity.
        quantity: f64,
        /// The threshold it exceeded.
        threshold: f64,
    },
}

/// Alerts for an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemAlert {
    /// The SKU.
    pub sku: SkuId,
    /// The location.
    pub location: LocationId,
    /// What.
    pub alert: Alert,
}

/// The levels a rule computed for an item.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Targets {
    /// Mean demand over the protection interval (lead time, plus the review period for
    /// (R, S)).
    pub protected_demand: f64,
    /// Standard deviation of demand over it (forecast error and lead-time variability).
    pub protected_sd: f64,
    /// Safety stock.
    pub safety_stock: f64,
    /// Reorder level: r, or min.
    pub reorder_level: f64,
    /// Order-up-to level S or max, when the rule has one.
    pub order_up_to: Option<f64>,
}

/// What [`assess`] decided for one item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assessment {
    /// Levels.
    pub targets: Targets,
    /// The order to place now, if any.
    pub proposal: Option<Proposal>,
    /// Alerts, in the order of [`Alert`]'s variants.
    pub alerts: Vec<Alert>,
}

/// Decides the order to place now and the alerts for one item.
///
/// # Arguments
/// * `settings`: the item's rule, lead time, service and limits.
/// * `position`: its ledger position (or `None` if the ledger never saw it: empty stock).
/// * `demand`: the forecast from the current period on.
/// * `now`: the current ledger time.
/// * `config`: shared settings.
///
/// # Returns
/// Targets, an optional proposal and the alerts.
///
/// # Complexity
/// O(lead time + review period + open orders).
///
/// # Errors
/// [`InventoryError::InvalidParameter`] naming the item and the field for a setting out of its
/// domain (negative lead time, service level outside (0, 1), empty or negative forecast...).
///
/// # Example
/// ```
/// use milkrun_inventory::replenish::{assess, DemandView, ItemSettings, ReorderRule, ReplenishmentConfig};
/// use milkrun_inventory::{LocationId, Position, SkuId, SupplierId};
/// use milkrun_model::Duration;
///
/// let settings = ItemSettings::new(SkuId(0), LocationId(0), SupplierId(4), ReorderRule::ReorderPoint { quantity: 100.0 }, 3.0);
/// let position = Position { on_hand: 40.0, ..Position::default() };
/// let demand = DemandView { forecast: &[20.0; 14], sigma: 5.0 };
/// let a = assess(&settings, Some(&position), &demand, Duration::hours(24 * 10), &ReplenishmentConfig::default())?;
/// // r = 3 x 20 + 1.645 x 5 x sqrt(3) = 74.2: a position of 40 orders one batch.
/// assert!((a.targets.reorder_level - 74.245).abs() < 1e-3);
/// assert_eq!(a.proposal.unwrap().quantity, 100.0);
/// assert_eq!(a.proposal.unwrap().due, Duration::hours(24 * 13));
/// # Ok::<(), milkrun_inventory::InventoryError>(())
/// ```
pub fn assess(
    settings: &ItemSettings,
    position: Option<&Position>,
    demand: &DemandView<'_>,
    now: Duration,
    config: &ReplenishmentConfig,
) -> Result<Assessment, InventoryError> {
    let mut out = Assessment::default();
    assess_into(settings, position, demand, now, config, &mut out)?;
    Ok(out)
}

/// [`assess`] writing into a caller-owned assessment (cleared first), to reuse its alert list
/// over many items.
///
/// # Errors
/// As [`assess`].
pub fn assess_into(
    settings: &ItemSettings,
    position: Option<&Position>,
    demand: &DemandView<'_>,
    now: Duration,
    config: &ReplenishmentConfig,
    out: &mut Assessment,
) -> Result<(), InventoryError> {
    out.alerts.clear();
    out.proposal = None;
    let item = || format!("{}@{}", settings.sku, settings.location);
    check(settings, demand, config).map_err(|e| name_error(e, &item()))?;
    let empty = Position::default();
    let p = position.unwrap_or(&empty);
    let ip = p.inventory_position();
    let lead = match &settings.calendar {
        Some(calendar) => {
            let today = u32::try_from(now.0.div_euclid(config.period.0)).map_err(|_| {
                InventoryError::invalid(format!("{} now", item()), "is not a day of the calendar's horizon")
            })?;
            let r = calendar.replenishment(today).map_err(|e| name_error(e, &item()))?;
            f64::from(r.delivery_day - today)
        }
        None => settings.lead_time,
    };

    // Targets.
    let (interval, review_mean) = match settings.rule {
        ReorderRule::OrderUpTo { review, .. } => {
            (lead + f64::from(review), demand_over(demand.forecast, f64::from(review)))
        }
        _ => (lead, 0.0),
    };
    let mean = demand_over(demand.forecast, interval);
    let rate = if interval > 0.0 { mean / interval } else { demand.forecast[0] };
    let sd =
        (interval * demand.sigma * demand.sigma + rate * rate * settings.lead_time_sd * settings.lead_time_sd).sqrt();
    let cycle_quantity = match settings.rule {
        ReorderRule::ReorderPoint { quantity } => quantity,
        ReorderRule::OrderUpTo { .. } => review_mean,
        ReorderRule::MinMax { min, max } => (max - min).max(rate),
    };
    let protection = Normal::new(mean, sd).map_err(|e| name_error(e, &item()))?;
    // Without demand per cycle there is nothing for a fill rate to protect.
    let safety_stock = if cycle_quantity > 0.0 || matches!(settings.service, ServiceTarget::CycleServiceLevel(_)) {
        safety_stock(&protection, settings.service, cycle_quantity).map_err(|e| name_error(e, &item()))?.safety_stock
    } else {
        0.0
    };
    let (reorder_level, order_up_to, wanted) = match settings.rule {
        ReorderRule::ReorderPoint { quantity } => {
            let r = mean + safety_stock;
            let q = if ip > r { 0.0 } else { ((r - ip) / quantity).floor().mul_add(quantity, quantity) };
            (r, None, q)
        }
        ReorderRule::OrderUpTo { review, offset } => {
            let s = mean + safety_stock;
            let period = now.0.div_euclid(config.period.0.max(1));
            let due_today = period.rem_euclid(i64::from(review)) == i64::from(offset);
            (s, Some(s), if due_today { s - ip } else { 0.0 })
        }
        ReorderRule::MinMax { min, max } => (min, Some(max), if ip <= min { max - ip } else { 0.0 }),
    };
    out.targets = Targets { protected_demand: mean, protected_sd: sd, safety_stock, reorder_level, order_up_to };
    let due = Duration(now.0.saturating_add((lead * config.period.0 as f64).round() as i64));
    if wanted > 0.0 {
        let rounded = settings.rounding.round(wanted).map_err(|e| name_error(e, &item()))?;
        out.proposal = Some(Proposal {
            sku: settings.sku,
            location: settings.location,
            supplier: settings.supplier,
            quantity: rounded.quantity as f64,
            capped: rounded.capped,
            due,
            position: ip,
            trigger: reorder_level,
        });
    }

    // Alerts.
    let lead_mean = demand_over(demand.forecast, lead);
    let lead_sd = (lead * demand.sigma * demand.sigma + rate * rate * settings.lead_time_sd.powi(2)).sqrt();
    let arriving: f64 = p.open_orders.iter().filter(|o| o.due <= due).map(|o| o.remaining).sum();
    let available = p.on_hand - p.backorders - p.allocated + arriving;
    let (probability, expected_shortage) = if lead_sd > 0.0 {
        let z = (available - lead_mean) / lead_sd;
        (std_normal_sf(z), lead_sd * std_normal_loss(z))
    } else if lead_mean > available {
        (1.0, lead_mean - available)
    } else {
        (0.0, 0.0)
    };
    if probability > config.stockout_risk {
        out.alerts.push(Alert::StockoutRisk { probability, expected_shortage, available });
    }
    if let Some(limit) = settings.max_stock {
        if ip > limit {
            out.alerts.push(Alert::Overstock { position: ip, limit });
        }
    }
    if let Some(limit) = settings.max_cover {
        let cover = days_of_cover(p.on_hand.max(0.0), demand.forecast)?;
        if cover.is_none_or(|c| c > limit) {
            out.alerts.push(Alert::ExcessCover { cover, limit });
        }
    }
    if !settings.consumption_recorded || p.last_reading.is_some() {
        let last = p.last_reading.map(|r| r.time);
        if last.is_none_or(|t| now.0.saturating_sub(t.0) > config.sensor_silence.0) {
            out.alerts.push(Alert::SensorSilent { last });
        }
    }
    if let (Some(last), Some(previous)) = (p.last_reading, p.previous_reading) {
        let elapsed = (last.time.0 - previous.time.0) as f64 / config.period.0 as f64;
        let expected = if settings.consumption_recorded { 0.0 } else { rate * elapsed };
        let quantity = -p.reading_correction - expected;
        let threshold = (config.drop_sigmas * demand.sigma * elapsed.max(0.0).sqrt()).max(config.drop_minimum);
        if quantity > threshold {
            out.alerts.push(Alert::UnexplainedDrop { at: last.time, quantity, threshold });
        }
    }
    Ok(())
}

fn name_error(e: InventoryError, item: &str) -> InventoryError {
    match e {
        InventoryError::InvalidParameter { item: field, reason } => {
            InventoryError::InvalidParameter { item: format!("{item} {field}"), reason }
        }
        other => other,
    }
}

/// Demand over the next `periods` periods (fractional), repeating the last forecast value.
fn demand_over(forecast: &[f64], periods: f64) -> f64 {
    let whole = periods.floor() as usize;
    let at = |k: usize| forecast.get(k).or(forecast.last()).copied().unwrap_or(0.0);
    let head: f64 = forecast.iter().take(whole).sum();
    let tail = whole.saturating_sub(forecast.len()) as f64 * at(forecast.len());
    head + tail + (periods - whole as f64) * at(whole)
}

fn check(settings: &ItemSettings, demand: &DemandView<'_>, config: &ReplenishmentConfig) -> Result<(), InventoryError> {
    non_negative("lead_time", settings.lead_time)?;
    non_negative("lead_time_sd", settings.lead_time_sd)?;
    non_negative("sigma", demand.sigma)?;
    if settings.lead_time > 1e6 {
        return Err(InventoryError::invalid(
            "lead_time",
            format!("{} periods is beyond any horizon", settings.lead_time),
        ));
    }
    if demand.forecast.is_empty() {
        return Err(InventoryError::InsufficientData { item: "forecast".into(), needed: 1, got: 0 });
    }
    if let Some(k) = demand.forecast.iter().position(|x| !x.is_finite() || *x < 0.0) {
        return Err(InventoryError::invalid(
            format!("forecast[{k}]"),
            format!("must be finite and non-negative, got {}", demand.forecast[k]),
        ));
    }
    for (name, limit) in [("max_stock", settings.max_stock), ("max_cover", settings.max_cover)] {
        if let Some(x) = limit {
            non_negative(name, x)?;
        }
    }
    match settings.rule {
        ReorderRule::ReorderPoint { quantity } => {
            if !(quantity.is_finite() && quantity > 0.0) {
                return Err(InventoryError::invalid("quantity", format!("must be positive, got {quantity}")));
            }
        }
        ReorderRule::OrderUpTo { review, offset } => {
            if review == 0 {
                return Err(InventoryError::invalid("review", "must be at least 1 period"));
            }
            if offset >= review {
                return Err(InventoryError::invalid(
                    "offset",
                    format!("{offset} is not below the review period {review}"),
                ));
            }
        }
        ReorderRule::MinMax { min, max } => {
            if !(min.is_finite() && max.is_finite() && min <= max) {
                return Err(InventoryError::invalid("min/max", format!("need finite min <= max, got {min} and {max}")));
            }
        }
    }
    if config.period.0 <= 0 {
        return Err(InventoryError::invalid("period", "must be positive"));
    }
    if !(config.stockout_risk > 0.0 && config.stockout_risk < 1.0) {
        return Err(InventoryError::invalid(
            "stockout_risk",
            format!("must be in (0, 1), got {}", config.stockout_risk),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{DeviceId, OpenOrder, OrderId, Reading};

    fn settings(rule: ReorderRule) -> ItemSettings {
        ItemSettings::new(SkuId(1), LocationId(2), SupplierId(3), rule, 2.0)
    }

    const DAY: i64 = 86_400;

    #[test]
    fn demand_over_fractional_periods_repeats_the_last_value() {
        assert_eq!(demand_over(&[1.0, 2.0, 3.0], 2.5), 1.0 + 2.0 + 1.5);
        assert_eq!(demand_over(&[1.0, 2.0], 4.0), 1.0 + 2.0 + 2.0 + 2.0);
        assert_eq!(demand_over(&[1.0, 2.0], 3.5), 1.0 + 2.0 + 2.0 + 1.0);
        assert_eq!(demand_over(&[5.0], 0.0), 0.0);
    }

    #[test]
    fn order_up_to_orders_only_on_review_days() {
        let rule = ReorderRule::OrderUpTo { review: 7, offset: 2 };
        let demand = DemandView { forecast: &[10.0; 30], sigma: 0.0 };
        let p = Position { on_hand: 30.0, ..Position::default() };
        let cfg = ReplenishmentConfig::default();
        let on = assess(&settings(rule), Some(&p), &demand, Duration(9 * DAY + 3600), &cfg).unwrap();
        // S = 10 x (7 + 2) = 90 with no uncertainty; position 30 orders 60.
        assert_eq!(on.targets.order_up_to, Some(90.0));
        assert_eq!(on.proposal.unwrap().quantity, 60.0);
        let off = assess(&settings(rule), Some(&p), &demand, Duration(10 * DAY), &cfg).unwrap();
        assert!(off.proposal.is_none());
    }

    #[test]
    fn min_max_rounds_to_lots_and_minimum() {
        let mut s = settings(ReorderRule::MinMax { min: 20.0, max: 50.0 });
        s.rounding = OrderRounding { min_order_quantity: 40, lot_multiple: 12, max_order_quantity: None };
        let p = Position { on_hand: 15.0, ..Position::default() };
        let a = assess(
            &s,
            Some(&p),
            &DemandView { forecast: &[1.0], sigma: 0.0 },
            Duration(0),
            &ReplenishmentConfig::default(),
        )
        .unwrap();
        assert_eq!(a.proposal.unwrap().quantity, 48.0);
    }

    #[test]
    fn a_calendar_moves_the_due_date_to_the_delivery_day() {
        use milkrun_model::{Calendar, Weekday, WeekdaySet};
        let mut s = settings(ReorderRule::ReorderPoint { quantity: 10.0 });
        // Ships Monday and Thursday, 2 days to deliver; day 0 is a Monday, today (day 1) a Tuesday:
        // ships Thursday (day 3), delivered day 5, so the lead time is 4 days, not 2.
        s.calendar = Some(SupplierCalendar {
            calendar: Calendar { open_days: WeekdaySet::of(&[Weekday::Mon, Weekday::Thu]), holidays: vec![] },
            first_weekday: Weekday::Mon,
            lead_time_days: 2,
        });
        let demand = DemandView { forecast: &[5.0; 10], sigma: 0.0 };
        let a = assess(&s, None, &demand, Duration(DAY + 7200), &ReplenishmentConfig::default()).unwrap();
        assert_eq!(a.targets.protected_demand, 20.0);
        assert_eq!(a.proposal.unwrap().due, Duration(5 * DAY + 7200));
    }

    #[test]
    fn fill_rate_targets_size_the_safety_stock_by_the_batch() {
        let mut s = settings(ReorderRule::ReorderPoint { quantity: 100.0 });
        s.service = ServiceTarget::FillRate(0.98);
        let demand = DemandView { forecast: &[10.0; 10], sigma: 10.0 };
        let a = assess(&s, None, &demand, Duration(0), &ReplenishmentConfig::default()).unwrap();
        // sigma over 2 periods = 10 sqrt 2; sigma G(z) = 0.02 x 100
        let sd = 10.0 * 2f64.sqrt();
        assert!((sd * std_normal_loss(a.targets.safety_stock / sd) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn alerts_fire_on_risk_overstock_silence_and_drops() {
        let mut s = settings(ReorderRule::ReorderPoint { quantity: 50.0 });
        s.max_stock = Some(100.0);
        s.max_cover = Some(10.0);
        s.consumption_recorded = false;
        let demand = DemandView { forecast: &[10.0; 20], sigma: 2.0 };
        let cfg = ReplenishmentConfig::default();
        let now = Duration(30 * DAY);
        // 5 on hand against 20 over the lead time: a stockout is near certain. An order of 200
        // due later than the lead time does not count as available but lifts the position.
        let p = Position {
            on_hand: 5.0,
            open_orders: vec![OpenOrder {
                order: OrderId(1),
                supplier: SupplierId(3),
                remaining: 200.0,
                due: Duration(40 * DAY),
            }],
            last_reading: Some(Reading { time: Duration(29 * DAY), level: 5.0, device: DeviceId(0), sequence: 2 }),
            previous_reading: Some(Reading { time: Duration(28 * DAY), level: 60.0, device: DeviceId(0), sequence: 1 }),
            reading_correction: -55.0,
            ..Position::default()
        };
        let a = assess(&s, Some(&p), &demand, now, &cfg).unwrap();
        let kinds: Vec<&str> = a
            .alerts
            .iter()
            .map(|a| match a {
                Alert::StockoutRisk { .. } => "risk",
                Alert::Overstock { .. } => "overstock",
                Alert::ExcessCover { .. } => "cover",
                Alert::SensorSilent { .. } => "silent",
                Alert::UnexplainedDrop { .. } => "drop",
            })
            .collect();
        // A drop of 55 in one day against a forecast of 10 is 45 unexplained, beyond 3 x 2.
        assert_eq!(kinds, ["risk", "overstock", "silent", "drop"]);
        if let Alert::StockoutRisk { probability, available, .. } = a.alerts[0] {
            assert!(probability > 0.99 && available == 5.0);
        }
        assert!(a.proposal.is_none(), "the position of 205 is above r");
    }

    #[test]
    fn bad_settings_name_the_item_and_field() {
        let mut s = settings(ReorderRule::ReorderPoint { quantity: 10.0 });
        s.lead_time = -1.0;
        let err = assess(
            &s,
            None,
            &DemandView { forecast: &[1.0], sigma: 0.0 },
            Duration(0),
            &ReplenishmentConfig::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("sku#1@location#2 lead_time"), "{err}");
        let s = settings(ReorderRule::ReorderPoint { quantity: 10.0 });
        let err = assess(
            &s,
            None,
            &DemandView { forecast: &[1.0, f64::NAN], sigma: 0.0 },
            Duration(0),
            &ReplenishmentConfig::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("forecast[1]"), "{err}");
    }
}
