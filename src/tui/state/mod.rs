//! The state of the wizard: the app, the evaluated model, where the user is, what is being edited.

pub mod app;
pub mod editing;
pub mod effect;
pub mod job;
pub mod model;
pub mod nav;
pub mod prompt;
pub mod ranking;
pub mod recovery;
pub mod screens;
pub mod views;
