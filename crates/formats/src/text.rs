//! Helpers shared by the line-oriented readers and writers (Solomon, Li & Lim, IRP): numbered
//! lines, numbers whose errors name their line, scaled times, and round-trip checks.

use milkrun_model::ProblemData;

use crate::error::{check_count, FormatError};

/// Largest absolute value of a scaled integer (a time or a coordinate times the scale): well
/// below 2^53, so that `value / scale` written as text and read back rounds to `value`, and a
/// sum of many such values stays far from `i64` overflow.
const MAX_SCALED: f64 = 1e15;

/// A non-blank line, trimmed, with its 1-based number and whitespace-separated fields.
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub(crate) number: usize,
    /// The trimmed text.
    pub(crate) text: &'a str,
    /// Whitespace-separated fields.
    pub(crate) fields: Vec<&'a str>,
}

/// The non-blank lines of `text` (any of `\n`, `\r\n` endings).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    text.lines().enumerate().filter_map(|(i, raw)| {
        let text = raw.trim();
        (!text.is_empty()).then(|| Line { number: i + 1, text, fields: text.split_whitespace().collect() })
    })
}

impl Line<'_> {
    /// The fields, checking there are exactly `n` of them.
    pub(crate) fn expect_fields(&self, n: usize, what: &str) -> Result<&[&str], FormatError> {
        if self.fields.len() == n {
            Ok(&self.fields)
        } else {
            Err(FormatError::parse(
                self.number,
                format!("{what}: expected {n} fields, found {} in '{}'", self.fields.len(), self.text),
            ))
        }
    }
}

/// An integer field.
pub(crate) fn int(line: usize, what: &str, s: &str) -> Result<i64, FormatError> {
    s.parse().map_err(|_| FormatError::parse(line, format!("{what}: '{s}' is not an integer")))
}

/// A non-negative integer field.
pub(crate) fn non_negative(line: usize, what: &str, s: &str) -> Result<i64, FormatError> {
    let v = int(line, what, s)?;
    if v < 0 {
        return Err(FormatError::parse(line, format!("{what}: {v} is negative")));
    }
    Ok(v)
}

/// A count field, capped by [`crate::MAX_ITEMS`].
pub(crate) fn count(line: usize, what: &'static str, s: &str) -> Result<u32, FormatError> {
    let v: u64 = s.parse().map_err(|_| FormatError::parse(line, format!("{what}: '{s}' is not a count")))?;
    let n = check_count(line, what, v)?;
    u32::try_from(n).map_err(|_| FormatError::TooLarge { line, what, value: v, limit: u64::from(u32::MAX) })
}

/// A finite real field of sensible size (|v| < 10^12).
pub(crate) fn real(line: usize, what: &str, s: &str) -> Result<f64, FormatError> {
    let v: f64 = s.parse().map_err(|_| FormatError::parse(line, format!("{what}: '{s}' is not a number")))?;
    if v.is_finite() && v.abs() < 1e12 {
        Ok(v)
    } else {
        Err(FormatError::parse(line, format!("{what}: {s} is not a finite number of sensible size")))
    }
}

/// A finite, non-negative real field.
pub(crate) fn non_negative_real(line: usize, what: &str, s: &str) -> Result<f64, FormatError> {
    let v = real(line, what, s)?;
    if v < 0.0 {
        return Err(FormatError::parse(line, format!("{what}: {s} is negative")));
    }
    Ok(v)
}

/// Checks a scale factor is positive.
pub(crate) fn check_scale(scale: u32) -> Result<(), FormatError> {
    if scale == 0 {
        return Err(FormatError::parse(0, "the scale must be positive"));
    }
    Ok(())
}

/// A coordinate field, checked small enough that distances times `scale` stay exact integers.
pub(crate) fn coordinate(line: usize, what: &str, s: &str, scale: u32) -> Result<f64, FormatError> {
    let v = real(line, what, s)?;
    if (v * f64::from(scale)).abs() > MAX_SCALED {
        return Err(FormatError::parse(line, format!("{what}: {s} is too large for scale {scale}")));
    }
    Ok(v)
}

/// A non-negative time field, as `round(scale * t)`.
pub(crate) fn scaled_time(line: usize, what: &str, s: &str, scale: u32) -> Result<i64, FormatError> {
    let t = non_negative_real(line, what, s)?;
    let v = (t * f64::from(scale)).round();
    if v > MAX_SCALED {
        return Err(FormatError::parse(line, format!("{what}: {s} is too large for scale {scale}")));
    }
    // In range by the check above.
    Ok(v as i64)
}

/// `value / scale` as the shortest text that [`scaled_time`] reads back as `value` (for values
/// up to 10^15 in magnitude): "912", "12.5", "0.001".
pub(crate) fn unscaled(value: i64, scale: u32) -> String {
    format!("{}", value as f64 / f64::from(scale))
}

/// The first difference between two problems, for round-trip errors of writers.
pub(crate) fn first_difference(a: &ProblemData, b: &ProblemData) -> Option<String> {
    fn diff<T: PartialEq>(what: &str, a: &[T], b: &[T]) -> Option<String> {
        if a.len() != b.len() {
            return Some(format!("{what}: {} written, {} read back", a.len(), b.len()));
        }
        a.iter().zip(b).position(|(x, y)| x != y).map(|i| format!("{what} #{i}"))
    }
    if a.name != b.name {
        return Some(format!("the name '{}'", a.name));
    }
    diff("dimensions", &a.dimensions, &b.dimensions)
        .or_else(|| diff("site", &a.sites, &b.sites))
        .or_else(|| diff("container", &a.containers, &b.containers))
        .or_else(|| diff("part", &a.parts, &b.parts))
        .or_else(|| diff("skill", &a.skills, &b.skills))
        .or_else(|| diff("job", &a.jobs, &b.jobs))
        .or_else(|| diff("vehicle type", &a.vehicle_types, &b.vehicle_types))
        .or_else(|| (a.travel != b.travel).then(|| "the travel matrix".to_string()))
        .or_else(|| (a.linehauls_before_backhauls != b.linehauls_before_backhauls).then(|| "linehauls first".into()))
        .or_else(|| (a.horizon != b.horizon).then(|| "the horizon".to_string()))
}

/// Shared test helpers.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::path::{Path, PathBuf};

    /// `../shared/data/<set>` if present; `None` (with a message) otherwise.
    pub(crate) fn shared_data(set: &str) -> Option<PathBuf> {
        let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(set);
        d.is_dir().then_some(d).or_else(|| {
            eprintln!("skipping: ../shared/data/{set} is absent");
            None
        })
    }

    /// The files of `dir` with extension `ext`, sorted.
    pub(crate) fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == ext)).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn unscaled_reads_back() {
        for scale in [1, 3, 7, 1000, 1_000_000] {
            for value in [0i64, 1, 2, 999, 1001, 123_456_789, 999_999_999_999_999] {
                let text = unscaled(value, scale);
                if (value as f64 / f64::from(scale)) >= 1e12 {
                    continue;
                }
                assert_eq!(scaled_time(1, "t", &text, scale).ok(), Some(value), "{value} / {scale} = {text}");
            }
        }
        assert_eq!(unscaled(912_000, 1000), "912");
        assert_eq!(unscaled(12_500, 1000), "12.5");
    }

    proptest::proptest! {
        /// Readers never panic on arbitrary text, and whatever they accept writes back to the
        /// same value (the fuzz property of `properties.rs`, for the line-oriented formats).
        #[test]
        fn accepted_text_round_trips(
            body in "([0-9]{1,3}(\\.[0-9])?[ \t]{1,2}){0,9}(-?[0-9]{1,2}[ \t])?\n{1,2}",
            rows in 0usize..8,
            head in proptest::sample::select(vec![
                "x\nVEHICLE\nNUMBER\n2 50\nCUSTOMER\nCUST\n", "2 50 1\n", "3 2 100 1\n", ""]),
        ) {
            let text = format!("{head}{}", body.repeat(rows));
            if let Ok(i) = crate::read_solomon(&text, 10) {
                let back = crate::read_solomon(&crate::write_solomon(&i.problem, 10).unwrap(), 10).unwrap();
                proptest::prop_assert_eq!(back.problem, i.problem);
            }
            if let Ok(i) = crate::read_lilim(&text, "f", 10) {
                let back = crate::read_lilim(&crate::write_lilim(&i.problem, 10).unwrap(), "f", 10).unwrap();
                proptest::prop_assert_eq!(back.problem, i.problem);
            }
            if let Ok(i) = crate::read_irp(&text, "f") {
                proptest::prop_assert_eq!(crate::read_irp(&crate::write_irp(&i), "f").unwrap(), i);
            }
            let _ = crate::read_irp_bounds(&text);
        }
    }

    #[test]
    fn numbers_name_their_line() {
        assert!(int(7, "demand", "x").unwrap_err().to_string().starts_with("line 7:"));
        assert!(real(3, "x", "inf").is_err());
        assert!(real(3, "x", "NaN").is_err());
        assert!(non_negative_real(3, "x", "-1").is_err());
        assert!(matches!(count(2, "vehicles", "1000000000000"), Err(FormatError::TooLarge { line: 2, .. })));
    }
}
