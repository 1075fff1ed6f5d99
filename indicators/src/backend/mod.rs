//! Backends execute plans into additive aggregates. Polars is the one backend today.

pub mod polars;

use crate::error::Result;
use crate::plan::{Aggregates, Context, Plan};

/// An execution engine for plans.
pub trait Backend {
    /// Execute a plan; `indicator` names it in errors.
    fn execute(&self, indicator: &str, plan: &Plan, ctx: &Context) -> Result<Aggregates>;
}
