//! Statistics for impact studies on any table: proportions, survival, group comparisons and
//! difference-in-differences, matching R (survival, sandwich) and statsmodels.
//!
//! Each function takes plain columns, so the same code serves the command line on a user's
//! CSV/Parquet file, the notebooks and the indicator library. Reference values for every test
//! come from `tests/fixtures/studies/reference.R` (R) and statsmodels, as each test says.

pub mod data;
pub mod did;
pub mod means;
pub mod proportion;
pub mod survival;

/// An estimate with its uncertainty, named as researchers expect in JSON.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// What is estimated.
    pub term: String,
    /// Point estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: Option<f64>,
    /// Lower confidence limit.
    pub ci_low: Option<f64>,
    /// Upper confidence limit.
    pub ci_high: Option<f64>,
    /// Test statistic (t or z).
    pub statistic: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Degrees of freedom.
    pub df: Option<f64>,
    /// Observations used.
    pub n: u64,
}
