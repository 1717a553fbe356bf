//! Discrete demand distributions on the non-negative integers: Poisson, and an explicit
//! probability mass function (which can also tabulate a Poisson distribution for the
//! algorithms that sweep many levels).
//!
//! Loss-function conventions for integer-valued demand `D` and integer level `x` (Snyder &
//! Shen 2019, appendix C.3):
//! - `n(x) = E[(D - x)+]`, `nbar(x) = E[(x - D)+]`, so `n(x) - nbar(x) = E[D] - x`;
//! - `n2(x) = E[(D - x)(D - x - 1)+] / 2 = sum_{y >= x} (y - x) P(D > y)`,
//!   `nbar2(x) = E[(x - D)(x + 1 - D)+] / 2`, so
//!   `n2(x) + nbar2(x) = ((x - E[D])^2 + (x - E[D]) + Var[D]) / 2`.

use super::check;
use super::normal::std_normal_quantile;
use crate::InventoryError;

/// The largest Poisson mean accepted: tables for it span about 250 000 values.
pub const MAX_POISSON_MEAN: f64 = 1e7;

/// Terms of a tail sum smaller than this fraction of the running sum are dropped.
const SUM_EPS: f64 = 1e-17;

/// `ln(sqrt(2 pi))`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_741_780_329_736_406;

/// The error of Stirling's formula, `ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi)`, for an
/// integer `n >= 1`: exact values up to 15, the asymptotic series beyond (absolute error below
/// 1e-16).
///
/// Reference: C. Loader, "Fast and accurate computation of binomial probabilities" (2000).
// Exact values to 35 digits (Python decimal), more than a double holds.
#[allow(clippy::excessive_precision)]
fn stirling_error(n: f64) -> f64 {
    const EXACT: [f64; 16] = [
        0.0,
        0.081_061_466_795_327_258_219_670_263_594_382_36,
        0.041_340_695_955_409_294_093_822_081_407_117_51,
        0.027_677_925_684_998_339_148_789_292_746_244_67,
        0.020_790_672_103_765_093_111_522_771_767_848_66,
        0.016_644_691_189_821_192_163_194_865_373_593_39,
        0.013_876_128_823_070_747_998_745_727_023_762_91,
        0.011_896_709_945_891_770_095_055_724_117_659_44,
        0.010_411_265_261_972_096_497_478_567_132_534_63,
        0.009_255_462_182_712_732_917_728_636_633_100_14,
        0.008_330_563_433_362_871_256_469_318_659_628_55,
        0.007_573_675_487_951_840_794_972_024_211_595_08,
        0.006_942_840_107_209_529_865_664_152_663_475_36,
        0.006_408_994_188_004_207_068_439_631_082_978_31,
        0.005_951_370_112_758_847_735_624_416_046_469_46,
        0.005_554_733_551_962_801_371_038_689_959_792_28,
    ];
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        // `n` is a small non-negative integer here.
        return EXACT[n as usize];
    }
    let nn = n * n;
    (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
}

/// The deviance term `x ln(x / m) + m - x`, computed without cancellation when `x` is near `m`.
///
/// Reference: C. Loader, "Fast and accurate computation of binomial probabilities" (2000).
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let mut v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let next = s + ej / f64::from(2 * j + 1);
            if next == s {
                return next;
            }
            s = next;
        }
        return s;
    }
    x * (x / m).ln() + m - x
}

/// Partial sums of a tail of a Poisson distribution at a level `x`: the probability, the
/// first-order and the second-order loss contributions.
#[derive(Debug, Default, Clone, Copy)]
struct TailSums {
    probability: f64,
    first: f64,
    second: f64,
}

impl TailSums {
    /// Adds one term; returns whether all three increments were negligible.
    fn add(&mut self, probability: f64, first: f64, second: f64) -> bool {
        self.probability += probability;
        self.first += first;
        self.second += second;
        probability <= SUM_EPS * self.probability && first <= SUM_EPS * self.first && second <= SUM_EPS * self.second
    }
}

/// A Poisson distribution of demand over an interval.
///
/// Probabilities are computed in log space with Loader's saddle-point expansion (relative
/// accuracy about 1e-14 for any mean up to [`MAX_POISSON_MEAN`]), distribution and loss
/// functions by summing the tail on the short side of the mean, so that each is accurate in its
/// own tail. Each evaluation costs O(sqrt(mean)); for algorithms that sweep many levels,
/// tabulate it once with [`DiscretePmf::from_poisson`].
///
/// # Units
/// The mean in units of the product per interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Poisson {
    mean: f64,
}

impl Poisson {
    /// The Poisson distribution with the given mean (0 is a demand that is always 0).
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `mean` is negative, not finite or above
    /// [`MAX_POISSON_MEAN`].
    pub fn new(mean: f64) -> Result<Self, InventoryError> {
        let mean = check::non_negative("mean", mean)?;
        if mean > MAX_POISSON_MEAN {
            return Err(InventoryError::invalid("mean", format!("must be at most {MAX_POISSON_MEAN:e}, got {mean}")));
        }
        Ok(Self { mean })
    }

    /// The demand over `periods` independent periods of this demand: Poisson with mean
    /// `periods * mean`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `periods` is negative or not finite, or the
    /// new mean is above [`MAX_POISSON_MEAN`].
    pub fn over_periods(&self, periods: f64) -> Result<Self, InventoryError> {
        let n = check::non_negative("periods", periods)?;
        Self::new(self.mean * n)
    }

    /// The mean (and variance).
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// `P(D = k)` for `k >= 0`.
    fn pmf_at(&self, k: u64) -> f64 {
        let m = self.mean;
        if m == 0.0 {
            return if k == 0 { 1.0 } else { 0.0 };
        }
        if k == 0 {
            return (-m).exp();
        }
        let x = k as f64;
        (-stirling_error(x) - deviance(x, m) - LN_SQRT_2PI - 0.5 * x.ln()).exp()
    }

    /// Sums over `y <= x`: `P(D <= x)`, `sum (x - y) p(y)`, `sum (x - y)(x + 1 - y) p(y) / 2`.
    /// Meant for `x` below the mean, where the terms decrease away from `x`.
    fn lower_sums(&self, x: u64) -> TailSums {
        let mut sums = TailSums::default();
        let mut p = self.pmf_at(x);
        let mut y = x;
        loop {
            let w = (x - y) as f64;
            let negligible = sums.add(p, w * p, 0.5 * w * (w + 1.0) * p);
            if y == 0 || negligible {
                return sums;
            }
            p *= y as f64 / self.mean;
            y -= 1;
        }
    }

    /// Sums over `y > x`: `P(D > x)`, `sum (y - x) p(y)`, `sum (y - x)(y - x - 1) p(y) / 2`.
    /// Meant for `x` at or above the mean, where the terms decrease away from `x`.
    fn upper_sums(&self, x: u64) -> TailSums {
        let mut sums = TailSums::default();
        let mut y = x + 1;
        let mut p = self.pmf_at(y);
        loop {
            let w = (y - x) as f64;
            if sums.add(p, w * p, 0.5 * w * (w - 1.0) * p) {
                return sums;
            }
            y += 1;
            p *= self.mean / y as f64;
        }
    }

    /// Whether level `x >= 0` is below the mean (sum the lower tail) or not (the upper tail).
    fn below_mean(&self, x: u64) -> bool {
        (x as f64) < self.mean
    }

    /// `P(D = k)`.
    #[must_use]
    pub fn pmf(&self, k: i64) -> f64 {
        u64::try_from(k).map_or(0.0, |k| self.pmf_at(k))
    }

    /// `P(D <= k)`.
    #[must_use]
    pub fn cdf(&self, k: i64) -> f64 {
        let Ok(x) = u64::try_from(k) else { return 0.0 };
        if self.below_mean(x) {
            self.lower_sums(x).probability
        } else {
            1.0 - self.upper_sums(x).probability
        }
    }

    /// `P(D > k)`, accurate in the upper tail.
    #[must_use]
    pub fn sf(&self, k: i64) -> f64 {
        let Ok(x) = u64::try_from(k) else { return 1.0 };
        if self.below_mean(x) {
            1.0 - self.lower_sums(x).probability
        } else {
            self.upper_sums(x).probability
        }
    }

    /// The smallest `k` with `P(D <= k) >= p`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `p` is not strictly between 0 and 1.
    pub fn quantile(&self, p: f64) -> Result<i64, InventoryError> {
        let z = std_normal_quantile(p)?;
        let m = self.mean;
        // Cornish-Fisher start, then walk: a handful of steps.
        let guess = (m + m.sqrt() * z + (z * z - 1.0) / 6.0).floor().max(0.0);
        let mut k = guess as i64;
        while self.cdf(k) < p {
            k += 1;
        }
        while k > 0 && self.cdf(k - 1) >= p {
            k -= 1;
        }
        Ok(k)
    }

    /// `n(k) = E[(D - k)+]`.
    #[must_use]
    pub fn loss(&self, k: i64) -> f64 {
        match u64::try_from(k) {
            Err(_) | Ok(0) => self.mean - k as f64,
            Ok(x) if self.below_mean(x) => self.lower_sums(x).first + self.mean - k as f64,
            Ok(x) => self.upper_sums(x).first,
        }
    }

    /// `nbar(k) = E[(k - D)+]`.
    #[must_use]
    pub fn complementary_loss(&self, k: i64) -> f64 {
        match u64::try_from(k) {
            Err(_) | Ok(0) => 0.0,
            Ok(x) if self.below_mean(x) => self.lower_sums(x).first,
            Ok(x) => self.upper_sums(x).first + k as f64 - self.mean,
        }
    }

    /// `((k - mean)^2 + (k - mean) + mean) / 2 = n2(k) + nbar2(k)`.
    fn second_moment_half(&self, k: i64) -> f64 {
        let d = k as f64 - self.mean;
        0.5 * (d * d + d + self.mean)
    }

    /// `n2(k) = E[(D - k)(D - k - 1)+] / 2`.
    #[must_use]
    pub fn second_loss(&self, k: i64) -> f64 {
        match u64::try_from(k) {
            Err(_) | Ok(0) => self.second_moment_half(k),
            Ok(x) if self.below_mean(x) => self.second_moment_half(k) - self.lower_sums(x).second,
            Ok(x) => self.upper_sums(x).second,
        }
    }

    /// `nbar2(k) = E[(k - D)(k + 1 - D)+] / 2`.
    #[must_use]
    pub fn complementary_second_loss(&self, k: i64) -> f64 {
        match u64::try_from(k) {
            Err(_) | Ok(0) => 0.0,
            Ok(x) if self.below_mean(x) => self.lower_sums(x).second,
            Ok(x) => self.second_moment_half(k) - self.upper_sums(x).second,
        }
    }
}

/// A demand distribution on the integers given by its probability mass function, with its
/// distribution and loss functions tabulated once for O(1) evaluation.
///
/// Values outside the tabulated support have probability 0; the loss functions there follow
/// from the mean and variance exactly.
///
/// # Units
/// Demand values in units of the product (pieces).
#[derive(Debug, Clone, PartialEq)]
pub struct DiscretePmf {
    /// The value of index 0.
    first: i64,
    pmf: Vec<f64>,
    cdf: Vec<f64>,
    sf: Vec<f64>,
    loss: Vec<f64>,
    complementary_loss: Vec<f64>,
    second_loss: Vec<f64>,
    complementary_second_loss: Vec<f64>,
    mean: f64,
    variance: f64,
}

impl DiscretePmf {
    /// The distribution with `P(D = k) = probabilities[k]` for `k = 0, 1, ...`.
    ///
    /// The probabilities are normalized to sum to exactly 1.
    ///
    /// # Arguments
    /// * `probabilities`: `P(D = 0), P(D = 1), ...`.
    ///
    /// # Returns
    /// The tabulated distribution.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when the slice is empty, an entry is negative or not
    /// finite, or the entries do not sum to 1 within 1e-6.
    ///
    /// # Complexity
    /// O(n) time and space for n probabilities.
    pub fn new(probabilities: &[f64]) -> Result<Self, InventoryError> {
        if probabilities.is_empty() {
            return Err(InventoryError::invalid("probabilities", "must not be empty"));
        }
        if let Some((k, p)) = probabilities.iter().enumerate().find(|(_, p)| !(p.is_finite() && **p >= 0.0)) {
            return Err(InventoryError::invalid(
                "probabilities",
                format!("P(D = {k}) = {p}; probabilities must be non-negative and finite"),
            ));
        }
        let total: f64 = probabilities.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(InventoryError::invalid("probabilities", format!("must sum to 1, sum to {total}")));
        }
        Ok(Self::tabulate(0, probabilities.iter().map(|p| p / total).collect()))
    }

    /// The Poisson distribution, tabulated over the values whose probability is not negligible
    /// (the mean ± 40 standard deviations, and at least 60 values above the mean): the mass left
    /// out is below 1e-300.
    ///
    /// # Complexity
    /// O(sqrt(mean) + 1) time and space.
    #[must_use]
    pub fn from_poisson(poisson: &Poisson) -> Self {
        let m = poisson.mean();
        let sd = m.sqrt();
        let lo = (m - 40.0 * sd - 10.0).floor().max(0.0) as u64;
        let hi = (m + 40.0 * sd + 60.0).ceil() as u64;
        let mut pmf: Vec<f64> = (lo..=hi).map(|k| poisson.pmf_at(k)).collect();
        // Drop underflowed ends.
        let last_nonzero = pmf.iter().rposition(|p| *p > 0.0).unwrap_or(0);
        pmf.truncate(last_nonzero + 1);
        let first_nonzero = pmf.iter().position(|p| *p > 0.0).unwrap_or(0);
        pmf.drain(..first_nonzero);
        let total: f64 = pmf.iter().sum();
        for p in &mut pmf {
            *p /= total;
        }
        Self::tabulate(lo as i64 + first_nonzero as i64, pmf)
    }

    /// Tabulates a normalized pmf whose index 0 stands for value `first`.
    fn tabulate(first: i64, pmf: Vec<f64>) -> Self {
        let n = pmf.len();
        let mut forward = vec![0.0; n];
        let mut acc = 0.0;
        for (f, p) in forward.iter_mut().zip(&pmf) {
            acc += p;
            *f = acc;
        }
        // backward[i] = P(D > first + i).
        let mut backward = vec![0.0; n];
        let mut acc = 0.0;
        for i in (0..n).rev() {
            backward[i] = acc;
            acc += pmf[i];
        }
        // Each tail from the side where it is small.
        let cdf: Vec<f64> = forward.iter().zip(&backward).map(|(f, b)| if *f <= 0.5 { *f } else { 1.0 - b }).collect();
        let sf: Vec<f64> = forward.iter().zip(&backward).map(|(f, b)| if *b <= 0.5 { *b } else { 1.0 - f }).collect();

        let offset: f64 = pmf.iter().enumerate().map(|(i, p)| i as f64 * p).sum();
        let variance = pmf.iter().enumerate().map(|(i, p)| (i as f64 - offset).powi(2) * p).sum();
        let mean = first as f64 + offset;

        // n(x) = sum_{k >= x} P(D > k), from the top.
        let mut loss = vec![0.0; n];
        let mut acc = 0.0;
        for i in (0..n).rev() {
            acc += sf[i];
            loss[i] = acc;
        }
        // nbar(x) = sum_{k < x} P(D <= k), from the bottom.
        let mut complementary_loss = vec![0.0; n];
        for i in 1..n {
            complementary_loss[i] = complementary_loss[i - 1] + cdf[i - 1];
        }
        // n2(x) = n2(x + 1) + n(x + 1), n2(last) = 0.
        let mut second_loss = vec![0.0; n];
        for i in (0..n.saturating_sub(1)).rev() {
            second_loss[i] = second_loss[i + 1] + loss[i + 1];
        }
        // nbar2(x) = nbar2(x - 1) + nbar(x), nbar2(first) = 0.
        let mut complementary_second_loss = vec![0.0; n];
        for i in 1..n {
            complementary_second_loss[i] = complementary_second_loss[i - 1] + complementary_loss[i];
        }
        Self { first, pmf, cdf, sf, loss, complementary_loss, second_loss, complementary_second_loss, mean, variance }
    }

    /// Where `k` falls: below the table, at an index, or above it.
    fn locate(&self, k: i64) -> Place {
        match k.checked_sub(self.first) {
            Some(i) if i >= 0 => match usize::try_from(i) {
                Ok(i) if i < self.pmf.len() => Place::At(i),
                _ => Place::Above,
            },
            Some(_) => Place::Below,
            None => {
                if k < self.first {
                    Place::Below
                } else {
                    Place::Above
                }
            }
        }
    }

    /// The mean.
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The variance.
    #[must_use]
    pub fn variance(&self) -> f64 {
        self.variance
    }

    /// The smallest and largest tabulated values; all the probability lies between them.
    #[must_use]
    pub fn support(&self) -> (i64, i64) {
        (self.first, self.first + self.pmf.len() as i64 - 1)
    }

    /// `P(D = k)`.
    #[must_use]
    pub fn pmf(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::At(i) => self.pmf[i],
            _ => 0.0,
        }
    }

    /// `P(D <= k)`.
    #[must_use]
    pub fn cdf(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => 0.0,
            Place::At(i) => self.cdf[i],
            Place::Above => 1.0,
        }
    }

    /// `P(D > k)`.
    #[must_use]
    pub fn sf(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => 1.0,
            Place::At(i) => self.sf[i],
            Place::Above => 0.0,
        }
    }

    /// The smallest `k` with `P(D <= k) >= p`.
    ///
    /// # Errors
    /// [`InventoryError::InvalidParameter`] when `p` is not strictly between 0 and 1.
    ///
    /// # Complexity
    /// O(log n).
    pub fn quantile(&self, p: f64) -> Result<i64, InventoryError> {
        let p = check::open_unit("probability", p)?;
        let i = self.cdf.partition_point(|c| *c < p).min(self.pmf.len() - 1);
        Ok(self.first + i as i64)
    }

    /// `n(k) = E[(D - k)+]`.
    #[must_use]
    pub fn loss(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => self.mean - k as f64,
            Place::At(i) => self.loss[i],
            Place::Above => 0.0,
        }
    }

    /// `nbar(k) = E[(k - D)+]`.
    #[must_use]
    pub fn complementary_loss(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => 0.0,
            Place::At(i) => self.complementary_loss[i],
            Place::Above => k as f64 - self.mean,
        }
    }

    /// `((k - mean)^2 + (k - mean) + variance) / 2 = n2(k) + nbar2(k)`.
    fn second_moment_half(&self, k: i64) -> f64 {
        let d = k as f64 - self.mean;
        0.5 * (d * d + d + self.variance)
    }

    /// `n2(k) = E[(D - k)(D - k - 1)+] / 2`.
    #[must_use]
    pub fn second_loss(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => self.second_moment_half(k),
            Place::At(i) => self.second_loss[i],
            Place::Above => 0.0,
        }
    }

    /// `nbar2(k) = E[(k - D)(k + 1 - D)+] / 2`.
    #[must_use]
    pub fn complementary_second_loss(&self, k: i64) -> f64 {
        match self.locate(k) {
            Place::Below => 0.0,
            Place::At(i) => self.complementary_second_loss[i],
            Place::Above => self.second_moment_half(k),
        }
    }
}

/// Where a value falls relative to a table.
#[derive(Debug, Clone, Copy)]
enum Place {
    Below,
    At(usize),
    Above,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
    }

    #[test]
    fn poisson_matches_scipy() {
        // scipy.stats.poisson.pmf / cdf / sf(k, mean); for the means 1e4 and 1e6, whose scipy pmf is off
        // by 2e-11 and 7e-10, 70-digit values (Python decimal, the pmf by recurrence from an exact start).
        let cases: [(i64, f64, f64, f64, f64); 9] = [
            (10_000, 1e4, 3.989_389_558_962_826e-3, 0.502_659_581_219_007_7, 0.497_340_418_780_992_4),
            (9_800, 1e4, 5.380_903_057_983_303e-4, 0.022_749_222_010_894_86, 0.977_250_777_989_105_1),
            (10_300, 1e4, 4.564_761_038_034_2e-5, 0.998_613_282_242_913_6, 1.386_717_757_086_423e-3),
            (0, 0.5, 0.606_530_659_712_633_4, 0.606_530_659_712_633_4, 0.393_469_340_287_366_5),
            (3, 0.5, 0.012_636_055_410_679_865, 0.998_248_377_443_709_2, 0.001_751_622_556_290_824),
            (18, 15.0, 0.070_612_959_557_353_65, 0.819_471_711_632_722_5, 0.180_528_288_367_277_55),
            (0, 15.0, 3.059_023_205_018_258e-7, 3.059_023_205_018_259_4e-7, 0.999_999_694_097_679_5),
            (1_000_000, 1e6, 3.989_422_471_562_440_4e-4, 0.500_265_961_486_283_7, 0.499_734_038_513_716_34),
            (1_002_000, 1e6, 5.400_894_402_150_457e-5, 0.977_249_877_040_325_7, 0.022_750_122_959_674_25),
        ];
        for (k, m, pmf, cdf, sf) in cases {
            let d = Poisson::new(m).unwrap();
            assert!(close(d.pmf(k), pmf, 1e-12), "pmf({k}; {m}) = {} want {pmf}", d.pmf(k));
            assert!(close(d.cdf(k), cdf, 1e-12), "cdf({k}; {m}) = {} want {cdf}", d.cdf(k));
            assert!(close(d.sf(k), sf, 1e-11), "sf({k}; {m}) = {} want {sf}", d.sf(k));
        }
        // The far tail: scipy.stats.poisson.sf(40, 6) = 6.929090798032227e-21.
        assert!(close(Poisson::new(6.0).unwrap().sf(40), 6.929_090_798_032_227e-21, 1e-10));
    }

    #[test]
    fn poisson_loss_matches_stockpyl() {
        // stockpyl.loss_functions.poisson_loss(k, mean) and poisson_second_loss(k, mean).
        let cases: [(i64, f64, f64, f64, f64, f64); 5] = [
            (18, 15.0, 0.517_609_528_258_472_2, 3.517_609_528_258_472, 0.848_340_302_917_789_2, 12.651_659_697_082_211),
            (9_900, 1e4, 108.290_948_841_096_51, 8.290_948_841_096_524, 9_573.185_089_940_67, 376.814_910_059_328_67),
            (
                10_250,
                1e4,
                0.207_751_602_554_679_95,
                250.207_751_602_554_68,
                6.188_681_253_323_324,
                36_368.811_318_746_67,
            ),
            (
                3,
                0.5,
                0.001_938_971_314_612_934,
                2.501_938_971_314_613,
                0.000_203_719_691_170_032_44,
                4.624_796_280_308_829,
            ),
            (0, 2.0, 2.0, 0.0, 2.0, 0.0),
        ];
        for (k, m, n, nbar, n2, n2bar) in cases {
            let d = Poisson::new(m).unwrap();
            assert!(close(d.loss(k), n, 1e-9), "n({k}; {m}) = {} want {n}", d.loss(k));
            assert!(close(d.complementary_loss(k), nbar, 1e-9));
            assert!(close(d.second_loss(k), n2, 1e-9), "n2({k}; {m}) = {} want {n2}", d.second_loss(k));
            assert!(close(d.complementary_second_loss(k), n2bar, 1e-9));
            let t = DiscretePmf::from_poisson(&d);
            assert!(close(t.loss(k), n, 1e-9), "table n({k}; {m}) = {} want {n}", t.loss(k));
            assert!(close(t.complementary_loss(k), nbar, 1e-9));
            assert!(close(t.second_loss(k), n2, 1e-9), "table n2({k}; {m}) = {} want {n2}", t.second_loss(k));
            assert!(close(t.complementary_second_loss(k), n2bar, 1e-9));
        }
    }

    #[test]
    fn poisson_quantile_matches_scipy() {
        // scipy.stats.poisson.ppf(p, 15) and ppf(p, 1e4).
        for (p, q15, q1e4) in
            [(0.2, 12, 9_916), (0.5, 15, 10_000), (0.795_454_545_454_545_4, 18, 10_082), (0.999, 28, 10_310)]
        {
            assert_eq!(Poisson::new(15.0).unwrap().quantile(p).unwrap(), q15);
            assert_eq!(Poisson::new(1e4).unwrap().quantile(p).unwrap(), q1e4);
            assert_eq!(DiscretePmf::from_poisson(&Poisson::new(1e4).unwrap()).quantile(p).unwrap(), q1e4);
        }
    }

    #[test]
    fn explicit_pmf_matches_stockpyl() {
        // stockpyl.loss_functions.discrete_loss(x, pmf=...) and discrete_second_loss(x, pmf=...)
        // for the pmf {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.25, 4: 0.15}.
        let d = DiscretePmf::new(&[0.1, 0.2, 0.3, 0.25, 0.15]).unwrap();
        let cases = [
            (-1, 3.15, 0.0, 4.1, 0.0),
            (0, 2.15, 0.0, 1.95, 0.0),
            (2, 0.55, 0.4, 0.15, 0.5),
            (3, 0.15, 1.0, 0.0, 1.5),
            (5, 0.0, 2.85, 0.0, 6.2),
        ];
        for (k, n, nbar, n2, n2bar) in cases {
            assert!((d.loss(k) - n).abs() < 1e-12, "n({k}) = {}", d.loss(k));
            assert!((d.complementary_loss(k) - nbar).abs() < 1e-12);
            assert!((d.second_loss(k) - n2).abs() < 1e-12, "n2({k}) = {}", d.second_loss(k));
            assert!(
                (d.complementary_second_loss(k) - n2bar).abs() < 1e-12,
                "nbar2({k}) = {}",
                d.complementary_second_loss(k)
            );
        }
        assert!((d.mean() - 2.15).abs() < 1e-12);
        assert_eq!(d.support(), (0, 4));
        assert_eq!(d.quantile(0.3).unwrap(), 1);
        assert_eq!(d.quantile(0.31).unwrap(), 2);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        assert!(Poisson::new(-1.0).is_err());
        assert!(Poisson::new(f64::NAN).is_err());
        assert!(Poisson::new(f64::INFINITY).is_err());
        assert!(Poisson::new(2e7).is_err());
        assert!(DiscretePmf::new(&[]).is_err());
        assert!(DiscretePmf::new(&[0.5, 0.6]).is_err());
        assert!(DiscretePmf::new(&[1.5, -0.5]).is_err());
        assert!(DiscretePmf::new(&[f64::NAN, 1.0]).is_err());
        assert!(Poisson::new(3.0).unwrap().quantile(1.0).is_err());
    }

    #[test]
    fn zero_mean_is_a_point_mass() {
        let d = Poisson::new(0.0).unwrap();
        assert_eq!(d.pmf(0), 1.0);
        assert_eq!(d.cdf(0), 1.0);
        assert_eq!(d.loss(0), 0.0);
        assert_eq!(d.complementary_loss(3), 3.0);
        assert_eq!(d.quantile(0.9).unwrap(), 0);
        let t = DiscretePmf::from_poisson(&d);
        assert_eq!(t.support(), (0, 0));
        assert_eq!(t.loss(-2), 2.0);
    }

    proptest! {
        #[test]
        fn poisson_point_and_table_agree(m in 0.01f64..3000.0, dk in -5.0f64..5.0) {
            let d = Poisson::new(m).unwrap();
            let t = DiscretePmf::from_poisson(&d);
            let k = (m + dk * m.sqrt()).round() as i64;
            prop_assert!((d.cdf(k) - t.cdf(k)).abs() <= 1e-12);
            prop_assert!((d.sf(k) - t.sf(k)).abs() <= 1e-12);
            prop_assert!(close(d.loss(k), t.loss(k), 1e-9) || (d.loss(k) - t.loss(k)).abs() < 1e-12);
            prop_assert!(close(d.complementary_loss(k), t.complementary_loss(k), 1e-9) || (d.complementary_loss(k) - t.complementary_loss(k)).abs() < 1e-12);
            prop_assert!(((d.loss(k) - d.complementary_loss(k)) - (m - k as f64)).abs() <= 1e-9 * m.max(1.0));
        }

        #[test]
        fn explicit_pmf_loss_identities(probs in proptest::collection::vec(0.0f64..1.0, 1..12), k in -3i64..15) {
            let total: f64 = probs.iter().sum();
            prop_assume!(total > 1e-3);
            let probs: Vec<f64> = probs.iter().map(|p| p / total).collect();
            let d = DiscretePmf::new(&probs).unwrap();
            // Brute force against the definitions.
            let (mut n, mut nbar, mut n2, mut n2bar) = (0.0, 0.0, 0.0, 0.0);
            for (y, p) in probs.iter().enumerate() {
                let y = y as f64;
                let x = k as f64;
                if y >= x { n += (y - x) * p; n2 += 0.5 * (y - x) * (y - x - 1.0) * p; }
                if y <= x { nbar += (x - y) * p; n2bar += 0.5 * (x - y) * (x + 1.0 - y) * p; }
            }
            prop_assert!((d.loss(k) - n).abs() < 1e-9);
            prop_assert!((d.complementary_loss(k) - nbar).abs() < 1e-9);
            prop_assert!((d.second_loss(k) - n2).abs() < 1e-9);
            prop_assert!((d.complementary_second_loss(k) - n2bar).abs() < 1e-9);
        }
    }
}
