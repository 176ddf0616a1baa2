//! The state of the wizard: the app, the evaluated model, where the user is, what is being edited.

pub mod app;
pub mod bin_labels;
pub mod edit;
pub mod editing;
pub mod effect;
pub mod model;
pub mod nav;
pub mod ranking;
pub mod recovery;
pub mod structure;
pub mod views;
