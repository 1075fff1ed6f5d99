//! Backends execute plans into additive aggregates. Polars is the one backend today.

pub mod polars;

use crate::error::Result;
use crate::plan::{Aggregates, Context, Plan};

/// An execution engine for plans.
pub trait Backend {
    /// Execute a plan; `indicator` names it in errors.
    fn execute(&self, indicator: &str, plan: &Plan, ctx: &Context) -> Result<Aggregates>;

    /// Execute plans over the same units and groups, (indicator, plan) each, aggregates in the
    /// same order. A backend may answer them with one pass over the data; this default runs
    /// them one by one.
    fn execute_batch(&self, plans: &[(&str, &Plan)], ctx: &Context) -> Result<Vec<Aggregates>> {
        plans.iter().map(|(indicator, plan)| self.execute(indicator, plan, ctx)).collect()
    }
}
