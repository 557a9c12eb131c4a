//! What one trial came to, as the run makes it and the reports read it:
//! its failures step by step (located, with the console's message) and the
//! masked exchange of each step. It sits below both `run` and `report`, so
//! that neither uses the other's types for it.

pub mod failure;
pub mod step_view;

pub use failure::{StepFailure, StepLabel, TrialFailure, body_excerpt, request_line};
pub use step_view::StepView;
